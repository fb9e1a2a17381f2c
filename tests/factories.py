"""Factories for the geography, agencies and one persona per role."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from communes.models import Commune, District, Edition, Province, Region, Village
from criteria.models import CriteriaSet, Criterion, Indicator, Threshold
from ntm_portal.models import Role, User
from ntm_portal.text import fold
from sponsorships.models import Agency, Assignment

PASSWORD = "mat-khau-thu-nghiem-2026"


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Province

    edition = Edition.THREE_TIER_2024
    code = factory.Sequence(lambda n: f"{n % 100:02d}")
    short_name = factory.Sequence(lambda n: f"Tỉnh thử {n}")
    name = factory.LazyAttribute(lambda o: f"Tỉnh {o.short_name}")
    search_name = factory.LazyAttribute(lambda o: fold(o.name))
    kind = Province.Kind.PROVINCE


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    province = factory.SubFactory(ProvinceFactory)
    edition = factory.SelfAttribute("province.edition")
    code = factory.Sequence(lambda n: f"{n % 1000:03d}")
    short_name = factory.Sequence(lambda n: f"Huyện thử {n}")
    name = factory.LazyAttribute(lambda o: f"Huyện {o.short_name}")
    search_name = factory.LazyAttribute(lambda o: fold(o.name))
    kind = District.Kind.RURAL_DISTRICT


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = Commune

    district = factory.SubFactory(DistrictFactory)
    province = factory.SelfAttribute("district.province")
    edition = factory.SelfAttribute("province.edition")
    code = factory.Sequence(lambda n: f"{n % 100000:05d}")
    short_name = factory.Sequence(lambda n: f"Xã thử {n}")
    name = factory.LazyAttribute(lambda o: f"Xã {o.short_name}")
    search_name = factory.LazyAttribute(lambda o: fold(o.name))
    kind = Commune.Kind.RURAL


class VillageFactory(DjangoModelFactory):
    class Meta:
        model = Village

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Thôn {n}")
    search_name = factory.LazyAttribute(lambda o: fold(o.name))


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Cơ quan thử {n}")
    short_name = factory.Sequence(lambda n: f"CQ{n}")


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    agency = factory.SubFactory(AgencyFactory)
    commune = factory.SubFactory(CommuneFactory)
    kind = Assignment.Kind.SPONSORED
    start = date(2020, 7, 14)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    role = Role.NONE
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CriteriaSetFactory(DjangoModelFactory):
    class Meta:
        model = CriteriaSet

    code = factory.Sequence(lambda n: f"BO-THU-{n}")
    name = factory.Sequence(lambda n: f"Bộ tiêu chí thử {n}")
    legal_basis = "Quyết định số 318/QĐ-TTg ngày 08/3/2022"
    level = CriteriaSet.Level.XA_NTM
    valid_from = date(2022, 3, 8)


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Tiêu chí {n}")
    short_name = factory.Sequence(lambda n: f"tiêu chí {n}")


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    criterion = factory.SubFactory(CriterionFactory)
    number = factory.LazyAttributeSequence(lambda o, n: f"{o.criterion.number}.{n + 1}")
    name = factory.Sequence(lambda n: f"Chỉ tiêu {n}")
    kind = Indicator.Kind.YES_NO


def small_catalogue(code: str = "QD318-THU") -> CriteriaSet:
    """Three criteria: 1 yes/no; 2 a percent ≥ 70 (≥ 50 in the northern mountains); 3 poverty
    at most 5%, a revocation key."""
    criteria_set = CriteriaSetFactory(code=code, name="Bộ tiêu chí xã NTM (thử)")
    planning = CriterionFactory(
        criteria_set=criteria_set, number=1, name="Quy hoạch", short_name="quy hoạch"
    )
    IndicatorFactory(criterion=planning, number="1.1", name="Có quy hoạch được duyệt")
    roads = CriterionFactory(
        criteria_set=criteria_set, number=2, name="Giao thông", short_name="giao thông"
    )
    paved = IndicatorFactory(
        criterion=roads,
        number="2.1",
        name="Tỷ lệ đường được cứng hóa",
        kind=Indicator.Kind.PERCENT,
        unit="%",
    )
    Threshold.objects.create(indicator=paved, value=70)
    Threshold.objects.create(indicator=paved, value=50, region=Region.NORTHERN_MIDLANDS_MOUNTAINS)
    poverty = CriterionFactory(
        criteria_set=criteria_set,
        number=3,
        name="Nghèo đa chiều",
        short_name="nghèo đa chiều",
        revocation_key=True,
    )
    rate = IndicatorFactory(
        criterion=poverty,
        number="3.1",
        name="Tỷ lệ nghèo đa chiều",
        kind=Indicator.Kind.PERCENT,
        unit="%",
        direction=Indicator.Direction.AT_MOST,
    )
    Threshold.objects.create(indicator=rate, value=5)
    return criteria_set

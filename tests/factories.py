"""Factories for the geography, agencies and one persona per role."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from communes.models import Commune, District, Edition, Province, Village
from communes.text import fold
from ntm_portal.models import Role, User
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

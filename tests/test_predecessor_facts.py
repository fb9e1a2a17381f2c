"""A 2025 commune's page lists what each commune it was formed from last stood at: tally and set,
recognition, villages met, last inspection — facts the floors above register (communes.facts)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.facts import facts_of
from communes.models import Commune, CommuneLineage, Edition, LineageKind, ProvinceLineage
from criteria.models import Recognition
from criteria.standings import standings_refresh
from ntm_portal.models import Role
from sponsorships.models import Inspection, InspectionReport

from .factories import (
    AgencyFactory,
    AssignmentFactory,
    CommuneFactory,
    ProvinceFactory,
    UserFactory,
)
from .test_dashboards import ALL_MET, _approved

MERGER = date(2025, 7, 1)


def _successor(world, *predecessors, code="19470", name="Lìa"):
    province = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, short_name="Quảng Trị", name="Tỉnh Quảng Trị"
    )
    ProvinceLineage.objects.get_or_create(
        predecessor=world.province_a,
        successor=province,
        defaults={"kind": LineageKind.WHOLE, "effective_on": MERGER},
    )
    commune = Commune.objects.create(
        edition=Edition.TWO_TIER_2025,
        code=code,
        name=f"Xã {name}",
        short_name=name,
        search_name=f"xa {name.lower()}",
        kind=Commune.Kind.RURAL,
        province=province,
    )
    for old in predecessors:
        CommuneLineage.objects.create(
            predecessor=old,
            successor=commune,
            kind=LineageKind.WHOLE,
            effective_on=MERGER,
            source="test",
        )
    return commune


@pytest.fixture
def standing(world):
    """Ba Tầng (a1) approved 3/3 in 2024, with a met village; Thuận (a2) recognised, inspected."""
    _approved(world, world.commune_a1, 2024, 2, ALL_MET)
    village = world.commune_a1.villages.get(name="Bản Xa Doan")
    _approved(world, world.commune_a1, 2024, 2, ALL_MET, village=village)
    Recognition.objects.create(
        commune=world.commune_a2,
        level=Recognition.Level.NTM,
        decision_number="1841/QĐ-UBND",
        decision_date=date(2020, 7, 14),
    )
    inspection = world.inspection_a2
    inspection.status = Inspection.Status.DONE
    inspection.save()
    InspectionReport.objects.filter(inspection=inspection).update(inspected_on=date(2025, 6, 12))
    standings_refresh()
    return world


def _facts(user, commune):
    return {fact.label: fact for fact in facts_of(user, [commune])[commune.pk]}


def test_each_predecessor_shows_its_last_known_standing(client, standing):
    world = standing
    lia = _successor(world, world.commune_a1, world.commune_a2)
    office = UserFactory(role=Role.PROVINCE, province=lia.province)
    ba_tang = _facts(office, world.commune_a1)
    assert ba_tang["Tiêu chí"].text.startswith("đạt 3/3 tiêu chí (")
    assert "6 tháng cuối năm 2024" in ba_tang["Tiêu chí"].text
    assert ba_tang["Tiêu chí"].url.startswith("/tieu-chi/danh-gia/")
    assert ba_tang["Công nhận"].text == "chưa được công nhận"
    assert ba_tang["Thôn đạt chuẩn"].text == "1/2 thôn"
    thuan = _facts(office, world.commune_a2)
    assert thuan["Công nhận"].text == (
        "Đạt chuẩn nông thôn mới – Quyết định số 1841/QĐ-UBND ngày 14/07/2020"
    )
    assert thuan["Tiêu chí"].text == "chưa có kết quả đánh giá được duyệt"
    assert thuan["Kiểm tra gần nhất"].text == f"12/06/2025 – {world.agency_a.name}"

    client.force_login(office)
    page = client.get(reverse("communes:commune_detail", args=[lia.pk])).content.decode()
    assert "Hình thành từ" in page
    assert "đạt 3/3 tiêu chí" in page
    assert "1841/QĐ-UBND" in page
    assert f"12/06/2025 – {world.agency_a.name}" in page


def test_links_of_facts_lead_only_where_the_user_may_go(standing):
    world = standing
    # An agency member of another agency sees the commune (here: by its own assignment) but not
    # the inspection of agency A: the fact has no link.
    other = AgencyFactory(province=world.province_a, name="Hội Nông dân tỉnh Quảng Trị")
    AssignmentFactory(agency=other, commune=world.commune_a2)
    member = UserFactory(role=Role.AGENCY, agency=other)
    assert _facts(member, world.commune_a2)["Kiểm tra gần nhất"].url == ""
    assert _facts(UserFactory(role=Role.AGENCY, agency=world.agency_a), world.commune_a2)[
        "Kiểm tra gần nhất"
    ].url


def test_predecessors_the_user_may_not_see_show_no_facts(client, standing):
    world = standing
    lia = _successor(world, world.commune_a1, world.commune_b1, code="19471", name="Mới")
    official = UserFactory(role=Role.COMMUNE, commune=lia)
    # commune_b1 is a predecessor here, so the official sees it; a stranger commune is not shown.
    client.force_login(UserFactory(role=Role.PROVINCE, province=world.province_b))
    assert client.get(reverse("communes:commune_detail", args=[lia.pk])).status_code == 404
    client.force_login(official)
    page = client.get(reverse("communes:commune_detail", args=[lia.pk])).content.decode()
    assert "đạt 3/3 tiêu chí" in page


def test_the_page_costs_the_same_queries_for_two_predecessors_or_six(client, standing):
    world = standing
    small = _successor(world, world.commune_a1, world.commune_a2, code="19472", name="Nhỏ")
    many = [world.commune_a1, world.commune_a2, world.commune_a3]
    many += [CommuneFactory(district=world.district_a1) for _ in range(3)]
    large = _successor(world, *many, code="19473", name="Lớn")
    client.force_login(UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True))

    def count(commune) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert (
                client.get(reverse("communes:commune_detail", args=[commune.pk])).status_code == 200
            )
        return len(queries)

    assert count(small) == count(large)

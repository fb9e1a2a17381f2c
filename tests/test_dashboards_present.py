"""Dashboards of the 2025 edition show what the communes they are formed from stood at on
30/06/2025: "xã cũ đã đạt chuẩn" for the scope, and per 2025 xã in the list behind a figure."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import CommuneLineage, LineageKind, ProvinceLineage
from criteria.models import Recognition

from .factories import CommuneFactory, DistrictFactory, ProvinceFactory

OVERVIEW = reverse("dashboards:overview")
LIST = reverse("dashboards:commune_list")
MERGER = date(2025, 7, 1)


@pytest.fixture
def formed(two_tier):
    """Ba Tầng 2025 (xa_1) from three 2024 xã, two of them recognised before the merger (one
    revoked in 2024); Hướng Lập (xa_2) from one unrecognised xã."""
    old_province = ProvinceFactory(short_name="Quảng Trị", name="Tỉnh Quảng Trị")
    ProvinceLineage.objects.create(
        predecessor=old_province,
        successor=two_tier.province,
        kind=LineageKind.WHOLE,
        effective_on=MERGER,
    )
    district = DistrictFactory(province=old_province)
    old = [CommuneFactory(district=district) for _ in range(4)]
    for commune, revoked in ((old[0], None), (old[1], date(2024, 3, 1))):
        Recognition.objects.create(
            commune=commune,
            level=Recognition.Level.NTM,
            decision_number=f"{commune.pk}/QĐ-UBND",
            decision_date=date(2019, 12, 1),
            revoked_on=revoked,
        )
    Recognition.objects.create(
        commune=old[2],
        level=Recognition.Level.NTM,
        decision_number="late",
        decision_date=date(2025, 9, 1),  # after the merger: not the old xã's standing
    )
    for predecessor, successor in (
        (old[0], two_tier.xa_1),
        (old[1], two_tier.xa_1),
        (old[2], two_tier.xa_1),
        (old[3], two_tier.xa_2),
    ):
        CommuneLineage.objects.create(
            predecessor=predecessor,
            successor=successor,
            kind=LineageKind.WHOLE,
            effective_on=MERGER,
            source="test",
        )
    return two_tier


def test_the_overview_counts_the_old_xa_recognised_on_the_last_day(client, formed):
    client.force_login(formed.staff)
    page = client.get(OVERVIEW).content.decode()
    assert 'id="kpi-predecessors"' in page
    assert '<span class="figure">1/4</span><span>xã cũ (trước 01/07/2025) đã đạt chuẩn NTM' in page


def test_the_list_says_per_2025_xa_how_many_old_xa_were_recognised(client, formed):
    client.force_login(formed.staff)
    page = client.get(LIST).content.decode()
    assert "1/3 xã cũ đã đạt chuẩn" in page
    assert "0/1 xã cũ đã đạt chuẩn" in page


def test_a_2024_scope_shows_no_old_xa_figure(client, world, personas):
    client.force_login(personas["province"])
    page = client.get(OVERVIEW).content.decode()
    assert 'id="kpi-predecessors"' not in page


def test_the_present_pages_keep_their_query_counts(client, formed):
    client.force_login(formed.staff)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = [count(OVERVIEW), count(LIST)]
    for _ in range(5):
        new = CommuneFactory(district=None, province=formed.province)
        old = CommuneFactory(district=DistrictFactory())
        CommuneLineage.objects.create(
            predecessor=old, successor=new, kind=LineageKind.PART, effective_on=MERGER, source="t"
        )
    large = [count(OVERVIEW), count(LIST)]
    assert small == large
    # 15 before issue 16; the recognition pipeline adds its steps, recognitions and target.
    assert max(large) <= 15, large

"""Scopes across 01/07/2025: the office of a merged province and the officials of a merged commune
read the history of the units they were formed from; changing stays with the unit itself (every
pair of the official table: test_province_reach.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from communes.access import communes_visible_to, keeps_history_of, writes_in_province
from communes.models import (
    Commune,
    CommuneLineage,
    Edition,
    LineageKind,
    Province,
    ProvinceLineage,
)
from criteria.access import can_review_commune, evaluations_visible_to, reviewers_of
from ntm_portal.models import Role
from sponsorships.access import agencies_visible_to, can_issue_documents

from .factories import AgencyFactory, CommuneFactory, ProvinceFactory, UserFactory

MERGER = date(2025, 7, 1)


@pytest.fixture
def merged(world):
    """Quảng Trị (A) of 2024 and a neighbour went into one 2025 province; Ba Tầng (a1) and Thuận
    (a2) into one 2025 commune. Lai Châu (B) went its own way."""
    neighbour = ProvinceFactory(short_name="Quảng Bình", name="Tỉnh Quảng Bình")
    province_2025 = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, short_name="Quảng Trị", name="Tỉnh Quảng Trị"
    )
    for old in (world.province_a, neighbour):
        ProvinceLineage.objects.create(
            predecessor=old, successor=province_2025, kind=LineageKind.WHOLE, effective_on=MERGER
        )
    commune_2025 = Commune.objects.create(
        edition=Edition.TWO_TIER_2025,
        code="19470",
        name="Xã Lìa",
        short_name="Lìa",
        search_name="xa lia",
        kind=Commune.Kind.RURAL,
        province=province_2025,
    )
    for old in (world.commune_a1, world.commune_a2):
        CommuneLineage.objects.create(
            predecessor=old,
            successor=commune_2025,
            kind=LineageKind.WHOLE,
            effective_on=MERGER,
            source="test",
        )
    neighbour_commune = CommuneFactory(district__province=neighbour)
    return province_2025, commune_2025, neighbour, neighbour_commune


def test_office_of_a_2025_province_reads_the_history_of_the_provinces_it_was_formed_from(
    world, merged
):
    province_2025, commune_2025, _neighbour, neighbour_commune = merged
    office = UserFactory(role=Role.PROVINCE, province=province_2025)
    visible = set(communes_visible_to(office))
    assert {commune_2025, world.commune_a1, world.commune_a3, neighbour_commune} <= visible
    assert world.commune_b1 not in visible
    assert world.evaluation_a1 in evaluations_visible_to(office)
    assert world.agency_a in agencies_visible_to(office)
    assert world.agency_b not in agencies_visible_to(office)
    # Reading is not acting: the predecessors' work is not its to review or issue for; their
    # books (paper history, agencies carried over) it keeps.
    assert not can_review_commune(office, world.commune_a1)
    assert not can_issue_documents(office, world.agency_a)
    assert can_review_commune(office, commune_2025)
    assert not can_review_commune(office, world.commune_b1)
    assert keeps_history_of(office, world.province_a.pk)
    assert not keeps_history_of(office, world.province_b.pk)
    assert not writes_in_province(office, world.province_a.pk)
    assert office not in reviewers_of(world.commune_a1)
    assert office in reviewers_of(commune_2025)


def test_a_2024_office_keeps_its_province_and_nothing_of_its_successor(world, merged):
    _province_2025, commune_2025, _neighbour, neighbour_commune = merged
    office = UserFactory(role=Role.PROVINCE, province=world.province_a)
    visible = set(communes_visible_to(office))
    assert world.commune_a1 in visible
    assert commune_2025 not in visible
    assert neighbour_commune not in visible


def test_officials_of_a_2025_commune_read_its_predecessors_but_change_only_their_own(
    client, world, merged
):
    _province, commune_2025, _neighbour, _other = merged
    official = UserFactory(role=Role.COMMUNE, commune=commune_2025)
    visible = set(communes_visible_to(official))
    assert visible == {commune_2025, world.commune_a1, world.commune_a2}
    client.force_login(official)
    page = client.get(reverse("communes:commune_detail", args=[world.commune_a1.pk]))
    assert page.status_code == 200
    assert not page.context["can_change"]
    assert (
        client.get(reverse("communes:commune_detail", args=[world.commune_a3.pk])).status_code
        == 404
    )


def test_without_lineage_a_scope_is_its_own_unit_only(world):
    office = UserFactory(role=Role.PROVINCE, province=world.province_a)
    assert set(communes_visible_to(office)) == set(
        Commune.objects.filter(province=world.province_a)
    )
    assert set(Province.objects.filter(pk__in=[world.province_a.pk])) == {world.province_a}
    assert AgencyFactory(province=world.province_b) not in agencies_visible_to(office)

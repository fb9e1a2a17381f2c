"""A province office writes only in its own province and reads the history of its own
predecessors (docs/access.md): proved over every province of the official 2024 → 2025 table, and
at the doors where the 2025 merger once let an office of 2024 reach its successor."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from communes.access import (
    communes_visible_to,
    keeps_history_of,
    provinces_visible_to,
    successors_of_office,
    writes_in_province,
)
from communes.models import Commune, Edition, LineageKind, Province, ProvinceLineage
from criteria.access import (
    can_decide_commune_groups,
    can_record_recognitions,
    can_review_commune,
    reviewers_of,
)
from criteria.models import Recognition
from ntm_portal.models import Role
from sponsorships.access import agencies_visible_to, can_issue_documents, sponsorship_provinces_for
from sponsorships.models import AssignmentDecision

from .api_helpers import auth, tokens_for
from .factories import AgencyFactory, UserFactory

MERGER = date(2025, 7, 1)
TABLE = Path(settings.BASE_DIR) / "fixtures" / "divisions" / "lineage-2025.json"


def _official_table() -> list[dict]:
    return json.loads(TABLE.read_text(encoding="utf-8"))["provinces"]


@pytest.fixture
def country(db):
    """The 63 provinces of 2024 and the 34 of 2025, linked as the official table links them, one
    xã and one agency each (the rule needs no more of the map)."""
    table = _official_table()
    old = {}
    new = {}
    for row in table:
        for code, name, edition, units in (
            (row["old"], row["old_name"], Edition.THREE_TIER_2024, old),
            (row["new"], row["new_name"], Edition.TWO_TIER_2025, new),
        ):
            if code not in units:
                units[code] = Province.objects.create(
                    edition=edition,
                    code=code,
                    name=name,
                    short_name=name.removeprefix("Tỉnh ").removeprefix("Thành phố "),
                    valid_to=date(2025, 6, 30) if edition == Edition.THREE_TIER_2024 else None,
                )
    for row in table:
        ProvinceLineage.objects.create(
            predecessor=old[row["old"]],
            successor=new[row["new"]],
            kind=LineageKind(row["kind"]),
            effective_on=MERGER,
        )
    communes = {}
    for province in [*old.values(), *new.values()]:
        communes[province.pk] = Commune.objects.create(
            edition=province.edition,
            code=f"9{province.edition % 10}{province.code}",
            name=f"Xã Một {province.short_name}",
            short_name=f"Một {province.short_name}",
            search_name=f"xa mot {province.pk}",
            kind=Commune.Kind.RURAL,
            province=province,
        )
        AgencyFactory(province=province, name=f"Sở Tài chính {province.short_name}")
    predecessors = defaultdict(set)
    for row in table:
        predecessors[new[row["new"]].pk].add(old[row["old"]].pk)
    return table, old, new, communes, predecessors


def test_the_table_has_merged_provinces_to_prove_the_rule_on(country):
    _table, old, new, _communes, predecessors = country
    assert (len(old), len(new)) == (63, 34)
    assert sum(len(ids) > 1 for ids in predecessors.values()) >= 20


def test_every_office_of_2025_reads_its_predecessors_and_writes_only_its_province(country):
    _table, _old, new, communes, predecessors = country
    for province in new.values():
        office = UserFactory(role=Role.PROVINCE, province=province)
        reach = {province.pk} | predecessors[province.pk]
        assert set(provinces_visible_to(office).values_list("pk", flat=True)) == reach
        assert set(communes_visible_to(office).values_list("province_id", flat=True)) == reach
        assert set(agencies_visible_to(office).values_list("province_id", flat=True)) == reach
        assert writes_in_province(office, province.pk)
        assert can_review_commune(office, communes[province.pk])
        for predecessor_id in predecessors[province.pk]:
            # Its predecessors' books are its to keep (paper history, agencies carried over)...
            assert keeps_history_of(office, predecessor_id)
            # ...but their work is not its to change.
            assert not writes_in_province(office, predecessor_id)
            assert not can_review_commune(office, communes[predecessor_id])
        assert list(sponsorship_provinces_for(office)) == [province]


def test_every_office_of_2024_reads_and_writes_its_own_province_only(country):
    table, old, new, communes, predecessors = country
    successor_of = {old[row["old"]].pk: new[row["new"]] for row in table}
    for province in old.values():
        office = UserFactory(role=Role.PROVINCE, province=province)
        successor = successor_of[province.pk]
        assert set(provinces_visible_to(office)) == {province}
        assert set(communes_visible_to(office)) == {communes[province.pk]}
        assert set(agencies_visible_to(office).values_list("province_id", flat=True)) == {
            province.pk
        }
        assert not writes_in_province(office, successor.pk)
        assert not keeps_history_of(office, successor.pk)
        assert not can_review_commune(office, communes[successor.pk])
        assert not can_record_recognitions(office, successor)
        assert not can_decide_commune_groups(office, successor)
        assert office not in reviewers_of(communes[successor.pk])
        for sibling_id in predecessors[successor.pk] - {province.pk}:
            assert not keeps_history_of(office, sibling_id)
        # It is told who holds the work now (the sentence names the successor).
        assert successors_of_office(office) == [successor.name]


def test_only_the_communes_own_office_is_told_of_a_submission(country):
    _table, _old, new, communes, predecessors = country
    province = next(p for p in new.values() if len(predecessors[p.pk]) > 1)
    offices = {
        pk: UserFactory(role=Role.PROVINCE, province_id=pk)
        for pk in {province.pk, *predecessors[province.pk]}
    }
    assert set(reviewers_of(communes[province.pk])) == {offices[province.pk]}
    for predecessor_id in predecessors[province.pk]:
        assert set(reviewers_of(communes[predecessor_id])) == {offices[predecessor_id]}


# --- The doors the probe came in by: a 2024 office against its successor ------------------------


@pytest.fixture
def bac_giang(reorganised, world):
    """The world's neighbour went into the 2025 Quảng Trị with the world's province A: the
    neighbour's office of 2024."""
    return UserFactory(role=Role.PROVINCE, province=reorganised.neighbour)


def test_a_2024_office_cannot_record_a_recognition_in_its_successor(client, reorganised, bac_giang):
    client.force_login(bac_giang)
    url = reverse("criteria:recognitions", args=[reorganised.province.pk])
    assert client.get(url).status_code == 404
    posted = client.post(
        url,
        {
            "commune": reorganised.quang_phu.pk,
            "level": "ntm",
            "number": "12/QĐ-UBND",
            "decided_on": "01/09/2025",
        },
    )
    assert posted.status_code == 404
    assert not Recognition.objects.exists()


def test_a_2024_office_cannot_decide_assignments_or_groups_in_its_successor(
    client, reorganised, bac_giang
):
    client.force_login(bac_giang)
    url = reverse("sponsorships:decision_list", args=[reorganised.province.pk])
    posted = client.post(
        url,
        {"number": "888/QĐ-UBND", "date": "01/09/2025", "issuer": "UBND", "subject": "Phân công"},
    )
    assert posted.status_code == 404
    assert not AssignmentDecision.objects.exists()
    groups = reverse("criteria:commune_groups", args=[reorganised.province.pk])
    assert client.get(groups).status_code == 404


def test_a_2024_office_does_not_see_its_successor_in_the_api(client, reorganised, bac_giang):
    headers = auth(tokens_for({"office": bac_giang})["office"])
    provinces = client.get(reverse("api:province_list"), **headers).json()
    assert [row["id"] for row in provinces["results"]] == [reorganised.neighbour.pk]
    communes = client.get(
        reverse("api:commune_list"), {"province": reorganised.province.pk}, **headers
    )
    assert communes.json()["results"] == []
    detail = client.get(reverse("api:province_detail", args=[reorganised.province.pk]), **headers)
    assert detail.status_code == 404


def test_a_2024_office_is_told_who_holds_the_work(client, reorganised, bac_giang):
    client.force_login(bac_giang)
    page = client.get(reverse("dashboards:overview")).content.decode()
    assert (
        "Từ 01/07/2025, công việc của Tỉnh Quảng Bình do Văn phòng Điều phối NTM Tỉnh Quảng Trị "
        "(tỉnh sau sắp xếp) đảm nhận."
    ) in page


def test_the_2025_office_reads_a_predecessors_agency_but_does_not_issue_for_it(reorganised, world):
    office = UserFactory(role=Role.PROVINCE, province=reorganised.province)
    assert world.agency_a in agencies_visible_to(office)
    assert not can_issue_documents(office, world.agency_a)
    own = AgencyFactory(province=reorganised.province)
    assert can_issue_documents(office, own)


def test_a_name_typed_with_a_bidirectional_override_is_stored_without_it(client, world, personas):
    """What the office types loses U+202E and its kin at the door (the pages isolate the rest)."""
    from sponsorships.models import SteeringMember

    client.force_login(personas["province"])
    client.post(
        reverse("sponsorships:agency_team", args=[world.agency_a.pk]),
        {"action": "member", "full_name": "Trần \u202eThị B\u202c", "team_role": "Thành viên"},
    )
    assert list(SteeringMember.objects.values_list("full_name", flat=True)) == ["Trần Thị B"]

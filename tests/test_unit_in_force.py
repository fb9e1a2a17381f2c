"""One rule, four doors: nothing is assigned to or evaluated for a unit on a day it did not exist
(`Commune.absence_on`): assignment_create, the assignment roster, evaluation_create and the
evaluation roster all refuse with the message naming the successor(s), and write nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from criteria.models import Evaluation, EvaluationLog
from criteria.services import EvaluationError, evaluation_create
from ntm_portal.rosters.services import roster_validate_file
from sponsorships.models import Assignment
from sponsorships.services import SponsorshipError, assignment_create

from .factories import AgencyFactory
from .roster_files import workbook_bytes

MERGED = "Xã Ba Tầng đã sáp nhập vào Xã Lìa từ 01/07/2025"
SPLIT = "Xã Triệu Long đã sáp nhập vào Xã Ái Tử, Xã Triệu Phong từ 01/07/2025"


def test_a_2024_commune_exists_until_30_june_2025(world, reorganised):
    ba_tang = world.commune_a1
    assert ba_tang.absence_on(date(2025, 6, 30)) == ""
    assert ba_tang.absence_on(date(2025, 7, 1)) == MERGED
    assert world.commune_a3.absence_on(date(2026, 1, 1)) == SPLIT
    assert "cùng tên" in reorganised.quang_phu_2024.absence_on(date(2025, 7, 1))


def test_a_2025_commune_exists_from_1_july_2025(reorganised):
    assert reorganised.lia.absence_on(date(2025, 7, 1)) == ""
    assert reorganised.lia.absence_on(date(2025, 6, 30)) == "Xã Lìa chỉ có từ 01/07/2025."


def test_a_unit_without_dates_or_successors(world):
    assert world.commune_b1.absence_on(date(2030, 1, 1)) == ""
    world.commune_b1.valid_to = date(2025, 6, 30)
    assert "chưa xác định đơn vị kế tiếp" in world.commune_b1.absence_on(date(2025, 7, 1))


def test_assignment_create_refuses_a_merged_commune_and_writes_nothing(world, reorganised):
    agency = AgencyFactory(province=reorganised.province)
    before = Assignment.objects.count()
    with pytest.raises(SponsorshipError) as refused:
        assignment_create(
            agency=agency, commune=world.commune_a1, kind="do_dau", start=date(2025, 9, 1)
        )
    assert str(refused.value) == MERGED
    with pytest.raises(SponsorshipError, match="Xã Ái Tử, Xã Triệu Phong"):
        assignment_create(
            agency=agency,
            commune=world.commune_a3,
            kind="do_dau",
            start=date(2024, 1, 1),
            end=date(2025, 12, 31),
        )
    with pytest.raises(SponsorshipError, match="chỉ có từ 01/07/2025"):
        assignment_create(
            agency=agency, commune=reorganised.lia, kind="do_dau", start=date(2025, 1, 1)
        )
    assert Assignment.objects.count() == before
    # History entered after the fact is fine; the transfer page ends it on 30/06/2025.
    assignment_create(
        agency=agency, commune=world.commune_a1, kind="do_dau", start=date(2021, 1, 1)
    )


def test_evaluation_create_refuses_a_period_ending_after_the_merger(world, reorganised):
    before = (Evaluation.objects.count(), EvaluationLog.objects.count())
    with pytest.raises(EvaluationError) as refused:
        evaluation_create(
            commune=world.commune_a1, criteria_set=world.criteria_set, year=2025, half=0, actor=None
        )
    assert str(refused.value) == MERGED
    assert (Evaluation.objects.count(), EvaluationLog.objects.count()) == before
    first_half = evaluation_create(
        commune=world.commune_a1, criteria_set=world.criteria_set, year=2025, half=1, actor=None
    )
    assert first_half.period_end == date(2025, 6, 30)


def _validate(kind: str, rows: list[list]):
    return roster_validate_file(
        kind=kind, content=io.BytesIO(workbook_bytes(rows)), filename="ds.xlsx", actor=None
    )


def _errors(validation) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["reason"]) for e in validation.as_json()["errors"]]


def test_assignment_roster_refuses_the_row_and_names_the_successor(world, reorganised):
    agency = AgencyFactory(province=world.province_a, name="Hội Nông dân tỉnh Quảng Trị")
    place = [agency.name, "Quảng Trị", "Hướng Hóa", "Ba Tầng"]
    validation = _validate(
        "assignments",
        [
            ["Cơ quan", "Tỉnh", "Huyện", "Xã", "Hình thức", "Từ ngày", "Đến ngày"],
            [*place, "Đỡ đầu", "01/09/2025", ""],
            [*place, "Phụ trách", "01/01/2021", "31/12/2025"],
            [*place, "Phụ trách", "01/01/2022", ""],
        ],
    )
    assert _errors(validation) == [(4, "Xã", MERGED), (5, "Đến ngày", MERGED)]
    assert validation.counts["new"] == 1  # history, ended later by the transfer


def test_evaluation_roster_refuses_the_row_and_names_the_successors(world, reorganised):
    place = ["Quảng Trị", "Triệu Phong", "Triệu Long", "QD318-THU", 2025]
    validation = _validate(
        "evaluations",
        [
            ["Tỉnh", "Huyện", "Xã", "Bộ tiêu chí", "Năm", "Kỳ", "Chỉ tiêu", "Giá trị"],
            [*place, "Cả năm", "1.1", "Đạt"],
            [*place, "6 tháng đầu năm", "1.1", "Đạt"],
        ],
    )
    assert _errors(validation) == [(4, "Xã", SPLIT)]
    assert validation.counts["new"] == 1


def test_the_admin_form_refuses_it_too_instead_of_failing(client, world, reorganised, personas):
    client.force_login(personas["admin"])
    response = client.post(
        reverse("admin:sponsorships_assignment_add"),
        {
            "agency": world.agency_a.pk,
            "commune": world.commune_a1.pk,
            "kind": "do_dau",
            "start": "2025-09-01",
            "target_level": "",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert MERGED in response.content.decode()
    assert not Assignment.objects.filter(commune=world.commune_a1).exists()

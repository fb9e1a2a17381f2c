"""The "commune groups" roster: rows make province decisions as the group page does; every bad
cell is named by row, column, value and reason, and nothing is written."""

from __future__ import annotations

import io
from datetime import date

from criteria.models import CommuneGroupDecision, CommuneGroupSetting, EvaluationLog
from criteria.services import evaluation_create
from ntm_portal.rosters import roster_for
from ntm_portal.rosters.services import roster_validate_file

from .factories import CommuneFactory
from .roster_files import nfd, workbook_bytes

HEADER = [
    "Tỉnh",
    "Mã xã",
    "Xã",
    "Nhóm",
    "Số quyết định",
    "Ngày quyết định",
    "Áp dụng từ ngày",
    "Cơ quan ban hành",
]


def validate(rows: list[list[object]]):
    data = workbook_bytes([HEADER, *rows], title=None)
    return roster_validate_file(
        kind="commune_groups", content=io.BytesIO(data), filename="nhom-xa.xlsx", actor=None
    )


def errors_of(validation) -> list[tuple[int, str, str, str]]:
    return [
        (e["row"], e["column"], e["value"], e["reason"]) for e in validation.as_json()["errors"]
    ]


def test_rows_of_one_decision_make_one_decision_and_recompute_open_evaluations(two_tier):
    evaluation = evaluation_create(
        commune=two_tier.xa_1, criteria_set=two_tier.qd51, year=2026, half=2, actor=None
    )
    validation = validate(
        [
            ["Quảng Trị", "", nfd("Xã Ba Tầng"), "Nhóm 3", "125/QĐ-UBND", "10/03/2026", "", ""],
            ["Quảng Trị", two_tier.xa_2.code, "", 2, "125/QĐ-UBND", "10/03/2026", "", ""],
            ["Gia Lai", "", "Ia Grai", "nhóm I", "8/QĐ-UBND", "2026-04-01", "01/05/2026", ""],
        ]
    )
    assert errors_of(validation) == []
    assert validation.counts == {"new": 3, "updated": 0, "unchanged": 0, "error": 0}
    roster_for("commune_groups").apply(validation, actor=two_tier.staff, reason="Tệp của VPĐP")

    quang_tri = CommuneGroupDecision.objects.get(province=two_tier.province)
    assert (quang_tri.number, quang_tri.date, quang_tri.applies_from, quang_tri.issuer) == (
        "125/QĐ-UBND",
        date(2026, 3, 10),
        date(2026, 3, 10),
        "UBND tỉnh Quảng Trị",
    )
    assert dict(quang_tri.settings.values_list("commune_id", "group")) == {
        two_tier.xa_1.pk: 3,
        two_tier.xa_2.pk: 2,
    }
    gia_lai = CommuneGroupDecision.objects.get(province=two_tier.other_province)
    assert gia_lai.applies_from == date(2026, 5, 1)
    assert gia_lai.settings.get().group == 1
    # The open evaluation was recomputed with group 3: nothing entered yet, so the tally is the
    # same and the history does not move.
    evaluation.refresh_from_db()
    assert evaluation.undecided_count == 10
    assert not evaluation.log.filter(action=EvaluationLog.Action.RECOMPUTED).exists()

    again = validate([["Quảng Trị", "", "Xã Ba Tầng", "3", "125/QĐ-UBND", "10/03/2026", "", ""]])
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 1, "error": 0}


def test_the_exported_list_imports_back_unchanged(client, two_tier):
    validation = validate([["Quảng Trị", "", "Xã Ba Tầng", "2", "7/QĐ-UBND", "05/03/2026", "", ""]])
    roster_for("commune_groups").apply(validation, actor=None)
    client.force_login(two_tier.staff)
    from django.urls import reverse

    exported = client.get(
        reverse("criteria:commune_groups", args=[two_tier.province.pk]), {"xuat": "xlsx"}
    ).content
    back = roster_validate_file(
        kind="commune_groups", content=io.BytesIO(exported), filename="nhom.xlsx", actor=None
    )
    # Ba Tầng repeats the decision; Hướng Lập has no group, so its row has none to import.
    assert [o.status for o in back.outcomes] == ["unchanged", "error"]
    assert errors_of(back)[0][1:] == ("Nhóm", "", "Bắt buộc phải có giá trị.")


def test_every_bad_cell_is_named_and_nothing_is_written(two_tier, world):
    recorded = validate([["Quảng Trị", "", "Xã Ba Tầng", "2", "12/QĐ-UBND", "01/03/2026", "", ""]])
    roster_for("commune_groups").apply(recorded, actor=None)
    CommuneFactory(district=world.district_a1, short_name="Cam Lộ", name="Xã Cam Lộ")  # 2024 only
    ok = ["Quảng Trị", "", "Xã Hướng Lập", "1", "20/QĐ-UBND", "01/04/2026", "", ""]
    rows = [
        ok,
        ["Quảng Trị", "", "Xã Hướng Lập", "4", "21/QĐ-UBND", "01/04/2026", "", ""],
        ["Quảng Trị", "", "Xã Hướng Lập", "1", "", "01/04/2026", "", ""],
        ["Quảng Trị", "", "Xã Hướng Lập", "1", "2" * 51, "01/04/2026", "", ""],
        ["Quảng Trị", "", "Xã Hướng Lập", "1", "22/QĐ-UBND", "31/02/2026", "", ""],
        ["Quảng Trị", "", "Xã Hướng Lập", "1", "23/QĐ-UBND", "01/04/2024", "", ""],
        ["Quảng Trị", "", "Xã Hướng Lập", "1", "24/QĐ-UBND", "01/04/2026", "01/01/2101", ""],
        ["Quảng Trị", "", "Xã Hướng Lập", "1", "25/QĐ-UBND", "01/04/2026", "", "U" * 201],
        ["Quảng Trị", "", "Xã Không Có", "1", "26/QĐ-UBND", "01/04/2026", "", ""],
        ["Quảng Trị", "", "Xã Ia Grai", "1", "27/QĐ-UBND", "01/04/2026", "", ""],
        ["Quảng Trị", "", "Xã Cam Lộ", "1", "28/QĐ-UBND", "01/04/2026", "", ""],
        ["Quảng Trị", "", "Phường Đông Hà", "1", "29/QĐ-UBND", "01/04/2026", "", ""],
        ["Quảng Trị", "", "", "1", "30/QĐ-UBND", "01/04/2026", "", ""],
        ["Quảng Trị", "", "Xã Hướng Lập", "2", "20/QĐ-UBND", "01/04/2026", "", ""],
        ["Quảng Trị", "", "Xã Ba Tầng", "1", "20/QĐ-UBND", "01/04/2026", "15/04/2026", ""],
        ["Quảng Trị", "", "Xã Hướng Lập", "3", "12/QĐ-UBND", "01/03/2026", "", ""],
    ]
    validation = validate(rows)
    assert errors_of(validation) == [
        (3, "Nhóm", "4", "Nhóm xã phải là 1, 2 hoặc 3 (ví dụ: Nhóm 2)."),
        (4, "Số quyết định", "", "Bắt buộc phải có giá trị."),
        (5, "Số quyết định", "2" * 51, "Số quyết định tối đa 50 ký tự."),
        (
            6,
            "Ngày quyết định",
            "31/02/2026",
            "Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy (ví dụ 10/03/2026).",
        ),
        (7, "Ngày quyết định", "01/04/2024", "Ngày phải trong khoảng năm 2025–2100."),
        (8, "Áp dụng từ ngày", "01/01/2101", "Ngày phải trong khoảng năm 2025–2100."),
        (9, "Cơ quan ban hành", "U" * 201, "Cơ quan ban hành tối đa 200 ký tự."),
        (10, "Xã", "Xã Không Có", "Không có xã «Xã Không Có» trong tỉnh Quảng Trị."),
        (11, "Xã", "Xã Ia Grai", "Không có xã «Xã Ia Grai» trong tỉnh Quảng Trị."),
        (
            12,
            "Xã",
            "Xã Cam Lộ",
            "Xã Cam Lộ là đơn vị trước 01/07/2025 (tỉnh – huyện – xã): nhóm xã chỉ xác định cho "
            "xã từ 01/07/2025.",
        ),
        (13, "Xã", "Phường Đông Hà", "Phường Đông Hà không phải là xã: chỉ xã mới được xếp nhóm."),
        (14, "Xã", "", "Cần ghi mã xã hoặc tên xã."),
        (15, "", "", "Trùng với dòng 2 trong tệp: mỗi đối tượng chỉ ghi một lần."),
        (16, "Áp dụng từ ngày", "15/04/2026", "Khác với dòng 2 của cùng quyết định."),
        (
            17,
            "Số quyết định",
            "12/QĐ-UBND",
            "Quyết định số 12/QĐ-UBND ngày 01/03/2026 đã được ghi nhận và không sửa được bằng "
            "tệp: sửa nhóm bằng một quyết định mới.",
        ),
    ]
    assert validation.counts["error"] == 15
    assert CommuneGroupDecision.objects.count() == 1
    assert CommuneGroupSetting.objects.count() == 1


def test_the_template_workbook_describes_the_groups(two_tier, tmp_path):
    from ntm_portal.rosters.workbooks import template_workbook

    data = template_workbook(roster_for("commune_groups"))
    assert data[:2] == b"PK"

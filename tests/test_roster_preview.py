"""Issue 14, imports: the preview shows every row with what it matched and what changes; the
kinds of village people write; a blank optional cell keeps the stored value in every roster;
errors a person can act on (the column's header, where the portal looked, the nearest names,
a duplicate marking the row); a template that explains each column and the import order."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Village
from criteria.models import Indicator, IndicatorValue
from ntm_portal.models import Role, RosterImport
from ntm_portal.rosters import import_order, roster_for, rosters
from ntm_portal.rosters.base import NEW, UNCHANGED, UPDATED, Outcome, RowChecker
from ntm_portal.rosters.reading import Row, Table
from ntm_portal.rosters.workbooks import marked_workbook, template_workbook
from sponsorships.models import Agency, Assignment

from .roster_files import workbook_bytes
from .test_roster_views import upload
from .test_rosters import errors_of, validate


def confirm(kind: str, rows: list[list[object]]):
    """Check the file and write it as the confirmation does (it must have no error)."""
    validation = validate(kind, workbook_bytes(rows))
    assert not validation.has_errors, errors_of(validation)
    roster_for(kind).apply(validation, actor=None)
    return validation


# --- A blank optional cell keeps the stored value, in every roster -----------------------------


def test_villages_blank_kind_and_code_keep_what_is_stored(world):
    village = Village.objects.get(name="Bản Xa Doan")
    village.kind, village.code = Village.Kind.BAN, "BT-01"
    village.save()
    header = ["Tỉnh", "Huyện", "Xã", "Tên thôn", "Loại", "Mã thôn"]
    validation = confirm(
        "villages",
        [
            header,
            ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Bản Xa Doan", "", ""],
            ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Bản Vầng", "", "BT-02"],
        ],
    )
    first, second = validation.outcomes
    assert (first.status, first.changes) == (UNCHANGED, [])
    assert (second.status, second.changes) == (UPDATED, [("Mã thôn", "—", "BT-02")])
    village.refresh_from_db()
    assert (village.kind, village.code) == (Village.Kind.BAN, "BT-01")  # not reset to Thôn


def test_agencies_blank_type_keeps_the_kind_and_short_name(world):
    agency = world.agency_a
    agency.kind, agency.short_name = Agency.Kind.MASS_ORGANISATION, "KHĐT"
    agency.save()
    validation = confirm(
        "agencies",
        [
            ["Tỉnh", "Tên cơ quan", "Tên viết tắt", "Loại"],
            ["Quảng Trị", agency.name, "", ""],
            ["Quảng Trị", "Sở Nội vụ tỉnh Quảng Trị", "", ""],
        ],
    )
    kept, new = validation.outcomes
    assert (kept.status, kept.changes) == (UNCHANGED, [])
    assert new.status == NEW
    agency.refresh_from_db()
    assert (agency.kind, agency.short_name) == (Agency.Kind.MASS_ORGANISATION, "KHĐT")
    # A new agency with a blank type is a department, as the template says.
    assert Agency.objects.get(name="Sở Nội vụ tỉnh Quảng Trị").kind == Agency.Kind.DEPARTMENT


def test_agencies_changes_are_listed_old_to_new(world):
    validation = validate(
        "agencies",
        workbook_bytes(
            [
                ["Tỉnh", "Tên cơ quan", "Tên viết tắt", "Loại"],
                ["Quảng Trị", world.agency_a.name, "SKHĐT", "Doanh nghiệp"],
            ]
        ),
    )
    [outcome] = validation.outcomes
    assert outcome.status == UPDATED
    assert outcome.changes == [
        ("Tên viết tắt", world.agency_a.short_name, "SKHĐT"),
        ("Loại", "Sở, ban, ngành", "Doanh nghiệp"),
    ]


ASSIGNMENT_HEADER = [
    "Cơ quan",
    "Tỉnh",
    "Huyện",
    "Xã",
    "Hình thức",
    "Từ ngày",
    "Đến ngày",
    "Mục tiêu",
    "Năm đạt mục tiêu",
    "Ghi chú",
]


def test_assignments_blank_end_target_year_and_notes_keep_what_is_stored(world):
    assignment = Assignment.objects.get(agency=world.agency_a, commune=world.commune_a2)
    assignment.end, assignment.target_level = date(2024, 12, 31), "ntm"
    assignment.target_year, assignment.notes = 2024, "theo kế hoạch 2020"
    assignment.save()
    row = [world.agency_a.name, "Quảng Trị", "Hướng Hóa", "Thuận", "Phụ trách", "14/07/2020"]
    validation = confirm("assignments", [ASSIGNMENT_HEADER, [*row, "", "", "", ""]])
    [outcome] = validation.outcomes
    assert (outcome.status, outcome.changes) == (UPDATED, [("Hình thức", "Đỡ đầu", "Phụ trách")])
    assignment.refresh_from_db()
    assert (
        assignment.kind,
        assignment.end,
        assignment.target_level,
        assignment.target_year,
        assignment.notes,
    ) == (Assignment.Kind.SUPERVISED, date(2024, 12, 31), "ntm", 2024, "theo kế hoạch 2020")


def test_users_blank_name_email_and_places_keep_what_is_stored(world, personas):
    user = personas["commune"]
    user.first_name, user.email = "Hồ Văn Thanh", "thanh@example.vn"
    user.save()
    header = ["Tên đăng nhập", "Họ tên", "Email", "Vai trò", "Tỉnh", "Huyện", "Xã", "Cơ quan"]
    validation = confirm("users", [header, [user.username, "", "", "Cán bộ xã", "", "", "", ""]])
    [outcome] = validation.outcomes
    assert (outcome.status, outcome.changes) == (UNCHANGED, [])
    # A new place is a change, named as people name it.
    validation = validate(
        "users",
        workbook_bytes(
            [header, [user.username, "", "", "Cán bộ xã", "Quảng Trị", "Hướng Hóa", "Thuận", ""]]
        ),
    )
    assert validation.outcomes[0].changes == [("Xã", "Xã Ba Tầng", "Xã Thuận")]
    user.refresh_from_db()
    assert (user.first_name, user.email, user.role, user.commune_id) == (
        "Hồ Văn Thanh",
        "thanh@example.vn",
        Role.COMMUNE,
        world.commune_a1.pk,
    )


EVALUATION_HEADER = ["Tỉnh", "Huyện", "Xã", "Bộ tiêu chí", "Năm", "Kỳ", "Chỉ tiêu", "Giá trị"]


def test_evaluation_blank_note_keeps_the_stored_note_and_changes_read_old_to_new(world):
    paved = Indicator.objects.get(criterion__criteria_set=world.criteria_set, number="2.1")
    IndicatorValue.objects.update_or_create(
        evaluation=world.evaluation_a1,
        indicator=paved,
        defaults={"value": Decimal("61.5"), "note": "đo tháng 6"},
    )
    place = ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "QD318-THU", 2024, "6 tháng cuối năm"]
    validation = confirm(
        "evaluations", [[*EVALUATION_HEADER, "Ghi chú"], [*place, "2.1", "72,5", ""]]
    )
    [outcome] = validation.outcomes
    assert outcome.status == UPDATED
    assert outcome.changes == [("Chỉ tiêu 2.1", "61,5 %", "72,5 %")]
    assert ("Bộ tiêu chí", "QD318-THU", "QD318-THU – Bộ tiêu chí xã NTM (thử)") in outcome.matches
    stored = IndicatorValue.objects.get(evaluation=world.evaluation_a1, indicator=paved)
    assert (stored.value, stored.note) == (Decimal("72.5"), "đo tháng 6")


def test_catalogue_blank_unit_direction_and_threshold_keep_what_is_stored(world):
    header = [
        "Mã bộ tiêu chí",
        "Số tiêu chí",
        "Tên tiêu chí",
        "Số chỉ tiêu",
        "Tên chỉ tiêu",
        "Kiểu giá trị",
        "Đơn vị",
        "Chiều",
        "Ngưỡng",
    ]
    row = ["QD318-THU", 3, "Nghèo đa chiều", "3.1", "Tỷ lệ hộ nghèo đa chiều", "Tỷ lệ (%)"]
    validation = confirm("criteria", [header, [*row, "", "", ""]])
    [outcome] = validation.outcomes
    assert outcome.status == UPDATED
    assert outcome.changes == [("Tên chỉ tiêu", "Tỷ lệ nghèo đa chiều", "Tỷ lệ hộ nghèo đa chiều")]
    rate = Indicator.objects.get(criterion__criteria_set=world.criteria_set, number="3.1")
    assert (rate.unit, rate.direction) == ("%", Indicator.Direction.AT_MOST)  # not "at least"
    assert [t.value for t in rate.thresholds.all()] == [Decimal("5")]


# --- Village kinds as people write them -------------------------------------------------------


def test_village_kinds_people_write_are_accepted_and_kept(world):
    header = ["Tỉnh", "Huyện", "Xã", "Tên thôn", "Loại"]
    place = ["Quảng Trị", "Hướng Hóa", "Thuận"]
    written = [
        ("Xóm 3", "Xóm"),
        ("Làng Mới", "làng"),
        ("Buôn Đôn", "Buôn"),
        ("Phum Ta", "PHUM"),
        ("Sóc Rạch", "Sóc"),
        ("Khu 5", "Khu"),
        ("Tổ 7", "Tổ"),
        ("Khu phố 2", "KP"),
        ("Xóm Đông", ""),  # blank: the word the name begins with
        ("Tổ dân phố 4", ""),
        ("Tô Hạp", ""),  # "Tô" is a name, not "Tổ"
    ]
    confirm("villages", [header, *([*place, name, kind] for name, kind in written)])
    stored = dict(Village.objects.filter(commune=world.commune_a2).values_list("name", "kind"))
    assert {name: Village.Kind(stored[name]).label for name, _kind in written} == {
        "Xóm 3": "Xóm",
        "Làng Mới": "Làng",
        "Buôn Đôn": "Buôn",
        "Phum Ta": "Phum",
        "Sóc Rạch": "Sóc",
        "Khu 5": "Khu",
        "Tổ 7": "Tổ",
        "Khu phố 2": "Khu phố",
        "Xóm Đông": "Xóm",
        "Tổ dân phố 4": "Tổ dân phố",
        "Tô Hạp": "Thôn",
    }


def test_the_village_template_says_which_kinds_are_accepted(db):
    notes = load_workbook(io.BytesIO(template_workbook(roster_for("villages"))))["Hướng dẫn"]
    text = " ".join(str(cell.value) for row in notes.iter_rows() for cell in row if cell.value)
    for kind in ("Xóm", "Làng", "Buôn", "Phum", "Sóc", "Khu", "Tổ", "Tổ dân phố", "Khu phố"):
        assert re.search(rf"\b{kind}\b", text), kind


# --- Errors a person can act on ---------------------------------------------------------------


def test_not_found_says_where_it_looked_and_offers_the_nearest_names(world):
    header = ["Tỉnh", "Huyện", "Xã", "Tên thôn"]
    validation = validate(
        "villages",
        workbook_bytes(
            [
                header,
                ["Quảng Trị", "Hướng Hóa", "Ba Tầg", "Thôn 1"],
                ["Quảng Trị", "Hướng Hóa", "Triệu Long", "Thôn 2"],  # in another district
                ["Quảng Trị", "Hướng Hoá Mới", "Thuận", "Thôn 3"],
                ["Quang Tri", "", "Xa Thuan", "Thôn 4"],
            ]
        ),
    )
    assert [reason for *_cell, reason in errors_of(validation)] == [
        "Không có xã «Ba Tầg» trong huyện Hướng Hóa. Có phải «Xã Ba Tầng»?",
        "Không có xã «Triệu Long» trong huyện Hướng Hóa.",
        "Không có huyện «Hướng Hoá Mới» trong tỉnh Quảng Trị. Có phải «Huyện Hướng Hóa»?",
    ]
    # What was found is said in full: the written name, the unit, its district and code.
    matched = validation.outcomes[3].matches
    assert matched == [
        (
            "Xã",
            "Xa Thuan",
            f"Xã Thuận – Huyện Hướng Hóa, mã {world.commune_a2.code} (trước 01/07/2025)",
        )
    ]


def test_an_unknown_agency_is_looked_for_in_its_province_with_the_nearest_names(world):
    header = ["Cơ quan", "Tỉnh", "Huyện", "Xã", "Hình thức", "Từ ngày"]
    validation = validate(
        "assignments",
        workbook_bytes(
            [
                header,
                [
                    "Sở Kế hoạch Đầu tư Quảng Trị",
                    "Quảng Trị",
                    "Hướng Hóa",
                    "Ba Tầng",
                    "Đỡ đầu",
                    "01/01/2024",
                ],
            ]
        ),
    )
    assert errors_of(validation) == [
        (
            4,
            "Cơ quan",
            "Sở Kế hoạch Đầu tư Quảng Trị",
            "Không có cơ quan «Sở Kế hoạch Đầu tư Quảng Trị» trong tỉnh Quảng Trị. "
            "Có phải «Sở Kế hoạch và Đầu tư Quảng Trị»?",
        )
    ]


def test_a_column_missing_from_the_file_is_named_by_its_header_never_its_key(world):
    header = ["Số quyết định", "Cơ quan", "Tỉnh", "Huyện", "Xã", "Hình thức", "Từ ngày"]
    validation = validate(
        "assignments",
        workbook_bytes(
            [
                header,
                [
                    "99/QĐ-UBND",
                    world.agency_a.name,
                    "Quảng Trị",
                    "Hướng Hóa",
                    "Ba Tầng",
                    "Đỡ đầu",
                    "01/01/2024",
                ],
            ]
        ),
    )
    assert errors_of(validation) == [
        (4, "Ngày quyết định", "", "Quyết định mới cần ghi ngày quyết định.")
    ]


@pytest.mark.parametrize("kind", list(rosters()))
def test_every_column_of_every_roster_is_named_by_its_header(db, kind):
    roster = roster_for(kind)
    table = Table(header_row=1, columns={}, rows=[], extra_headers=[])
    checker = RowChecker(Outcome(row=Row(2, {})), table, roster.columns)
    for column in roster.columns:
        checker.fail(column.key, "x")
    assert [error.column for error in checker.outcome.errors] == [
        str(column.header) for column in roster.columns
    ]


def test_a_duplicate_row_marks_the_row_not_a_date_cell(world):
    row = [world.agency_a.name, "Quảng Trị", "Hướng Hóa", "Ba Tầng", "Đỡ đầu", "01/01/2024"]
    validation = validate(
        "assignments", workbook_bytes([ASSIGNMENT_HEADER[:6], row, row], title=None)
    )
    assert errors_of(validation) == [
        (3, "", "", "Trùng với dòng 2 trong tệp: mỗi đối tượng chỉ ghi một lần.")
    ]
    result = validation.as_json()
    sheet = load_workbook(io.BytesIO(marked_workbook(validation.table, result["errors"]))).active
    filled = [cell.coordinate for cell in sheet[3] if cell.fill.fgColor.rgb.endswith("FFC7CE")]
    assert filled == ["A3", "B3", "C3", "D3", "E3", "F3", "G3", "H3"]  # the row, its reason
    assert sheet["A3"].comment.text.startswith("Trùng với dòng 2")
    assert sheet["F3"].comment is None  # the date cell is not the one at fault
    assert sheet["H3"].value == "Trùng với dòng 2 trong tệp: mỗi đối tượng chỉ ghi một lần."


# --- The template explains itself -------------------------------------------------------------


def test_tinh_is_marked_required_on_the_assignments_template(db):
    sheet = load_workbook(io.BytesIO(template_workbook(roster_for("assignments")))).active
    headers = [cell.value for cell in sheet[1]]
    assert "Tỉnh (*)" in headers
    assert "Huyện" in headers  # not required: a 2025 xã has none


@pytest.mark.parametrize("kind", list(rosters()))
def test_the_instructions_say_what_each_column_means_and_the_import_order(db, kind):
    roster = roster_for(kind)
    notes = load_workbook(io.BytesIO(template_workbook(roster)))["Hướng dẫn"]
    rows = [[cell.value for cell in row] for row in notes.iter_rows()]
    described = {row[0]: row[1] for row in rows if row[0] and len(row) > 1 and row[1]}
    for column in roster.columns:
        name = f"{column.header} (*)" if column.required else column.header
        assert described.get(name), f"{kind}: «{name}» has no meaning in the instructions"
    order = [row[1] for row in rows if row[1] and re.match(r"^\d+\. ", str(row[1]))]
    labels = [str(other.label) for other in import_order()]
    assert [re.sub(r"^\d+\. ", "", line).split(" – ")[0].split(" (")[0] for line in order] == labels
    assert any("(danh sách này)" in line and str(roster.label) in line for line in order)


def test_the_import_order_puts_what_is_looked_up_first(db):
    order = [roster.kind for roster in import_order()]
    assert order.index("agencies") < order.index("assignments")
    assert order.index("agencies") < order.index("users")
    assert order.index("criteria") < order.index("evaluations")
    assert order.index("commune_groups") < order.index("evaluations")


# --- The preview ------------------------------------------------------------------------------


def test_a_checked_file_with_errors_never_wears_the_waiting_badge(
    client, world, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["admin"])
    rows = [["Tỉnh", "Huyện", "Xã", "Tên thôn"], ["Quảng Trị", "Hướng Hóa", "Không Có", "Thôn 1"]]
    record = upload(
        client, "villages", workbook_bytes(rows), "loi.xlsx", django_capture_on_commit_callbacks
    )
    assert (record.status, record.error_count) == (RosterImport.Status.VALIDATED, 1)
    for page in (
        client.get(reverse("rosters:import_detail", args=[record.pk])),
        client.get(reverse("rosters:import_list")),
    ):
        text = page.content.decode()
        assert "Đã kiểm tra, chờ xác nhận" not in text
        assert "Có lỗi, chưa ghi gì" in text
    good = upload(
        client,
        "villages",
        workbook_bytes([rows[0], ["Quảng Trị", "Hướng Hóa", "Thuận", "Thôn 1"]]),
        "dung.xlsx",
        django_capture_on_commit_callbacks,
    )
    page = client.get(reverse("rosters:import_detail", args=[good.pk])).content.decode()
    assert "Đã kiểm tra, chờ xác nhận" in page


def test_the_preview_lists_rows_a_page_at_a_time_with_matches_and_changes(
    client, world, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["admin"])
    header = ["Tỉnh", "Huyện", "Xã", "Tên thôn", "Loại"]
    rows = [header, ["Quảng Trị", "Hướng Hóa", "ba tầng", "Bản Xa Doan", "Bản"]]
    rows += [["Quảng Trị", "Hướng Hóa", "Thuận", f"Xóm {n}", ""] for n in range(1, 61)]
    record = upload(
        client, "villages", workbook_bytes(rows), "60.xlsx", django_capture_on_commit_callbacks
    )
    assert (record.new_count, record.updated_count) == (60, 1)
    url = reverse("rosters:import_detail", args=[record.pk])
    first = client.get(url).content.decode()
    assert first.count('<tr class="row-') == 50
    assert "Trang 1/2 · 61 dòng" in first
    code = world.commune_a1.code
    assert f"«ba tầng» → Xã Ba Tầng – Huyện Hướng Hóa, mã {code}" in first
    assert re.search(r"Loại:</span> <del>Thôn</del> → <ins>Bản</ins>", first)
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('<tr class="row-') == 11
    assert "Xóm 60 – Xã Thuận" in second
    updated = client.get(url, {"status": "updated"}).content.decode()
    assert updated.count('<tr class="row-') == 1
    assert 'id="row-4"' in updated


def test_the_import_list_states_the_order_and_reads_no_rows(client, world, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas["admin"])
    RosterImport.objects.create(
        kind="villages",
        original_name="x.xlsx",
        size=1,
        sha256="b" * 64,
        result={"rows": [{"row": 2, "status": "new", "label": "x"}] * 1000},
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("rosters:import_list")).content.decode()
    listing = [q["sql"] for q in queries.captured_queries if "ntm_portal_rosterimport" in q["sql"]]
    assert listing
    assert not any('"result"' in sql or '"table"' in sql for sql in listing)
    order = re.sub(r"\s+", " ", page.split('id="import-order">')[1].split("</p>")[0])
    assert "1. Thôn, bản" in order
    assert order.index("Cơ quan đỡ đầu, phụ trách") < order.index("Quyết định và phân công")
    assert order.index("Bộ tiêu chí") < order.index("Kết quả đánh giá tiêu chí")


def test_imports_checked_before_the_rows_had_their_table_move_there_and_back(db):
    from importlib import import_module

    from django.apps import apps

    from ntm_portal.models import RosterImportRow

    migration = import_module("ntm_portal.migrations.0008_roster_import_rows_from_result")
    old = {
        "counts": {"new": 1, "updated": 0, "unchanged": 0, "error": 1},
        "notices": ["Bảng kết thúc ở dòng 3."],
        "header_row": 1,
        "rows": [
            {"row": 2, "status": "new", "label": "Thôn 1", "matches": [], "changes": []},
            {"row": 3, "status": "error", "label": "", "matches": [], "changes": []},
        ],
        "errors": [{"row": 3, "column": "Xã", "value": "Không Có", "reason": "Không có xã."}],
    }
    record = RosterImport.objects.create(
        kind="villages", original_name="cu.xlsx", size=1, sha256="f" * 64, result=old
    )
    migration.rows_out_of_result(apps, None)
    record.refresh_from_db()
    assert record.result == {"notices": old["notices"], "header_row": 1, "error_total": 1}
    assert list(RosterImportRow.objects.values_list("number", "status", "detail")) == [
        (2, "new", {"label": "Thôn 1", "matches": [], "changes": [], "errors": []}),
        (
            3,
            "error",
            {
                "label": "",
                "matches": [],
                "changes": [],
                "errors": [{"column": "Xã", "value": "Không Có", "reason": "Không có xã."}],
            },
        ),
    ]
    migration.rows_out_of_result(apps, None)  # safe to run twice
    assert RosterImportRow.objects.count() == 2
    migration.rows_back_into_result(apps, None)
    record.refresh_from_db()
    assert record.result == old
    assert not RosterImportRow.objects.exists()


def test_a_confirmation_that_finds_what_the_preview_showed_keeps_its_rows(
    client, world, personas, django_capture_on_commit_callbacks
):
    from ntm_portal.models import RosterImportRow

    client.force_login(personas["admin"])
    header = ["Tỉnh", "Huyện", "Xã", "Tên thôn"]
    rows = [header, *(["Quảng Trị", "Hướng Hóa", "Thuận", f"Xóm {n}"] for n in range(1, 4))]
    record = upload(
        client, "villages", workbook_bytes(rows), "xom.xlsx", django_capture_on_commit_callbacks
    )
    kept = list(RosterImportRow.objects.filter(roster_import=record).values_list("pk", "status"))
    assert [status for _pk, status in kept] == ["new"] * 3
    client.post(reverse("rosters:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.IMPORTED
    assert list(record.rows.values_list("pk", "status")) == kept
    page = client.get(reverse("rosters:import_detail", args=[record.pk])).content.decode()
    assert page.count('<tr class="row-new"') == 3

"""The import flow in the browser's terms: upload, background check, preview, marked file,
confirm (once), and who may do any of it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Village
from criteria.models import Evaluation, EvaluationLog
from ntm_portal.models import RosterImport
from ntm_portal.rosters import roster_for as roster_for_kind
from ntm_portal.rosters.services import roster_import_validate
from ntm_portal.tasks import validate_roster

from .conftest import PERSONAS
from .roster_files import nfd, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VILLAGE_ROWS = [
    ["Tỉnh", "Huyện", "Xã", "Tên thôn", "Loại"],
    ["Quảng Trị", "Hướng Hóa", nfd("Ba Tầng"), "Thôn Một", "Thôn"],
    ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Thôn Hai", "Bản"],
    ["Quảng Trị", "Hướng Hóa", "Không Có", "Thôn Ba", "Thôn"],
    ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Thôn Bốn", "Phố"],
]


def upload(client, kind: str, data: bytes, name: str, django_capture_on_commit_callbacks):
    """Post the file, then run the queued check as the worker would."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("rosters:import_new"),
            {"kind": kind, "file": SimpleUploadedFile(name, data, content_type=XLSX)},
        )
    assert response.status_code == 302, response.content
    assert len(callbacks) == 1
    record = RosterImport.objects.latest("pk")
    validate_roster(record.pk)  # the task body, run here instead of by a worker
    record.refresh_from_db()
    return record


@pytest.fixture
def checked_import(world, personas) -> RosterImport:
    from django.core.files.base import ContentFile

    record = RosterImport(
        kind="villages",
        original_name="thon.xlsx",
        size=1,
        sha256="a" * 64,
        uploaded_by=personas["admin"],
    )
    record.file.save("thon.xlsx", ContentFile(workbook_bytes(VILLAGE_ROWS)), save=False)
    record.save()
    roster_import_validate(record_id=record.pk)
    record.refresh_from_db()
    return record


ROSTER_PAGES = [
    ("rosters:import_detail", "get"),
    ("rosters:import_progress", "get"),
    ("rosters:import_errors", "get"),
    ("rosters:import_confirm", "post"),
    ("rosters:template", "get"),
]


@pytest.mark.parametrize(("name", "method"), ROSTER_PAGES)
@pytest.mark.parametrize("role", [*PERSONAS, "anonymous"])
def test_roster_pages_role_matrix(client, personas, checked_import, role, name, method):
    if role != "anonymous":
        client.force_login(personas[role])
    args = ["villages"] if name == "rosters:template" else [checked_import.pk]
    response = getattr(client, method)(reverse(name, args=args))
    # The office imports its province's villages, but reads only its own office's imports.
    if role == "admin" or (role == "province" and name == "rosters:template"):
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert "/login/" not in response["Location"]
    elif role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    else:
        assert response.status_code in (403, 404)
    checked_import.refresh_from_db()
    assert checked_import.status == RosterImport.Status.VALIDATED  # it has errors: never imported


def test_upload_preview_marked_file_fix_and_confirm(
    client, world, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["admin"])
    record = upload(
        client,
        "villages",
        workbook_bytes(VILLAGE_ROWS),
        "thôn.xlsx",
        django_capture_on_commit_callbacks,
    )
    assert record.status == RosterImport.Status.VALIDATED
    assert (record.new_count, record.updated_count, record.unchanged_count, record.error_count) == (
        2,
        0,
        0,
        2,
    )
    assert record.uploaded_by == personas["admin"]
    assert len(record.sha256) == 64

    page = client.get(reverse("rosters:import_detail", args=[record.pk])).content.decode()
    assert "Không có xã «Không Có» trong" in page
    assert "Loại thôn «Phố» không có trong danh mục" in page
    assert "Xác nhận nhập" not in page

    # Confirming a file with errors writes nothing.
    client.post(reverse("rosters:import_confirm", args=[record.pk]))
    assert not Village.objects.filter(name="Thôn Một").exists()

    marked = client.get(reverse("rosters:import_errors", args=[record.pk]))
    assert marked["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(marked.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "Dòng",
        "Tỉnh",
        "Huyện",
        "Xã",
        "Tên thôn",
        "Loại",
        "Lỗi",
    ]
    bad = {
        (cell.row, cell.column_letter): cell.comment.text
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment
    }
    assert bad == {
        (4, "D"): "Không có xã «Không Có» trong huyện Hướng Hóa.",
        (5, "F"): "Loại thôn «Phố» không có trong danh mục: ghi một trong Thôn, Bản, Ấp, Làng, "
        "Xóm, Buôn, Bon, Plei, Phum, Sóc, Khóm, Khu, Tổ, Tổ dân phố, Khu phố.",
    }
    assert sheet["A4"].value == 6
    assert sheet["G4"].value.startswith("Xã: Không có xã")

    fixed = [row[:] for row in VILLAGE_ROWS]
    fixed[3][2], fixed[4][4] = "Thuận", "Bản"
    record = upload(
        client,
        "villages",
        workbook_bytes(fixed),
        "thôn-sửa.xlsx",
        django_capture_on_commit_callbacks,
    )
    assert (record.new_count, record.error_count) == (4, 0)
    assert (
        "Xác nhận nhập"
        in client.get(reverse("rosters:import_detail", args=[record.pk])).content.decode()
    )

    response = client.post(reverse("rosters:import_confirm", args=[record.pk]), follow=True)
    assert "Đã nhập xong" in response.content.decode()
    assert set(
        Village.objects.filter(
            name__in=["Thôn Một", "Thôn Hai", "Thôn Ba", "Thôn Bốn"]
        ).values_list("name", "commune__short_name")
    ) == {
        ("Thôn Một", "Ba Tầng"),
        ("Thôn Hai", "Ba Tầng"),
        ("Thôn Ba", "Thuận"),
        ("Thôn Bốn", "Ba Tầng"),
    }
    record.refresh_from_db()
    assert (record.status, record.confirmed_by) == (RosterImport.Status.IMPORTED, personas["admin"])

    # A confirmed import cannot run twice.
    response = client.post(reverse("rosters:import_confirm", args=[record.pk]), follow=True)
    assert "đã được nhập rồi" in response.content.decode()
    assert Village.objects.filter(name="Thôn Một").count() == 1


def test_confirm_checks_again_and_refuses_an_evaluation_approved_meanwhile(
    client, world, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["admin"])
    data = workbook_bytes(
        [
            ["Tỉnh", "Xã", "Bộ tiêu chí", "Năm", "Kỳ", "Chỉ tiêu", "Giá trị"],
            ["Quảng Trị", "Ba Tầng", "QD318-THU", 2024, "6 tháng cuối năm", "2.1", "75,5"],
        ]
    )
    record = upload(
        client, "evaluations", data, "danh-gia.xlsx", django_capture_on_commit_callbacks
    )
    assert (record.new_count, record.error_count) == (1, 0)
    Evaluation.objects.filter(pk=world.evaluation_a1.pk).update(status=Evaluation.Status.APPROVED)

    response = client.post(reverse("rosters:import_confirm", args=[record.pk]), follow=True)
    assert "Đánh giá đã duyệt, không sửa được." in response.content.decode()
    record.refresh_from_db()
    assert (record.status, record.error_count) == (RosterImport.Status.VALIDATED, 1)
    assert not world.evaluation_a1.values.exclude(value=None).exists()
    assert not EvaluationLog.objects.filter(action=EvaluationLog.Action.VALUE_CHANGED).exists()


def test_an_unusable_file_is_rejected_with_its_reason(
    client, world, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["admin"])
    record = upload(
        client, "villages", b"PK\x03\x04 broken", "hong.xlsx", django_capture_on_commit_callbacks
    )
    assert record.status == RosterImport.Status.REJECTED
    page = client.get(reverse("rosters:import_detail", args=[record.pk])).content.decode()
    assert "Tệp Excel bị hỏng, không đọc được." in page
    response = client.post(
        reverse("rosters:import_new"),
        {
            "kind": "villages",
            "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
        follow=True,
    )
    assert "Tệp “a.pdf” không phải Excel (.xlsx) hoặc CSV (.csv)." in response.content.decode()


def test_progress_is_one_small_query_and_the_list_is_constant(
    client, personas, checked_import, django_assert_num_queries
):
    client.force_login(personas["admin"])
    url = reverse("rosters:import_progress", args=[checked_import.pk])
    # session, user, the progress row
    with django_assert_num_queries(3):
        response = client.get(url)
    assert response.json() == {"status": "validated", "progress": 100, "done": True, "waiting": ""}
    for _ in range(5):
        RosterImport.objects.create(
            kind="villages",
            original_name="x.xlsx",
            size=1,
            sha256="b" * 64,
            uploaded_by=personas["province"],
        )
    # session, user, unread notifications (menu), count, page
    with django_assert_num_queries(5):
        response = client.get(reverse("rosters:import_list"))
    assert response.content.decode().count("x.xlsx") == 5


def test_each_template_has_vietnamese_headers_instructions_and_examples(client, personas):
    from ntm_portal.rosters import rosters

    client.force_login(personas["admin"])
    for kind, roster in rosters().items():
        response = client.get(reverse("rosters:template", args=[kind]))
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["Danh sách", "Hướng dẫn"]
        headers = [cell.value for cell in workbook["Danh sách"][1]]
        assert headers[: len(roster.columns)] == [
            f"{c.header} (*)" if c.required else c.header for c in roster.columns
        ]
        assert workbook["Danh sách"].max_row == 1 + len(roster.examples) >= 3


def test_the_check_is_safe_to_run_twice_and_the_sweep_requeues_lost_ones(
    personas, checked_import, monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from ntm_portal import tasks

    assert roster_import_validate(record_id=checked_import.pk) is None  # already checked
    queued = []
    monkeypatch.setattr(tasks.validate_roster, "delay", queued.append)
    lost = RosterImport.objects.create(
        kind="villages",
        original_name="x.xlsx",
        size=1,
        sha256="c" * 64,
        uploaded_by=personas["admin"],
    )
    fresh = RosterImport.objects.create(
        kind="villages",
        original_name="y.xlsx",
        size=1,
        sha256="d" * 64,
        uploaded_by=personas["admin"],
    )
    RosterImport.objects.filter(pk=lost.pk).update(
        uploaded_at=timezone.now() - timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.validate_pending_rosters() == 1
    assert queued == [lost.pk]
    assert fresh.pk not in queued


def test_the_preview_page_has_a_constant_query_count(
    client, world, personas, django_assert_num_queries
):
    from criteria.rosters.benchmark import previewable_import

    small = previewable_import(actor=personas["admin"], rows=60)
    assert (small.status, small.new_count, small.error_count) == ("validated", 60, 0)
    large = previewable_import(actor=personas["admin"], rows=300)
    assert large.new_count == 300
    client.force_login(personas["admin"])
    for record in (small, large):
        url = reverse("rosters:import_detail", args=[record.pk])
        for params in ({}, {"page": 2}, {"status": "new"}):
            # session, user, unread notifications (menu), the import with its users, the page
            # of rows (how many there are is on the import)
            with django_assert_num_queries(5):
                response = client.get(url, params)
            assert "Xác nhận nhập" in response.content.decode()


def test_the_preview_of_a_file_with_errors_has_a_constant_query_count(
    client, world, personas, django_assert_num_queries
):
    from django.core.files.base import ContentFile

    from criteria.rosters.benchmark import roster_rows, roster_workbook

    client.force_login(personas["admin"])
    for size in (60, 1600):
        rows = roster_rows(size)
        for row in rows[::3]:
            row[8] = "không rõ"  # neither a number nor Đạt / Chưa đạt
        record = RosterImport(
            kind="evaluations",
            original_name=f"loi-{size}.xlsx",
            size=1,
            sha256="e" * 64,
            uploaded_by=personas["admin"],
        )
        record.file.save(record.original_name, ContentFile(roster_workbook(rows)), save=False)
        record.save()
        roster_import_validate(record_id=record.pk)
        record.refresh_from_db()
        assert record.error_count == len(rows[::3])
        url = reverse("rosters:import_detail", args=[record.pk])
        # … and the first errors
        with django_assert_num_queries(6):
            page = client.get(url, {"status": "error"}).content.decode()
        shown = min(record.error_count, 50)
        assert page.count('<tr class="row-error"') == shown
        assert page.count("«không rõ»") == shown + min(record.error_count, 500)
        more = record.error_count - 500
        assert (f"… và {more} lỗi khác" in page) == (more > 0)
        assert "Xác nhận nhập" not in page


def test_the_evaluation_import_writes_in_a_constant_number_of_queries(
    world, personas, django_assert_max_num_queries
):
    from criteria.rosters.benchmark import roster_rows, roster_workbook
    from ntm_portal.rosters.services import roster_validate_file

    for rows in (100, 600):
        data = roster_workbook(roster_rows(rows))
        with django_assert_max_num_queries(12):
            validation = roster_validate_file(
                kind="evaluations", content=io.BytesIO(data), filename="b.xlsx", actor=None
            )
        assert not validation.has_errors
        with django_assert_max_num_queries(30):
            roster_for_kind("evaluations").apply(validation, actor=personas["admin"])
    assert (
        EvaluationLog.objects.filter(action="value_changed", actor=personas["admin"]).count() == 600
    )

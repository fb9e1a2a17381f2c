"""The administrator's roster journey in Chromium, with a real Celery worker checking the files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from communes.models import Village
from ntm_portal.models import RosterImport

from .factories import PASSWORD
from .roster_files import nfd, workbook_bytes
from .test_browser import CHROMIUM, CHROMIUM_ARGS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Looked at before closing a change; kept out of the repository.
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def admin_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert os.path.exists(CHROMIUM), "Chromium missing: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # Admins import from the office: a desktop screen.
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
        )
        yield context.new_page()
        browser.close()


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    from ntm_portal.celery import app

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "run through `make test` (REDIS_URL)"
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def _upload(page, rows: list[list[object]], name: str) -> None:
    page.get_by_label("Loại danh sách").select_option(label="Thôn, bản")
    page.set_input_files(
        "#id_file", files=[{"name": name, "mimeType": XLSX, "buffer": workbook_bytes(rows)}]
    )
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    # The preview polls the worker's progress and shows the result when the check is done.
    page.locator("#count-error").wait_for(timeout=30_000)


@pytest.mark.browser
@pytest.mark.celery_worker
def test_admin_uploads_two_bad_rows_downloads_the_marked_file_fixes_and_confirms(
    live_server, world, personas, admin_page, worker, tmp_path
):
    page = admin_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.fill("#id_username", "admin_p")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.get_by_role("link", name="Nhập liệu").click()

    rows = [
        ["Tỉnh", "Huyện", "Xã", "Tên thôn", "Loại"],
        ["Quảng Trị", "Hướng Hóa", nfd("Ba Tầng "), "Thôn Tứ", "Thôn"],
        ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Thôn Khánh", "Thôn"],
        ["Quảng Trị", "Hướng Hóa", "Ba Tang Moi", "Thôn Mới", "Thôn"],
        ["Quảng Trị", "Hướng Hóa", "Thuận", "Bản Cát", "Phố"],
        ["Quảng Trị", "Hướng Hóa", "ba tầng", "Bản Xa Doan", "Bản"],
        ["Quảng Trị", "Hướng Hóa", "Thuận", "Xóm Đông", "Xóm"],
    ]
    _upload(page, rows, "thon-ba-tang.xlsx")
    assert page.locator("#count-new").inner_text() == "3"
    assert page.locator("#count-updated").inner_text() == "1"
    assert page.locator("#count-error").inner_text() == "2"
    # A checked file with errors never reads "waiting for confirmation".
    assert page.locator("#status").inner_text() == "Có lỗi, chưa ghi gì"
    errors = page.locator("table.errors-table tbody tr")
    assert errors.count() == 2
    assert errors.nth(0).inner_text().split("\t") == [
        "6",
        "Xã",
        "Ba Tang Moi",
        "Không có xã «Ba Tang Moi» trong huyện Hướng Hóa. Có phải «Xã Ba Tầng»?",
    ]
    assert "Loại thôn «Phố» không có trong danh mục" in errors.nth(1).inner_text()
    assert page.get_by_role("button", name="Xác nhận nhập").count() == 0
    # Every row, with what it was matched to and, for an update, the old and new values.
    preview = page.locator("table.rows-table tbody tr")
    assert preview.count() == 6
    updated = page.locator("#row-8")
    assert "Cập nhật" in updated.inner_text()
    assert "«ba tầng» → Xã Ba Tầng – Huyện Hướng Hóa" in updated.inner_text()
    assert "Loại: Thôn → Bản" in updated.inner_text()
    assert "Xóm Đông – Xã Thuận" in page.locator("#row-9").inner_text()
    page.locator("#rows").screenshot(path=str(SCREENSHOTS / "roster-preview-with-errors.png"))
    page.get_by_role("link", name="Cập nhật (1)").click()
    assert page.locator("table.rows-table tbody tr").count() == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp đánh dấu lỗi (.xlsx)").click()
    marked = tmp_path / "marked.xlsx"
    download.value.save_as(marked)
    sheet = load_workbook(marked).active
    commented = sorted(cell.coordinate for row in sheet.iter_rows() for cell in row if cell.comment)
    assert commented == ["D4", "F5"]

    rows[3][2], rows[4][4] = "Ba Tầng", "Bản"
    page.get_by_role("link", name="Nhập liệu từ Excel").click()
    _upload(page, rows, "thon-ba-tang-da-sua.xlsx")
    assert page.locator("#count-error").inner_text() == "0"
    assert page.locator("#count-new").inner_text() == "5"
    assert page.locator("#status").inner_text() == "Đã kiểm tra, chờ xác nhận"
    page.screenshot(path=str(SCREENSHOTS / "roster-preview-ready.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận nhập").click()
    assert page.get_by_text("Đã nhập xong danh sách.").is_visible()
    assert "5 dòng mới, 1 dòng cập nhật, 0 dòng không đổi" in page.locator("#summary").inner_text()
    assert Village.objects.get(name="Xóm Đông").get_kind_display() == "Xóm"

    assert set(
        Village.objects.filter(
            name__in=["Thôn Tứ", "Thôn Khánh", "Thôn Mới", "Bản Cát"]
        ).values_list("name", "commune__short_name", "kind")
    ) == {
        ("Thôn Tứ", "Ba Tầng", "thon"),
        ("Thôn Khánh", "Ba Tầng", "thon"),
        ("Thôn Mới", "Ba Tầng", "thon"),
        ("Bản Cát", "Thuận", "ban"),
    }
    assert list(RosterImport.objects.values_list("status", flat=True).order_by("pk")) == [
        "validated",
        "imported",
    ]
    # The log of imports lists both, with who uploaded them.
    page.get_by_role("link", name="Nhập liệu từ Excel").click()
    assert page.locator("table.list tbody tr").count() == 2
    assert "admin_p" in page.locator("table.list tbody").inner_text()

"""Browser journeys in Debian's Chromium, driven by Playwright."""

from __future__ import annotations

import os

import pytest

from .factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls around it are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert os.path.exists(CHROMIUM), "Chromium missing: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # A phone-sized screen: commune officials often work from one.
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        yield context.new_page()
        browser.close()


@pytest.mark.browser
def test_commune_official_logs_in_sees_their_commune_and_is_refused_another(
    live_server, world, personas, page
):
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.fill("#id_username", "xa_p")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.wait_for_url(f"**/tieu-chi/xa/{world.commune_a1.pk}/")
    assert page.locator("h1").inner_text() == "Xã Ba Tầng"
    assert page.get_by_role("link", name="Xã của tôi").is_visible()
    page.get_by_role("link", name="Thông tin địa bàn").click()
    assert page.get_by_text("Bản Xa Doan").is_visible()

    response = page.goto(f"{live_server.url}/dia-ban/xa/{world.commune_b1.pk}/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    assert "Xã Bình Lư" not in page.content()


SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "")


def _shot(name: str) -> str:
    """Where a journey's screenshot goes: SCREENSHOT_DIR when set (to look at them), else a
    throwaway folder."""
    import tempfile

    folder = SCREENSHOTS or tempfile.mkdtemp(prefix="ntm-shots-")
    return os.path.join(folder, name)


def _sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/tai-khoan/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_evaluation_is_filled_on_a_phone_returned_corrected_and_approved(
    live_server, world, personas, page
):
    evaluation_url = f"{live_server.url}/tieu-chi/danh-gia/{world.evaluation_a1.pk}/"

    # The commune official fills the evaluation on a phone and submits it.
    _sign_in(page, live_server.url, "xa_p")
    page.goto(evaluation_url + "nhap/")
    page.get_by_label("1.1 Có quy hoạch được duyệt").select_option(label="Đạt")
    page.get_by_label("2.1 Tỷ lệ đường được cứng hóa").fill("65,5")
    page.get_by_label("3.1 Tỷ lệ nghèo đa chiều").fill("4,2")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(evaluation_url)
    assert "Đạt 2/3 tiêu chí" in page.content()
    assert "Còn 1 tiêu chí chưa đạt gồm: giao thông" in page.content()
    # Sending is irreversible for the commune: it asks once more, saying what is sent.
    page.get_by_text("Gửi thẩm định…").click()
    assert page.get_by_text("Gửi «Đạt 2/3 tiêu chí» lên tỉnh thẩm định?").is_visible()
    page.screenshot(path=_shot("phone-submit-confirm.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận gửi thẩm định").click()
    assert page.get_by_text("Đã gửi thẩm định.").is_visible()
    _sign_out(page)

    # The province reviewer returns it with a reason.
    _sign_in(page, live_server.url, "vpdp_p")
    page.goto(f"{live_server.url}/tieu-chi/tham-dinh/")
    page.get_by_role("link", name="Xã Ba Tầng").click()
    page.get_by_label("Lý do trả lại").fill("Tỷ lệ đường cứng hóa chưa khớp biên bản nghiệm thu")
    page.get_by_role("button", name="Trả lại cho xã").click()
    assert page.get_by_text("Đã trả lại đánh giá cho xã.").is_visible()
    _sign_out(page)

    # The official's home shows the returned evaluation first, with the reason.
    _sign_in(page, live_server.url, "xa_p")
    open_card = page.locator(".open-evaluation")
    assert "Bị trả lại" in open_card.inner_text()
    assert "Tỷ lệ đường cứng hóa chưa khớp biên bản nghiệm thu" in open_card.inner_text()
    page.screenshot(path=_shot("phone-home-returned.png"), full_page=True)
    page.goto(evaluation_url)
    assert "Tỷ lệ đường cứng hóa chưa khớp biên bản nghiệm thu" in page.content()
    page.get_by_role("link", name="Nhập, sửa giá trị").click()
    page.get_by_label("2.1 Tỷ lệ đường được cứng hóa").fill("72")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(evaluation_url)
    page.get_by_text("Gửi thẩm định…").click()
    page.get_by_role("button", name="Xác nhận gửi thẩm định").click()
    _sign_out(page)

    # The reviewer approves; the tally appears on the commune's page.
    _sign_in(page, live_server.url, "vpdp_p")
    page.goto(evaluation_url)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_text("Duyệt…").click()
    page.screenshot(path=_shot("desktop-review-confirm.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận duyệt").click()
    assert page.get_by_text("Đã duyệt đánh giá.").is_visible()
    page.goto(f"{live_server.url}/tieu-chi/xa/{world.commune_a1.pk}/")
    assert "Đạt 3/3 tiêu chí" in page.content()
    assert "Đã duyệt" in page.content()


@pytest.mark.browser
def test_agency_member_files_the_quarters_inspection_and_province_acknowledges(
    live_server, world, personas, page
):
    from django.utils import timezone

    from sponsorships.models import Inspection
    from sponsorships.periods import Frequency, Period

    quarter = Period.containing(timezone.localdate(), Frequency.QUARTER)
    inspection = Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        period_start=quarter.start,
        period_end=quarter.end,
        due_date=quarter.end,
    )

    # The agency member finds the quarter's due inspection in the calendar and files the report.
    _sign_in(page, live_server.url, "skhdt_p")
    page.get_by_role("link", name="Lịch kiểm tra").first.click()
    page.wait_for_url("**/co-quan/lich/")  # the calendar, not the page it was clicked on
    assert quarter.label() in page.content()
    page.locator(f"a[href='/co-quan/kiem-tra/{inspection.pk}/']").click()
    page.get_by_role("button", name="Lập báo cáo kiểm tra").click()
    page.get_by_label("Thành phần tham gia").fill("Đ/c Giám đốc Sở; đại diện UBND xã Thuận")
    page.get_by_label("Khó khăn, vướng mắc").fill("Thiếu vốn đối ứng cho đường trục xã")
    page.get_by_label("Nguồn lực huy động (đồng)").fill("120.000.000")
    page.get_by_role("button", name="Lưu báo cáo").click()
    assert page.get_by_text("Đã lưu báo cáo.").is_visible()
    assert "120.000.000" in page.content()
    page.get_by_role("button", name="Nộp báo cáo").click()
    assert page.get_by_text("Đã nộp báo cáo kiểm tra.").is_visible()
    _sign_out(page)

    # The province staff acknowledge it, and the calendar shows it done and acknowledged.
    _sign_in(page, live_server.url, "vpdp_p")
    page.goto(f"{live_server.url}/co-quan/kiem-tra/{inspection.pk}/")
    page.get_by_role("button", name="Ghi nhận báo cáo").click()
    assert page.get_by_text("Đã ghi nhận báo cáo.").is_visible()
    page.goto(f"{live_server.url}/co-quan/lich/?state=done")
    row = page.locator("tr", has_text="Xã Thuận").filter(has_text=quarter.label())
    assert "Tỉnh đã ghi nhận" in row.inner_text()


@pytest.mark.browser
def test_province_staff_land_on_the_dashboard_and_the_english_header_fits_a_laptop(
    live_server, world, personas, page
):
    page.set_viewport_size({"width": 1366, "height": 768})
    _sign_in(page, live_server.url, "vpdp_p")
    assert page.url.endswith("/tong-quan/")
    with page.expect_navigation():  # the language form posts and reloads the page
        page.select_option("#language", "en")
    assert page.locator("h1").inner_text().startswith("Overview")
    # One row: the brand, every menu entry and the account on the same line.
    header = page.locator("header.topbar").bounding_box()
    page.screenshot(path=_shot("header-1366-en.png"))
    assert header["height"] < 70, header
    last_link = page.locator(".mainnav a").last.bounding_box()
    language = page.locator("#language").bounding_box()
    assert abs(last_link["y"] - page.locator(".brand").bounding_box()["y"]) < 20
    assert language["x"] + language["width"] <= 1366
    page.screenshot(path=_shot("laptop-english-dashboard.png"), full_page=False)


@pytest.mark.browser
def test_a_document_being_rendered_shows_its_files_without_a_reload(
    live_server, world, personas, page
):
    from reports.models import Document

    document = world.document_a
    Document.objects.filter(pk=document.pk).update(status=Document.Status.PENDING)
    _sign_in(page, live_server.url, "skhdt_p")
    page.goto(f"{live_server.url}/van-ban/{document.pk}/")
    assert page.get_by_text("trang tự cập nhật sau vài giây").is_visible()
    assert page.get_by_role("link", name="Tải PDF").count() == 0
    # The worker finishes: the page shows the files by itself.
    Document.objects.filter(pk=document.pk).update(status=Document.Status.DONE)
    page.get_by_role("link", name="Tải PDF").wait_for()
    assert page.get_by_text("trang tự cập nhật sau vài giây").count() == 0

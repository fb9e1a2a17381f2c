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

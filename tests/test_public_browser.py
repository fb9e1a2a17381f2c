"""A resident opens Quảng Trị's public page on a phone from the sign-in page: the map of the
communes fits the screen, nothing runs off its side, and the page says how fresh it is.

Screenshots go to $SCREENSHOT_DIR when it is set (to look at them), else to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from criteria.standings import standings_refresh
from reports.boundaries import commune_boundaries_process, commune_boundaries_upload
from reports.models import PublicProvincePage

from .api_helpers import add_foreign_and_own
from .boundary_files import communes_file, upload
from .test_browser import CHROMIUM, CHROMIUM_ARGS

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert os.path.exists(CHROMIUM), "Chromium missing: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
        browser.close()


@pytest.mark.browser
def test_a_resident_reads_the_public_page_on_a_phone(live_server, world, personas, phone, tmp_path):
    add_foreign_and_own(world)
    standings_refresh()
    communes = [world.commune_a1, world.commune_a2, world.commune_a3]
    received = commune_boundaries_upload(
        province=world.province_a,
        upload=upload(communes_file(communes)),
        actor=personas["province"],
    )
    commune_boundaries_process(upload_id=received.pk)
    PublicProvincePage.objects.create(province=world.province_a, is_published=True)
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)

    phone.goto(f"{live_server.url}/tai-khoan/login/")
    phone.get_by_role("link", name="Kết quả xây dựng nông thôn mới – Tỉnh Quảng Trị").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "Kết quả xây dựng nông thôn mới – Tỉnh Quảng Trị"
    assert phone.get_by_text("Số liệu tổng hợp lúc").is_visible()
    # Every column stays on a phone (the portal's lists drop their third on a narrow screen).
    assert "12/QĐ-UBND" in phone.locator("#public-recognitions").inner_text()
    assert phone.locator("#public-communes").get_by_text("0/3").is_visible()
    map_box = phone.locator("#public-commune-map svg.map").bounding_box()
    assert map_box is not None
    assert map_box["width"] <= PHONE["width"]
    assert map_box["height"] > 50
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    phone.screenshot(path=shots / "trang-cong-khai.png", full_page=True)

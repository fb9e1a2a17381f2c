"""Browser journeys of the 2026–2030 set: province staff record a group decision on a desktop;
a commune official on a phone reads an evaluation of a xã that has no group yet.

Screenshots go to $SCREENSHOT_DIR when it is set (to look at them), else to a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from criteria.models import CommuneGroupDecision, Evaluation
from criteria.services import evaluation_create, evaluation_save_values

from .factories import PASSWORD
from .test_browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert os.path.exists(CHROMIUM), "Chromium missing: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/tai-khoan/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.browser
def test_province_staff_record_the_groups_of_their_xa_on_a_desktop(
    live_server, two_tier, browser, shots
):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    _sign_in(page, live_server.url, "vpdp_2025")
    page.get_by_role("link", name="Tỉnh của tôi").click()
    page.get_by_role("link", name="Nhóm xã (QĐ 51/2025/QĐ-TTg)").click()
    assert page.locator("h1").inner_text() == "Nhóm xã – Tỉnh Quảng Trị"

    # A bad date first: the page names the field and keeps the choices.
    page.get_by_label("Nhóm mới của Xã Ba Tầng").select_option(label="Nhóm 3")
    page.get_by_label("Nhóm mới của Xã Hướng Lập").select_option(label="Nhóm 2")
    page.get_by_label("Số quyết định").fill("125/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("31/12/2024")
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    assert page.get_by_text("Ngày quyết định: phải trong khoảng năm 2025–2100.").is_visible()
    assert page.get_by_label("Nhóm mới của Xã Ba Tầng").input_value() == "3"
    assert "Áp dụng từ ngày:" not in page.content()  # left empty: nothing to say about it
    page.screenshot(path=shots / "nhom-xa-loi.png", full_page=True)
    assert not CommuneGroupDecision.objects.exists()

    page.get_by_label("Ngày quyết định").fill("10/03/2026")
    page.get_by_role("button", name="Ghi nhận quyết định").click()
    assert page.get_by_text(
        "Đã ghi nhận Quyết định số 125/QĐ-UBND ngày 10/03/2026: 2 xã."
    ).is_visible()
    row = page.locator("tr", has_text="Xã Ba Tầng")
    assert "Nhóm 3" in row.inner_text()
    assert "Số 125/QĐ-UBND ngày 10/03/2026" in row.inner_text()
    page.screenshot(path=shots / "nhom-xa.png", full_page=True)


@pytest.mark.browser
def test_a_commune_official_reads_an_evaluation_of_a_xa_without_a_group_on_a_phone(
    live_server, two_tier, browser, shots
):
    evaluation = evaluation_create(
        commune=two_tier.xa_1, criteria_set=two_tier.qd51, year=2026, half=2, actor=None
    )
    ids = dict(evaluation.criteria_set.criteria.values_list("indicators__number", "indicators__pk"))
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={ids["1.1"]: "1", ids["1.2"]: "1", ids["1.3"]: "1", ids["4.1"]: "94,5"},
        notes={},
        version=evaluation.version,
        actor=two_tier.official,
    )
    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN").new_page()
    _sign_in(page, live_server.url, "xa_2025")
    page.goto(f"{live_server.url}/tieu-chi/danh-gia/{evaluation.pk}/")
    assert "Đạt 1/10 tiêu chí (9 tiêu chí chưa xác định)" in page.content()
    assert page.get_by_role("status").filter(has_text="Xã chưa có nhóm xã").is_visible()
    page.get_by_text("4. Đào tạo nguồn nhân lực nông thôn").click()
    training = page.locator("details", has_text="4. Đào tạo nguồn nhân lực nông thôn")
    assert training.get_by_text("chưa xác định (xã chưa có nhóm)").first.is_visible()
    # Nothing runs off the side of the phone's screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(path=shots / "danh-gia-chua-co-nhom.png", full_page=True)

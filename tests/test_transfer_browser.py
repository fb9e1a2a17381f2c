"""The province office's journey across 01/07/2025 in Chromium: open a new commune, see where it
came from, and transfer the agencies' assignments to the new communes (one split to pick, one
conflict to resolve, one mistake to correct)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ntm_portal.models import Role
from sponsorships.models import Assignment, AssignmentDecision

from .factories import PASSWORD, AgencyFactory, AssignmentFactory, UserFactory
from .test_browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def office_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert os.path.exists(CHROMIUM), "Chromium missing: `make test` installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # The coordination office works at a desk.
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        yield context.new_page()
        browser.close()


@pytest.fixture
def shots(tmp_path):
    """Screenshots of the journey; kept in $SCREENSHOT_DIR when it is set, to be looked at."""
    folder = tmp_path / "screenshots"
    folder.mkdir()
    yield folder
    if target := os.environ.get("SCREENSHOT_DIR"):
        shutil.copytree(folder, Path(target), dirs_exist_ok=True)


@pytest.mark.browser
def test_province_office_transfers_assignments_to_the_new_communes(
    live_server, world, reorganised, office_page, shots
):
    page, base = office_page, live_server.url
    ccb = AgencyFactory(province=world.province_a, name="Hội Cựu chiến binh tỉnh Quảng Trị")
    AssignmentFactory(agency=ccb, commune=world.commune_a1, target_level="ntm", target_year=2025)
    AssignmentFactory(agency=ccb, commune=world.commune_a3, kind="phu_trach")
    UserFactory(username="vpdp_qt", role=Role.PROVINCE, province=reorganised.province)

    page.goto(f"{base}/tai-khoan/login/")
    page.fill("#id_username", "vpdp_qt")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()

    # The new commune says where it came from.
    page.goto(f"{base}/dia-ban/xa/{reorganised.lia.pk}/")
    assert page.locator("h1").inner_text() == "Xã Lìa"
    origins = page.locator("section.lineage")
    assert "Xã Ba Tầng" in origins.inner_text()
    assert "Xã Thuận" in origins.inner_text()
    page.screenshot(path=shots / "1-xa-lia.png", full_page=True)

    page.get_by_role("link", name="Chuyển phân công của các xã cũ sang xã mới").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Chuyển phân công sang xã mới"
    assert page.get_by_text("2 cơ quan cùng đỡ đầu Xã Lìa").is_visible()
    page.screenshot(path=shots / "2-de-xuat.png", full_page=True)

    # Triệu Long was split: pick Triệu Phong. Lìa gets one sponsor: keep Hội CCB's.
    split = page.get_by_role(
        "group", name="Xã mới cho Xã Triệu Long – Hội Cựu chiến binh tỉnh Quảng Trị"
    )
    split.get_by_label("Xã Triệu Phong").check()
    page.get_by_role("group", name="Giữ lại ở Xã Lìa").get_by_label(
        "Hội Cựu chiến binh tỉnh Quảng Trị – Đỡ đầu, từ Xã Ba Tầng"
    ).check()
    page.get_by_label("Ngày quyết định (dd/mm/yyyy)").fill("15/07/2025")
    page.get_by_role("button", name="Xác nhận chuyển phân công").click()
    page.wait_for_load_state()
    # Forgot the number: said in Vietnamese, next to the field, nothing written, choices kept.
    assert page.locator(".decision .error").inner_text().startswith("Số quyết định: hãy ghi")
    assert split.get_by_label("Xã Triệu Phong").is_checked()
    assert not AssignmentDecision.objects.filter(province=reorganised.province).exists()
    page.screenshot(path=shots / "3-thieu-so.png", full_page=True)

    page.get_by_label("Số quyết định").fill("215/QĐ-UBND")
    page.get_by_role("button", name="Xác nhận chuyển phân công").click()
    page.wait_for_load_state()
    assert page.get_by_text("2 phân công chuyển sang xã mới, 1 phân công kết thúc").is_visible()
    assert page.get_by_text("Không còn phân công nào trên xã cũ cần chuyển.").is_visible()
    page.screenshot(path=shots / "4-da-chuyen.png", full_page=True)

    page.goto(f"{base}/co-quan/{ccb.pk}/")
    assigned = page.locator("table.list").inner_text()
    assert "Xã Lìa" in assigned
    assert "Xã Triệu Phong" in assigned
    assert "Xã Ba Tầng" not in assigned
    page.screenshot(path=shots / "5-co-quan.png", full_page=True)
    assert set(ccb.assignments.filter(end=None).values_list("commune__name", flat=True)) == {
        "Xã Lìa",
        "Xã Triệu Phong",
    }
    assert Assignment.objects.filter(decision__number="215/QĐ-UBND").count() == 2

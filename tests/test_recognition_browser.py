"""A whole recognition case in Chromium (issue 16): the commune submits, the province returns
one criterion, the commune answers it, review passes, appraisal, the decision through the
province's register; the commune then shows as recognised with the decision number. And the
province office records an assignment decision and assigns an agency by it, in the portal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from criteria.models import Recognition, RecognitionCase
from ntm_portal.models import Role
from reports.models import IssuerProfile, Signatory
from sponsorships.models import Assignment

from .conftest import ALL_MET, approved_evaluation
from .factories import PASSWORD, UserFactory
from .test_browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert os.path.exists(CHROMIUM), "Chromium missing: `make test` installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path):
    folder = tmp_path / "screenshots"
    folder.mkdir()
    yield folder
    if target := os.environ.get("SCREENSHOT_DIR"):
        shutil.copytree(folder, Path(target), dirs_exist_ok=True)


def _signed_in(browser, base: str, username: str):
    """A page of its own browser context (a phone for the commune, a desk for the office)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{base}/tai-khoan/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.browser
def test_a_whole_recognition_case_in_the_browser(live_server, world, personas, browser, shots):
    base = live_server.url
    official, staff = personas["commune"], personas["province"]
    reviewer = UserFactory(username="tham_tra_b", role=Role.PROVINCE, province=world.province_a)
    year = timezone.localdate().year
    today = timezone.localdate()
    approved_evaluation(
        world.commune_a1,
        world.criteria_set,
        year,
        1,
        ALL_MET,
        submitter=official,
        reviewer=reviewer,
    )
    profile = IssuerProfile.objects.create(
        province=world.province_a, abbreviation="UBND", place="Quảng Trị"
    )
    Signatory.objects.create(
        profile=profile,
        full_name="Nguyễn Văn Chủ",
        title="Chủ tịch",
        authority="TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
    )
    criteria = list(world.criteria_set.criteria.order_by("number"))
    returned = criteria[1]

    # The commune opens its case from its page and fills the self-assessment.
    commune = _signed_in(browser, base, official.username)
    commune.goto(f"{base}/tieu-chi/xa/{world.commune_a1.pk}/")
    commune.get_by_role(
        "button", name=f"Lập hồ sơ xét công nhận đạt chuẩn nông thôn mới năm {year}"
    ).click()
    commune.wait_for_load_state()
    case = RecognitionCase.objects.get(commune=world.commune_a1)
    assert commune.locator("h1").inner_text() == "Xét công nhận: Xã Ba Tầng"

    def day(delta: int) -> str:
        return f"{today - timezone.timedelta(days=delta):%d/%m/%Y}"

    form = commune.locator("#assessment-form")
    form.locator("#id_satisfaction_percent").fill("95,5")
    form.locator("#id_satisfaction_surveyed_on").fill(day(40))
    form.locator("#id_debt_vnd").fill("0")
    form.locator("#id_security_stable").select_option("1")
    form.locator("#id_posted_from").fill(day(60))
    form.locator("#id_posted_to").fill(day(45))
    form.locator("#id_posted_where").fill("Trụ sở UBND xã")
    form.locator("#id_comments_count").fill("8")
    form.locator("#id_comments_summary").fill("Các ý kiến đồng thuận.")
    form.locator("#id_meeting_on").fill(day(30))
    form.locator("#id_meeting_participants").fill("Chủ tịch UBND xã")
    form.get_by_role("button", name="Lưu tự đánh giá").click()
    commune.wait_for_load_state()
    commune.get_by_role("button", name="Gửi hồ sơ đề nghị thẩm tra").click()
    commune.wait_for_load_state()
    commune.screenshot(path=shots / "1-xa-gui.png", full_page=True)
    case.refresh_from_db()
    assert case.step.kind == "review"

    # The province office returns one criterion with its reason.
    office = _signed_in(browser, base, staff.username)
    office.goto(f"{base}/tieu-chi/ho-so-cong-nhan/{case.pk}/")
    review = office.locator("#review-form")
    for criterion in criteria:
        verdict = "0" if criterion == returned else "1"
        review.locator(f"input[name=verdict_{criterion.pk}][value='{verdict}']").check()
    review.locator(f"#reason-{returned.pk}").fill("Thiếu biên bản nghiệm thu đường trục thôn")
    review.get_by_role("button", name="Ghi kết quả thẩm tra").click()
    office.wait_for_load_state()
    case.refresh_from_db()
    assert (case.step.kind, case.status) == ("self_assessment", "returned")

    # The commune sees the reason, answers it and sends the case again.
    commune.reload()
    assert (
        "Thiếu biên bản nghiệm thu đường trục thôn"
        in commune.get_by_role("alert").first.inner_text()
    )
    commune.locator(f"#response-{returned.pk}").fill("Đã bổ sung biên bản nghiệm thu.")
    commune.get_by_role("button", name="Lưu tự đánh giá").click()
    commune.wait_for_load_state()
    commune.get_by_role("button", name="Gửi lại hồ sơ").click()
    commune.wait_for_load_state()
    case.refresh_from_db()
    assert case.step.kind == "review"

    # Review passes, then the appraisal council.
    office.reload()
    review = office.locator("#review-form")
    for criterion in criteria:
        review.locator(f"input[name=verdict_{criterion.pk}][value='1']").check()
    review.get_by_role("button", name="Ghi kết quả thẩm tra").click()
    office.wait_for_load_state()
    appraisal = office.locator("#appraisal-form")
    appraisal.locator("#id_lead_department").fill("Sở Nông nghiệp và Môi trường")
    appraisal.locator("#id_council_met_on").fill(f"{today:%d/%m/%Y}")
    appraisal.locator("#id_council_members").fill("Giám đốc Sở\nĐại diện Sở Tài chính")
    appraisal.locator("#id_council_size").fill("9")
    appraisal.locator("#id_votes_for").fill("9")
    appraisal.locator("#id_votes_against").fill("0")
    appraisal.get_by_role("button", name="Ghi kết quả thẩm định").click()
    office.wait_for_load_state()
    case.refresh_from_db()
    assert case.step.kind == "decision"

    # The decision: drafted from the case, issued through the province's register.
    office.get_by_role(
        "link", name="Văn bản của hồ sơ (tờ trình, báo cáo, biên bản, quyết định)"
    ).click()
    office.wait_for_load_state()
    office.locator("#dossier tr", has_text="Quyết định công nhận").get_by_role(
        "button", name="Soạn dự thảo"
    ).click()
    office.wait_for_load_state()
    office.goto(f"{base}/van-ban/ho-so-cong-nhan/{case.pk}/")
    office.screenshot(path=shots / "2-quyet-dinh.png", full_page=True)
    office.get_by_role("button", name="Ban hành quyết định (lấy số)").click()
    office.wait_for_load_state()
    assert "01/QĐ-UBND" in office.locator("#case-decision").inner_text()
    assert Recognition.objects.get(commune=world.commune_a1).decision_number == "01/QĐ-UBND"

    # The commune now shows as recognised, with the decision number.
    commune.goto(f"{base}/tieu-chi/xa/{world.commune_a1.pk}/")
    assert "Quyết định số 01/QĐ-UBND" in commune.locator("main").inner_text()
    commune.screenshot(path=shots / "3-xa-dat-chuan.png", full_page=True)


@pytest.mark.browser
def test_the_office_assigns_an_agency_by_a_decision_in_the_browser(
    live_server, world, personas, browser
):
    base = live_server.url
    office = _signed_in(browser, base, personas["province"].username)
    office.goto(f"{base}/dia-ban/tinh/{world.province_a.pk}/")
    office.get_by_role("link", name="Quyết định phân công").click()
    office.wait_for_load_state()
    form = office.locator("#decision-form")
    form.locator("#id_number").fill("125/QĐ-UBND")
    form.locator("#id_date").fill("15/01/2026")
    form.get_by_role("button", name="Ghi quyết định").click()
    office.wait_for_load_state()
    assert "125/QĐ-UBND" in office.locator("h1").inner_text()
    form = office.locator("#assignment-form")
    form.locator("#id_agency").select_option(label=world.agency_a.name)
    # A 2024 xã is offered as "Xã Ba Tầng (trước 01/07/2025)".
    form.locator("#id_commune").select_option(value=str(world.commune_a1.pk))
    form.locator("#id_kind").select_option(label="Phụ trách")
    form.get_by_role("button", name="Phân công").click()
    office.wait_for_load_state()
    assert "Xã Ba Tầng" in office.locator("#assignments").inner_text()
    assert Assignment.objects.filter(
        commune=world.commune_a1, decision__number="125/QĐ-UBND"
    ).exists()


@pytest.mark.browser
def test_the_office_adds_and_locks_an_agency_member_in_the_browser(
    live_server, world, personas, browser, shots
):
    page = _signed_in(browser, live_server.url, personas["province"].username)
    page.goto(f"{live_server.url}/co-quan/{world.agency_a.pk}/ban-chi-dao/")
    form = page.locator("#account-form")
    form.locator("input[name=username]").fill("ccb.hoa")
    form.locator("input[name=full_name]").fill("Lê Thị Hoa")
    form.locator("input[name=email]").fill("hoa@")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Email không hợp lệ." in page.locator("#account-form").inner_text()
    page.locator("#account-form input[name=email]").fill("hoa@example.vn")
    page.locator("#account-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "thư mời đặt mật khẩu gửi tới hoa@example.vn" in page.inner_text("body")
    member = page.locator("#members li", has_text="ccb.hoa")
    assert "chưa đăng nhập lần nào" in member.inner_text()
    page.screenshot(path=str(shots / "agency-members-1280.png"), full_page=True)
    member.locator("button").click()
    page.wait_for_load_state()
    assert "Đã khoá tài khoản ccb.hoa" in page.inner_text("body")
    assert page.locator("#members li", has_text="ccb.hoa").count() == 0

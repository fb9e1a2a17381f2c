"""load_demo: the six demo logins of the README, idempotent, never on a production set-up."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from communes.models import Village
from criteria.models import Evaluation, Recognition
from criteria.selectors import VillageTally, evaluation_grid, unmet_short_names, village_tally
from criteria.services import subject_of
from ntm_portal.models import Role, User
from reports.demo import DEMO_PASSWORD
from sponsorships.models import Agency, Assignment, AssignmentDecision, Inspection

LOGIN = "/tai-khoan/login/"


@pytest.fixture
def demo(db, settings, capsys):
    settings.ALLOW_DEMO_DATA = True
    call_command("load_divisions", edition=2024)
    call_command("load_criteria")
    call_command("load_demo")
    return capsys.readouterr().out


def test_demo_prints_the_logins_and_they_work(demo, client):
    assert "mật khẩu ntm-demo-2026" in demo
    expected = {
        "admin": (Role.ADMIN, "toàn quốc"),
        "vpdp": (Role.PROVINCE, "Tỉnh Quảng Trị"),
        "huyen": (Role.DISTRICT, "Huyện Hướng Hóa"),
        "xa": (Role.COMMUNE, "Xã Ba Tầng"),
        "ccb": (Role.AGENCY, "Hội Cựu chiến binh tỉnh Quảng Trị"),
        "skhdt": (Role.AGENCY, "Sở Kế hoạch và Đầu tư Quảng Trị"),
        "bacgiang": (Role.PROVINCE, "Tỉnh Bắc Giang"),
    }
    for username, (role, scope) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.scope_label()) == (role, scope)
        assert username in demo
        client.logout()
        response = client.post(LOGIN, {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username


def test_demo_commune_official_lands_on_ba_tang_with_villages(demo, client):
    client.post(LOGIN, {"username": "xa", "password": DEMO_PASSWORD})
    page = client.get("/", follow=True).content.decode()
    assert "Xã Ba Tầng" in page
    assert "/8 thôn đạt chuẩn" in page


def test_demo_agencies_have_the_seed_assignments(demo):
    ccb = Agency.objects.get(short_name="Hội CCB tỉnh")
    kinds = dict(ccb.assignments.values_list("commune__name", "kind"))
    assert kinds == {
        "Xã Ba Tầng": Assignment.Kind.SPONSORED,
        "Xã Triệu Long": Assignment.Kind.SUPERVISED,
        "Xã Triệu Phước": Assignment.Kind.SUPERVISED,
    }
    skhdt = Agency.objects.get(short_name="Sở KH&ĐT")
    assert set(skhdt.assignments.values_list("commune__name", flat=True)) == {
        "Xã Thuận",
        "Xã Gio Mai",
        "Xã Gio Mỹ",
        "Xã Cam Chính",
    }


def test_demo_runs_twice_without_duplicates(demo, capsys):
    counts = (
        User.objects.count(),
        Agency.objects.count(),
        Assignment.objects.count(),
        Village.objects.count(),
    )
    call_command("load_demo")
    assert (
        User.objects.count(),
        Agency.objects.count(),
        Assignment.objects.count(),
        Village.objects.count(),
    ) == counts


def test_demo_refuses_on_production_setups(db, settings):
    settings.ALLOW_DEMO_DATA = False
    with pytest.raises(CommandError, match="ALLOW_DEMO_DATA"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_demo_without_geography_says_what_to_run(db, settings):
    settings.ALLOW_DEMO_DATA = True
    with pytest.raises(CommandError, match="load_divisions --edition 2024"):
        call_command("load_demo")
    assert not User.objects.exists()


def _seed_status(code: str) -> tuple[int, list[str]]:
    evaluation = Evaluation.objects.of_communes().get(commune__edition=2024, commune__code=code)
    grid = evaluation_grid(evaluation, subject_of(evaluation))
    return evaluation.met_count, unmet_short_names(grid)


def test_demo_evaluations_state_what_the_seeds_state(demo):
    assert _seed_status("19477") == (
        9,
        [
            "giao thông",
            "trường học",
            "cơ sở vật chất văn hóa",
            "thông tin và tuyên truyền",
            "nhà ở",
            "thu nhập",
            "hộ nghèo",
            "tổ chức sản xuất",
            "giáo dục",
            "môi trường và an toàn thực phẩm",
        ],
    )
    assert _seed_status("19657") == (16, ["giao thông", "cơ sở vật chất văn hóa", "nhà ở"])
    assert _seed_status("19633") == (19, [])
    assert _seed_status("19543") == (17, ["giao thông", "cơ sở vật chất văn hóa"])
    assert _seed_status("19471")[0] == 11
    assert set(Recognition.objects.values_list("commune__name", flat=True)) == {
        "Xã Gio Mỹ",
        "Xã Cam Chính",
        "Xã Quảng Thái",  # seed 002's plan is one of nâng cao
    }


def test_demo_luong_phong_has_11_of_13_villages_met(demo):
    luong_phong = Village.objects.filter(name="Thôn Tứ").get().commune
    assert village_tally(luong_phong) == VillageTally(met=11, total=13)


def test_demo_commune_page_reads_like_seed_000(demo, client):
    client.post(LOGIN, {"username": "xa", "password": DEMO_PASSWORD})
    page = client.get("/", follow=True).content.decode()
    assert "Đạt 9/19 tiêu chí" in page
    assert "Còn 10 tiêu chí chưa đạt gồm: giao thông, trường học" in page


def test_demo_calendar_starts_in_november_2020_with_filed_and_overdue_inspections(demo):
    ba_tang = Inspection.objects.filter(assignment__commune__name="Xã Ba Tầng").order_by("due_date")
    assert ba_tang.first().period_start == date(2020, 10, 1)  # Q4 2020 holds November
    assert ba_tang.filter(report__status="acknowledged").exists()
    assert ba_tang.overdue_on(timezone.localdate()).exists()
    decision = AssignmentDecision.objects.get(number="1841/QĐ-UBND")
    assert decision.date == date(2020, 7, 14)
    assert decision.assignments.count() == 7
    ccb = Agency.objects.get(short_name="Hội CCB tỉnh")
    assert ccb.steering_team.count() == 5
    assert ccb.steering_team.get(is_head=True).position == "Phó Chủ tịch Hội CCB tỉnh"

"""load_demo: the six demo logins of the README, idempotent, never on a production set-up."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from communes.models import Village
from ntm_portal.demo import DEMO_PASSWORD
from ntm_portal.models import Role, User
from sponsorships.models import Agency, Assignment

LOGIN = "/tai-khoan/login/"


@pytest.fixture
def demo(db, settings, capsys):
    settings.ALLOW_DEMO_DATA = True
    call_command("load_divisions", edition=2024)
    call_command("load_demo")
    return capsys.readouterr().out


def test_demo_prints_the_logins_and_they_work(demo, client):
    assert "mật khẩu ntm-demo-2026" in demo
    expected = {
        "admin": (Role.ADMIN, ""),
        "vpdp": (Role.PROVINCE, "Tỉnh Quảng Trị"),
        "huyen": (Role.DISTRICT, "Huyện Hướng Hóa"),
        "xa": (Role.COMMUNE, "Xã Ba Tầng"),
        "ccb": (Role.AGENCY, "Hội Cựu chiến binh tỉnh Quảng Trị"),
        "skhdt": (Role.AGENCY, "Sở Kế hoạch và Đầu tư Quảng Trị"),
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
    assert "Bản Xa Doan" in page


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

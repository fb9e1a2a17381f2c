"""The role matrix of the province office's own pages (issue 25): each page and roster an office
sets its province up with, sent by another province's office, answers 404 and writes nothing;
the same form from the province's own office is written (so the refusal is the scope, not the
data)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from criteria.models import CommuneGroupDecision, Recognition
from ntm_portal.models import Role, RosterImport, User
from reports.models import Document, DocumentCounter, IssuerProfile
from sponsorships.models import AssignmentDecision

from .factories import UserFactory
from .roster_files import workbook_bytes
from .test_roster_views import upload


def _settings(world):
    return (
        reverse("reports:province_settings", args=[world.province_b.pk]),
        {"action": "register_start", "year": "2026", "kind": "", "last_used": "12"},
        lambda: DocumentCounter.objects.count() + IssuerProfile.objects.count(),
    )


def _decision(world):
    return (
        reverse("sponsorships:decision_list", args=[world.province_b.pk]),
        {"number": "15/QĐ-UBND", "date": "05/01/2026", "issuer": "UBND tỉnh Lai Châu"},
        AssignmentDecision.objects.count,
    )


def _recognition(world):
    return (
        reverse("criteria:recognitions", args=[world.province_b.pk]),
        {
            "action": "record",
            "commune": world.commune_b1.pk,
            "level": Recognition.Level.NTM,
            "decision_number": "3001/QĐ-UBND",
            "decision_date": "20/12/2019",
            "signer": "Chủ tịch",
        },
        Recognition.objects.count,
    )


def _account(world):
    return (
        reverse("sponsorships:agency_team", args=[world.agency_b.pk]),
        {
            "action": "account",
            "username": "hnd.laichau",
            "full_name": "Lò Thị Thử",
            "email": "hnd@laichau.gov.vn",
        },
        User.objects.count,
    )


def _plan(world):
    return (
        reverse("reports:province_plans", args=[world.province_b.pk]),
        {"action": "new_plan", "year": "2026"},
        Document.objects.count,
    )


@pytest.mark.parametrize(
    "door",
    [_settings, _decision, _recognition, _account, _plan],
    ids=["register", "decision", "recognition", "agency-account", "plan"],
)
def test_another_province_s_office_is_refused_404_and_nothing_is_written(
    client, world, personas, door
):
    url, data, count = door(world)
    before = count()
    client.force_login(personas["province"])  # the office of province A
    assert client.post(url, data).status_code == 404
    assert client.get(url).status_code == 404
    assert count() == before
    # Province B's own office sends the same form: it is written.
    client.force_login(
        UserFactory(username="vpdp_lc", role=Role.PROVINCE, province=world.province_b)
    )
    assert client.post(url, data).status_code == 302
    assert count() > before


def test_another_province_s_office_cannot_decide_its_groups(client, two_tier):
    url = reverse("criteria:commune_groups", args=[two_tier.province.pk])
    data = {"number": "9/QĐ-UBND", "date": "10/03/2026", f"group_{two_tier.xa_1.pk}": "2"}
    client.force_login(two_tier.other_staff)
    assert client.post(url, data).status_code == 404
    assert not CommuneGroupDecision.objects.exists()
    client.force_login(two_tier.staff)
    assert client.post(url, data).status_code == 302
    assert CommuneGroupDecision.objects.count() == 1


def test_an_office_s_users_roster_creates_no_account_in_another_province(
    client, world, personas, django_capture_on_commit_callbacks
):
    header = ["Tên đăng nhập", "Email", "Vai trò", "Tỉnh", "Huyện", "Xã", "Cơ quan"]
    rows = [
        ["xa.binhlu", "bl@example.vn", "Cán bộ xã", "Lai Châu", "Tam Đường", "Bình Lư", ""],
        ["hnd.lc", "h@example.vn", "Thành viên cơ quan", "Lai Châu", "", "", world.agency_b.name],
    ]
    users = User.objects.count()
    client.force_login(personas["province"])
    record = upload(
        client,
        "users",
        workbook_bytes([header, *rows]),
        "tai-khoan.xlsx",
        django_capture_on_commit_callbacks,
    )
    assert record.error_count == 2
    client.post(reverse("rosters:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status != RosterImport.Status.IMPORTED
    assert User.objects.count() == users

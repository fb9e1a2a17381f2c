"""The province office imports its own province's rosters (issue 25): every kind of its scope,
each row within its own province (a row of another is refused naming it, and nothing is
written), never the criteria catalogue nor another province's accounts; it reads its own
office's imports only, and another office's answer 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communes.models import Village
from ntm_portal.models import Role, RosterImport, User

from .factories import UserFactory
from .roster_files import workbook_bytes
from .test_roster_views import upload
from .test_rosters import validate

VILLAGES = [
    ["Tỉnh", "Huyện", "Xã", "Tên thôn", "Loại"],
    ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Thôn Một", "Thôn"],
]
USERS_HEADER = ["Tên đăng nhập", "Email", "Vai trò", "Tỉnh", "Huyện", "Xã", "Cơ quan"]


def test_the_office_imports_its_province_s_villages(
    client, world, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["province"])
    record = upload(
        client,
        "villages",
        workbook_bytes(VILLAGES),
        "thon.xlsx",
        django_capture_on_commit_callbacks,
    )
    assert record.error_count == 0, record.result
    client.post(reverse("rosters:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.IMPORTED
    assert Village.objects.filter(commune=world.commune_a1, name="Thôn Một").exists()


def test_a_row_of_another_province_is_refused_naming_it_and_nothing_is_written(
    client, world, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["province"])
    villages = Village.objects.count()
    data = workbook_bytes([*VILLAGES, ["Lai Châu", "Tam Đường", "Bình Lư", "Bản Hai", "Bản"]])
    record = upload(client, "villages", data, "thon.xlsx", django_capture_on_commit_callbacks)
    errors = [error for row in record.rows.filter(status="error") for error in row.detail["errors"]]
    assert [error["reason"] for error in errors] == [
        "Dòng 5: “Bình Lư” không thuộc Tỉnh Quảng Trị; văn phòng điều phối chỉ nhập dữ liệu "
        "của tỉnh mình."
    ]
    client.post(reverse("rosters:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status != RosterImport.Status.IMPORTED
    assert Village.objects.count() == villages
    # The administrator imports the same file.
    assert not validate("villages", data, actor=personas["admin"]).has_errors


def test_the_office_never_imports_the_catalogue(client, world, personas):
    client.force_login(personas["province"])
    assert client.get(reverse("rosters:template", args=["criteria"])).status_code == 403
    page = client.get(reverse("rosters:import_list")).content.decode()
    assert 'value="criteria"' not in page
    assert 'value="villages"' in page
    response = client.post(reverse("rosters:import_new"), {"kind": "criteria"}, follow=True)
    assert "do quản trị hệ thống nhập" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_the_office_keeps_its_xa_s_and_agencies_accounts_only(world, personas):
    office = personas["province"]
    data = workbook_bytes(
        [
            USERS_HEADER,
            ["xa.moi", "xa@example.vn", "Cán bộ xã", "Quảng Trị", "Hướng Hóa", "Ba Tầng", ""],
            [
                "tv.moi",
                "tv@example.vn",
                "Thành viên cơ quan",
                "Quảng Trị",
                "",
                "",
                world.agency_a.name,
            ],
            ["vpdp.moi", "vp@example.vn", "Cán bộ tỉnh", "Quảng Trị", "", "", ""],
            ["xa.laichau", "lc@example.vn", "Cán bộ xã", "Lai Châu", "Tam Đường", "Bình Lư", ""],
        ]
    )
    validation = validate("users", data, actor=office)
    refused = {
        error["row"]: (error["column"], error["value"]) for error in validation.as_json()["errors"]
    }
    assert refused == {6: ("Vai trò", "Cán bộ tỉnh"), 7: ("Xã", "Bình Lư")}
    # An account of the province that is not an office's to keep (another office's staff).
    UserFactory(username="vpdp.khac", role=Role.PROVINCE, province=world.province_a)
    taken = validate(
        "users",
        workbook_bytes(
            [
                USERS_HEADER,
                ["vpdp.khac", "k@example.vn", "Cán bộ xã", "Quảng Trị", "Hướng Hóa", "Ba Tầng", ""],
            ]
        ),
        actor=office,
    )
    assert [e["column"] for e in taken.as_json()["errors"]] == ["Tên đăng nhập"]
    assert User.objects.get(username="vpdp.khac").role == Role.PROVINCE


@pytest.fixture
def office_import(client, world, personas, django_capture_on_commit_callbacks) -> RosterImport:
    client.force_login(personas["province"])
    record = upload(
        client,
        "villages",
        workbook_bytes(VILLAGES),
        "thon.xlsx",
        django_capture_on_commit_callbacks,
    )
    client.logout()
    return record


def test_each_office_reads_its_own_imports_and_another_s_answer_404(
    client, world, personas, office_import
):
    other = UserFactory(username="vpdp_lc", role=Role.PROVINCE, province=world.province_b)
    client.force_login(other)
    assert "thon.xlsx" not in client.get(reverse("rosters:import_list")).content.decode()
    for name in ("rosters:import_detail", "rosters:import_errors", "rosters:import_progress"):
        assert client.get(reverse(name, args=[office_import.pk])).status_code == 404
    assert (
        client.post(reverse("rosters:import_confirm", args=[office_import.pk])).status_code == 404
    )
    office_import.refresh_from_db()
    assert office_import.status == RosterImport.Status.VALIDATED
    assert not Village.objects.filter(name="Thôn Một").exists()
    # The office itself and the administrators read it.
    for reader in (personas["province"], personas["admin"]):
        client.force_login(reader)
        assert "thon.xlsx" in client.get(reverse("rosters:import_list")).content.decode()

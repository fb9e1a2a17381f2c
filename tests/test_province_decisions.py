"""What the province office decides in the portal, not the admin (issue 16): assignment
decisions and the assignments they make (create, end, transfer), agencies' member accounts,
steering teams and former names. Each refusal names its field in Vietnamese and writes nothing; every change is in
the history; other provinces' staff are refused (404)."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ntm_portal.models import Role, User
from sponsorships.models import (
    AgencyFormerName,
    Assignment,
    AssignmentDecision,
    Inspection,
    SponsorshipLog,
    SteeringMember,
)

from .factories import AgencyFactory, UserFactory
from .roster_files import nfd


def _rows() -> tuple:
    return (
        AssignmentDecision.objects.count(),
        list(Assignment.objects.order_by("pk").values_list("agency", "end", "decision")),
        SteeringMember.objects.count(),
        AgencyFormerName.objects.count(),
        SponsorshipLog.objects.count(),
    )


def _text(response) -> str:
    return response.content.decode()


def test_the_office_records_a_decision_and_assigns_agencies_by_it(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("sponsorships:decision_list", args=[world.province_a.pk])
    response = client.post(
        url,
        {
            "number": "125/QĐ-UBND",
            "date": "15/01/2026",
            "issuer": "UBND tỉnh Quảng Trị",
            "subject": "Phân công cơ quan đỡ đầu xã giai đoạn 2026–2030",
        },
    )
    decision = AssignmentDecision.objects.get(number="125/QĐ-UBND")
    assert response["Location"] == reverse("sponsorships:decision_detail", args=[decision.pk])
    assert "125/QĐ-UBND" in _text(client.get(url))

    # The same number again: refused, named, nothing written.
    before = _rows()
    response = client.post(
        url, {"number": "125/qđ-ubnd", "date": "16/01/2026", "issuer": "UBND tỉnh"}
    )
    assert "Số quyết định: Tỉnh Quảng Trị đã có quyết định số 125/qđ-ubnd." in _text(response)
    assert _rows() == before

    detail = reverse("sponsorships:decision_detail", args=[decision.pk])
    response = client.post(
        detail,
        {
            "agency": world.agency_a.pk,
            "commune": world.commune_a1.pk,
            "kind": Assignment.Kind.SPONSORED,
            "start": "01/02/2026",
            "target_level": "ntm",
            "target_year": "2027",
        },
    )
    assert response.status_code == 302
    made = Assignment.objects.get(decision=decision)
    assert (made.agency, made.commune, made.target_year) == (
        world.agency_a,
        world.commune_a1,
        2027,
    )
    page = _text(client.get(detail))
    assert "Xã Ba Tầng" in page
    assert "Phân công" in page
    actions = list(SponsorshipLog.objects.order_by("pk").values_list("action", "actor__username"))
    assert actions == [("decision", "vpdp_p"), ("assigned", "vpdp_p")]


def test_assignments_keep_the_overlap_rules(client, world, personas, decisions):
    client.force_login(personas["province"])
    detail = reverse("sponsorships:decision_detail", args=[decisions.decision_a.pk])
    existing = decisions.assignment_a2
    before = _rows()
    # The same agency and commune at the same time.
    response = client.post(
        detail,
        {
            "agency": world.agency_a.pk,
            "commune": world.commune_a2.pk,
            "kind": Assignment.Kind.SUPERVISED,
            "start": "01/01/2025",
        },
    )
    assert "hai phân công không được trùng thời gian" in _text(response)
    # A second sponsor of the commune.
    other = AgencyFactory(province=world.province_a, name="Sở Y tế Quảng Trị")
    response = client.post(
        detail,
        {
            "agency": other.pk,
            "commune": world.commune_a2.pk,
            "kind": existing.kind,
            "start": "01/01/2025",
        },
    )
    assert "mỗi thời điểm chỉ một cơ quan đỡ đầu một xã" in _text(response)
    # Another province's agency, and a start before the decision.
    response = client.post(
        detail,
        {
            "agency": world.agency_b.pk,
            "commune": world.commune_a3.pk,
            "kind": Assignment.Kind.SUPERVISED,
            "start": "01/01/2019",
        },
    )
    assert "Cơ quan: hãy chọn một mục trong danh sách." in _text(response)
    response = client.post(
        detail,
        {
            "agency": other.pk,
            "commune": world.commune_a3.pk,
            "kind": Assignment.Kind.SUPERVISED,
            "start": "01/01/2019",
        },
    )
    assert "Từ ngày: 01/01/2019 trước ngày quyết định 14/07/2020." in _text(response)
    assert _rows() == before
    # Supervision is shared: a second agency may supervise the commune.
    client.post(
        detail,
        {
            "agency": other.pk,
            "commune": world.commune_a2.pk,
            "kind": Assignment.Kind.SUPERVISED,
            "start": "01/01/2025",
        },
    )
    assert Assignment.objects.filter(commune=world.commune_a2).count() == 2


def test_ending_an_assignment_cancels_the_inspections_after_it(client, world, personas, decisions):
    client.force_login(personas["province"])
    assignment = decisions.assignment_a2
    url = reverse("sponsorships:assignment_manage", args=[assignment.pk])
    later = Inspection.objects.create(
        assignment=assignment,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        due_date=date(2026, 12, 31),
    )
    before = _rows()
    response = client.post(url, {"action": "end", "end": "01/01/2000", "reason": "Hết nhiệm vụ"})
    assert "Đến ngày: 01/01/2000 trước ngày bắt đầu phân công" in _text(response)
    response = client.post(url, {"action": "end", "end": "30/09/2026", "reason": ""})
    assert "Lý do: không được để trống." in _text(response)
    assert _rows() == before
    client.post(url, {"action": "end", "end": "30/09/2026", "reason": "Hết nhiệm vụ"})
    assignment.refresh_from_db()
    later.refresh_from_db()
    assert assignment.end == date(2026, 9, 30)
    assert later.status == Inspection.Status.CANCELLED
    entry = SponsorshipLog.objects.get(action="ended")
    assert "Hết nhiệm vụ" in entry.detail
    assert entry.actor == personas["province"]


def test_a_transfer_ends_the_assignment_and_the_new_agency_carries_it(
    client, world, personas, decisions
):
    client.force_login(personas["province"])
    old = decisions.assignment_a2
    successor = AgencyFactory(province=world.province_a, name="Sở Tài chính Quảng Trị")
    later = Inspection.objects.create(
        assignment=old,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        due_date=date(2026, 12, 31),
    )
    url = reverse("sponsorships:assignment_manage", args=[old.pk])
    before = _rows()
    response = client.post(
        url,
        {
            "action": "transfer",
            "agency": successor.pk,
            "on": "01/01/2000",
            "decision": decisions.decision_a.pk,
        },
    )
    assert "Từ ngày: phải sau ngày bắt đầu phân công" in _text(response)
    response = client.post(
        url,
        {
            "action": "transfer",
            "agency": successor.pk,
            "on": "01/08/2026",
            "decision": decisions.decision_b.pk,
        },
    )
    assert "Quyết định: hãy chọn một mục trong danh sách." in _text(response)
    assert _rows() == before
    client.post(
        url,
        {
            "action": "transfer",
            "agency": successor.pk,
            "on": "01/08/2026",
            "decision": decisions.decision_a.pk,
        },
    )
    old.refresh_from_db()
    new = Assignment.objects.get(agency=successor)
    later.refresh_from_db()
    assert old.end == date(2026, 7, 31)
    assert (new.start, new.kind, new.commune) == (date(2026, 8, 1), old.kind, old.commune)
    assert later.assignment == new
    assert SponsorshipLog.objects.filter(action="transferred", assignment=old).exists()


def test_steering_team_and_former_names(client, world, personas, decisions):
    client.force_login(personas["province"])
    url = reverse("sponsorships:agency_team", args=[world.agency_a.pk])
    before = _rows()
    response = client.post(url, {"action": "member", "full_name": "Trần Thị B", "is_head": "on"})
    assert "Trưởng ban: ban chỉ đạo đã có trưởng ban" in _text(response)
    response = client.post(
        url, {"action": "name", "name": "Sở KH&ĐT", "valid_from": "31/12/2025", "valid_to": "bad"}
    )
    assert "Đến ngày: ngày không hợp lệ, ghi theo dạng dd/mm/yyyy." in _text(response)
    # Refused by the service, not the form: the reason still shows under its field.
    response = client.post(
        url,
        {
            "action": "name",
            "name": "Sở KH&ĐT",
            "valid_from": "31/12/2025",
            "valid_to": "28/02/2025",
        },
    )
    assert "Từ ngày: phải trước ngày 28/02/2025." in _text(response)
    assert _rows() == before
    client.post(url, {"action": "member", "full_name": "Trần Thị B", "team_role": "Thành viên"})
    client.post(
        url,
        {
            "action": "name",
            "name": "Sở Kế hoạch và Đầu tư",
            "short_name": "SKHĐT",
            "valid_to": "28/02/2025",
        },
    )
    page = _text(client.get(url))
    assert "Trần Thị B" in page
    assert "Sở Kế hoạch và Đầu tư" in page
    client.post(
        reverse(
            "sponsorships:steering_member_remove", args=[world.agency_a.pk, decisions.member_a.pk]
        )
    )
    assert list(world.agency_a.steering_team.values_list("full_name", flat=True)) == ["Trần Thị B"]
    details = list(SponsorshipLog.objects.order_by("pk").values_list("detail", flat=True))
    assert details == [
        "Thêm Trần Thị B",
        "Tên cũ “Sở Kế hoạch và Đầu tư” đến 28/02/2025",
        "Bỏ Lê Văn Phó khỏi ban",
    ]


def test_another_provinces_office_is_refused_and_writes_nothing(client, world, decisions):
    stranger = UserFactory(username="vp_lc", role=Role.PROVINCE, province=world.province_b)
    client.force_login(stranger)
    before = _rows()
    for url, data in [
        (
            reverse("sponsorships:decision_list", args=[world.province_a.pk]),
            {"number": "9/QĐ", "date": "01/01/2026", "issuer": "UBND"},
        ),
        (
            reverse("sponsorships:assignment_manage", args=[decisions.assignment_a2.pk]),
            {"action": "end", "end": "01/01/2026", "reason": "x"},
        ),
        (
            reverse("sponsorships:agency_team", args=[world.agency_a.pk]),
            {"action": "member", "full_name": "X"},
        ),
    ]:
        assert client.post(url, data).status_code == 404
    assert _rows() == before


def test_the_decision_list_costs_the_same_queries_for_more_decisions(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("sponsorships:decision_list", args=[world.province_a.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    AssignmentDecision.objects.create(
        province=world.province_a, number="1/QĐ", date=date(2021, 1, 1), issuer="UBND"
    )
    first = count()
    for n in range(2, 8):
        AssignmentDecision.objects.create(
            province=world.province_a, number=f"{n}/QĐ", date=date(2021, 1, n), issuer="UBND"
        )
    assert count() == first


def test_a_date_out_of_the_portals_years_is_named(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("sponsorships:decision_list", args=[world.province_a.pk])
    before = _rows()
    response = client.post(url, {"number": "7/QĐ", "date": "01/01/0001", "issuer": "UBND"})
    assert response.status_code == 200
    assert "Ngày quyết định: năm phải từ" in _text(response)
    assert _rows() == before


def test_the_office_adds_and_locks_member_accounts_of_its_agencies(
    client, world, personas, django_capture_on_commit_callbacks, mailoutbox
):
    """Issue 16: an agency's members are managed by its province's office, in the portal."""
    from ntm_portal.tasks import send_invitation_email

    client.force_login(personas["province"])
    url = reverse("sponsorships:agency_team", args=[world.agency_a.pk])
    before = (User.objects.count(), SponsorshipLog.objects.count())
    for data, message in [
        (
            {"username": "ccb qt", "full_name": "Lê Thị Hoa", "email": "hoa@example.vn"},
            "Tên đăng nhập chỉ gồm chữ, số và @ . + - _",
        ),
        (
            {"username": "XA_P", "full_name": "Lê Thị Hoa", "email": "hoa@example.vn"},
            "Tên đăng nhập: «XA_P» đã là tài khoản của người khác",
        ),
        (
            {"username": "SKHDT_P", "full_name": "Lê Thị Hoa", "email": "hoa@example.vn"},
            "Tên đăng nhập: «skhdt_p» đã là thành viên của cơ quan này.",
        ),
        (
            {"username": "ccb.qt", "full_name": "Lê Thị Hoa", "email": ""},
            "Email: không được để trống",
        ),
        ({"username": "ccb.qt", "full_name": "", "email": "hoa@"}, "Họ tên: không được để trống"),
        ({"username": "ccb.qt", "full_name": "Lê Thị Hoa", "email": "hoa@"}, "Email không hợp lệ"),
    ]:
        response = client.post(url, {"action": "account", **data})
        assert response.status_code == 200
        assert message in _text(response), data
    assert (User.objects.count(), SponsorshipLog.objects.count()) == before

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            url,
            {
                "action": "account",
                "username": "ccb.qt",
                "full_name": nfd("Lê Thị Hoa"),
                "email": "hoa@example.vn",
            },
            follow=True,
        )
    assert "Đã thêm tài khoản ccb.qt; thư mời đặt mật khẩu gửi tới hoa@example.vn." in _text(
        response
    )
    member = User.objects.get(username="ccb.qt")
    assert (member.role, member.agency, member.get_full_name()) == (
        Role.AGENCY,
        world.agency_a,
        "Lê Thị Hoa",
    )
    assert not member.has_usable_password()
    assert len(callbacks) == 1  # the invitation, once the account is committed
    assert send_invitation_email(member.pk) is True
    assert mailoutbox[0].to == ["hoa@example.vn"]
    assert "ccb.qt" in _text(client.get(url))

    # Locked: the member's own session ends, the account stays with its name.
    member_client = Client()
    member_client.force_login(member)
    assert member_client.get(reverse("sponsorships:calendar")).status_code == 200
    client.post(reverse("sponsorships:agency_member_remove", args=[world.agency_a.pk, member.pk]))
    member.refresh_from_db()
    assert not member.is_active
    assert member_client.get(reverse("sponsorships:calendar")).status_code == 302
    assert "ccb.qt" not in _text(client.get(url)).split('id="members"')[1].split("</ul>")[0]
    # Added again under the same name: opened again, not a second account.
    client.post(
        url,
        {
            "action": "account",
            "username": "CCB.QT",
            "full_name": "Lê Thị Hoa",
            "email": "hoa2@example.vn",
        },
    )
    member.refresh_from_db()
    assert (
        member.is_active,
        member.email,
        User.objects.filter(username__iexact="ccb.qt").count(),
    ) == (
        True,
        "hoa2@example.vn",
        1,
    )
    details = list(
        SponsorshipLog.objects.filter(action="member")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == [
        "Thêm tài khoản ccb.qt (Lê Thị Hoa)",
        "Khoá tài khoản ccb.qt (Lê Thị Hoa): không còn là thành viên",
        "Mở lại tài khoản ccb.qt (Lê Thị Hoa)",
    ]


def test_another_provinces_office_cannot_lock_a_member_and_writes_nothing(client, world):
    member = UserFactory(username="tv_a", role=Role.AGENCY, agency=world.agency_a)
    stranger = UserFactory(username="vp_lc2", role=Role.PROVINCE, province=world.province_b)
    client.force_login(stranger)
    before = SponsorshipLog.objects.count()
    url = reverse("sponsorships:agency_member_remove", args=[world.agency_a.pk, member.pk])
    assert client.post(url).status_code == 404
    # Nor through an agency of its own with another agency's member.
    url = reverse("sponsorships:agency_member_remove", args=[world.agency_b.pk, member.pk])
    assert client.post(url).status_code == 404
    member.refresh_from_db()
    assert member.is_active
    assert SponsorshipLog.objects.count() == before


def test_the_assignment_forms_year_messages_follow_the_request_language():
    from django.utils import translation

    from sponsorships.forms import AssignmentForm

    for language, expected in [("en", "Target year: from"), ("vi", "Năm đạt mục tiêu: từ")]:
        with translation.override(language):
            form = AssignmentForm(data={"target_year": "3000"})
            assert not form.is_valid()
            assert form.errors["target_year"][0].startswith(expected), language


def test_the_agency_page_costs_the_same_queries_for_more_members(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("sponsorships:agency_team", args=[world.agency_a.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    first = count()
    for number in range(5):
        UserFactory(username=f"tv_them_{number}", role=Role.AGENCY, agency=world.agency_a)
    assert count() == first

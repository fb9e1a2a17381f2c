"""One rule of an assignment at every door that writes one (issue 25): the decisions page, the
admin, the roster (through the bulk service `assignments_import`), and the service the agency
merge, the transfer and the demo call; and the calendar that a confirmed assignment starts at
once, with the overdue rule on data entered out of order."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ntm_portal.models import Notification, RosterImport
from sponsorships.models import Assignment, AssignmentDecision, Inspection, SponsorshipLog
from sponsorships.services import (
    AssignmentImportRow,
    AssignmentsRefused,
    SponsorshipRefused,
    assignment_create,
    assignments_import,
    inspections_plan,
    report_start,
    report_submit,
)

from .factories import AgencyFactory, AssignmentFactory
from .roster_files import workbook_bytes
from .test_roster_views import upload

ROSTER_HEADER = ["Số quyết định", "Ngày quyết định", "Cơ quan", "Tỉnh", "Huyện", "Xã"]
ROSTER_HEADER += ["Hình thức", "Từ ngày", "Đến ngày"]

SECOND_SPONSOR = "mỗi thời điểm chỉ một cơ quan đỡ đầu một xã"


@pytest.fixture
def sponsored(world):
    """Xã a3 sponsored by agency A since 2024; another agency of the province that would be a
    second sponsor."""
    AssignmentFactory(
        agency=world.agency_a,
        commune=world.commune_a3,
        kind=Assignment.Kind.SPONSORED,
        start=date(2024, 1, 1),
    )
    other = AgencyFactory(province=world.province_a, name="Sở Y tế Quảng Trị")
    decision = AssignmentDecision.objects.create(
        province=world.province_a, number="77/QĐ-UBND", date=date(2024, 3, 1), issuer="UBND"
    )
    return other, decision


def _rows() -> tuple:
    return (
        Assignment.objects.count(),
        Inspection.objects.count(),
        SponsorshipLog.objects.count(),
    )


def _page(client, personas, world, other, decision, callbacks) -> str:
    client.force_login(personas["province"])
    response = client.post(
        reverse("sponsorships:decision_detail", args=[decision.pk]),
        {
            "agency": other.pk,
            "commune": world.commune_a3.pk,
            "kind": Assignment.Kind.SPONSORED,
            "start": "01/04/2024",
        },
    )
    return response.content.decode()


def _admin(client, personas, world, other, decision, callbacks) -> str:
    client.force_login(personas["admin"])
    response = client.post(
        reverse("admin:sponsorships_assignment_add"),
        {
            "agency": other.pk,
            "commune": world.commune_a3.pk,
            "kind": Assignment.Kind.SPONSORED,
            "start": "2024-04-01",
            "target_level": "",
            "notes": "",
        },
    )
    return response.content.decode()


def _service(client, personas, world, other, decision, callbacks) -> str:
    # The agency merge, the transfer and the demo write through assignment_create.
    with pytest.raises(SponsorshipRefused) as refused:
        assignment_create(
            agency=other,
            commune=world.commune_a3,
            kind=Assignment.Kind.SPONSORED,
            start=date(2024, 4, 1),
            decision=decision,
            actor=personas["admin"],
        )
    return str(refused.value)


def _roster(client, personas, world, other, decision, callbacks) -> str:
    """The province office's upload: the preview shows the service's words on the row, and the
    confirmation refuses."""
    client.force_login(personas["province"])
    data = workbook_bytes(
        [
            ROSTER_HEADER,
            [
                decision.number,
                "",
                other.name,
                "Quảng Trị",
                "Triệu Phong",
                "Triệu Long",
                "Đỡ đầu",
                "01/04/2024",
                "",
            ],
        ]
    )
    record = upload(client, "assignments", data, "phan-cong.xlsx", callbacks)
    assert record.error_count == 1
    preview = client.get(reverse("rosters:import_detail", args=[record.pk])).content.decode()
    client.post(reverse("rosters:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status != RosterImport.Status.IMPORTED
    return preview


@pytest.mark.parametrize(
    "door", [_page, _admin, _roster, _service], ids=["page", "admin", "roster", "service"]
)
def test_a_second_sponsor_is_refused_at_every_door_with_one_message(
    client, world, personas, sponsored, door, django_capture_on_commit_callbacks
):
    other, decision = sponsored
    before = _rows()
    answer = door(client, personas, world, other, decision, django_capture_on_commit_callbacks)
    assert SECOND_SPONSOR in answer
    assert _rows() == before


def _import_row(number: int, agency, commune, kind=Assignment.Kind.SPONSORED, **more):
    return AssignmentImportRow(
        number=number,
        agency_id=agency.pk,
        commune_id=commune.pk,
        kind=kind,
        start=more.pop("start", date(2024, 4, 1)),
        **more,
    )


def test_two_rows_of_one_file_are_never_two_sponsors_of_one_xa(world, personas):
    """The issue's Xã Thuận: two đỡ đầu of one xã in one file; the second row is refused, naming
    the first, and nothing is written."""
    other = AgencyFactory(province=world.province_a, name="Sở Y tế Quảng Trị")
    before = _rows()
    with pytest.raises(AssignmentsRefused) as refused:
        assignments_import(
            rows=[
                _import_row(2, world.agency_a, world.commune_a3),
                _import_row(3, other, world.commune_a3, start=date(2024, 6, 1)),
                # Supervising beside a sponsor is fine.
                _import_row(4, other, world.commune_a1, kind=Assignment.Kind.SUPERVISED),
            ],
            actor=personas["province"],
        )
    assert list(refused.value.errors) == [3]
    assert SECOND_SPONSOR in refused.value.errors[3]["kind"]
    assert refused.value.errors[3]["kind"].endswith("(dòng 2)")
    assert _rows() == before


def test_two_overlapping_rows_of_one_agency_are_refused(world, personas):
    rows = [
        _import_row(2, world.agency_a, world.commune_a3, kind=Assignment.Kind.SUPERVISED),
        _import_row(
            5,
            world.agency_a,
            world.commune_a3,
            kind=Assignment.Kind.SUPERVISED,
            start=date(2025, 1, 1),
        ),
    ]
    with pytest.raises(AssignmentsRefused) as refused:
        assignments_import(rows=rows, actor=personas["province"])
    assert "hai phân công không được trùng thời gian. (dòng 2)" in refused.value.errors[5]["start"]


def test_an_imported_assignment_has_the_page_s_history_and_its_calendar_at_once(
    client, world, personas, django_capture_on_commit_callbacks
):
    today = date.today()
    client.force_login(personas["province"])
    data = workbook_bytes(
        [
            ROSTER_HEADER,
            [
                "12/QĐ-UBND",
                f"02/01/{today.year}",
                world.agency_a.name,
                "Quảng Trị",
                "Triệu Phong",
                "Triệu Long",
                "Đỡ đầu",
                f"15/01/{today.year}",
                "",
            ],
        ]
    )
    record = upload(
        client, "assignments", data, "phan-cong.xlsx", django_capture_on_commit_callbacks
    )
    assert record.error_count == 0, record.result
    client.post(reverse("rosters:import_confirm", args=[record.pk]))
    assignment = Assignment.objects.get(commune=world.commune_a3)
    assert assignment.decision.number == "12/QĐ-UBND"
    actions = set(SponsorshipLog.objects.values_list("action", "actor__username"))
    assert actions == {("decision", "vpdp_p"), ("assigned", "vpdp_p")}
    planned = assignment.inspections.order_by("period_start")
    assert planned[0].period_start == date(today.year, 1, 1)
    assert not Inspection.objects.overdue_on(today).filter(assignment=assignment).exists()


def test_the_admin_shows_an_assignment_read_only(client, world, personas, sponsored):
    client.force_login(personas["admin"])
    assignment = Assignment.objects.get(commune=world.commune_a3)
    url = reverse("admin:sponsorships_assignment_change", args=[assignment.pk])
    before = _rows()
    client.post(url, {"agency": assignment.agency_id, "commune": world.commune_a3.pk})
    assert _rows() == before
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:sponsorships_assignmentdecision_add")).status_code == 403


# --- The calendar a confirmed assignment starts, and the overdue rule -------------------------


def test_a_confirmed_assignment_is_planned_at_once_with_past_periods_unrecorded(
    client, world, personas, settings
):
    today = date.today()
    client.force_login(personas["province"])
    decision = AssignmentDecision.objects.create(
        province=world.province_a, number="5/QĐ-UBND", date=date(today.year, 1, 2), issuer="UBND"
    )
    client.post(
        reverse("sponsorships:decision_detail", args=[decision.pk]),
        {
            "agency": world.agency_a.pk,
            "commune": world.commune_a1.pk,
            "kind": Assignment.Kind.SPONSORED,
            "start": f"15/01/{today.year}",
        },
    )
    assignment = Assignment.objects.get(decision=decision)
    planned = list(assignment.inspections.order_by("period_start"))
    # Every quarter of the year from its start, and the one after the current quarter.
    assert planned[0].period_start == date(today.year, 1, 1)
    past = [i for i in planned if i.due_date < today]
    assert past
    assert {i.state_on(today) for i in past} == {"unrecorded"}
    assert not Inspection.objects.overdue_on(today).filter(assignment=assignment).exists()
    # Beat's run changes none of that, and tells nobody they are late.
    inspections_plan(today=today)
    assert not Inspection.objects.filter(assignment=assignment, overdue_since__isnull=False)
    urls = [reverse("sponsorships:inspection_detail", args=[i.pk]) for i in planned]
    assert not Notification.objects.filter(url__in=urls).exists()
    calendar = client.get(reverse("sponsorships:calendar"), {"state": "unrecorded"})
    assert "Chưa ghi nhận" in calendar.content.decode()


def test_an_inspection_done_is_never_overdue_whatever_the_order(world, personas):
    inspection = world.inspection_a2  # due 31/12/2024, planned before it, report in draft
    # Beat runs after the due date: overdue, and the agency is told.
    inspections_plan(today=date(2025, 2, 1))
    inspection.refresh_from_db()
    assert inspection.overdue_since == date(2025, 2, 1)
    told = Notification.objects.filter(message__startswith="Quá hạn kiểm tra")
    assert told.exists()
    # The report is submitted afterwards: the notice is withdrawn, nothing says overdue.
    report = inspection.report
    report_submit(report=report, version=report.version, actor=personas["agency"])
    inspection.refresh_from_db()
    assert inspection.overdue_since is None
    assert not told.exists()
    # Beat's next run leaves it alone.
    inspections_plan(today=date(2025, 3, 1))
    inspection.refresh_from_db()
    assert inspection.overdue_since is None
    assert not told.exists()


def test_a_report_filed_before_beat_runs_is_never_marked_overdue(world, personas):
    late = Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        due_date=date(2025, 3, 31),
    )
    report = report_start(inspection=late, actor=personas["agency"])
    report_submit(report=report, version=report.version, actor=personas["agency"])
    inspections_plan(today=date(2025, 5, 1))
    late.refresh_from_db()
    assert (late.status, late.overdue_since) == (Inspection.Status.DONE, None)
    assert not Notification.objects.filter(
        url__endswith=f"/kiem-tra/{late.pk}/", message__startswith="Quá hạn"
    ).exists()


# --- The decision's rules: its date and its province, at every door --------------------------

BEFORE_DECISION = "Từ ngày: 01/02/2024 trước ngày quyết định 01/03/2024."


def _page_before(client, personas, world, decision, callbacks) -> str:
    client.force_login(personas["province"])
    response = client.post(
        reverse("sponsorships:decision_detail", args=[decision.pk]),
        {
            "agency": world.agency_a.pk,
            "commune": world.commune_a1.pk,
            "kind": Assignment.Kind.SUPERVISED,
            "start": "01/02/2024",
        },
    )
    return response.content.decode()


def _admin_before(client, personas, world, decision, callbacks) -> str:
    client.force_login(personas["admin"])
    response = client.post(
        reverse("admin:sponsorships_assignment_add"),
        {
            "agency": world.agency_a.pk,
            "commune": world.commune_a1.pk,
            "kind": Assignment.Kind.SUPERVISED,
            "start": "2024-02-01",
            "decision": decision.pk,
            "target_level": "",
            "notes": "",
        },
    )
    return response.content.decode()


def _roster_row(decision_number: str, decision_date: str, start: str) -> list[object]:
    return [
        decision_number,
        decision_date,
        "Sở Kế hoạch và Đầu tư Quảng Trị",
        "Quảng Trị",
        "Hướng Hóa",
        "Ba Tầng",
        "Phụ trách",
        start,
        "",
    ]


def _roster_upload(client, personas, rows, callbacks) -> tuple[str, object]:
    client.force_login(personas["province"])
    record = upload(
        client, "assignments", workbook_bytes([ROSTER_HEADER, *rows]), "qd.xlsx", callbacks
    )
    assert record.error_count == 1, record.result
    preview = client.get(reverse("rosters:import_detail", args=[record.pk])).content.decode()
    client.post(reverse("rosters:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert record.status != RosterImport.Status.IMPORTED
    return preview


def _roster_before(client, personas, world, decision, callbacks) -> str:
    """The roster names the province's decision by its number: the assignment it makes starts
    before it."""
    return _roster_upload(
        client, personas, [_roster_row(decision.number, "", "01/02/2024")], callbacks
    )


def _roster_new_decision_before(client, personas, world, decision, callbacks) -> str:
    """A decision the file records, dated after the assignment it makes."""
    return _roster_upload(
        client, personas, [_roster_row("78/QĐ-UBND", "01/03/2024", "01/02/2024")], callbacks
    )


def _bulk_before(client, personas, world, decision, callbacks) -> str:
    with pytest.raises(AssignmentsRefused) as refused:
        assignments_import(
            rows=[
                _import_row(
                    2,
                    world.agency_a,
                    world.commune_a1,
                    kind=Assignment.Kind.SUPERVISED,
                    start=date(2024, 2, 1),
                    decision_id=decision.pk,
                )
            ],
            actor=personas["province"],
        )
    return str(refused.value)


@pytest.mark.parametrize(
    "door",
    [_page_before, _admin_before, _roster_before, _roster_new_decision_before, _bulk_before],
    ids=["page", "admin", "roster", "roster-new-decision", "bulk-service"],
)
def test_an_assignment_starting_before_its_decision_is_refused_at_every_door(
    client, world, personas, sponsored, door, django_capture_on_commit_callbacks
):
    _other, decision = sponsored  # 77/QĐ-UBND of 01/03/2024
    before = (*_rows(), AssignmentDecision.objects.count())
    answer = door(client, personas, world, decision, django_capture_on_commit_callbacks)
    assert BEFORE_DECISION in answer
    assert (*_rows(), AssignmentDecision.objects.count()) == before


def _admin_other_province(client, personas, world, decision, callbacks) -> str:
    client.force_login(personas["admin"])
    response = client.post(
        reverse("admin:sponsorships_assignment_add"),
        {
            "agency": world.agency_b.pk,
            "commune": world.commune_b1.pk,
            "kind": Assignment.Kind.SUPERVISED,
            "start": "2024-04-01",
            "decision": decision.pk,
            "target_level": "",
            "notes": "",
        },
    )
    return response.content.decode()


def _bulk_other_province(client, personas, world, decision, callbacks) -> str:
    with pytest.raises(AssignmentsRefused) as refused:
        assignments_import(
            rows=[
                _import_row(
                    2,
                    world.agency_b,
                    world.commune_b1,
                    kind=Assignment.Kind.SUPERVISED,
                    decision_id=decision.pk,
                )
            ],
            actor=personas["admin"],
        )
    return str(refused.value)


def _page_other_province(client, personas, world, decision, callbacks) -> str:
    """The page offers only its province's agencies and xã; a posted id of another is refused
    before the service is asked (not the same words: the rule cannot be reached there)."""
    client.force_login(personas["province"])
    response = client.post(
        reverse("sponsorships:decision_detail", args=[decision.pk]),
        {
            "agency": world.agency_b.pk,
            "commune": world.commune_b1.pk,
            "kind": Assignment.Kind.SUPERVISED,
            "start": "01/04/2024",
        },
    )
    assert "Cơ quan: hãy chọn một mục trong danh sách." in response.content.decode()
    from sponsorships.decisions import assignment_add

    with pytest.raises(SponsorshipRefused) as refused:
        assignment_add(
            decision=decision,
            agency=world.agency_b,
            commune=world.commune_b1,
            kind=Assignment.Kind.SUPERVISED,
            start=date(2024, 4, 1),
            end=None,
            target_level="",
            target_year=None,
            notes="",
            actor=personas["province"],
        )
    return str(refused.value)


@pytest.mark.parametrize(
    "door",
    [_page_other_province, _admin_other_province, _bulk_other_province],
    ids=["page", "admin", "bulk-service"],
)
def test_a_decision_never_assigns_another_province_s_agency_or_xa(
    client, world, personas, sponsored, door, django_capture_on_commit_callbacks
):
    _other, decision = sponsored  # of Quảng Trị
    before = _rows()
    answer = door(client, personas, world, decision, django_capture_on_commit_callbacks)
    assert "Cơ quan: Hội Nông dân tỉnh Lai Châu không thuộc Tỉnh Quảng Trị." in answer
    assert "Xã: Xã Bình Lư không thuộc Tỉnh Quảng Trị." in answer
    assert _rows() == before


OUT_OF_RANGE = "Ngày quyết định: năm phải từ 2000 đến 2100."


def _page_decision_1990(client, personas, world, callbacks) -> str:
    client.force_login(personas["province"])
    response = client.post(
        reverse("sponsorships:decision_list", args=[world.province_a.pk]),
        {"number": "9/QĐ-UBND", "date": "01/02/1990", "issuer": "UBND tỉnh Quảng Trị"},
    )
    return response.content.decode()


def _service_decision_1990(client, personas, world, callbacks) -> str:
    from sponsorships.decisions import assignment_decision_create

    with pytest.raises(SponsorshipRefused) as refused:
        assignment_decision_create(
            province=world.province_a,
            number="9/QĐ-UBND",
            day=date(1990, 2, 1),
            issuer="UBND tỉnh Quảng Trị",
            subject="",
            actor=personas["province"],
        )
    return str(refused.value)


def _roster_decision_1990(client, personas, world, callbacks) -> str:
    return _roster_upload(
        client, personas, [_roster_row("9/QĐ-UBND", "01/02/1990", "01/04/2024")], callbacks
    )


@pytest.mark.parametrize(
    "door",
    [_page_decision_1990, _service_decision_1990, _roster_decision_1990],
    ids=["page", "service", "roster"],
)
def test_a_decision_dated_outside_the_programme_s_years_is_refused_at_every_door(
    client, world, personas, door, django_capture_on_commit_callbacks
):
    before = (*_rows(), AssignmentDecision.objects.count())
    answer = door(client, personas, world, django_capture_on_commit_callbacks)
    assert OUT_OF_RANGE in answer
    assert (*_rows(), AssignmentDecision.objects.count()) == before

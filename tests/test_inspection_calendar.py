"""Period arithmetic, the calendar job (idempotent, overdue, reminders), assignments, the feed."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ntm_portal.models import Notification
from sponsorships.models import AgencyReport, Assignment, Inspection
from sponsorships.periods import Frequency, Period, periods_between, periods_to_plan
from sponsorships.services import SponsorshipError, assignment_create, inspections_plan

from .factories import AgencyFactory, AssignmentFactory, CommuneFactory, UserFactory


def test_quarters_and_half_years_across_year_ends():
    q4 = Period.containing(date(2024, 11, 15), Frequency.QUARTER)
    assert (q4.start, q4.end) == (date(2024, 10, 1), date(2024, 12, 31))
    assert q4.following() == Period(date(2025, 1, 1), date(2025, 3, 31))
    h2 = Period.containing(date(2024, 12, 31), Frequency.HALF_YEAR)
    assert h2.following() == Period(date(2025, 1, 1), date(2025, 6, 30))
    assert Period.containing(date(2024, 2, 29), Frequency.QUARTER).end == date(2024, 3, 31)
    assert q4.label() == "Quý 4/2024"
    assert h2.label() == "6 tháng cuối năm 2024"


def test_an_assignment_starting_mid_period_is_inspected_in_that_period():
    periods = periods_to_plan(
        today=date(2020, 8, 1),
        frequency=Frequency.QUARTER,
        active_from=date(2020, 7, 14),
        active_to=None,
    )
    assert [p.start for p in periods] == [date(2020, 7, 1), date(2020, 10, 1)]


def test_an_ended_assignment_gets_no_period_after_its_end():
    periods = periods_to_plan(
        today=date(2021, 12, 1),
        frequency=Frequency.QUARTER,
        active_from=date(2020, 1, 1),
        active_to=date(2021, 12, 15),
    )
    assert [p.start for p in periods] == [date(2021, 10, 1)]
    assert (
        periods_to_plan(
            today=date(2022, 5, 1),
            frequency=Frequency.HALF_YEAR,
            active_from=date(2020, 1, 1),
            active_to=date(2021, 12, 15),
        )
        == []
    )


def test_four_quarters_and_two_half_years_in_a_calendar_year():
    year = (date(2024, 1, 1), date(2024, 12, 31))
    assert len(periods_between(*year, Frequency.QUARTER)) == 4
    assert len(periods_between(*year, Frequency.HALF_YEAR)) == 2


def _plan(day: str) -> str:
    out = StringIO()
    call_command("plan_inspections", date=day, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def two_assignments(db):
    agency = AgencyFactory()
    sponsored = AssignmentFactory(
        agency=agency, kind=Assignment.Kind.SPONSORED, start=date(2024, 1, 1)
    )
    supervised = AssignmentFactory(
        agency=agency, kind=Assignment.Kind.SUPERVISED, start=date(2024, 1, 1)
    )
    return sponsored, supervised


def test_a_year_of_daily_runs_gives_four_and_two_inspections(two_assignments):
    sponsored, supervised = two_assignments
    for month in range(1, 13):
        for day in (1, 15):
            inspections_plan(today=date(2024, month, day))
    in_2024 = Inspection.objects.filter(due_date__year=2024)
    assert in_2024.filter(assignment=sponsored).count() == 4
    assert in_2024.filter(assignment=supervised).count() == 2


def test_the_job_is_idempotent_and_reports_its_counts(two_assignments):
    assert _plan("2024-05-10") == "created=4 overdue=0 reminded=0"  # Q2, Q3; H1, H2
    assert _plan("2024-05-10") == "created=0 overdue=0 reminded=0"
    assert AgencyReport.objects.count() == 1
    # Seven days before the end of June: both period-end inspections due soon are reminded once.
    assert _plan("2024-06-24") == "created=0 overdue=0 reminded=2"
    assert _plan("2024-06-25") == "created=0 overdue=0 reminded=0"
    # In July the two June inspections are overdue: marked and reminded once; Q4 and H1/2025 planned.
    assert _plan("2024-07-02") == "created=2 overdue=2 reminded=2"
    assert _plan("2024-07-03") == "created=0 overdue=0 reminded=0"


def test_reminders_reach_the_agency_members(two_assignments):
    sponsored, _ = two_assignments
    member = UserFactory(username="thanhvien", role="agency", agency=sponsored.agency)
    inspections_plan(today=date(2024, 6, 24))
    assert Notification.objects.filter(user=member).count() == 2
    assert "Sắp đến hạn kiểm tra" in Notification.objects.filter(user=member).first().message


def test_the_plan_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("plan_inspections", date="31/12/2024")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_create_each_inspection_once():
    assert connection.vendor == "postgresql", "needs real concurrency: run through `make test`"
    agency = AgencyFactory()
    for _ in range(30):
        AssignmentFactory(agency=agency, commune=CommuneFactory(), start=date(2024, 1, 1))
    results = []

    def run() -> None:
        try:
            results.append(inspections_plan(today=date(2024, 5, 10)).created)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 60]
    assert Inspection.objects.count() == 60


def test_overlapping_assignments_and_reversed_dates_are_refused(db):
    agency, commune = AgencyFactory(), CommuneFactory()
    assignment_create(agency=agency, commune=commune, kind="do_dau", start=date(2020, 7, 14))
    with pytest.raises(SponsorshipError, match="không được trùng thời gian"):
        assignment_create(agency=agency, commune=commune, kind="phu_trach", start=date(2022, 1, 1))
    with pytest.raises(SponsorshipError, match="phải sau ngày bắt đầu"):
        assignment_create(
            agency=agency,
            commune=CommuneFactory(),
            kind="do_dau",
            start=date(2022, 1, 1),
            end=date(2021, 1, 1),
        )
    assert Assignment.objects.count() == 1


def test_an_ended_assignment_may_be_followed_by_a_new_one(db):
    agency, commune = AgencyFactory(), CommuneFactory()
    assignment_create(
        agency=agency,
        commune=commune,
        kind="do_dau",
        start=date(2020, 7, 14),
        end=date(2021, 12, 31),
    )
    assignment_create(agency=agency, commune=commune, kind="phu_trach", start=date(2022, 1, 1))
    assert Assignment.objects.count() == 2


def test_the_calendar_feed_lists_the_agencys_inspections(client, world):
    response = client.get(
        reverse("sponsorships:calendar_ics", args=[world.agency_a.calendar_token])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body
    assert "Kiểm tra Xã Thuận – Quý 4/2024" in body
    assert "DTSTART;VALUE=DATE:20241231" in body
    assert client.get("/co-quan/lich/khong-dung-ma-bi-mat-nao-ca.ics").status_code == 404


def test_calendar_query_count_does_not_grow_with_inspections(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("sponsorships:calendar") + "?year=2024"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(40):
        AssignmentFactory(
            agency=world.agency_a,
            commune=CommuneFactory(district=world.district_a1),
            start=date(2024, 1, 1),
        )
    for month in (2, 5, 8, 11):
        inspections_plan(today=date(2024, month, 1))
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert page.content.decode().count("/co-quan/kiem-tra/") > 40
    assert len(large) == len(small)


def test_the_beat_task_runs_the_same_job(two_assignments):
    from sponsorships.tasks import plan_inspections

    assert plan_inspections("2024-05-10") == "created=4 overdue=0 reminded=0"
    assert plan_inspections("2024-05-10") == "created=0 overdue=0 reminded=0"


def test_each_event_says_what_is_due_links_to_the_host_and_reminds_the_day_before(
    client, world, settings
):
    """The feed as a phone shows it: the xã, the kind, the agency and what is due; a link on the
    host the calendar reached; a reminder the day before; an overdue one says so in its title."""
    from icalendar import Calendar

    settings.ALLOWED_HOSTS = ["ntm.example.vn"]
    response = client.get(
        reverse("sponsorships:calendar_ics", args=[world.agency_a.calendar_token]),
        HTTP_HOST="ntm.example.vn",
        secure=True,
    )
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    inspection = world.inspection_a2  # planned, due 31/12/2024: overdue today
    assert str(event["summary"]) == "QUÁ HẠN – Kiểm tra Xã Thuận – Quý 4/2024"
    assert str(event["url"]) == f"https://ntm.example.vn/co-quan/kiem-tra/{inspection.pk}/"
    description = str(event["description"])
    assert "Xã: Xã Thuận" in description
    assert f"Cơ quan: {world.agency_a.name}" in description
    assert "Hạn: 31/12/2024" in description
    assert "nộp báo cáo kết quả kiểm tra Quý 4/2024 trước hạn 31/12/2024" in description
    (alarm,) = event.walk("VALARM")
    assert alarm["trigger"].dt == -timedelta(days=1)
    assert str(alarm["action"]) == "DISPLAY"

"""The agency's inspections as an iCalendar feed (RFC 5545), for phone calendars: each event
says the xã, the kind, the agency and what is due, links to the inspection on the host the
calendar fetched the feed from, reminds the day before, and says so in its title when it is
overdue."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from .models import Agency, Inspection

REMINDER_BEFORE = timedelta(days=1)


def agency_calendar(agency: Agency, *, base_url: str, today: date | None = None) -> bytes:
    """`base_url`: the site's address as the calendar reached it ("https://ntm.example.vn")."""
    today = today or timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//NTM Portal//Lich kiem tra//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Lịch kiểm tra – {agency.short_name or agency.name}")
    inspections = (
        Inspection.objects.filter(assignment__agency=agency)
        .exclude(status=Inspection.Status.CANCELLED)
        .select_related("assignment__commune", "assignment__agency")
        .order_by("due_date")
    )
    for inspection in inspections:
        calendar.add_component(_event(inspection, base_url.rstrip("/"), today))
    return calendar.to_ical()


def _event(inspection: Inspection, base_url: str, today: date) -> Event:
    assignment = inspection.assignment
    commune = assignment.commune.name
    period = inspection.period.label()
    state = inspection.state_on(today)
    title = f"Kiểm tra {commune} – {period}"
    if state == "overdue":
        title = f"QUÁ HẠN – {title}"
    elif state == "unrecorded":
        title = f"Chưa ghi nhận – {title}"
    link = base_url + reverse("sponsorships:inspection_detail", args=[inspection.pk])
    due = f"{inspection.due_date:%d/%m/%Y}"
    what = (
        "Đã kiểm tra; báo cáo đã nộp."
        if inspection.status == Inspection.Status.DONE
        else f"Kiểm tra {commune} và nộp báo cáo kết quả kiểm tra {period} trước hạn {due}."
    )
    event = Event()
    event.add("uid", f"inspection-{inspection.pk}@ntm-portal")
    event.add("summary", title)
    event.add(
        "description",
        "\n".join(
            [
                f"Xã: {commune}",
                f"Cơ quan: {assignment.agency.name}",
                f"Hình thức: {assignment.get_kind_display()} – {inspection.get_kind_display()}",
                f"Hạn: {due}",
                what,
                link,
            ]
        ),
    )
    event.add("dtstart", inspection.due_date)
    if inspection.due_date < date.max:
        # An all-day event ends the next day; the last day a calendar holds has none.
        event.add("dtend", inspection.due_date + timedelta(days=1))
    event.add("status", "CONFIRMED" if inspection.status == Inspection.Status.DONE else "TENTATIVE")
    event.add("url", link)
    if inspection.status == Inspection.Status.PLANNED:
        reminder = Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("description", f"Ngày mai đến hạn: {title}")
        reminder.add("trigger", -REMINDER_BEFORE)
        event.add_component(reminder)
    return event

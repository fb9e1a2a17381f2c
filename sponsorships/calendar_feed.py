"""The agency's inspections as an iCalendar feed (RFC 5545), for phone calendars."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event

from .models import Agency, Inspection


def agency_calendar(agency: Agency) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//NTM Portal//Lich kiem tra//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Lịch kiểm tra – {agency.short_name or agency.name}")
    inspections = (
        Inspection.objects.filter(assignment__agency=agency)
        .exclude(status=Inspection.Status.CANCELLED)
        .select_related("assignment__commune")
        .order_by("due_date")
    )
    for inspection in inspections:
        event = Event()
        event.add("uid", f"inspection-{inspection.pk}@ntm-portal")
        event.add(
            "summary",
            f"Kiểm tra {inspection.assignment.commune.name} – {inspection.period.label()}",
        )
        event.add("dtstart", inspection.due_date)
        if inspection.due_date < date.max:
            # An all-day event ends the next day; the last day a calendar holds has none.
            event.add("dtend", inspection.due_date + timedelta(days=1))
        event.add(
            "status", "CONFIRMED" if inspection.status == Inspection.Status.DONE else "TENTATIVE"
        )
        event.add(
            "url",
            settings.SITE_URL + reverse("sponsorships:inspection_detail", args=[inspection.pk]),
        )
        calendar.add_component(event)
    return calendar.to_ical()

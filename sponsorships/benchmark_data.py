"""National-scale sponsorship data for `manage.py benchmark --scale national`; never used by the app.

About 2,000 agencies (in proportion to each province's xã), one assignment for every xã, five
years of inspections by the real regime (quarterly for sponsored, half-yearly for supervised),
a filed report for most past ones, and each agency's six-monthly reports. Inspections and reports
go in with COPY (criteria.benchmark_data._insert), so the whole build stays well under a minute.
A second run finds everything in place and adds nothing.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from communes.models import Commune
from criteria.benchmark_data import _insert
from ntm_portal.models import User

from .models import Agency, AgencyReport, Assignment, Inspection, InspectionReport
from .periods import Frequency, periods_between

MARK = "[benchmark]"
AGENCIES = 2000
SINCE = date(2021, 1, 1)


@transaction.atomic
def build_sponsorships(
    *, communes: list[Commune], today: date, seed: int = 2026, since: date = SINCE
) -> dict[str, int]:
    """Agencies, assignments, inspections and reports for these xã; returns what was created."""
    rng = random.Random(seed)
    created = {"agencies": 0, "assignments": 0, "inspections": 0, "reports": 0}
    by_province: dict[int, list[Commune]] = defaultdict(list)
    for commune in communes:
        by_province[commune.province_id].append(commune)
    total = max(len(communes), 1)

    existing = defaultdict(list)
    for agency in Agency.objects.filter(name__startswith=MARK).order_by("pk"):
        existing[agency.province_id].append(agency)
    new_agencies = []
    for province_id, members in by_province.items():
        wanted = max(3, round(AGENCIES * len(members) / total))
        for index in range(len(existing[province_id]), wanted):
            new_agencies.append(
                Agency(
                    province_id=province_id,
                    name=f"{MARK} {members[0].province.short_name} – cơ quan {index + 1}",
                    short_name=f"BM{index + 1}",
                    calendar_token=secrets.token_urlsafe(),
                )
            )
    Agency.objects.bulk_create(new_agencies, batch_size=2000)
    created["agencies"] = len(new_agencies)
    agencies = defaultdict(list)
    for agency in Agency.objects.filter(name__startswith=MARK).order_by("pk"):
        agencies[agency.province_id].append(agency)

    assigned = set(
        Assignment.objects.filter(agency__name__startswith=MARK).values_list(
            "commune_id", flat=True
        )
    )
    new_assignments = [
        Assignment(
            agency=agencies[commune.province_id][index % len(agencies[commune.province_id])],
            commune=commune,
            kind=Assignment.Kind.SPONSORED if commune.pk % 2 else Assignment.Kind.SUPERVISED,
            start=since,
        )
        for province_members in by_province.values()
        for index, commune in enumerate(province_members)
        if commune.pk not in assigned
    ]
    Assignment.objects.bulk_create(new_assignments, batch_size=2000)
    created["assignments"] = len(new_assignments)

    inspected = set(
        Inspection.objects.filter(assignment__agency__name__startswith=MARK)
        .values_list("assignment_id", flat=True)
        .distinct()
    )
    todo = [
        a
        for a in Assignment.objects.filter(agency__name__startswith=MARK).order_by("pk")
        if a.pk not in inspected
    ]
    created["inspections"] = _inspections(todo, today, rng)
    created["reports"] = _agency_reports(
        [
            a
            for province_id, members in agencies.items()
            if province_id in by_province
            for a in members
        ],
        today,
        rng,
        since,
    )
    return created


def _inspections(assignments: list[Assignment], today: date, rng: random.Random) -> int:
    if not assignments:
        return 0
    author, _ = User.objects.get_or_create(username="benchmark-agency")
    now = timezone.now()
    rows, done = [], []
    for assignment in assignments:
        frequency = assignment.inspection_frequency
        for period in periods_between(max(SINCE, assignment.start), today, frequency):
            roll = rng.random()
            if period.end >= today:
                status, inspected_on = Inspection.Status.PLANNED, None
            elif roll < 0.06:
                status, inspected_on = Inspection.Status.PLANNED, None  # overdue
            elif roll < 0.08:
                status, inspected_on = Inspection.Status.CANCELLED, None
            else:
                status = Inspection.Status.DONE
                # Most on time, some a few weeks late.
                late = roll > 0.85
                inspected_on = (
                    period.end + timedelta(days=rng.randint(1, 40))
                    if late
                    else (period.end - timedelta(days=rng.randint(0, 40)))
                )
            rows.append(
                (
                    assignment.pk,
                    Inspection.Kind.SCHEDULED,
                    period.start,
                    period.end,
                    period.end,
                    status,
                    period.end + timedelta(days=1)
                    if status == Inspection.Status.PLANNED and period.end < today
                    else None,
                    False,  # planned in its time, as beat plans (overdue, not unrecorded)
                    now,
                )
            )
            done.append(inspected_on)
    with transaction.atomic():
        _insert(
            Inspection,
            [
                "assignment_id",
                "kind",
                "period_start",
                "period_end",
                "due_date",
                "status",
                "overdue_since",
                "planned_after_due",
                "created_at",
            ],
            iter(rows),
        )
    # COPY returns no keys: find each inspection again by (assignment, period start).
    keys = {
        (assignment_id, start): pk
        for assignment_id, start, pk in Inspection.objects.filter(
            assignment__agency__name__startswith=MARK, kind=Inspection.Kind.SCHEDULED
        ).values_list("assignment_id", "period_start", "pk")
    }
    reports = (
        (
            keys[(row[0], row[2])],
            inspected_on,
            "Đoàn kiểm tra của cơ quan",
            "",
            "",
            0,
            "",
            InspectionReport.Status.SUBMITTED,
            1,
            author.pk,
            now,
        )
        for row, inspected_on in zip(rows, done, strict=True)
        if inspected_on is not None
    )
    _insert(
        InspectionReport,
        [
            "inspection_id",
            "inspected_on",
            "participants",
            "difficulties",
            "proposals",
            "resources_vnd",
            "resources_in_kind",
            "status",
            "version",
            "created_by_id",
            "submitted_at",
        ],
        reports,
    )
    return len(rows)


def _agency_reports(
    agencies: list[Agency], today: date, rng: random.Random, since: date = SINCE
) -> int:
    have = set(
        AgencyReport.objects.filter(agency__in=agencies).values_list("agency_id", "period_start")
    )
    now = timezone.now()
    rows = [
        AgencyReport(
            agency=agency,
            period_start=period.start,
            period_end=period.end,
            due_date=period.end,
            submitted_at=now if period.end < today and rng.random() < 0.9 else None,
        )
        for agency in agencies
        for period in periods_between(since, today, Frequency.HALF_YEAR)
        if (agency.pk, period.start) not in have
    ]
    AgencyReport.objects.bulk_create(rows, batch_size=5000)
    return len(rows)

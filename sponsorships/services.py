"""Writes for assignments, the inspection calendar and inspection reports, each in a transaction."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communes.models import Commune, CommuneLineage, Province, ProvinceLineage, ProvinceQuerySet
from criteria.models import CriterionResult, Evaluation
from ntm_portal.limits import YEAR_MAX, YEAR_MIN, day_in_range, decimal_fits
from ntm_portal.models import Role, User
from ntm_portal.notifications import notify, withdraw
from ntm_portal.registers import Held, register_refusal
from ntm_portal.security import security_log
from ntm_portal.text import fold, format_number, lower_first, parse_day, parse_decimal
from ntm_portal.uploads import UploadRejected, accept_upload, store_with_file

from .models import (
    Agency,
    AgencyChange,
    AgencyReport,
    Assignment,
    AssignmentDecision,
    AssignmentTransfer,
    Inspection,
    InspectionAttachment,
    InspectionFinding,
    InspectionLog,
    InspectionReport,
    SponsorshipLog,
)
from .periods import Frequency, Period, periods_between, periods_to_plan
from .transfers import (
    LAST_DAY_BEFORE,
    REORGANISED_ON,
    TransferChoices,
    TransferPlan,
    TransferRow,
    transfer_plan,
)
from .versions import changes_inspections

# What an assignment decision is in its province's register (ntm_portal.registers).
DECISION_KIND = "assignment_decision"


def decisions_in_register(province_ids: Collection[int], years: Collection[int]):
    """The assignment decisions (transfers' included) the provinces typed in for those years."""
    rows = AssignmentDecision.objects.filter(province_id__in=province_ids, date__year__in=years)
    for province_id, number, day in rows.values_list("province_id", "number", "date"):
        yield (
            province_id,
            day.year,
            number,
            Held(
                DECISION_KIND,
                day,
                _("quyết định %(number)s ngày %(date)s về phân công đỡ đầu, phụ trách")
                % {"number": number, "date": f"{day:%d/%m/%Y}"},
            ),
        )


class SponsorshipError(Exception):
    """A refused action; the message says why, in Vietnamese."""


@dataclass
class SponsorshipRefused(SponsorshipError):
    """field name → Vietnamese message; nothing was written."""

    errors: dict[str, str]

    def __str__(self) -> str:
        return " ".join(self.errors.values())


# --- Agencies ----------------------------------------------------------------------------------


@transaction.atomic
def agency_calendar_feed_rotate(*, agency: Agency, actor: User) -> Agency:
    """A new secret address for the agency's calendar feed; the old one stops working at once."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    agency.calendar_token = secrets.token_urlsafe(32)
    agency.save(update_fields=["calendar_token"])
    security_log.info("Calendar feed of agency %s changed by user %s", agency.pk, actor.pk)
    return agency


# --- Assignments --------------------------------------------------------------------------------


@transaction.atomic
@changes_inspections
def assignment_create(
    *,
    agency: Agency,
    commune: Commune,
    kind: str,
    start: date,
    end: date | None = None,
    decision: AssignmentDecision | None = None,
    target_level: str = "",
    target_year: int | None = None,
    notes: str = "",
    actor: User | None = None,
) -> Assignment:
    """The one door of an assignment, whatever asks for it (decisions page, roster, admin, agency
    merge, transfer, demo): assignment_refusals decides, SponsorshipRefused says why."""
    # Lock the agency and the commune so that two simultaneous assignments cannot both pass the
    # overlap and one-sponsor checks, and read them as they are now, not as the caller last read
    # them (a merger may have come since).
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    commune = Commune.objects.select_for_update().get(pk=commune.pk)
    if errors := assignment_refusals(
        agency=agency, commune=commune, kind=kind, start=start, end=end
    ):
        raise SponsorshipRefused(errors)
    return Assignment.objects.create(
        agency=agency,
        commune=commune,
        kind=kind,
        start=start,
        end=end,
        decision=decision,
        target_level=target_level,
        target_year=target_year,
        notes=notes,
    )


def assignment_refusals(
    *,
    agency: Agency,
    commune: Commune,
    kind: str,
    start: date,
    end: date | None,
    exclude_pk: int | None = None,
    held: Sequence[Assignment] | None = None,
    successors: Sequence[Commune] | None = None,
) -> dict[str, str]:
    """Why this assignment cannot be, by field ({} when it can): dates in order, both units in
    existence on its dates, no overlap with the same agency's assignment of the commune, and one
    sponsoring agency (đỡ đầu) of a commune at a time. The rule of every door.

    `held` (the commune's assignments, with their agencies) and `successors` (the commune's
    successors) spare the queries when a bulk door (`assignments_import`) has read them for a
    whole file; an unsaved assignment of `held` with a `file_row` is another row of that file,
    and the message names it."""
    if end is not None and end < start:
        return {
            "end": _("Ngày kết thúc (%(end)s) phải sau ngày bắt đầu (%(start)s).")
            % {"end": f"{end:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"}
        }
    errors = {}
    # Absent at the start: the commune is wrong; present then but gone by the end: the end is.
    if reason := commune.absence_on(start, successors=successors):
        errors["commune"] = reason
    elif end is not None and (reason := commune.absence_on(end, successors=successors)):
        errors["end"] = reason
    if reason := agency.absence_on(start):
        errors["agency"] = reason
    if errors:
        return errors
    if held is None:
        held = _assignments_held(commune_ids=[commune.pk]).get(commune.pk, [])
    running = [
        other
        for other in held
        if (other.pk is None or other.pk != exclude_pk)
        and (other.end is None or other.end >= start)
        and (end is None or other.start <= end)
    ]
    if clash := next((other for other in running if other.agency_id == agency.pk), None):
        errors["start"] = _(
            "%(agency)s đã được phân công %(commune)s từ %(start)s: hai phân công không được trùng "
            "thời gian."
        ) % {
            "agency": agency,
            "commune": commune,
            "start": f"{clash.start:%d/%m/%Y}",
        } + _in_file(clash)
    if kind not in Assignment.SHARED_KINDS and (
        clash := next((other for other in running if other.kind == Assignment.Kind.SPONSORED), None)
    ):
        errors["kind"] = _(
            "Hình thức: %(commune)s đã do %(agency)s đỡ đầu từ %(start)s; mỗi thời điểm chỉ một "
            "cơ quan đỡ đầu một xã (kết thúc hoặc chuyển phân công đó trước)."
        ) % {
            "commune": commune.name,
            "agency": clash.agency.name,
            "start": f"{clash.start:%d/%m/%Y}",
        } + _in_file(clash)
    return errors


def decision_day_refusal(day: date) -> str:
    """Why a decision cannot be dated `day` ("" when it can): in the programme's years, the
    range of the decisions page's date field (ntm_portal.limits), at every door that records one."""
    if day_in_range(day):
        return ""
    return _("%(field)s: năm phải từ %(first)s đến %(last)s.") % {
        "field": _("Ngày quyết định"),
        "first": YEAR_MIN,
        "last": YEAR_MAX,
    }


def decision_refusals(
    *,
    province: Province,
    decision_date: date,
    agency: Agency,
    commune: Commune,
    start: date,
) -> dict[str, str]:
    """Why a decision of `province` dated `decision_date` cannot make this assignment, by field
    ({} when it can): a decision assigns its own province's agencies to its own province's
    communes (the predecessors' assignments come over by transfer), from its date on. The rule of
    every door that makes an assignment by a decision: the decisions page (`assignment_add`),
    the roster (`assignments_import`) and the admin."""
    errors = {}
    if agency.province_id != province.pk:
        errors["agency"] = _("Cơ quan: %(agency)s không thuộc %(province)s.") % {
            "agency": agency.name,
            "province": province.name,
        }
    if commune.province_id != province.pk:
        errors["commune"] = _("Xã: %(commune)s không thuộc %(province)s.") % {
            "commune": commune.name,
            "province": province.name,
        }
    if start < decision_date:
        errors["start"] = _("Từ ngày: %(start)s trước ngày quyết định %(date)s.") % {
            "start": f"{start:%d/%m/%Y}",
            "date": f"{decision_date:%d/%m/%Y}",
        }
    return errors


def _in_file(clash: Assignment) -> str:
    """ " (dòng 12)" when the clash is another row of the file being imported."""
    row = getattr(clash, "file_row", None)
    return _(" (dòng %(row)s)") % {"row": row} if row else ""


def _assignments_held(*, commune_ids: Iterable[int]) -> dict[int, list[Assignment]]:
    """Every assignment of the communes, with its agency, in the order of their start: what the
    overlap and one-sponsor rules look at, read once for a whole file."""
    held: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(commune_id__in=list(commune_ids))
        .select_related("agency")
        .order_by("start", "pk")
    ):
        held[assignment.commune_id].append(assignment)
    return held


@dataclass
class AssignmentImportRow:
    """One assignment of a roster row, as the roster located it: a new one, or the stored one
    `pk` (same agency, commune and start) with its new values. `decision_id` is a decision the
    province has; `new_decision` (number, date, issuer) one to record in the agency's province."""

    number: int  # the row in the file, named by the refusals
    agency_id: int
    commune_id: int
    kind: str
    start: date
    end: date | None = None
    target_level: str = ""
    target_year: int | None = None
    notes: str = ""
    pk: int | None = None
    decision_id: int | None = None
    new_decision: tuple[str, date, str] | None = None


@dataclass
class AssignmentsRefused(SponsorshipError):
    """row number → {field: Vietnamese message}; nothing was written."""

    errors: dict[int, dict[str, str]]

    def __str__(self) -> str:
        return " ".join(
            _("Dòng %(row)s: %(reason)s") % {"row": number, "reason": reason}
            for number, fields in sorted(self.errors.items())
            for reason in fields.values()
        )


def assignments_import_refusals(
    *, rows: Sequence[AssignmentImportRow]
) -> dict[int, dict[str, str]]:
    """What `assignments_import` would refuse, by row and field, writing nothing: the preview
    of a roster shows these words. The rules of `assignment_refusals`, for every row against
    the portal and against the rows of the file before it (two sponsors of one xã, or two
    overlapping assignments of one agency, in one file), and `register_refusal` for every new
    decision. A constant number of queries, whatever the number of rows."""
    if not rows:
        return {}
    agencies = Agency.objects.select_related("merged_into").in_bulk({r.agency_id for r in rows})
    communes = Commune.objects.only("pk", "name", "province_id", "valid_from", "valid_to").in_bulk(
        {r.commune_id for r in rows}
    )
    # Successors are named only for a unit gone by the row's dates: read once for all of them.
    gone = {
        r.commune_id
        for r in rows
        if communes[r.commune_id].valid_to is not None
        and max(r.start, r.end or r.start) > communes[r.commune_id].valid_to
    }
    successors = CommuneLineage.objects.successors_of(gone) if gone else {}
    held = _assignments_held(commune_ids=communes)
    stored = AssignmentDecision.objects.select_related("province").in_bulk(
        {r.decision_id for r in rows if r.decision_id}
    )
    provinces = Province.objects.in_bulk(
        {agencies[r.agency_id].province_id for r in rows if r.new_decision and r.pk is None}
    )
    errors: dict[int, dict[str, str]] = {}
    decisions: dict[tuple[int, str], tuple[date, int]] = {}
    for row in rows:
        agency, commune = agencies[row.agency_id], communes[row.commune_id]
        refused = assignment_refusals(
            agency=agency,
            commune=commune,
            kind=row.kind,
            start=row.start,
            end=row.end,
            exclude_pk=row.pk,
            held=held[commune.pk],
            successors=successors.get(commune.pk, []),
        )
        # A new assignment is made by its decision: the decisions page's rule (a stored one
        # keeps what was accepted of it).
        made_by = None
        if row.pk is None and row.new_decision:
            made_by = (provinces[agency.province_id], row.new_decision[1])
        elif row.pk is None and row.decision_id:
            made_by = (stored[row.decision_id].province, stored[row.decision_id].date)
        if made_by is not None:
            refused = {
                **decision_refusals(
                    province=made_by[0],
                    decision_date=made_by[1],
                    agency=agency,
                    commune=commune,
                    start=row.start,
                ),
                **refused,
            }
        if row.new_decision:
            number, day, _issuer = row.new_decision
            key = (agency.province_id, fold(number))
            if refusal := decision_day_refusal(day):
                refused["decision_date"] = refusal
            elif key in decisions and decisions[key][0] != day:
                refused["decision_number"] = _(
                    "Số quyết định: quyết định %(number)s đã ghi ngày %(date)s ở dòng %(row)s."
                ) % {
                    "number": number,
                    "date": f"{decisions[key][0]:%d/%m/%Y}",
                    "row": decisions[key][1],
                }
            elif key not in decisions:
                decisions[key] = (day, row.number)
                if refusal := register_refusal(
                    province_id=agency.province_id, number=number, day=day, kind=DECISION_KIND
                ):
                    refused["decision_number"] = refusal
        if refused:
            errors[row.number] = refused
            continue
        # Accepted: the rows after it are held against it, as if it were stored already.
        planned = Assignment(
            pk=row.pk,
            agency=agency,
            commune=commune,
            kind=row.kind,
            start=row.start,
            end=row.end,
        )
        planned.file_row = row.number
        held[commune.pk] = [a for a in held[commune.pk] if a.pk is None or a.pk != row.pk]
        held[commune.pk].append(planned)
    return errors


@transaction.atomic
@changes_inspections
def assignments_import(
    *, rows: Sequence[AssignmentImportRow], actor: User | None
) -> list[Assignment]:
    """The bulk door of assignments (the roster's): the rules, words and history of the decisions
    page (`assignment_decision_create`, `assignment_add`), for a whole file in a few queries.
    All or nothing: AssignmentsRefused names every refused row. New decisions are recorded,
    new assignments planned at once (`assignment_plan_inspections`), stored ones updated."""
    if not rows:
        return []
    # As assignment_create: lock the agencies and communes so that no other write slips an
    # overlap or a second sponsor in between the check and the write.
    list(Agency.objects.select_for_update().filter(pk__in={r.agency_id for r in rows}))
    list(Commune.objects.select_for_update().filter(pk__in={r.commune_id for r in rows}))
    if errors := assignments_import_refusals(rows=rows):
        raise AssignmentsRefused(errors)
    agencies = Agency.objects.in_bulk({r.agency_id for r in rows})
    communes = Commune.objects.only("pk", "name", "province_id").in_bulk(
        {r.commune_id for r in rows}
    )
    wanted: dict[tuple[int, str], AssignmentDecision] = {}
    for row in rows:
        if row.new_decision:
            number, day, issuer = row.new_decision
            province_id = agencies[row.agency_id].province_id
            wanted.setdefault(
                (province_id, fold(number)),
                AssignmentDecision(
                    province_id=province_id,
                    number=" ".join(number.split()),
                    date=day,
                    issuer=issuer.strip(),
                ),
            )
    created_decisions = AssignmentDecision.objects.bulk_create(list(wanted.values()))
    decision_ids = {key: d.pk for key, d in zip(wanted, created_decisions, strict=True)}
    new, changed = [], []
    for row in rows:
        decision_id = row.decision_id
        if row.new_decision:
            key = (agencies[row.agency_id].province_id, fold(row.new_decision[0]))
            decision_id = decision_ids[key]
        assignment = Assignment(
            pk=row.pk,
            agency=agencies[row.agency_id],
            commune=communes[row.commune_id],
            kind=row.kind,
            start=row.start,
            end=row.end,
            target_level=row.target_level,
            target_year=row.target_year,
            notes=row.notes.strip(),
            decision_id=decision_id,
        )
        (changed if row.pk else new).append(assignment)
    Assignment.objects.bulk_create(new, batch_size=1000)
    fields = ["kind", "end", "target_level", "target_year", "notes", "decision"]
    Assignment.objects.bulk_update(changed, fields, batch_size=1000)
    _plan_from_start(new)
    if actor is not None:
        # The history of the decisions page, in its words (assignment_decision_create, assignment_add).
        SponsorshipLog.objects.bulk_create(
            [
                SponsorshipLog(
                    province_id=decision.province_id,
                    action=SponsorshipLog.Action.DECISION,
                    actor=actor,
                    decision=decision,
                    detail=f"{decision.number} ({decision.date:%d/%m/%Y}) – {decision.issuer}",
                )
                for decision in created_decisions
            ]
            + [
                SponsorshipLog(
                    province_id=assignment.agency.province_id,
                    action=SponsorshipLog.Action.ASSIGNED,
                    actor=actor,
                    decision_id=assignment.decision_id,
                    assignment=assignment,
                    agency=assignment.agency,
                    detail=f"{assignment} từ {assignment.start:%d/%m/%Y}"
                    + (f" đến {assignment.end:%d/%m/%Y}" if assignment.end else ""),
                )
                for assignment in new
            ],
            batch_size=1000,
        )
    return new + changed


OVERDUE_NOTICE = gettext_noop("Quá hạn kiểm tra %(commune)s (%(period)s): hạn %(due)s")

# --- The calendar job ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanResult:
    created: int
    overdue: int
    reminded: int
    reports_planned: int

    def summary(self) -> str:
        return f"created={self.created} overdue={self.overdue} reminded={self.reminded}"


@transaction.atomic
@changes_inspections
def inspections_plan(*, today: date) -> PlanResult:
    """Plan the current and next period's inspections of every active assignment, mark overdue
    ones, send reminders, and plan each agency's six-monthly report. Safe to run again, or twice
    at once: the second run waits for the first and finds nothing left to do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('inspections_plan'))")
    created = _plan_inspections(today)
    overdue = (
        Inspection.objects.overdue_on(today).filter(overdue_since=None).update(overdue_since=today)
    )
    reminded = _send_reminders(today)
    reports = _plan_agency_reports(today)
    return PlanResult(created=created, overdue=overdue, reminded=reminded, reports_planned=reports)


@transaction.atomic
@changes_inspections
def inspections_backfill(
    *,
    assignments,
    since: date,
    until: date,
    today: date | None = None,
    as_beat_planned: bool = False,
) -> int:
    """Every scheduled inspection between `since` (or the assignment's start) and `until`, for
    decisions entered after the fact (and the demo). Existing ones are kept; returns how many
    were made. One whose period ended before `today` is planned after its due date: unrecorded,
    not overdue (models.overdue_on_q) — unless `as_beat_planned` (the demo's years, as if beat
    had planned each period in its time)."""
    today = date.min if as_beat_planned else (today or timezone.localdate())
    # Only these assignments' periods: a confirmation must not read the country's calendar.
    existing = set(
        Inspection.objects.filter(
            kind=Inspection.Kind.SCHEDULED, assignment__in=assignments, period_start__lte=until
        ).values_list("assignment_id", "period_start")
    )
    missing = [
        inspection
        for assignment in assignments
        for inspection in _scheduled(
            assignment,
            max(since, assignment.start),
            min(until, assignment.end) if assignment.end else until,
            today,
        )
        if (assignment.pk, inspection.period_start) not in existing
    ]
    Inspection.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
    return len(missing)


def _scheduled(assignment: Assignment, since: date, until: date, today: date) -> list[Inspection]:
    """The assignment's scheduled inspections of the periods touching [since, until], unsaved;
    one whose period ended before `today` is planned after its due date (overdue_on_q)."""
    return [
        Inspection(
            assignment=assignment,
            period_start=period.start,
            period_end=period.end,
            due_date=period.end,
            planned_after_due=period.end < today,
        )
        for period in periods_between(since, until, assignment.inspection_frequency)
    ]


@changes_inspections
def assignment_plan_inspections(*, assignment: Assignment, today: date | None = None) -> int:
    """A confirmed assignment's inspections at once, not at beat's next run: from its start (this
    year's periods already past as unrecorded, to record what was done on paper or mark as not
    done) to the period after the current one, as beat plans."""
    today = today or timezone.localdate()
    since, until = _plan_window(assignment, today)
    if since > until:
        return 0
    return inspections_backfill(assignments=[assignment], since=since, until=until, today=today)


def _plan_window(assignment: Assignment, today: date) -> tuple[date, date]:
    """What a confirmed assignment is planned over at once: from its start, or this year's
    first day, to the end of the period after the current one."""
    since = max(assignment.start, date(today.year, 1, 1))
    return since, Period.containing(today, assignment.inspection_frequency).following().end


@changes_inspections
def _plan_from_start(assignments: Sequence[Assignment], today: date | None = None) -> int:
    """assignment_plan_inspections for many new assignments at once (they have no inspection
    yet, so nothing is read): one insert."""
    today = today or timezone.localdate()
    planned = []
    for assignment in assignments:
        since, until = _plan_window(assignment, today)
        if assignment.end is not None:
            until = min(until, assignment.end)
        if since > until:
            continue
        planned += _scheduled(assignment, since, until, today)
    Inspection.objects.bulk_create(planned, batch_size=2000, ignore_conflicts=True)
    return len(planned)


@changes_inspections
def _inspection_settled(inspection: Inspection) -> None:
    """Done or cancelled: no longer overdue, and the overdue notices sent about it are withdrawn
    (one that stays sends its reader to do what is done)."""
    if inspection.overdue_since is not None:
        Inspection.objects.filter(pk=inspection.pk).update(overdue_since=None)
        inspection.overdue_since = None
    withdraw(
        template=OVERDUE_NOTICE,
        url=reverse("sponsorships:inspection_detail", args=[inspection.pk]),
    )


def _plan_inspections(today: date) -> int:
    horizon = Period.containing(today, Frequency.HALF_YEAR).following().end
    assignments = Assignment.objects.filter(start__lte=horizon).filter(
        Q(end__isnull=True) | Q(end__gte=Period.containing(today, Frequency.QUARTER).start)
    )
    wanted: dict[tuple[int, date], Inspection] = {}
    for assignment in assignments.only("pk", "kind", "start", "end"):
        for period in periods_to_plan(
            today=today,
            frequency=assignment.inspection_frequency,
            active_from=assignment.start,
            active_to=assignment.end,
        ):
            wanted[(assignment.pk, period.start)] = Inspection(
                assignment_id=assignment.pk,
                period_start=period.start,
                period_end=period.end,
                due_date=period.end,
            )
    if not wanted:
        return 0
    starts = {start for _, start in wanted}
    existing = set(
        Inspection.objects.filter(
            kind=Inspection.Kind.SCHEDULED, period_start__in=starts
        ).values_list("assignment_id", "period_start")
    )
    missing = [inspection for key, inspection in wanted.items() if key not in existing]
    # ignore_conflicts: the unique constraint is the last word if anything slipped past the lock.
    Inspection.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
    return len(missing)


def _send_reminders(today: date) -> int:
    soon = today + timedelta(days=settings.INSPECTION_REMINDER_DAYS)
    due_soon = list(
        Inspection.objects.filter(
            status=Inspection.Status.PLANNED,
            due_date__gte=today,
            due_date__lte=soon,
            reminded_at=None,
        ).select_related("assignment__commune", "assignment__agency")
    )
    late = list(
        Inspection.objects.overdue_on(today)
        .filter(overdue_reminded_at=None)
        .select_related("assignment__commune", "assignment__agency")
    )
    members = _members_by_agency({i.assignment.agency_id for i in due_soon + late})
    now = timezone.now()
    for inspection in due_soon:
        notify(
            users=members.get(inspection.assignment.agency_id, []),
            template=gettext_noop("Sắp đến hạn kiểm tra %(commune)s (%(period)s): hạn %(due)s"),
            params=_inspection_words(inspection),
            url=reverse("sponsorships:inspection_detail", args=[inspection.pk]),
        )
    for inspection in late:
        notify(
            users=members.get(inspection.assignment.agency_id, []),
            template=OVERDUE_NOTICE,
            params=_inspection_words(inspection),
            url=reverse("sponsorships:inspection_detail", args=[inspection.pk]),
        )
    Inspection.objects.filter(pk__in=[i.pk for i in due_soon]).update(reminded_at=now)
    Inspection.objects.filter(pk__in=[i.pk for i in late]).update(overdue_reminded_at=now)
    return len(due_soon) + len(late)


def _plan_agency_reports(today: date) -> int:
    period = Period.containing(today, Frequency.HALF_YEAR)
    agencies = Assignment.objects.active_on(today).values_list("agency_id", flat=True).distinct()
    existing = set(
        AgencyReport.objects.filter(period_start=period.start).values_list("agency_id", flat=True)
    )
    missing = [
        AgencyReport(
            agency_id=agency_id,
            period_start=period.start,
            period_end=period.end,
            due_date=period.end,
        )
        for agency_id in set(agencies) - existing
    ]
    AgencyReport.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _members_by_agency(agency_ids: set[int]) -> dict[int, list[User]]:
    members: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.AGENCY, agency_id__in=agency_ids, is_active=True):
        members.setdefault(user.agency_id, []).append(user)
    return members


def _vietnamese(evaluation) -> str:
    """An evaluation's period label in Vietnamese, whatever language the actor reads in."""
    with translation.override("vi"):
        return str(evaluation.period_label())


def _inspection_words(inspection: Inspection) -> dict[str, str]:
    return {
        "commune": str(inspection.assignment.commune),
        "period": inspection.period.label(),
        "due": f"{inspection.due_date:%d/%m/%Y}",
    }


# --- Ad-hoc inspections -------------------------------------------------------------------------


@transaction.atomic
@changes_inspections
def inspection_create_ad_hoc(*, assignment: Assignment, due_date: date, actor: User) -> Inspection:
    inspection = Inspection.objects.create(
        assignment=assignment,
        kind=Inspection.Kind.AD_HOC,
        period_start=due_date,
        period_end=due_date,
        due_date=due_date,
    )
    InspectionLog.objects.create(
        inspection=inspection, actor=actor, action=InspectionLog.Action.CREATED_AD_HOC
    )
    return inspection


@transaction.atomic
@changes_inspections
def inspection_cancel(*, inspection: Inspection, reason: str, actor: User) -> Inspection:
    if inspection.status != Inspection.Status.PLANNED:
        raise SponsorshipError(_("Chỉ hủy được đợt kiểm tra chưa thực hiện."))
    if not reason.strip():
        raise SponsorshipError(_("Hãy ghi lý do hủy đợt kiểm tra."))
    inspection.status = Inspection.Status.CANCELLED
    inspection.save(update_fields=["status"])
    _inspection_settled(inspection)
    InspectionLog.objects.create(
        inspection=inspection,
        actor=actor,
        action=InspectionLog.Action.CANCELLED,
        detail=reason.strip(),
    )
    return inspection


@transaction.atomic
def inspection_cancel_propose(*, inspection: Inspection, reason: str, actor: User) -> Inspection:
    """The agency asks the province office, which keeps the calendar, to cancel a planned
    inspection: recorded with its reason, and the office told."""
    if inspection.status != Inspection.Status.PLANNED:
        raise SponsorshipError(_("Chỉ đề nghị hủy được đợt kiểm tra chưa thực hiện."))
    if not reason.strip():
        raise SponsorshipError(_("Hãy ghi lý do đề nghị hủy đợt kiểm tra."))
    InspectionLog.objects.create(
        inspection=inspection,
        actor=actor,
        action=InspectionLog.Action.CANCEL_PROPOSED,
        detail=reason.strip(),
    )
    _tell_the_office(
        inspection, gettext_noop("%(agency)s đề nghị hủy đợt kiểm tra %(commune)s (%(period)s)")
    )
    return inspection


def _tell_the_office(inspection: Inspection, template: str) -> None:
    """The province office of the inspected commune is told what its agency did (`template`
    takes the agency, the commune and the period)."""
    commune = inspection.assignment.commune
    notify(
        users=User.objects.filter(
            role=Role.PROVINCE, province_id=commune.province_id, is_active=True
        ),
        template=template,
        params={
            "agency": inspection.assignment.agency,
            "commune": commune,
            "period": inspection.period.label(),
        },
        url=reverse("sponsorships:inspection_detail", args=[inspection.pk]),
    )


# --- Inspection reports -------------------------------------------------------------------------


def _participants(agency: Agency, actor: User) -> str:
    """Who goes, as a report writes it: the agency's steering team when recorded (name and
    position); else the member starting the report by full name and agency (a user has no
    position of their own). Never a login name ("skhdt") in an official report."""
    members = list(agency.steering_team.all())
    if members:
        return ", ".join(
            f"{member.full_name} ({member.position})" if member.position else member.full_name
            for member in members
        )
    name = actor.get_full_name().strip()
    if not name:
        return _("Đại diện %(agency)s") % {"agency": agency.name}
    return f"{name} – {agency.name}"


@transaction.atomic
@changes_inspections
def report_start(*, inspection: Inspection, actor: User) -> InspectionReport:
    """A draft report, its findings pre-filled from the commune's latest evaluation."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status == Inspection.Status.CANCELLED:
        raise SponsorshipError(_("Đợt kiểm tra đã bị hủy: không lập báo cáo được."))
    existing = InspectionReport.objects.filter(inspection=inspection).first()
    if existing:
        return existing
    report = InspectionReport.objects.create(
        inspection=inspection,
        inspected_on=min(timezone.localdate(), inspection.due_date),
        participants=_participants(inspection.assignment.agency, actor),
        created_by=actor,
    )
    latest = (
        Evaluation.objects.filter(commune_id=inspection.assignment.commune_id, village=None)
        .latest_first()
        .first()
    )
    if latest:
        InspectionFinding.objects.bulk_create(
            InspectionFinding(report=report, criterion_id=result.criterion_id, met=result.met)
            for result in CriterionResult.objects.filter(evaluation=latest)
        )
    InspectionLog.objects.create(
        inspection=inspection,
        actor=actor,
        action=InspectionLog.Action.REPORT_SAVED,
        # Stored in Vietnamese; read in the reader's language (InspectionLog.detail_text).
        detail=gettext_noop("Bắt đầu báo cáo (%(period)s)") % {"period": _vietnamese(latest)}
        if latest
        else gettext_noop("Bắt đầu báo cáo"),
    )
    return report


@dataclass
class ReportFieldErrors(SponsorshipError):
    errors: dict[str, str]

    def __str__(self) -> str:
        return _("Có %(count)s mục chưa hợp lệ.") % {"count": len(self.errors)}


@transaction.atomic
@changes_inspections
def report_save(
    *,
    report: InspectionReport,
    data: Mapping[str, str],
    findings: Mapping[int, tuple[str, str]],
    version: int,
    actor: User,
) -> InspectionReport:
    """Save the form: fields by name, findings by criterion id as (met "1"/"0"/"", note)."""
    report = _locked_report(report, version)
    if not report.is_editable:
        raise SponsorshipError(_("Báo cáo đã nộp: không sửa được."))
    errors: dict[str, str] = {}
    inspected_on = parse_day(data.get("inspected_on", ""))
    if inspected_on is None:
        errors["inspected_on"] = _("Ngày kiểm tra phải có dạng dd/mm/yyyy.")
    elif not day_in_range(inspected_on):
        errors["inspected_on"] = _("Ngày kiểm tra phải từ năm %(first)s đến năm %(last)s.") % {
            "first": YEAR_MIN,
            "last": YEAR_MAX,
        }
    elif inspected_on > timezone.localdate():
        errors["inspected_on"] = _("Ngày kiểm tra không được ở tương lai.")
    participants = data.get("participants", "").strip()
    if not participants:
        errors["participants"] = _("Hãy ghi thành phần tham gia đoàn kiểm tra.")
    raw_vnd = data.get("resources_vnd", "").strip() or "0"
    column = InspectionReport._meta.get_field("resources_vnd")
    try:
        resources_vnd = parse_decimal(raw_vnd)
        if resources_vnd < 0 or not decimal_fits(
            resources_vnd, max_digits=column.max_digits, decimal_places=column.decimal_places
        ):
            raise ValueError
    except ValueError:
        errors["resources_vnd"] = _(
            "Nguồn lực huy động phải là số đồng, không âm, dưới %(limit)s (ví dụ: 150.000.000)."
        ) % {"limit": format_number(Decimal(10) ** column.max_digits)}
        resources_vnd = Decimal(0)
    if errors:
        raise ReportFieldErrors(errors)
    report.inspected_on = inspected_on
    report.participants = participants
    report.difficulties = data.get("difficulties", "").strip()
    report.proposals = data.get("proposals", "").strip()
    report.resources_vnd = resources_vnd
    report.resources_in_kind = data.get("resources_in_kind", "").strip()
    report.version += 1
    report.save()
    rows = {finding.criterion_id: finding for finding in report.findings.all()}
    changed = []
    for criterion_id, (met, note) in findings.items():
        finding = rows.get(criterion_id)
        if finding is None:
            continue
        finding.met = {"1": True, "0": False}.get(met)
        finding.note = note.strip()
        changed.append(finding)
    InspectionFinding.objects.bulk_update(changed, ["met", "note"])
    InspectionLog.objects.create(
        inspection=report.inspection, actor=actor, action=InspectionLog.Action.REPORT_SAVED
    )
    return report


@transaction.atomic
@changes_inspections
def report_submit(*, report: InspectionReport, version: int, actor: User) -> InspectionReport:
    report = _locked_report(report, version)
    if not report.is_editable:
        raise SponsorshipError(_("Báo cáo đã được nộp."))
    report.status = InspectionReport.Status.SUBMITTED
    report.submitted_by, report.submitted_at = actor, timezone.now()
    report.version += 1
    report.save()
    inspection = report.inspection
    inspection.status = Inspection.Status.DONE
    inspection.save(update_fields=["status"])
    _inspection_settled(inspection)
    InspectionLog.objects.create(
        inspection=inspection, actor=actor, action=InspectionLog.Action.SUBMITTED
    )
    _tell_the_office(
        inspection, gettext_noop("%(agency)s nộp báo cáo kiểm tra %(commune)s (%(period)s)")
    )
    return report


@transaction.atomic
@changes_inspections
def report_acknowledge(*, report: InspectionReport, version: int, actor: User) -> InspectionReport:
    report = _locked_report(report, version)
    if report.status != InspectionReport.Status.SUBMITTED:
        raise SponsorshipError(_("Chỉ ghi nhận được báo cáo đã nộp."))
    report.status = InspectionReport.Status.ACKNOWLEDGED
    report.acknowledged_by, report.acknowledged_at = actor, timezone.now()
    report.version += 1
    report.save()
    InspectionLog.objects.create(
        inspection=report.inspection, actor=actor, action=InspectionLog.Action.ACKNOWLEDGED
    )
    if report.submitted_by_id:
        notify(
            users=[report.submitted_by],
            template=gettext_noop("Tỉnh đã ghi nhận báo cáo kiểm tra %(commune)s"),
            params={"commune": report.inspection.assignment.commune},
            url=reverse("sponsorships:inspection_detail", args=[report.inspection_id]),
        )
    return report


@transaction.atomic
@changes_inspections
def attachment_add(
    *, report: InspectionReport, upload: UploadedFile | None, actor: User
) -> InspectionAttachment:
    if not report.is_editable:
        raise SponsorshipError(_("Báo cáo đã nộp: không thêm tệp được."))
    try:
        accepted = accept_upload(upload)
    except UploadRejected as error:
        raise SponsorshipError(str(error)) from None
    attachment = InspectionAttachment(report=report, uploaded_by=actor)
    attachment.record(accepted)
    try:
        store_with_file(attachment, "file", upload.name, upload)
    except UploadRejected as error:
        raise SponsorshipError(str(error)) from None
    InspectionLog.objects.create(
        inspection=report.inspection,
        actor=actor,
        action=InspectionLog.Action.ATTACHMENT_ADDED,
        detail=attachment.original_name,
    )
    return attachment


def _locked_report(report: InspectionReport, version: int) -> InspectionReport:
    current = (
        InspectionReport.objects.select_for_update()
        .select_related("inspection__assignment__commune", "inspection__assignment__agency")
        .get(pk=report.pk)
    )
    if current.version != version:
        raise SponsorshipError(
            _("Báo cáo vừa được người khác thay đổi. Tải lại trang rồi nhập lại phần của bạn.")
        )
    return current


# --- Agencies across the reorganisation -------------------------------------------------------


def current_provinces(province: Province) -> set[int]:
    """The 2025 province(s) a province is part of now: itself, or what it went into."""
    return set(province.successors().values_list("pk", flat=True)) or {province.pk}


@dataclass(frozen=True)
class MergeStep:
    """What a merger does to one of the absorbed agency's running assignments."""

    class Action(StrEnum):
        CARRY = "carry"  # ended the day before; the same assignment continues for `into`
        END = "end"  # ended the day before; `into` already has that commune
        LEAVE = "leave"  # its commune ended with the reorganisation: the transfer page carries it

    assignment: Assignment
    action: Action
    reason: str


def agency_merge_preview(*, absorbed: Agency, into: Agency, on: date) -> list[MergeStep]:
    """What `agency_merge` would do, or SponsorshipError saying why it cannot be done."""
    if refusal := _merge_refusal(absorbed=absorbed, into=into, on=on):
        raise SponsorshipError(refusal)
    running = (
        absorbed.assignments.filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("commune", "agency")
        .order_by("commune__search_name", "pk")
    )
    theirs = {
        a.commune_id: a
        for a in into.assignments.filter(Q(end__isnull=True) | Q(end__gte=on)).order_by("-start")
    }
    steps = []
    for assignment in running:
        if assignment.commune.absence_on(max(on, assignment.start)):
            steps.append(
                MergeStep(
                    assignment,
                    MergeStep.Action.LEAVE,
                    _(
                        "%(commune)s không còn từ 01/07/2025: chuyển sang xã mới ở trang "
                        "chuyển phân công (cơ quan nhận là %(into)s)."
                    )
                    % {"commune": assignment.commune.name, "into": into.name},
                )
            )
        elif assignment.commune_id in theirs:
            if assignment.start >= on:
                raise SponsorshipError(
                    _(
                        "%(commune)s: cả hai cơ quan được phân công từ %(start)s; sửa một trong "
                        "hai phân công trước khi sáp nhập."
                    )
                    % {"commune": assignment.commune.name, "start": f"{assignment.start:%d/%m/%Y}"}
                )
            kept = theirs[assignment.commune_id]
            steps.append(
                MergeStep(
                    assignment,
                    MergeStep.Action.END,
                    _(
                        "%(into)s đã %(kind)s %(commune)s từ %(start)s: giữ phân công đó, phân "
                        "công này kết thúc ngày %(last)s."
                    )
                    % {
                        "into": into.name,
                        "kind": kept.get_kind_display().lower(),
                        "commune": assignment.commune.name,
                        "start": f"{kept.start:%d/%m/%Y}",
                        "last": f"{on - timedelta(days=1):%d/%m/%Y}",
                    },
                )
            )
        else:
            steps.append(
                MergeStep(
                    assignment,
                    MergeStep.Action.CARRY,
                    _("Chuyển cho %(into)s từ %(on)s.")
                    % {"into": into.name, "on": f"{max(on, assignment.start):%d/%m/%Y}"},
                )
            )
    return steps


def _merge_refusal(*, absorbed: Agency, into: Agency, on: date) -> str:
    if absorbed.pk == into.pk:
        return _("Chọn một cơ quan khác để sáp nhập vào.")
    if absorbed.merged_into_id:
        return absorbed.absence_on(absorbed.merged_on)
    if into.merged_into_id:
        return _("%(into)s đã sáp nhập vào %(next)s: hãy chọn %(next)s.") % {
            "into": into.name,
            "next": into.merged_into.name,
        }
    if on > timezone.localdate():
        return _("Ngày sáp nhập không được ở tương lai.")
    deepest = "__".join(["merged_into"] * Agency.MERGE_DEPTH)
    if Agency.objects.filter(**{deepest: absorbed}).exists():
        return _("%(absorbed)s đã qua quá %(depth)s lần sáp nhập: liên hệ quản trị viên.") % {
            "absorbed": absorbed.name,
            "depth": Agency.MERGE_DEPTH,
        }
    if not current_provinces(absorbed.province) & current_provinces(into.province):
        return _("%(absorbed)s và %(into)s không thuộc cùng một tỉnh (kể cả từ 01/07/2025).") % {
            "absorbed": absorbed.name,
            "into": into.name,
        }
    return ""


@transaction.atomic
@changes_inspections
def agency_merge(*, absorbed: Agency, into: Agency, on: date, actor: User) -> AgencyChange:
    """Merge `absorbed` into `into` from `on` (Sở KH&ĐT into Sở Tài chính, 01/03/2025).

    The absorbed agency keeps its row, name, inspections and documents; its members become
    members of `into`; its assignments running on `on` end the day before and continue for
    `into` (with their planned inspections), unless `into` already has that commune, or the
    commune itself ended on 30/06/2025 (then the transfer page carries it to `into`)."""
    locked = {
        agency.pk: agency
        for agency in Agency.objects.select_for_update(of=("self",))
        .select_related("province", "merged_into")
        .filter(pk__in=[absorbed.pk, into.pk])
        .order_by("pk")
    }
    absorbed, into = locked[absorbed.pk], locked[into.pk]
    steps = agency_merge_preview(absorbed=absorbed, into=into, on=on)
    last_day = on - timedelta(days=1)
    carried, ended = [], []
    for step in steps:
        old = step.assignment
        if step.action == MergeStep.Action.LEAVE:
            continue
        if step.action == MergeStep.Action.END:
            _assignment_end(old, last_day)
            _inspections_follow(old=old, new=None, after=last_day, actor=actor, why=step.reason)
            ended.append(old.pk)
            continue
        if old.start >= on:
            # Not begun yet on the day of the merger: it simply belongs to `into`.
            old.agency = into
            old.save(update_fields=["agency"])
            carried.append([old.pk, old.pk])
            continue
        _assignment_end(old, last_day)
        new = assignment_create(
            agency=into,
            commune=old.commune,
            kind=old.kind,
            start=on,
            end=old.end if old.end and old.end >= on else None,
            decision=old.decision,
            target_level=old.target_level,
            target_year=old.target_year,
            notes=_("Tiếp nhận từ %(absorbed)s (sáp nhập từ %(on)s).")
            % {"absorbed": absorbed.name, "on": f"{on:%d/%m/%Y}"},
            actor=actor,
        )
        new.criteria_to_support.set(old.criteria_to_support.all())
        _inspections_follow(old=old, new=new, after=last_day, actor=actor, why=step.reason)
        carried.append([old.pk, new.pk])
    members = list(User.objects.filter(agency=absorbed).values_list("pk", "username"))
    User.objects.filter(agency=absorbed).update(agency=into)
    absorbed.merged_into, absorbed.merged_on = into, on
    absorbed.save(update_fields=["merged_into", "merged_on"])
    return AgencyChange.objects.create(
        kind=AgencyChange.Kind.MERGE,
        agency=absorbed,
        into=into,
        from_province=absorbed.province,
        to_province=into.province,
        on=on,
        actor=actor,
        detail={
            "members": [{"id": pk, "username": name} for pk, name in members],
            "carried": carried,
            "ended": ended,
            "left_for_transfer": [
                s.assignment.pk for s in steps if s.action == MergeStep.Action.LEAVE
            ],
        },
    )


def agency_rehome_targets(agency: Agency) -> ProvinceQuerySet:
    """The 2025 provinces an agency of a 2024 province may move to: what its province became."""
    return agency.province.successors().order_by("search_name")


@transaction.atomic
@changes_inspections
def agency_rehome(*, agency: Agency, province: Province, actor: User) -> AgencyChange:
    """An agency of a 2024 province carries on in the 2025 province its province went into
    (Hội CCB tỉnh Quảng Trị after Quảng Bình joined Quảng Trị), from the province merger."""
    agency = Agency.objects.select_for_update().select_related("province").get(pk=agency.pk)
    if agency.merged_into_id:
        raise SponsorshipError(agency.absence_on(agency.merged_on))
    link = ProvinceLineage.objects.filter(predecessor=agency.province, successor=province).first()
    if link is None:
        raise SponsorshipError(
            _("%(province)s không phải tỉnh mà %(old)s sáp nhập vào từ 01/07/2025.")
            % {"province": province.name, "old": agency.province.name}
        )
    if Agency.objects.filter(province=province, name=agency.name).exists():
        raise SponsorshipError(
            _(
                "%(province)s đã có cơ quan «%(name)s»: hãy sáp nhập hai cơ quan thay vì chuyển "
                "tỉnh."
            )
            % {"province": province.name, "name": agency.name}
        )
    previous = agency.province
    agency.province = province
    agency.save(update_fields=["province"])
    return AgencyChange.objects.create(
        kind=AgencyChange.Kind.REHOME,
        agency=agency,
        from_province=previous,
        to_province=province,
        on=link.effective_on,
        actor=actor,
    )


@changes_inspections
def _assignment_end(assignment: Assignment, day: date) -> None:
    assignment.end = day
    assignment.save(update_fields=["end"])


@changes_inspections
def _inspections_follow(
    *, old: Assignment, new: Assignment | None, after: date, actor: User, why: str
) -> None:
    """The old assignment's inspections still planned after its last day go with the one that
    continues it (cancelled when none does, or when it has that period already)."""
    planned = Inspection.objects.filter(
        assignment=old, status=Inspection.Status.PLANNED, due_date__gt=after
    )
    taken = set()
    if new is not None:
        taken = set(
            new.inspections.filter(kind=Inspection.Kind.SCHEDULED).values_list(
                "period_start", flat=True
            )
        )
    moved, cancelled = [], []
    for inspection in planned:
        if new is not None and not (
            inspection.kind == Inspection.Kind.SCHEDULED and inspection.period_start in taken
        ):
            inspection.assignment = new
            moved.append(inspection)
        else:
            inspection.status = Inspection.Status.CANCELLED
            cancelled.append(inspection)
    Inspection.objects.bulk_update(moved, ["assignment"])
    Inspection.objects.bulk_update(cancelled, ["status"])
    for inspection in cancelled:
        if inspection.overdue_since is not None:
            _inspection_settled(inspection)
    InspectionLog.objects.bulk_create(
        [
            InspectionLog(
                inspection=inspection,
                actor=actor,
                action=InspectionLog.Action.TRANSFERRED,
                detail=gettext_noop("Chuyển từ phân công %(old)s") % {"old": old},
            )
            for inspection in moved
        ]
        + [
            InspectionLog(
                inspection=inspection,
                actor=actor,
                action=InspectionLog.Action.CANCELLED,
                detail=why,
            )
            for inspection in cancelled
        ]
    )


# --- Assignments across 01/07/2025 -------------------------------------------------------------


@dataclass
class TransferRefused(SponsorshipError):
    """The confirmation cannot be written: field name → Vietnamese message. Nothing was written."""

    errors: dict[str, str]
    plan: TransferPlan | None = None

    def __str__(self) -> str:
        return _("Chưa chuyển được: có %(count)s mục cần sửa.") % {"count": len(self.errors)}


class AlreadyTransferred(SponsorshipError):
    """A second confirmation of the same proposal: nothing new is written."""


def transfer_default_issuer(province: Province) -> str:
    return _("UBND %(province)s") % {"province": lower_first(province.name)}


def assignments_transfer(
    *,
    province: Province,
    number: str,
    day: str,
    issuer: str,
    choices: TransferChoices,
    actor: User,
) -> AssignmentDecision:
    """Confirm the proposal of `transfers.transfer_plan` as one assignment decision of this 2025
    province: the old assignments end on 30/06/2025, the carried ones start again on 01/07/2025
    on their 2025 commune (kind and target carried over; criteria to support are not, since the
    2025 commune is measured against another criteria set), with their planned inspections.

    Once: the province's transfers are serialised, and each old assignment has at most one
    transfer (a database constraint), so a second or concurrent confirmation writes nothing."""
    try:
        return _assignments_transfer(
            province=province,
            number=number,
            day=day,
            issuer=issuer,
            choices=choices,
            actor=actor,
        )
    except IntegrityError:
        # Only where the lock is not available (SQLite): the constraint had the last word.
        raise AlreadyTransferred(
            _("Các phân công này vừa được chuyển: không ghi thêm gì.")
        ) from None


@transaction.atomic
@changes_inspections
def _assignments_transfer(
    *,
    province: Province,
    number: str,
    day: str,
    issuer: str,
    choices: TransferChoices,
    actor: User,
) -> AssignmentDecision:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext('assignments_transfer'), %s)", [province.pk]
            )
    plan = transfer_plan(province=province, choices=choices)
    pending = {row.assignment.pk for row in plan.rows}
    if choices.seen and not choices.seen & pending:
        done = (
            AssignmentTransfer.objects.filter(previous__in=choices.seen)
            .select_related("decision")
            .first()
        )
        if done:
            raise AlreadyTransferred(
                _("Các phân công này đã được chuyển theo quyết định %(decision)s: không ghi thêm.")
                % {"decision": done.decision}
            )
    errors = dict(plan.errors)
    if choices.seen != pending:
        errors["assignment"] = _(
            "Danh sách phân công vừa thay đổi (có phân công vừa được chuyển hoặc thêm): tải lại "
            "trang rồi xác nhận lại."
        )
    decision_fields = _transfer_decision_fields(province, number, day, issuer, errors)
    if not plan.decided and "assignment" not in errors:
        errors["assignment"] = _("Không có phân công nào để chuyển.")
    if errors:
        raise TransferRefused(errors, plan)
    decision = AssignmentDecision.objects.create(province=province, **decision_fields)
    list(Assignment.objects.select_for_update().filter(pk__in=pending).order_by("pk"))
    continued: dict[int, Assignment] = {}
    transfers = []
    decided = plan.decided
    for row in decided:
        old = row.assignment
        _assignment_end(old, LAST_DAY_BEFORE)
        if row.carried:
            continued[old.pk] = _carry(row, decision, actor)
    for row in decided:
        old = row.assignment
        if row.carried:
            new, outcome, reason = continued[old.pk], AssignmentTransfer.Outcome.CARRIED, ""
        elif row.blocked_by is not None:
            new, outcome = row.blocked_by, AssignmentTransfer.Outcome.ENDED
            reason = row.blocked_reason
        elif row.dropped_for is not None:
            new, outcome = (
                continued[row.dropped_for.assignment.pk],
                AssignmentTransfer.Outcome.ENDED,
            )
            reason = _("Giữ phân công của %(agency)s (%(commune)s) ở %(successor)s.") % {
                "agency": row.dropped_for.agency.name,
                "commune": row.dropped_for.assignment.commune.name,
                "successor": row.successor.name,
            }
        else:
            new, outcome = None, AssignmentTransfer.Outcome.ENDED
            reason = _("Không chuyển: kết thúc ngày 30/06/2025.")
        _inspections_follow(
            old=old,
            new=new if outcome == AssignmentTransfer.Outcome.CARRIED else None,
            after=LAST_DAY_BEFORE,
            actor=actor,
            why=reason or old.commune.absence_on(REORGANISED_ON),
        )
        transfers.append(
            AssignmentTransfer(
                previous=old,
                decision=decision,
                outcome=outcome,
                successor=row.successor,
                assignment=new,
                reason=reason,
                created_by=actor,
            )
        )
    AssignmentTransfer.objects.bulk_create(transfers)
    return decision


def _transfer_decision_fields(
    province: Province, number: str, day: str, issuer: str, errors: dict[str, str]
) -> dict:
    number, issuer = number.strip(), issuer.strip() or transfer_default_issuer(province)
    today = timezone.localdate()
    if not number:
        errors["number"] = _("Số quyết định: hãy ghi số quyết định (ví dụ 215/QĐ-UBND).")
    elif len(number) > 50:
        errors["number"] = _("Số quyết định: tối đa 50 ký tự.")
    elif AssignmentDecision.objects.filter(province=province, number__iexact=number).exists():
        errors["number"] = _("Số quyết định: %(province)s đã có quyết định số %(number)s.") % {
            "province": province.name,
            "number": number,
        }
    when = parse_day(day)
    if when is None:
        errors["date"] = _("Ngày quyết định: ghi theo dạng dd/mm/yyyy.")
    elif not REORGANISED_ON <= when <= today:
        errors["date"] = _("Ngày quyết định: từ 01/07/2025 đến hôm nay (%(today)s).") % {
            "today": f"{today:%d/%m/%Y}"
        }
    elif "number" not in errors and (
        refusal := register_refusal(
            province_id=province.pk, number=number, day=when, kind=DECISION_KIND
        )
    ):
        errors["number"] = refusal
    if len(issuer) > 200:
        errors["issuer"] = _("Cơ quan ban hành: tối đa 200 ký tự.")
    return {
        "number": number,
        "date": when,
        "issuer": issuer,
        "subject": _("Chuyển phân công đỡ đầu, phụ trách sang đơn vị hành chính cấp xã mới"),
    }


@changes_inspections
def _carry(row: TransferRow, decision: AssignmentDecision, actor: User) -> Assignment:
    old = row.assignment
    notes = [
        _("Chuyển từ phân công %(commune)s%(decision)s.")
        % {
            "commune": old.commune.name,
            "decision": f" ({_('QĐ')} {old.decision.number})" if old.decision else "",
        }
    ]
    left = [criterion.short_name or criterion.name for criterion in old.criteria_to_support.all()]
    if left:
        # Criteria belong to one criteria set; the 2025 commune is measured against another.
        notes.append(
            _("Tiêu chí cần hỗ trợ trước đây (chưa chuyển sang bộ tiêu chí mới): %(names)s.")
            % {"names": ", ".join(left)}
        )
    return assignment_create(
        agency=row.agency,
        commune=row.successor,
        kind=old.kind,
        start=REORGANISED_ON,
        end=old.end if old.end and old.end >= REORGANISED_ON else None,
        decision=decision,
        target_level=old.target_level,
        target_year=old.target_year,
        notes=" ".join(notes),
        actor=actor,
    )

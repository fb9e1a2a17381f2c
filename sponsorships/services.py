"""Writes for assignments, the inspection calendar and inspection reports, each in a transaction."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Commune
from criteria.models import CriterionResult, Evaluation
from ntm_portal.limits import YEAR_MAX, YEAR_MIN, day_in_range, decimal_fits
from ntm_portal.models import Role, User
from ntm_portal.notifications import notify
from ntm_portal.security import security_log
from ntm_portal.text import format_number, parse_day, parse_decimal
from ntm_portal.uploads import UploadRejected, accept_upload, store_with_file

from .models import (
    Agency,
    AgencyReport,
    Assignment,
    AssignmentDecision,
    Inspection,
    InspectionAttachment,
    InspectionFinding,
    InspectionLog,
    InspectionReport,
)
from .periods import Frequency, Period, periods_between, periods_to_plan


class SponsorshipError(Exception):
    """A refused action; the message says why, in Vietnamese."""


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
    if end is not None and end < start:
        raise SponsorshipError(
            _("Ngày kết thúc (%(end)s) phải sau ngày bắt đầu (%(start)s).")
            % {"end": f"{end:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"}
        )
    # Lock the agency so that two simultaneous assignments cannot both pass the overlap check.
    Agency.objects.select_for_update().get(pk=agency.pk)
    overlapping = Assignment.objects.filter(agency=agency, commune=commune).filter(
        Q(end__isnull=True) | Q(end__gte=start)
    )
    if end is not None:
        overlapping = overlapping.filter(start__lte=end)
    clash = overlapping.first()
    if clash:
        raise SponsorshipError(
            _(
                "%(agency)s đã được phân công %(commune)s từ %(start)s: hai phân công không được trùng thời gian."
            )
            % {"agency": agency, "commune": commune, "start": f"{clash.start:%d/%m/%Y}"}
        )
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


def assignment_overlap(
    *,
    agency: Agency,
    commune: Commune,
    start: date,
    end: date | None,
    exclude_pk: int | None = None,
) -> str:
    """Why this assignment would overlap an existing one of the same agency and commune, or ""."""
    overlapping = Assignment.objects.filter(agency=agency, commune=commune).filter(
        Q(end__isnull=True) | Q(end__gte=start)
    )
    if end is not None:
        overlapping = overlapping.filter(start__lte=end)
    clash = overlapping.exclude(pk=exclude_pk).first()
    if clash is None:
        return ""
    return _(
        "%(agency)s đã được phân công %(commune)s từ %(start)s: hai phân công không được trùng "
        "thời gian."
    ) % {"agency": agency, "commune": commune, "start": f"{clash.start:%d/%m/%Y}"}


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
def inspections_backfill(*, assignments, since: date, until: date) -> int:
    """Every scheduled inspection between `since` (or the assignment's start) and `until`, for
    decisions entered after the fact (and the demo). Existing ones are kept; returns how many
    were made."""
    missing = []
    existing = set(
        Inspection.objects.filter(kind=Inspection.Kind.SCHEDULED).values_list(
            "assignment_id", "period_start"
        )
    )
    for assignment in assignments:
        end = min(until, assignment.end) if assignment.end else until
        start = max(since, assignment.start)
        for period in periods_between(start, end, assignment.inspection_frequency):
            if (assignment.pk, period.start) not in existing:
                missing.append(
                    Inspection(
                        assignment=assignment,
                        period_start=period.start,
                        period_end=period.end,
                        due_date=period.end,
                    )
                )
    Inspection.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
    return len(missing)


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
            message=_("Sắp đến hạn kiểm tra %(commune)s (%(period)s): hạn %(due)s")
            % _inspection_words(inspection),
            url=reverse("sponsorships:inspection_detail", args=[inspection.pk]),
        )
    for inspection in late:
        notify(
            users=members.get(inspection.assignment.agency_id, []),
            message=_("Quá hạn kiểm tra %(commune)s (%(period)s): hạn %(due)s")
            % _inspection_words(inspection),
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


def _inspection_words(inspection: Inspection) -> dict[str, str]:
    return {
        "commune": str(inspection.assignment.commune),
        "period": inspection.period.label(),
        "due": f"{inspection.due_date:%d/%m/%Y}",
    }


# --- Ad-hoc inspections -------------------------------------------------------------------------


@transaction.atomic
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
def inspection_cancel(*, inspection: Inspection, reason: str, actor: User) -> Inspection:
    if inspection.status != Inspection.Status.PLANNED:
        raise SponsorshipError(_("Chỉ hủy được đợt kiểm tra chưa thực hiện."))
    if not reason.strip():
        raise SponsorshipError(_("Hãy ghi lý do hủy đợt kiểm tra."))
    inspection.status = Inspection.Status.CANCELLED
    inspection.save(update_fields=["status"])
    InspectionLog.objects.create(
        inspection=inspection,
        actor=actor,
        action=InspectionLog.Action.CANCELLED,
        detail=reason.strip(),
    )
    return inspection


# --- Inspection reports -------------------------------------------------------------------------


@transaction.atomic
def report_start(*, inspection: Inspection, actor: User) -> InspectionReport:
    """A draft report, its findings pre-filled from the commune's latest evaluation."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status == Inspection.Status.CANCELLED:
        raise SponsorshipError(_("Đợt kiểm tra đã bị hủy: không lập báo cáo được."))
    existing = InspectionReport.objects.filter(inspection=inspection).first()
    if existing:
        return existing
    team = ", ".join(
        f"{member.full_name} ({member.position})" if member.position else member.full_name
        for member in inspection.assignment.agency.steering_team.all()
    )
    report = InspectionReport.objects.create(
        inspection=inspection,
        inspected_on=min(timezone.localdate(), inspection.due_date),
        participants=team or str(actor),
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
        detail=_("Bắt đầu báo cáo") + (f" ({latest.period_label()})" if latest else ""),
    )
    return report


@dataclass
class ReportFieldErrors(SponsorshipError):
    errors: dict[str, str]

    def __str__(self) -> str:
        return _("Có %(count)s mục chưa hợp lệ.") % {"count": len(self.errors)}


@transaction.atomic
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
    InspectionLog.objects.create(
        inspection=inspection, actor=actor, action=InspectionLog.Action.SUBMITTED
    )
    commune = inspection.assignment.commune
    notify(
        users=User.objects.filter(
            role=Role.PROVINCE, province_id=commune.province_id, is_active=True
        ),
        message=_("%(agency)s nộp báo cáo kiểm tra %(commune)s (%(period)s)")
        % {
            "agency": inspection.assignment.agency,
            "commune": commune,
            "period": inspection.period.label(),
        },
        url=reverse("sponsorships:inspection_detail", args=[inspection.pk]),
    )
    return report


@transaction.atomic
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
            message=_("Tỉnh đã ghi nhận báo cáo kiểm tra %(commune)s")
            % {"commune": report.inspection.assignment.commune},
            url=reverse("sponsorships:inspection_detail", args=[report.inspection_id]),
        )
    return report


@transaction.atomic
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

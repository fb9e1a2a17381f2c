"""Agencies, the inspection calendar, inspections and their reports, and the calendar feed."""

from __future__ import annotations

from calendar import Calendar
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from communes.access import district_filter_applies, districts_visible_to
from communes.models import Edition
from ntm_portal.choices import field_labels
from ntm_portal.exports import requested_format, table_response
from ntm_portal.limits import (
    ID_MAX,
    YEAR_MAX,
    YEAR_MIN,
    day_in_range,
    parse_id,
    parse_year,
    years_message,
)
from ntm_portal.security import log_refusal
from ntm_portal.text import parse_day
from ntm_portal.uploads import ACCEPT_ATTRIBUTE, download_response

from . import calendar_feed
from .access import (
    agencies_visible_to,
    can_acknowledge_report,
    can_change_calendar,
    can_file_report,
    can_issue_documents,
    can_manage_agency_team,
    can_manage_calendar_feed,
    can_open_agency,
    can_plan_inspections,
    can_propose_calendar_change,
    can_reorganise_agency,
    get_agency_or_404,
    get_attachment_or_404,
    get_inspection_or_404,
    inspection_reports_visible_to,
    inspections_visible_to,
    reads_report_drafts,
)
from .models import Agency, AgencyChange, Assignment, Inspection, InspectionReport
from .periods import Frequency, Period
from .services import (
    ReportFieldErrors,
    SponsorshipError,
    agency_calendar_feed_rotate,
    attachment_add,
    inspection_cancel,
    inspection_cancel_propose,
    inspection_create_ad_hoc,
    report_acknowledge,
    report_save,
    report_start,
    report_submit,
)

STATES = {
    "planned": gettext_lazy("Chưa đến hạn"),
    "overdue": gettext_lazy("Quá hạn"),
    "unrecorded": gettext_lazy("Chưa ghi nhận"),
    "done": gettext_lazy("Đã kiểm tra"),
    "cancelled": gettext_lazy("Đã hủy"),
}


def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Whoever may open the agency (its members, its province's office, admins) sees all of its
    # assignments: the page is about the agency.
    agency = get_agency_or_404(request.user, pk)
    changes = (
        AgencyChange.objects.filter(Q(agency=agency) | Q(into=agency))
        .select_related("agency", "into", "from_province", "to_province", "actor")
        .order_by("-on", "-pk")
    )
    assignments = (
        agency.assignments.active_on()
        .select_related("commune__district", "commune__province", "decision")
        .order_by("kind", "commune__name")
    )
    return render(
        request,
        "sponsorships/agency_detail.html",
        {
            "agency": agency,
            "assignments": assignments,
            "members": agency.members.filter(is_active=True).order_by("last_name", "username"),
            "steering_team": agency.steering_team.all(),
            "reports_due": agency.reports_due.order_by("-period_start")[:6],
            "documents": agency.documents.order_by("-year", "-number", "-version")[:20],
            "can_issue": can_issue_documents(request.user, agency),
            "former_names": agency.former_names.all(),
            "changes": changes,
            "can_reorganise": can_reorganise_agency(request.user, agency),
            "can_manage_team": can_manage_agency_team(request.user, agency),
            "edition_2024": Edition.THREE_TIER_2024,
            "is_member": request.user.agency_id == agency.pk,
            "feed_url": request.build_absolute_uri(
                reverse("sponsorships:calendar_ics", args=[agency.calendar_token])
            )
            if can_manage_calendar_feed(request.user, agency)
            else "",
        },
    )


@require_POST
def calendar_feed_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_agency_or_404(request.user, pk)
    if not can_manage_calendar_feed(request.user, agency):
        log_refusal(request, what="agency", pk=pk, action="calendar_feed_rotate")
        raise Http404
    agency_calendar_feed_rotate(agency=agency, actor=request.user)
    messages.success(
        request,
        _("Đã đổi địa chỉ lịch; địa chỉ cũ không còn dùng được. Hãy đăng ký lại trên điện thoại."),
    )
    return redirect("sponsorships:agency_detail", pk=agency.pk)


CALENDAR_RELATED = (
    "assignment__agency",
    "assignment__commune__district",
    "assignment__commune__province",
    "report",
)


def _calendar_rows(inspections) -> Iterator[tuple]:
    """The calendar's export, a row per inspection from plain tuples: the country's year is
    ~25,000 rows, which as model objects with four joined ones took seconds (issue 29)."""
    assignment_kinds = field_labels(Assignment._meta.get_field("kind"))
    kinds = field_labels(Inspection._meta.get_field("kind"))
    states = field_labels(Inspection._meta.get_field("status"))
    for row in inspections.values_list(
        "assignment__agency__name",
        "assignment__commune__code",
        "assignment__commune__name",
        "assignment__commune__district__name",
        "assignment__commune__province__name",
        "assignment__kind",
        "kind",
        "period_start",
        "period_end",
        "due_date",
        "status",
    ).iterator(chunk_size=2000):
        agency, code, name, district, province, assignment_kind, kind, start, end, due, state = row
        yield (
            agency,
            code,
            name,
            district or "",
            province,
            assignment_kinds.get(assignment_kind, assignment_kind),
            kinds.get(kind, kind),
            start,
            end,
            due,
            states.get(state, state),
        )


def calendar(request: HttpRequest) -> HttpResponse:
    """Inspections in the user's scope: list or month view, by agency, district, commune, state."""
    today = timezone.localdate()
    inspections = inspections_visible_to(request.user)
    year = parse_year(request.GET.get("year"))
    if year is None:
        if request.GET.get("year"):
            messages.warning(request, years_message() + " " + _("Đang hiển thị năm nay."))
        year = today.year
    quarter = _int(request.GET.get("quarter"))
    if quarter not in (1, 2, 3, 4):
        quarter = None
    if quarter:
        period = Period.containing(date(year, quarter * 3 - 2, 1), Frequency.QUARTER)
    else:
        period = Period(date(year, 1, 1), date(year, 12, 31))
    inspections = inspections.filter(due_date__gte=period.start, due_date__lte=period.end)
    chosen = {}
    for name, lookup in {
        "agency": "assignment__agency_id",
        "district": "assignment__commune__district_id",
        "commune": "assignment__commune_id",
    }.items():
        value = parse_id(request.GET.get(name))
        if value:
            inspections = inspections.filter(**{lookup: value})
            chosen[name] = value
    state = request.GET.get("state", "")
    if state == "overdue":
        inspections = inspections.overdue_on(today)
    elif state == "unrecorded":
        inspections = inspections.unrecorded_on(today)
    elif state == "planned":
        inspections = inspections.filter(status=Inspection.Status.PLANNED, due_date__gte=today)
    elif state in (Inspection.Status.DONE, Inspection.Status.CANCELLED):
        inspections = inspections.filter(status=state)
    else:
        state = ""
    ordered = inspections.order_by("due_date", "pk")
    if fmt := requested_format(request):
        return table_response(
            fmt=fmt,
            filename=f"lich-kiem-tra-{year}",
            headers=[
                _("Cơ quan"),
                _("Mã xã"),
                _("Xã"),
                _("Huyện"),
                _("Tỉnh"),
                _("Hình thức"),
                _("Loại kiểm tra"),
                _("Từ ngày"),
                _("Đến ngày"),
                _("Hạn"),
                _("Trạng thái"),
            ],
            rows=_calendar_rows(ordered),
        )
    view = "month" if request.GET.get("view") == "month" else "list"
    # The page's ids first, its rows by id after: with the six joins of the rows in the same
    # query PostgreSQL walks the whole country's year by date (and plans for 17 ms) to keep
    # one province's 100; the ids alone are found from the province's assignments (the page's
    # SQL at national scale: 55 → 18 ms).
    page = Paginator(ordered.values_list("pk", flat=True), 100).get_page(request.GET.get("page"))
    # (The ids were found under the reader's scope: the rows need no filter again.)
    by_pk = Inspection.objects.select_related(*CALENDAR_RELATED).in_bulk(list(page.object_list))
    page.object_list = [by_pk[pk] for pk in page.object_list]
    months: dict[date, list[Inspection]] = defaultdict(list)
    for inspection in page.object_list:
        inspection.state = inspection.state_on(today)
        inspection.agency_openable = can_open_agency(request.user, inspection.assignment.agency)
        months[inspection.due_date.replace(day=1)].append(inspection)
    return render(
        request,
        "sponsorships/calendar.html",
        {
            "page": page,
            "months": sorted(months.items()),
            "month_grids": [_month_grid(month, items) for month, items in sorted(months.items())],
            "view": view,
            "year": year,
            "quarter": quarter,
            "state": state,
            "states": STATES,
            "chosen": chosen,
            "agencies": agencies_visible_to(request.user).order_by("name"),
            # The districts only for a year of the three-tier era (or a 2024 scope).
            "districts": districts_visible_to(request.user).order_by("search_name")[:200]
            if "district" in chosen
            or district_filter_applies(request.user, shown_from=period.start)
            else [],
            "years": range(today.year - 6, today.year + 2),
            "today": today,
        },
    )


def _month_grid(month: date, inspections: list[Inspection]) -> tuple[date, list[list[tuple]]]:
    """A month as weeks (Monday first) of (day, in this month, its inspections)."""
    by_day: dict[date, list[Inspection]] = defaultdict(list)
    for inspection in inspections:
        by_day[inspection.due_date].append(inspection)
    weeks = Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    return month, [
        [(day, day.month == month.month, by_day.get(day, [])) for day in week] for week in weeks
    ]


def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_inspection_or_404(request.user, pk)
    report = inspection_reports_visible_to(request.user).filter(inspection=inspection).first()
    documents = inspection.documents.order_by("-version")
    if not reads_report_drafts(request.user):
        # The documents about an inspection are its agency's: their drafts follow the report's.
        documents = documents.filter(state="issued")
    can_file = can_file_report(request.user, inspection)
    return render(
        request,
        "sponsorships/inspection_detail.html",
        {
            "inspection": inspection,
            "state": inspection.state_on(timezone.localdate()),
            "report": report,
            "findings": report.findings.select_related("criterion") if report else [],
            "attachments": report.attachments.all() if report else [],
            "log": inspection.log.select_related("actor")[:100],
            "can_file": can_file,
            "can_acknowledge": can_acknowledge_report(request.user, inspection),
            "can_plan": can_plan_inspections(request.user, inspection.assignment),
            "can_cancel": can_change_calendar(request.user, inspection.assignment),
            "can_propose": can_propose_calendar_change(request.user, inspection.assignment),
            "can_issue": can_issue_documents(request.user, inspection.assignment.agency),
            "documents": documents,
            "accept": ACCEPT_ATTRIBUTE,
        },
    )


@require_POST
def report_begin(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_for_change(request, pk, can_file_report)
    try:
        report_start(inspection=inspection, actor=request.user)
    except SponsorshipError as error:
        messages.error(request, str(error))
        return redirect("sponsorships:inspection_detail", pk=inspection.pk)
    return redirect("sponsorships:report_edit", pk=inspection.pk)


def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_for_change(request, pk, can_file_report)
    report = get_object_or_404(InspectionReport, inspection=inspection)
    errors: dict[str, str] = {}
    if request.method == "POST":
        findings = {
            finding.criterion_id: (
                request.POST.get(f"met_{finding.criterion_id}", ""),
                request.POST.get(f"note_{finding.criterion_id}", ""),
            )
            for finding in report.findings.all()
        }
        try:
            report_save(
                report=report,
                data=request.POST,
                findings=findings,
                version=_int(request.POST.get("version")) or -1,
                actor=request.user,
            )
        except ReportFieldErrors as error:
            errors = error.errors
            messages.error(request, str(error))
        except SponsorshipError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã lưu báo cáo."))
            return redirect("sponsorships:inspection_detail", pk=inspection.pk)
    elif not report.is_editable:
        messages.error(request, _("Báo cáo đã nộp: không sửa được."))
        return redirect("sponsorships:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "sponsorships/report_form.html",
        {
            "inspection": inspection,
            "report": report,
            "findings": report.findings.select_related("criterion"),
            "errors": errors,
            "posted": request.POST if request.method == "POST" else None,
        },
    )


REPORT_TRANSITIONS = {
    "submit": (can_file_report, report_submit, gettext_lazy("Đã nộp báo cáo kiểm tra.")),
    "acknowledge": (
        can_acknowledge_report,
        report_acknowledge,
        gettext_lazy("Đã ghi nhận báo cáo."),
    ),
}


@require_POST
def report_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit (the agency) or acknowledge (the province office) an inspection report."""
    rule, service, done = REPORT_TRANSITIONS[action]
    inspection = _inspection_for_change(request, pk, rule)
    report = get_object_or_404(InspectionReport, inspection=inspection)
    try:
        service(report=report, version=_int(request.POST.get("version")) or -1, actor=request.user)
    except SponsorshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(done))
    return redirect("sponsorships:inspection_detail", pk=inspection.pk)


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection_for_change(request, pk, can_file_report)
    report = get_object_or_404(InspectionReport, inspection=inspection)
    try:
        attachment_add(report=report, upload=request.FILES.get("file"), actor=request.user)
    except SponsorshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã tải lên tệp đính kèm."))
    return redirect("sponsorships:inspection_detail", pk=inspection.pk)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_attachment_or_404(request.user, pk)
    return download_response(
        attachment.file, name=attachment.original_name, content_type=attachment.content_type
    )


@require_POST
def inspection_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The province office cancels; the agency proposes the cancellation to it."""
    inspection = get_inspection_or_404(request.user, pk)
    reason = request.POST.get("reason", "")
    if can_change_calendar(request.user, inspection.assignment):
        act, done = inspection_cancel, _("Đã hủy đợt kiểm tra.")
    elif can_propose_calendar_change(request.user, inspection.assignment):
        act = inspection_cancel_propose
        done = _("Đã gửi đề nghị hủy tới Văn phòng Điều phối NTM tỉnh.")
    else:
        return render(request, "403.html", status=403)
    try:
        act(inspection=inspection, reason=reason, actor=request.user)
    except SponsorshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("sponsorships:inspection_detail", pk=inspection.pk)


@require_POST
def inspection_ad_hoc(request: HttpRequest, pk: int) -> HttpResponse:
    """An ad-hoc (đột xuất) inspection for the assignment of this inspection's agency and commune."""
    inspection = get_inspection_or_404(request.user, pk)
    if not can_plan_inspections(request.user, inspection.assignment):
        return render(request, "403.html", status=403)
    due = parse_day(request.POST.get("due_date", ""))
    if due is None:
        messages.error(request, _("Ngày kiểm tra đột xuất phải có dạng dd/mm/yyyy."))
        return redirect("sponsorships:inspection_detail", pk=inspection.pk)
    if not day_in_range(due):
        messages.error(
            request,
            _("Ngày kiểm tra đột xuất phải từ năm %(first)s đến năm %(last)s.")
            % {"first": YEAR_MIN, "last": YEAR_MAX},
        )
        return redirect("sponsorships:inspection_detail", pk=inspection.pk)
    created = inspection_create_ad_hoc(
        assignment=inspection.assignment, due_date=due, actor=request.user
    )
    messages.success(request, _("Đã tạo đợt kiểm tra đột xuất."))
    return redirect("sponsorships:inspection_detail", pk=created.pk)


@login_not_required
@require_GET
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The agency's calendar for phones: the secret token in the address is the only key."""
    agency = Agency.objects.filter(calendar_token=token).first()
    if agency is None or len(token) < 20:
        raise Http404
    response = HttpResponse(
        # Links on the host the calendar reached (ALLOWED_HOSTS has vetted it), not a default.
        calendar_feed.agency_calendar(agency, base_url=request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    # The address is the only key: no cache on the way may keep a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _inspection_for_change(request: HttpRequest, pk: int, rule) -> Inspection:
    """The inspection if this user may change it; 404/403 otherwise, with a line in the
    security log (never in the inspection's history)."""
    try:
        inspection = get_inspection_or_404(request.user, pk)
    except Http404:
        log_refusal(request, what="inspection", pk=pk, action=rule.__name__)
        raise
    if not rule(request.user, inspection):
        log_refusal(request, what="inspection", pk=pk, action=rule.__name__)
        raise PermissionDenied
    return inspection


def _int(value: str | None) -> int | None:
    """A small number (a version, a quarter); None when it is not one."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and abs(number) <= ID_MAX else None

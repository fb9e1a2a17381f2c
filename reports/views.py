"""Documents: create (rendered by a worker), look at, download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.access import get_commune_or_404, get_district_or_404, get_province_or_404
from communes.models import Commune, District, Province
from ntm_portal.limits import parse_id
from ntm_portal.uploads import download_response
from sponsorships.access import can_issue_documents, get_agency_or_404, get_inspection_or_404
from sponsorships.periods import Frequency, Period

from . import content, issuers
from .access import can_issue_document, can_plan_for_area, get_document_or_404
from .forms import NarrativeForm, PlanTargetForm, narrative_initial
from .models import Document, PlanTarget
from .services import (
    document_create,
    document_edit_narrative,
    document_regenerate,
    document_versions,
    plan_target_add,
    plan_target_delete,
)


@require_POST
def document_new(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = get_agency_or_404(request.user, agency_pk)
    if not can_issue_documents(request.user, agency):
        raise PermissionDenied
    document = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN, issuer=agency, actor=request.user
    )
    messages.success(request, _("Đang tạo văn bản; trang sẽ có tệp PDF sau ít giây."))
    return redirect("reports:document_detail", pk=document.pk)


@require_POST
def inspection_document_new(request: HttpRequest, inspection_pk: int) -> HttpResponse:
    """The BÁO CÁO kết quả kiểm tra of one inspection, issued by its agency."""
    inspection = get_inspection_or_404(request.user, inspection_pk)
    agency = inspection.assignment.agency
    if not can_issue_documents(request.user, agency):
        raise PermissionDenied
    document = document_create(
        kind=Document.Kind.INSPECTION_REPORT,
        issuer=agency,
        actor=request.user,
        inspection=inspection,
    )
    messages.success(request, _("Đang tạo văn bản; trang sẽ có tệp PDF sau ít giây."))
    return redirect("reports:document_detail", pk=document.pk)


@require_POST
def agency_report_new(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """The agency's report on the current half-year (beat writes the finished one at its end)."""
    agency = get_agency_or_404(request.user, agency_pk)
    if not can_issue_documents(request.user, agency):
        raise PermissionDenied
    half = Period.containing(timezone.localdate(), Frequency.HALF_YEAR)
    document = document_create(
        kind=Document.Kind.AGENCY_REPORT, issuer=agency, actor=request.user, period=half
    )
    messages.success(request, _("Đang tạo văn bản; trang sẽ có tệp PDF sau ít giây."))
    return redirect("reports:document_detail", pk=document.pk)


def commune_plans(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_plans(request, get_commune_or_404(request.user, pk))


def district_plans(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_plans(request, get_district_or_404(request.user, pk))


def province_plans(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_plans(request, get_province_or_404(request.user, pk))


def _area_plans(request: HttpRequest, area: Commune | District | Province) -> HttpResponse:
    """A People's Committee's plans: the year's targets against the actual figures, the plan
    documents, and (for those who may) adding targets and issuing the plan."""
    can_plan = can_plan_for_area(request.user, area)
    year = _year_param(request)
    form = PlanTargetForm(initial={"year": year})
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "add_target":
            form = PlanTargetForm(request.POST)
            if form.is_valid():
                plan_target_add(area=area, data=form.cleaned_data, actor=request.user)
                messages.success(request, _("Đã thêm chỉ tiêu."))
                return redirect(f"{request.path}?nam={form.cleaned_data['year']}")
        elif action == "delete_target":
            target = get_object_or_404(
                PlanTarget.objects.for_area(area), pk=parse_id(request.POST.get("target")) or 0
            )
            plan_target_delete(target=target, actor=request.user)
            messages.success(request, _("Đã xóa chỉ tiêu."))
            return redirect(f"{request.path}?nam={target.year}")
        elif action == "new_plan":
            kind = (
                Document.Kind.COMMUNE_PLAN if isinstance(area, Commune) else Document.Kind.AREA_PLAN
            )
            document = document_create(
                kind=kind, issuer=issuers.of_area(area), actor=request.user, year=year
            )
            messages.success(request, _("Đang tạo văn bản; trang sẽ có tệp PDF sau ít giây."))
            return redirect("reports:document_detail", pk=document.pk)
    plan = content.area_plan(area, year)
    series = issuers.of_area(area).series
    documents = Document.objects.filter(series=series).order_by("-created_at", "-pk")[:20]
    return render(
        request,
        "reports/area_plans.html",
        {
            "area": area,
            "year": year,
            "years": range(timezone.localdate().year + 1, 2019, -1),
            "plan": plan,
            "documents": documents,
            "can_plan": can_plan,
            "form": form,
            "no_data": content.NO_DATA,
            "figures_at": timezone.now(),
        },
    )


def _year_param(request: HttpRequest) -> int:
    """ "?nam=2023"; anything else (missing, malformed, out of range) is this year."""
    year = _int(request.GET.get("nam") or request.POST.get("year"))
    return year if year and 2010 <= year <= 2100 else timezone.localdate().year


def _int(raw: str | None) -> int | None:
    try:
        return int(raw or "")
    except ValueError:
        return None


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_or_404(request.user, pk)
    can_issue = can_issue_document(request.user, document)
    form = NarrativeForm(initial=narrative_initial(document), document=document)
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied
        form = NarrativeForm(request.POST, document=document)
        if form.is_valid():
            new = document_edit_narrative(
                document=document, narrative=form.narrative(), actor=request.user
            )
            messages.success(request, _("Đã lưu nội dung; đang tạo phiên bản mới."))
            return redirect("reports:document_detail", pk=new.pk)
    versions = document_versions(document)
    return render(
        request,
        "reports/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "can_issue": can_issue,
            "form": form,
            "area": issuers.area_of(document),
        },
    )


@require_POST
def document_regenerate_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_or_404(request.user, pk)
    if not can_issue_document(request.user, document):
        raise PermissionDenied
    new = document_regenerate(document=document, actor=request.user)
    messages.success(request, _("Đang tạo phiên bản mới; bản cũ vẫn được giữ."))
    return redirect("reports:document_detail", pk=new.pk)


def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_or_404(request.user, pk)
    if document.status != Document.Status.DONE or not document.pdf:
        raise Http404
    return download_response(
        document.pdf,
        name=f"{document.number_label.replace('/', '-')}-v{document.version}.pdf",
        content_type="application/pdf",
    )


def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_or_404(request.user, pk)
    if document.status != Document.Status.DONE or not document.docx:
        raise Http404
    return download_response(
        document.docx,
        name=f"{document.number_label.replace('/', '-')}-v{document.version}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )

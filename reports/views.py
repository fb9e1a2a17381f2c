"""Documents: create (rendered by a worker), look at, download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communes.access import get_commune_or_404, get_district_or_404, get_province_or_404
from communes.models import Commune, District, Province
from ntm_portal.limits import parse_id
from ntm_portal.uploads import download_response
from ntm_portal.waiting import waiting_notice
from sponsorships.access import can_issue_documents, get_agency_or_404, get_inspection_or_404
from sponsorships.periods import Frequency, Period

from . import content, issuers, verification
from .access import (
    can_issue_document,
    can_manage_issuer,
    can_plan_for_area,
    can_register_legal_documents,
    drafts_readable_by,
    get_document_or_404,
    get_issuer_or_404,
    legal_document_scope,
    legal_documents_visible_to,
)
from .forms import (
    DocumentForm,
    IssueForm,
    IssuerProfileForm,
    LegalDocumentForm,
    PlanTargetForm,
    RegisterStartForm,
    SignatoryForm,
    UnitForm,
    document_initial,
)
from .issuers import Issuer
from .kinds.registry import kind_label, plan_kinds
from .models import (
    ChangeRecord,
    Document,
    IssuerProfile,
    OrganisationUnit,
    PlanTarget,
    Signatory,
    area_field,
)
from .services import (
    DocumentError,
    document_correct,
    document_create,
    document_edit,
    document_issue,
    document_regenerate,
    document_versions,
    issuer_profile_save,
    legal_document_add,
    plan_target_add,
    plan_target_delete,
    register_start_enter,
    register_states,
    signatory_add,
    signatory_deactivate,
    unit_add,
    unit_deactivate,
)


@require_POST
def document_new(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = get_agency_or_404(request.user, agency_pk)
    if not can_issue_documents(request.user, agency):
        raise PermissionDenied
    document = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN, issuer=agency, actor=request.user
    )
    messages.success(request, _("Đang tạo dự thảo; trang sẽ có tệp PDF sau ít giây."))
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
    messages.success(request, _("Đang tạo dự thảo; trang sẽ có tệp PDF sau ít giây."))
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
    messages.success(request, _("Đang tạo dự thảo; trang sẽ có tệp PDF sau ít giây."))
    return redirect("reports:document_detail", pk=document.pk)


def commune_plans(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_plans(request, get_commune_or_404(request.user, pk))


def district_plans(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_plans(request, get_district_or_404(request.user, pk))


def province_plans(request: HttpRequest, pk: int) -> HttpResponse:
    return _area_plans(request, get_province_or_404(request.user, pk))


def _area_plans(request: HttpRequest, area: Commune | District | Province) -> HttpResponse:
    """A People's Committee's plans: the year's targets against the actual figures, the plan
    documents, and (for those who may) adding targets and drafting a plan of one of its kinds."""
    can_plan = can_plan_for_area(request.user, area)
    year = _year_param(request)
    form = PlanTargetForm(initial={"year": year}, area=area)
    kinds = plan_kinds(area_field(area))
    if request.method == "POST":
        if not can_plan:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "add_target":
            form = PlanTargetForm(request.POST, area=area)
            if form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "villages"}
                plan_target_add(
                    area=area,
                    data=data,
                    villages=form.cleaned_data.get("villages") or (),
                    actor=request.user,
                )
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
            kind = request.POST.get("kind") or kinds[0]
            if kind not in kinds:
                messages.error(request, _("Loại kế hoạch không hợp lệ."))
                return redirect(f"{request.path}?nam={year}")
            try:
                document = document_create(
                    kind=kind, issuer=issuers.of_area(area), actor=request.user, year=year
                )
            except DocumentError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(f"{request.path}?nam={year}")
            messages.success(request, _("Đang tạo dự thảo; trang sẽ có tệp PDF sau ít giây."))
            return redirect("reports:document_detail", pk=document.pk)
    plan = content.area_plan(area, year, timezone.localdate())
    issuer = issuers.of_area(area)
    series = issuer.series
    documents = Document.objects.filter(drafts_readable_by(request.user), series=series).order_by(
        "-created_at", "-pk"
    )[:20]
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
            # A body that no longer exists (district People's Committees after 30/06/2025)
            # drafts nothing new; its plans stay readable.
            "cannot_issue": issuer.cannot_issue_on(timezone.localdate()),
            "form": form,
            "kinds": [(k, kind_label(k)) for k in kinds],
            "no_data": content.NO_DATA,
            "figures_at": timezone.now(),
            "settings_url": _settings_url(area),
        },
    )


def _settings_url(area) -> str:
    name = {
        Commune: "commune_settings",
        District: "district_settings",
        Province: "province_settings",
    }
    return reverse(f"reports:{name[type(area)]}", args=[area.pk])


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
    """A document: its files and versions; for a draft, what its issuer may choose or rewrite
    (each save a new version) and the form that issues it."""
    document = get_document_or_404(request.user, pk)
    can_issue = can_issue_document(request.user, document)
    legal = legal_documents_visible_to(request.user).order_by("-date", "pk")
    form = DocumentForm(
        initial=document_initial(document), document=document, legal_documents=legal
    )
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied
        form = DocumentForm(request.POST, document=document, legal_documents=legal)
        if form.is_valid():
            narrative, cleared = form.narrative()
            data = form.cleaned_data
            try:
                new = document_edit(
                    document=document,
                    narrative=narrative,
                    cleared=cleared,
                    signatory=data.get("signatory"),
                    drafting_unit=data.get("drafting_unit"),
                    citations=list(data["citations"]) if "citations" in data else None,
                    dated_for=data.get("dated_for"),
                    # A missing version is refused as stale (0 is none).
                    version=data.get("version") or 0,
                    actor=request.user,
                )
            except DocumentError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Đã lưu nội dung; đang tạo phiên bản mới."))
                return redirect("reports:document_detail", pk=new.pk)
    latest = document_versions(document).first()
    versions = document_versions(document).filter(drafts_readable_by(request.user))
    if form.non_field_errors() and latest.pk != document.pk:
        # An older version's page has no form (a stale tab posted it): say why up top.
        for message in form.non_field_errors():
            messages.error(request, message)
    return render(
        request,
        "reports/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "is_latest": latest.pk == document.pk,
            "can_issue": can_issue and not document.is_issued and latest.pk == document.pk,
            "can_correct": can_issue and document.is_issued,
            "form": form,
            "issue_form": IssueForm(
                initial={
                    "issued_on": f"{timezone.localdate():%d/%m/%Y}",
                    "capacity": issuers.default_capacity(document.signatory),
                }
            ),
            "area": issuers.area_of(document),
            "corrections": document.corrections.all(),
            "dossier_case": document.recognition_cases.order_by("pk").first(),
            "signatures": document.signatures.select_related("uploaded_by"),
            # Of the document of record: the token-signed upload once there is one.
            "record_checksum": document.record_checksum()
            if document.is_issued
            else document.checksum,
            "verification_url": verification.verification_url(document.verification_code)
            if document.verification_code
            else "",
            # After a while the page says how long it has waited, and whether it was retried.
            "waiting": waiting_notice(
                since=document.created_at, attempts=document.attempts, resends=document.resends
            )
            if document.status == Document.Status.PENDING
            else "",
        },
    )


@require_POST
def document_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the draft: it takes its number now, and can no longer change."""
    document = get_document_or_404(request.user, pk)
    if not can_issue_document(request.user, document):
        raise PermissionDenied
    form = IssueForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("reports:document_detail", pk=document.pk)
    try:
        issued = document_issue(
            document=document,
            actor=request.user,
            issued_on=form.cleaned_data["issued_on"],
            capacity=form.cleaned_data["capacity"],
        )
    except DocumentError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:document_detail", pk=document.pk)
    messages.success(
        request, _("Đã ban hành văn bản số %(number)s.") % {"number": issued.number_label}
    )
    return redirect("reports:document_detail", pk=issued.pk)


@require_POST
def document_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_or_404(request.user, pk)
    if not can_issue_document(request.user, document):
        raise PermissionDenied
    try:
        new = document_correct(document=document, actor=request.user)
    except DocumentError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:document_detail", pk=document.pk)
    messages.success(request, _("Đã soạn dự thảo văn bản mới thay thế văn bản đã ban hành."))
    return redirect("reports:document_detail", pk=new.pk)


@require_POST
def document_regenerate_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_or_404(request.user, pk)
    if not can_issue_document(request.user, document):
        raise PermissionDenied
    try:
        new = document_regenerate(
            document=document,
            # The version the page showed; a missing one is refused as stale (0 is none).
            version=parse_id(request.POST.get("version")) or 0,
            actor=request.user,
        )
    except DocumentError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("reports:document_detail", pk=document.pk)
    messages.success(request, _("Đang tạo phiên bản mới; bản cũ vẫn được giữ."))
    return redirect("reports:document_detail", pk=new.pk)


def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_or_404(request.user, pk)
    if document.status != Document.Status.DONE or not document.pdf:
        raise Http404
    # The document of record: the last token-signed upload, else the rendered PDF.
    return download_response(
        document.record_file(),
        name=f"{_file_name(document)}.pdf",
        content_type="application/pdf",
    )


def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_or_404(request.user, pk)
    if document.status != Document.Status.DONE or not document.docx:
        raise Http404
    return download_response(
        document.docx,
        name=f"{_file_name(document)}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _file_name(document: Document) -> str:
    number = f"{document.number:02d}" if document.number else "du-thao"
    return f"{number}-{document.symbol.replace('/', '-')}-v{document.version}"


# ---------------------------------------------------------------- issuer data --


def agency_settings(request: HttpRequest, pk: int) -> HttpResponse:
    return _issuer_settings(request, get_issuer_or_404(request.user, "agency", pk))


def commune_settings(request: HttpRequest, pk: int) -> HttpResponse:
    return _issuer_settings(request, get_issuer_or_404(request.user, "commune", pk))


def district_settings(request: HttpRequest, pk: int) -> HttpResponse:
    return _issuer_settings(request, get_issuer_or_404(request.user, "district", pk))


def province_settings(request: HttpRequest, pk: int) -> HttpResponse:
    return _issuer_settings(request, get_issuer_or_404(request.user, "province", pk))


SETTINGS_FORMS = {
    "profile": IssuerProfileForm,
    "add_signatory": SignatoryForm,
    "add_unit": UnitForm,
    "register_start": RegisterStartForm,
}


def _issuer_settings(request: HttpRequest, issuer: Issuer) -> HttpResponse:
    """How an issuer writes its documents: header, symbol, register (and numbers already used
    on paper), signatories, units; with the history of every change. Its issuers only."""
    if not can_manage_issuer(request.user, issuer):
        raise PermissionDenied
    profile = issuer.profile
    forms_ = {
        "profile": IssuerProfileForm(instance=profile, initial=_profile_initial(issuer)),
        "add_signatory": SignatoryForm(),
        "add_unit": UnitForm(),
        "register_start": RegisterStartForm(initial={"year": timezone.localdate().year}),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            done = _settings_action(request, issuer, action, forms_)
        except DocumentError as error:
            for message in error.messages:
                messages.error(request, message)
            done = False
        if done:
            messages.success(request, _("Đã lưu."))
            return redirect(request.path)
    return render(
        request,
        "reports/issuer_settings.html",
        {
            "issuer": issuer,
            "profile": profile,
            "forms": forms_,
            "signatories": profile.signatories.all() if profile else [],
            "units": profile.units.all() if profile else [],
            "registers": register_states(issuer),
            "history": ChangeRecord.objects.filter(series=issuer.series)[:50],
        },
    )


def _profile_initial(issuer: Issuer) -> dict:
    """A new profile starts from what the portal proposes for this issuer."""
    if issuer.profile is not None:
        return {}
    return {
        "parent_body": issuer.parent_body,
        "header_name": issuer.header_name,
        "name_in_text": issuer.name_in_text,
        "abbreviation": issuer.abbreviation,
        "place": issuer.place,
        "superior": issuer.superior,
        "coordination_office": issuer.coordination_office,
    }


def _settings_action(request, issuer: Issuer, action: str, forms_: dict) -> bool:
    actor = request.user
    if action in ("deactivate_signatory", "deactivate_unit"):
        model = Signatory if action == "deactivate_signatory" else OrganisationUnit
        item = get_object_or_404(model, profile=issuer.profile, pk=_int(request.POST.get("item")))
        if model is Signatory:
            signatory_deactivate(signatory=item, actor=actor)
        else:
            unit_deactivate(unit=item, actor=actor)
        return True
    form_class = SETTINGS_FORMS.get(action)
    if form_class is None:
        return False
    if form_class is IssuerProfileForm:
        form = IssuerProfileForm(request.POST, instance=issuer.profile or IssuerProfile())
    else:
        form = form_class(request.POST)
    forms_[action] = form
    if not form.is_valid():
        return False
    data = form.cleaned_data
    match action:
        case "profile":
            issuer_profile_save(issuer=issuer, data=data, actor=actor)
        case "add_signatory":
            signatory_add(issuer=issuer, actor=actor, **data)
        case "add_unit":
            unit_add(issuer=issuer, actor=actor, **data)
        case "register_start":
            register_start_enter(
                issuer=issuer,
                year=data["year"],
                kind=data["kind"],
                last_used=data["last_used"],
                actor=actor,
            )
    return True


def legal_documents(request: HttpRequest) -> HttpResponse:
    """The register of documents plans cite, and adding one (the user's province)."""
    if not can_register_legal_documents(request.user):
        raise PermissionDenied
    visible = legal_documents_visible_to(request.user)
    form = LegalDocumentForm()
    if request.method == "POST":
        form = LegalDocumentForm(request.POST)
        if form.is_valid():
            data = {**form.cleaned_data, **legal_document_scope(request.user)}
            try:
                legal_document_add(data=data, actor=request.user)
            except DocumentError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Đã thêm văn bản căn cứ."))
                return redirect("reports:legal_documents")
    paginator = Paginator(
        visible.select_related("province", "district", "commune").order_by("-date", "-pk"), 50
    )
    province_id = legal_document_scope(request.user).get("province_id")
    history = ChangeRecord.objects.select_related("actor")
    if not request.user.is_admin:
        history = history.filter(series__in=[f"legal:{province_id}", "legal:national"])
    history = history.filter(series__startswith="legal:")[:30]
    return render(
        request,
        "reports/legal_documents.html",
        {
            "page": paginator.get_page(request.GET.get("trang")),
            "form": form,
            "can_register": True,
            "history": history,
        },
    )

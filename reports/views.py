"""Documents: create (rendered by a worker), look at, download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ntm_portal import access
from ntm_portal.uploads import download_response

from .forms import NarrativeForm, narrative_initial
from .models import Document
from .services import document_create, document_edit_narrative, document_regenerate


@require_POST
def document_new(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = access.get_agency_or_404(request.user, agency_pk)
    if not access.can_issue_documents(request.user, agency):
        raise PermissionDenied
    document = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN, issuer=agency, actor=request.user
    )
    messages.success(request, _("Đang tạo văn bản; trang sẽ có tệp PDF sau ít giây."))
    return redirect("reports:document_detail", pk=document.pk)


@require_POST
def inspection_document_new(request: HttpRequest, inspection_pk: int) -> HttpResponse:
    """The BÁO CÁO kết quả kiểm tra of one inspection, issued by its agency."""
    inspection = access.get_inspection_or_404(request.user, inspection_pk)
    agency = inspection.assignment.agency
    if not access.can_issue_documents(request.user, agency):
        raise PermissionDenied
    document = document_create(
        kind=Document.Kind.INSPECTION_REPORT,
        issuer=agency,
        actor=request.user,
        inspection=inspection,
    )
    messages.success(request, _("Đang tạo văn bản; trang sẽ có tệp PDF sau ít giây."))
    return redirect("reports:document_detail", pk=document.pk)


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document_or_404(request.user, pk)
    can_issue = access.can_issue_documents(request.user, document.issuer)
    form = NarrativeForm(initial=narrative_initial(document))
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied
        form = NarrativeForm(request.POST)
        if form.is_valid():
            new = document_edit_narrative(
                document=document, narrative=form.narrative(), actor=request.user
            )
            messages.success(request, _("Đã lưu nội dung; đang tạo phiên bản mới."))
            return redirect("reports:document_detail", pk=new.pk)
    versions = Document.objects.filter(
        issuer=document.issuer, kind=document.kind, year=document.year, number=document.number
    ).order_by("-version")
    return render(
        request,
        "reports/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "can_issue": can_issue,
            "form": form,
        },
    )


@require_POST
def document_regenerate_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document_or_404(request.user, pk)
    if not access.can_issue_documents(request.user, document.issuer):
        raise PermissionDenied
    new = document_regenerate(document=document, actor=request.user)
    messages.success(request, _("Đang tạo phiên bản mới; bản cũ vẫn được giữ."))
    return redirect("reports:document_detail", pk=new.pk)


def document_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document_or_404(request.user, pk)
    if document.status != Document.Status.DONE or not document.pdf:
        raise Http404
    return download_response(
        document.pdf,
        name=f"{document.number_label.replace('/', '-')}-v{document.version}.pdf",
        content_type="application/pdf",
    )


def document_docx(request: HttpRequest, pk: int) -> HttpResponse:
    document = access.get_document_or_404(request.user, pk)
    if document.status != Document.Status.DONE or not document.docx:
        raise Http404
    return download_response(
        document.docx,
        name=f"{document.number_label.replace('/', '-')}-v{document.version}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )

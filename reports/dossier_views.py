"""The documents of a recognition dossier: drafting each from the case, and the decision issued
through the province's register, which decides the cases of its annex."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from criteria.access import acts_for, get_recognition_case_or_404
from criteria.models import RecognitionCase
from criteria.recognition import CaseRejected
from ntm_portal.security import log_refusal

from . import dossier, issuers
from .access import can_draft_dossier_document, can_issue_document, drafts_readable_by
from .forms import capacity_field, clean_day, day_field
from .kinds.registry import kind_label
from .models import Document
from .services import (
    DocumentError,
    dossier_decision_issue,
    dossier_document_create,
    dossier_documents,
)

Kind = Document.Kind


class DecisionForm(forms.Form):
    issued_on = day_field(gettext_lazy("Ngày ký quyết định"))
    published_on = day_field(gettext_lazy("Ngày công bố"), required=False)
    published_where = forms.CharField(
        label=gettext_lazy("Nơi công bố"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Ví dụ: Cổng Thông tin điện tử tỉnh, trụ sở UBND xã."),
    )
    capacity = capacity_field()

    def clean_issued_on(self):
        return clean_day(
            self.cleaned_data["issued_on"],
            str(gettext_lazy("Ngày ký quyết định")),
            latest=timezone.localdate(),
        )

    def clean_published_on(self):
        return clean_day(
            self.cleaned_data["published_on"],
            str(gettext_lazy("Ngày công bố")),
            latest=timezone.localdate(),
        )


def case_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    """Each document of the dossier: its latest version, or the button that drafts it."""
    case = get_recognition_case_or_404(request.user, pk)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in dossier.DOSSIER_KINDS or not can_draft_dossier_document(
            request.user, case, kind
        ):
            log_refusal(request, what="recognition_case", pk=pk, action="dossier_draft")
            return render(request, "403.html", status=403)
        try:
            document = dossier_document_create(case=case, kind=kind, actor=request.user)
        except DocumentError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("reports:case_dossier", pk=case.pk)
        messages.success(request, _("Đang tạo dự thảo; trang sẽ có tệp PDF sau ít giây."))
        return redirect("reports:document_detail", pk=document.pk)
    return _render(
        request, case, DecisionForm(initial={"issued_on": f"{timezone.localdate():%d/%m/%Y}"})
    )


def _render(request: HttpRequest, case: RecognitionCase, form: DecisionForm, status: int = 200):
    readable = set(
        case.documents.filter(drafts_readable_by(request.user)).values_list("pk", flat=True)
    )
    documents = {
        kind: document
        for kind, document in dossier_documents(case).items()
        if document.pk in readable
    }
    rows = []
    for kind in dossier.DOSSIER_KINDS:
        area = dossier.issuer_area(case, kind)
        rows.append(
            {
                "kind": kind,
                "label": kind_label(kind),
                "issuer": issuers.of_area(area).name,
                "document": documents.get(kind),
                "can_draft": can_draft_dossier_document(request.user, case, kind),
            }
        )
    decision = documents.get(Kind.RECOGNITION_DECISION)
    may_decide = (
        case.is_open
        and case.step.kind == "decision"
        and acts_for(request.user, case.step.actor, case.commune)
        and decision is not None
        and not decision.is_issued
        and can_issue_document(request.user, decision)
    )
    return render(
        request,
        "reports/case_dossier.html",
        {
            "case": case,
            "rows": rows,
            "decision": decision,
            "annex": dossier.annex_cases(case) if may_decide else [],
            "may_decide": may_decide,
            "form": form,
        },
        status=status,
    )


@require_POST
def case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_recognition_case_or_404(request.user, pk)
    decision = dossier_documents(case).get(Kind.RECOGNITION_DECISION)
    allowed = (
        case.is_open
        and acts_for(request.user, case.step.actor, case.commune)
        and decision is not None
        and can_issue_document(request.user, decision)
    )
    if not allowed:
        log_refusal(request, what="recognition_case", pk=pk, action="decide")
        return render(request, "403.html", status=403)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Chưa ban hành: xem các lỗi dưới đây."))
        return _render(request, case, form)
    try:
        issued = dossier_decision_issue(
            document=decision,
            issued_on=form.cleaned_data["issued_on"],
            published_on=form.cleaned_data["published_on"],
            published_where=form.cleaned_data["published_where"].strip(),
            actor=request.user,
            capacity=form.cleaned_data["capacity"],
        )
    except (DocumentError, CaseRejected) as error:
        found = error.messages if isinstance(error, DocumentError) else list(error.errors.values())
        for message in found:
            form.add_error(None, message)
        messages.error(request, _("Chưa ban hành: xem các lỗi dưới đây."))
        return _render(request, case, form)
    messages.success(
        request,
        _("Đã ban hành quyết định số %(number)s; %(count)s xã đã được ghi nhận.")
        % {"number": issued.number_label, "count": issued.recognition_cases.count()},
    )
    return redirect("criteria:case_detail", pk=case.pk)

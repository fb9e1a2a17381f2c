"""Creating, numbering and rendering documents. Rendering runs in a Celery task."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from ntm_portal.models import User
from sponsorships.models import Agency, Inspection
from sponsorships.periods import Frequency, Period

from . import content
from .docx_export import html_to_docx
from .models import Document, DocumentCounter
from .rendering import render_pdf

logger = logging.getLogger(__name__)
TEMPLATES = {
    Document.Kind.SPONSORSHIP_PLAN: "reports/print/sponsorship_plan.html",
    Document.Kind.INSPECTION_REPORT: "reports/print/inspection_report.html",
    Document.Kind.INSPECTION_PLAN: "reports/print/inspection_plan.html",
}


@transaction.atomic
def document_create(
    *,
    kind: str,
    issuer: Agency,
    actor: User | None,
    inspection: Inspection | None = None,
    period: Period | None = None,
) -> Document:
    """A new document with the issuer's next number for this type and year; rendered after the
    commit by a worker."""
    today = timezone.localdate()
    counter, _ = DocumentCounter.objects.select_for_update().get_or_create(
        issuer=issuer, kind=kind, year=today.year
    )
    # Never reuse a number already on a document (e.g. one entered before the counter existed).
    used = Document.objects.filter(issuer=issuer, kind=kind, year=today.year).aggregate(
        highest=Max("number")
    )["highest"]
    counter.last_number = max(counter.last_number, used or 0) + 1
    counter.save(update_fields=["last_number"])
    document = Document.objects.create(
        kind=kind,
        issuer=issuer,
        year=today.year,
        number=counter.last_number,
        symbol=content.default_symbol(issuer, kind),
        inspection=inspection,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        issued_on=today,
        narrative=content.default_narrative(issuer),
        created_by=actor,
    )
    _enqueue_render(document)
    return document


@transaction.atomic
def document_regenerate(*, document: Document, actor: User | None) -> Document:
    """A new version with the same number; the old version and its file are kept."""
    latest = (
        Document.objects.filter(
            issuer=document.issuer, kind=document.kind, year=document.year, number=document.number
        )
        .order_by("-version")
        .first()
    )
    new = Document.objects.create(
        kind=document.kind,
        issuer=document.issuer,
        year=document.year,
        number=document.number,
        symbol=document.symbol,
        inspection=document.inspection,
        period_start=document.period_start,
        period_end=document.period_end,
        version=latest.version + 1,
        issued_on=timezone.localdate(),
        narrative=document.narrative,
        created_by=actor,
    )
    _enqueue_render(new)
    return new


@transaction.atomic
def document_edit_narrative(*, document: Document, narrative: dict, actor: User) -> Document:
    """Edited sections make a new version (the signed text of an old one never changes)."""
    new = document_regenerate(document=document, actor=actor)
    new.narrative = {**document.narrative, **narrative}
    new.save(update_fields=["narrative"])
    return new


def documents_plan_period(*, today) -> int:
    """Beat's daily job: make sure every agency with inspections this quarter has the quarter's
    inspection plan. Idempotent, so a missed day is caught up the next."""
    quarter = Period.containing(today, Frequency.QUARTER)
    agencies = Agency.objects.filter(
        assignments__inspections__due_date__gte=quarter.start,
        assignments__inspections__due_date__lte=quarter.end,
    ).distinct()
    made = 0
    for agency in agencies:
        exists = Document.objects.filter(
            issuer=agency, kind=Document.Kind.INSPECTION_PLAN, period_start=quarter.start
        ).exists()
        if not exists:
            document_create(
                kind=Document.Kind.INSPECTION_PLAN, issuer=agency, actor=None, period=quarter
            )
            made += 1
    return made


def _enqueue_render(document: Document) -> None:
    from .tasks import render_document

    def send() -> None:
        try:
            render_document.delay(document.pk)
        except Exception:
            logger.warning("Could not enqueue rendering of document %s", document.pk)

    transaction.on_commit(send)


def document_render(*, document_id: int) -> Document:
    """Render one document (idempotent: a done document is left as it is). A failure leaves a
    failed row with the error, never a broken file."""
    document = Document.objects.select_related("issuer__province").get(pk=document_id)
    if document.status == Document.Status.DONE:
        return document
    try:
        html = render_html(document)
        pdf = render_pdf(html)
        docx = html_to_docx(html)
    except Exception as error:
        logger.exception("Rendering document %s failed", document_id)
        document.status, document.error = Document.Status.FAILED, f"{type(error).__name__}: {error}"
        document.save(update_fields=["status", "error"])
        return document
    document.pdf.save(f"{document.pk}.pdf", ContentFile(pdf), save=False)
    document.docx.save(f"{document.pk}.docx", ContentFile(docx), save=False)
    document.checksum = hashlib.sha256(pdf).hexdigest()
    document.status, document.error = Document.Status.DONE, ""
    document.rendered_at = timezone.now()
    document.save()
    return document


def render_html(document: Document) -> str:
    if document.kind == Document.Kind.INSPECTION_REPORT:
        body = content.inspection_report(document.inspection)
        data = {"report": body}
    elif document.kind == Document.Kind.INSPECTION_PLAN:
        body = content.inspection_plan(document.issuer, document.period_start, document.period_end)
        data = {"inspections": body}
    else:
        body = content.sponsorship_plan(document.issuer)
        data = {"plan": body}
    narrative = {**content.default_narrative(document.issuer), **document.narrative}
    missing = list(body.missing)
    if not narrative.get("signer_name"):
        missing.append("Chưa có người ký")
    document.missing = missing
    document.save(update_fields=["missing"])
    return render_to_string(
        TEMPLATES[document.kind],
        {
            **data,
            "document": document,
            "agency": document.issuer,
            "text": narrative,
            "no_data": content.NO_DATA,
        },
    )

"""Creating, numbering and rendering documents. Rendering runs in a Celery task."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Commune, District, Province
from ntm_portal.models import User
from ntm_portal.queue import enqueue_after_commit
from sponsorships.models import Agency, Inspection
from sponsorships.periods import Frequency, Period

from . import content, issuers
from .docx_export import html_to_docx
from .issuers import Issuer
from .models import Document, DocumentCounter, PlanTarget, area_field
from .rendering import render_pdf

logger = logging.getLogger(__name__)
TEMPLATES = {
    Document.Kind.SPONSORSHIP_PLAN: "reports/print/sponsorship_plan.html",
    Document.Kind.INSPECTION_REPORT: "reports/print/inspection_report.html",
    Document.Kind.INSPECTION_PLAN: "reports/print/inspection_plan.html",
    Document.Kind.AGENCY_REPORT: "reports/print/agency_report.html",
    Document.Kind.COMMUNE_PLAN: "reports/print/commune_plan.html",
    Document.Kind.AREA_PLAN: "reports/print/area_plan.html",
}
# Beat writes a half-year's report in the weeks after it ends, not for years long gone.
REPORT_WINDOW_DAYS = 30


class DocumentRefused(Exception):
    """A document that cannot be issued; the message says why, in Vietnamese."""


def _check_issuer_exists(issuer: Issuer, today: date) -> None:
    if not issuer.issues_on(today):
        raise DocumentRefused(
            _(
                "%(issuer)s không còn từ %(day)s (chính quyền hai cấp): không ban hành văn bản "
                "mới của cơ quan này."
            )
            % {"issuer": issuer.name, "day": f"{issuer.ended_on + timedelta(days=1):%d/%m/%Y}"}
        )


@transaction.atomic
def document_create(
    *,
    kind: str,
    issuer: Issuer | Agency,
    actor: User | None,
    inspection: Inspection | None = None,
    period: Period | None = None,
    year: int | None = None,
) -> Document:
    """A new document with the issuer's next number for this type and year; rendered after the
    commit by a worker. `year` is the year a plan is for (default: this year)."""
    if isinstance(issuer, Agency):
        issuer = issuers.of_agency(issuer)
    today = timezone.localdate()
    _check_issuer_exists(issuer, today)
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(
        series=issuer.series, kind=kind, year=today.year
    )
    # Never reuse a number already on a document (e.g. one entered before the counter existed).
    used = Document.objects.filter(series=issuer.series, kind=kind, year=today.year).aggregate(
        highest=Max("number")
    )["highest"]
    counter.last_number = max(counter.last_number, used or 0) + 1
    counter.save(update_fields=["last_number"])
    if period is None and year is not None:
        period = Period(date(year, 1, 1), date(year, 12, 31))
    document = Document.objects.create(
        kind=kind,
        **issuer.fields,
        series=issuer.series,
        year=today.year,
        number=counter.last_number,
        symbol=content.default_symbol(issuer, kind),
        inspection=inspection,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        issued_on=today,
        narrative=content.default_narrative(issuer, kind, year=_plan_year(period, today)),
        created_by=actor,
    )
    enqueue_after_commit("reports.tasks.render_document", [document.pk])
    return document


def _plan_year(period: Period | None, today: date) -> int:
    return period.start.year if period else today.year


def document_versions(document: Document):
    return Document.objects.filter(
        series=document.series, kind=document.kind, year=document.year, number=document.number
    ).order_by("-version")


@transaction.atomic
def document_regenerate(*, document: Document, actor: User | None) -> Document:
    """A new version with the same number; the old version and its file are kept."""
    _check_issuer_exists(issuers.of_document(document), timezone.localdate())
    latest = document_versions(document).first()
    new = Document.objects.create(
        kind=document.kind,
        issuer=document.issuer,
        issuer_commune=document.issuer_commune,
        issuer_district=document.issuer_district,
        issuer_province=document.issuer_province,
        series=document.series,
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
    enqueue_after_commit("reports.tasks.render_document", [new.pk])
    return new


@transaction.atomic
def document_edit_narrative(*, document: Document, narrative: dict, actor: User) -> Document:
    """Edited sections make a new version (the signed text of an old one never changes)."""
    new = document_regenerate(document=document, actor=actor)
    new.narrative = {**document.narrative, **narrative}
    new.save(update_fields=["narrative"])
    return new


def documents_plan_period(*, today: date) -> int:
    """Beat's daily job. At the start of a quarter: every agency with inspections in it gets the
    quarter's inspection plan. At the end of a half-year: every agency with assignments in it
    gets its six-monthly report. Idempotent, so a missed day is caught up the next."""
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
    return made + documents_report_half_year(today=today)


def documents_report_half_year(*, today: date) -> int:
    """The six-monthly report of the half-year that has just ended (within REPORT_WINDOW days of
    its end, so a new deployment does not write reports for years gone by)."""
    current = Period.containing(today, Frequency.HALF_YEAR)
    ended = Period.containing(current.start - timedelta(days=1), Frequency.HALF_YEAR)
    if (today - ended.end).days > REPORT_WINDOW_DAYS:
        return 0
    already = Document.objects.filter(
        kind=Document.Kind.AGENCY_REPORT, period_start=ended.start
    ).values("issuer_id")
    # One filter() call, so both conditions hold for the same assignment.
    agencies = (
        Agency.objects.filter(
            Q(assignments__start__lte=ended.end)
            & (Q(assignments__end__isnull=True) | Q(assignments__end__gte=ended.start))
        )
        .exclude(pk__in=already)
        .distinct()
    )
    made = 0
    for agency in agencies:
        document_create(kind=Document.Kind.AGENCY_REPORT, issuer=agency, actor=None, period=ended)
        made += 1
    return made


@transaction.atomic
def plan_target_add(*, area: Commune | District | Province, data: dict, actor: User) -> PlanTarget:
    target = PlanTarget.objects.create(**{area_field(area): area}, **data, created_by=actor)
    logger.info("Plan target %s added to %s by %s", target.pk, area, actor)
    return target


@transaction.atomic
def plan_target_delete(*, target: PlanTarget, actor: User) -> None:
    logger.info("Plan target %s (%s) deleted by %s", target.pk, target, actor)
    target.delete()


def document_render(*, document_id: int) -> Document:
    """Render one document (idempotent: a done document is left as it is). A failure leaves a
    failed row with the error, never a broken file."""
    document = Document.objects.select_related(
        "issuer__province",
        "issuer_commune__province",
        "issuer_commune__district",
        "issuer_district__province",
        "issuer_province",
    ).get(pk=document_id)
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
    issuer = issuers.of_document(document)
    Kind = Document.Kind
    match document.kind:
        case Kind.INSPECTION_REPORT:
            body = content.inspection_report(document.inspection, on=document.issued_on)
            data = {"report": body}
        case Kind.INSPECTION_PLAN:
            body = content.inspection_plan(
                document.issuer, document.period_start, document.period_end, on=document.issued_on
            )
            data = {"inspections": body}
        case Kind.AGENCY_REPORT:
            body = content.agency_report(
                document.issuer, document.period_start, document.period_end, on=document.issued_on
            )
            data = {"plan": body}
        case Kind.COMMUNE_PLAN | Kind.AREA_PLAN:
            year = document.period_start.year if document.period_start else document.year
            body = content.area_plan(issuers.area_of(document), year)
            data = {"plan": body}
        case _:
            body = content.sponsorship_plan(document.issuer, on=document.issued_on)
            data = {"plan": body}
    narrative = {
        **content.default_narrative(issuer, document.kind, year=document.year),
        **document.narrative,
    }
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
            "issuer": issuer,
            "agency": document.issuer,
            "text": narrative,
            "no_data": content.NO_DATA,
        },
    )

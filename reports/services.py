"""Creating, editing, issuing and rendering documents, and the data they are made from (issuer
profiles, signatories, units, registers, legal documents, targets). Rendering runs in a Celery
task.

A document is drafted in versions (DỰ THẢO, no number); issuing it takes the next number of the
issuer's register for the year of its date, inside the transaction that writes the final
version, and freezes its text. Issued documents never change: a correction is a new document.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from communes.models import Commune, District, Edition, Province
from criteria.models import RecognitionCase
from criteria.recognition import (
    decision_errors,
    recognition_case_decide,
    recognition_case_note_document,
)
from criteria.selectors import set_in_force
from ntm_portal.models import User
from ntm_portal.queue import enqueue_after_commit
from ntm_portal.registers import Held, numbers_held
from ntm_portal.text import lower_first
from ntm_portal.waiting import (
    MAX_ATTEMPTS,
    MAX_RESENDS,
    STALLED_DOCUMENTS,
    SWEEP_BATCH,
    SweepResult,
    notify_admins_of_stalled,
)
from sponsorships.models import Agency, Inspection
from sponsorships.periods import Frequency, Period

from . import content, dossier, issuers, verification
from .docx_export import html_to_docx
from .issuers import Issuer
from .kinds.registry import kind_for, kind_label
from .models import (
    ChangeRecord,
    Document,
    DocumentCitation,
    DocumentCounter,
    IssuerProfile,
    LegalDocument,
    OrganisationUnit,
    PlanTarget,
    Signatory,
    area_field,
    split_lines,
)
from .rendering import render_pdf
from .signing_services import document_sign_on_issue

logger = logging.getLogger(__name__)
Kind = Document.Kind
# Beat writes a half-year's report in the weeks after it ends, not for years long gone.
REPORT_WINDOW_DAYS = 30
# Plans of this year on are of the 2026–2030 programme and cite its criteria set.
PRESENT_PROGRAMME_FROM = 2026
FIRST_YEAR = 2010  # registers and dates before this are typing mistakes
HIGHEST_NUMBER = 99_999


class DocumentError(Exception):
    """A refusal with Vietnamese messages, each naming what is wrong; nothing was written."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


# ---------------------------------------------------------------- drafting --


@transaction.atomic
def document_create(
    *,
    kind: str,
    issuer: Issuer | Agency,
    actor: User | None,
    inspection: Inspection | None = None,
    period: Period | None = None,
    year: int | None = None,
    dated_for: date | None = None,
    recognition_case: RecognitionCase | None = None,
) -> Document:
    """A new draft (no number yet), with the sections, căn cứ, tasks and signer proposed from
    the data; rendered after the commit by a worker. `year` is the year a plan is for; a
    document of a recognition dossier names its case."""
    if isinstance(issuer, Agency):
        issuer = issuers.of_agency(issuer)
    day = dated_for or timezone.localdate()
    reason = issuer.cannot_issue_on(day)
    if reason:
        raise DocumentError(reason)
    if period is None and year is not None:
        period = Period(date(year, 1, 1), date(year, 12, 31))
    plan_year = period.start.year if period else day.year
    profile = issuer.profile
    signatory = profile.signatories.filter(is_active=True).first() if profile else None
    unit = profile.units.filter(is_active=True).first() if profile else None
    document = Document.objects.create(
        kind=kind,
        **issuer.fields,
        series=issuer.series,
        year=day.year,
        symbol=issuer.symbol(kind, unit.abbreviation if unit else ""),
        inspection=inspection,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        dated_for=dated_for,
        signatory=signatory,
        drafting_unit=unit,
        narrative=_proposed_narrative(issuer, kind, plan_year, unit, day),
        created_by=actor,
    )
    cited = proposed_citations(issuer, kind, day, plan_year)
    if recognition_case is not None:
        document.recognition_cases.add(recognition_case)
        document.narrative["subject"] = dossier.default_subject(recognition_case, kind)
        document.save(update_fields=["narrative"])
        cited = [*dossier_citations(recognition_case, issuer), *cited]
    _cite(document, cited)
    enqueue_after_commit("reports.tasks.render_document", [document.pk])
    return document


def _proposed_narrative(
    issuer: Issuer, kind: str, year: int, unit, day: date | None = None
) -> dict:
    """The kind's default sections; tasks by unit proposed from the issuer's previous plan of
    the same kind (its latest issued one), else from its units."""
    narrative = content.default_narrative(issuer, kind, year)
    if kind_for(kind).responsibilities:
        previous = (
            Document.objects.filter(series=issuer.series, kind=kind, state=Document.State.ISSUED)
            .order_by("-issued_on", "-pk")
            .values_list("narrative", flat=True)
            .first()
        )
        if previous and previous.get("responsibilities"):
            narrative["responsibilities"] = previous["responsibilities"]
        else:
            units = list(issuer.profile.units.filter(is_active=True)) if issuer.profile else []
            narrative["responsibilities"] = content.default_responsibilities(
                issuer, units, unit, on=day
            )
    return narrative


def proposed_citations(issuer: Issuer, kind: str, day: date, year: int) -> list[LegalDocument]:
    """The căn cứ a new document of this kind is proposed: the assignment decisions behind an
    agency's communes, the criteria set its figures are measured by (the province's village set
    for a village plan), and the registered documents proposed for this kind of document in
    the issuer's province (the letter that asked for the plan), dated by `day`."""
    cited: list[LegalDocument] = list(kind_for(kind).citations(issuer, day, year))
    area = issuer.area
    scope = Q(province__isnull=True) | Q(province=issuer.province)
    registered = (
        LegalDocument.objects.filter(scope)
        .filter(Q(date__isnull=True) | Q(date__lte=day))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .filter(default_for__contains=f",{kind},")
        .order_by("verb", "date", "pk")
    )
    for legal in registered:
        local = legal.commune_id or legal.district_id
        if local and not (
            (isinstance(area, Commune) and legal.commune_id == area.pk)
            or (isinstance(area, District) and legal.district_id == area.pk)
        ):
            continue
        if legal not in cited:
            cited.append(legal)
    # "Căn cứ" lines come before "Thực hiện" lines.
    return sorted(cited, key=lambda legal: legal.verb != LegalDocument.Verb.BASIS)


def national_set_citation(issuer: Issuer, day: date, year: int) -> list[LegalDocument]:
    """A plan of 2026–2030 is measured by the set in force then (QĐ 51/2025/QĐ-TTg): its
    entry in the register, for a plan of that programme; else nothing."""
    if year < PRESENT_PROGRAMME_FROM:
        return []
    national = set_in_force(Edition.on(day), max(day, date(year, 12, 31)))
    return [] if national is None else [legal_document_of_set(national, issuer.province)]


def legal_document_of_decision(decision) -> LegalDocument:
    """The register's entry for an assignment decision (made the first time it is cited)."""
    subject = decision.subject or "phân công địa bàn phụ trách, đỡ đầu xây dựng nông thôn mới"
    legal, _ = LegalDocument.objects.get_or_create(
        assignment_decision=decision,
        defaults={
            "province": decision.province,
            "kind": LegalDocument.Kind.DECISION,
            "number": decision.number,
            "date": decision.date,
            "issuer": decision.issuer,
            "subject": subject if subject.startswith("về") else f"về việc {lower_first(subject)}",
        },
    )
    return legal


LEGAL_BASIS = re.compile(
    r"^(?P<kind>Quyết định|Nghị quyết|Kế hoạch|Chỉ thị) số (?P<number>\S+) "
    r"ngày (?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}) của (?P<issuer>.+?)(?: \(.*\))?$"
)


def legal_document_of_set(criteria_set, province: Province) -> LegalDocument:
    """The register's entry for a criteria set's own legal basis ("Quyết định số 741/QĐ-UBND
    ngày 26/7/2022 của Ủy ban nhân dân tỉnh Bắc Giang"), made the first time it is cited."""
    legal = LegalDocument.objects.filter(criteria_set=criteria_set).first()
    if legal is not None:
        return legal
    kinds = {str(label): value for value, label in LegalDocument.Kind.choices}
    fields: dict = {"kind": LegalDocument.Kind.OTHER, "subject": criteria_set.legal_basis}
    match = LEGAL_BASIS.match(criteria_set.legal_basis)
    if match:
        fields = {
            "kind": kinds.get(match["kind"], LegalDocument.Kind.OTHER),
            "number": match["number"],
            "date": date(int(match["year"]), int(match["month"]), int(match["day"])),
            "issuer": match["issuer"],
            "subject": f"ban hành {lower_first(criteria_set.name)}",
        }
    return LegalDocument.objects.create(
        criteria_set=criteria_set,
        province=province if criteria_set.province_name else None,
        **fields,
    )


def dossier_citations(case: RecognitionCase, issuer: Issuer) -> list[LegalDocument]:
    """A dossier's căn cứ: the procedure's own decision (QĐ 18/2022/QĐ-TTg) and the criteria set
    the case's evaluation was scored against."""
    procedure = case.procedure
    cited = []
    match = LEGAL_BASIS.match(procedure.legal_basis)
    if match:
        day = date(int(match["year"]), int(match["month"]), int(match["day"]))
        legal, _ = LegalDocument.objects.get_or_create(
            province=None,
            kind={str(label): value for value, label in LegalDocument.Kind.choices}.get(
                match["kind"], LegalDocument.Kind.OTHER
            ),
            number=match["number"],
            date=day,
            defaults={
                "issuer": match["issuer"],
                "subject": procedure.legal_subject or procedure.name,
            },
        )
        cited.append(legal)
    cited.append(legal_document_of_set(case.evaluation.criteria_set, issuer.province))
    return cited


def _cite(document: Document, legal_documents) -> None:
    DocumentCitation.objects.bulk_create(
        DocumentCitation(document=document, legal_document=legal, position=position)
        for position, legal in enumerate(dict.fromkeys(legal_documents))
    )


def document_versions(document: Document):
    return Document.objects.filter(lineage=document.lineage).order_by("-version")


def _next_version(document: Document, actor: User | None, **changes) -> Document:
    """A new draft version copying `document` (its citations too), with `changes` applied."""
    latest = document_versions(document).first()
    if latest.is_issued:
        raise DocumentError(
            f"Văn bản {latest.number_label} đã ban hành nên không sửa được; muốn đính chính "
            "hãy soạn văn bản mới."
        )
    reason = issuers.of_document(document).cannot_issue_on(changes.get("dated_for") or latest.as_of)
    if reason:
        raise DocumentError(reason)
    citations = changes.pop("citations", None)
    fields = {
        name: getattr(document, name)
        for name in (
            "kind",
            "issuer",
            "issuer_commune",
            "issuer_district",
            "issuer_province",
            "series",
            "lineage",
            "year",
            "symbol",
            "inspection",
            "period_start",
            "period_end",
            "dated_for",
            "signatory",
            "drafting_unit",
            "replaces",
            "narrative",
        )
    }
    fields |= changes
    new = Document.objects.create(**fields, version=latest.version + 1, created_by=actor)
    new.recognition_cases.set(document.recognition_cases.all())
    if citations is None:
        citations = [row.legal_document for row in document.citation_rows.select_related()]
    _cite(new, citations)
    return new


def _refuse_stale(document: Document, version: int | None) -> None:
    """Refuse a new version made from a page that showed an older one (a stale tab): it would
    copy the old text and drop the later edits. The lineage's latest row is locked, so two
    saves of the same version queue and the second is refused. `version` is the one the form
    was shown; None (code acting on a version it just read) stands for `document`'s own."""
    shown = document.version if version is None else version
    latest = (
        document_versions(document)
        .select_related("created_by")
        .select_for_update(of=("self",))
        .first()
    )
    if latest.version == shown == document.version:
        return
    raise DocumentError(
        _(
            "Văn bản đã có phiên bản mới hơn: bản %(latest)s (%(who)s, %(when)s), sau bản "
            "%(shown)s bạn đang xem. Chưa ghi gì; hãy mở bản %(latest)s rồi làm lại."
        )
        % {
            "latest": latest.version,
            "shown": shown,
            "who": latest.created_by or _("hệ thống"),
            "when": date_format(timezone.localtime(latest.created_at), "SHORT_DATETIME_FORMAT"),
        }
    )


@transaction.atomic
def document_regenerate(
    *, document: Document, actor: User | None, version: int | None = None
) -> Document:
    """A new draft version from today's data; the old version and its file are kept. `version`
    is the one the user was shown: refused unless it is still the latest."""
    _refuse_stale(document, version)
    new = _next_version(document, actor)
    enqueue_after_commit("reports.tasks.render_document", [new.pk])
    return new


@transaction.atomic
def document_edit(
    *,
    document: Document,
    narrative: dict,
    actor: User,
    signatory: Signatory | None = None,
    drafting_unit: OrganisationUnit | None = None,
    citations: list[LegalDocument] | None = None,
    dated_for: date | None = None,
    cleared: tuple[str, ...] = (),
    version: int | None = None,
) -> Document:
    """Edited sections, signer, drafting unit or căn cứ make a new draft version (the text of
    an older version never changes); `cleared` sections go back to what the data proposes.
    `version` is the one the form was shown: refused unless it is still the latest."""
    _refuse_stale(document, version)
    issuer = issuers.of_document(document)
    kept = {k: v for k, v in document.narrative.items() if k not in cleared}
    changes: dict = {"narrative": {**kept, **narrative}}
    if signatory is not None:
        changes["signatory"] = signatory
    if drafting_unit is not None:
        changes["drafting_unit"] = drafting_unit
        changes["symbol"] = issuer.symbol(document.kind, drafting_unit.abbreviation)
    if citations is not None:
        changes["citations"] = citations
    if dated_for is not None:
        reason = issuer.cannot_issue_on(dated_for)
        if reason:
            raise DocumentError(reason)
        changes["dated_for"] = dated_for
        changes["year"] = dated_for.year
        start, end = document.period_start, document.period_end
        if (
            start
            and end
            and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
            and start.year == end.year == document.as_of.year != dated_for.year
        ):
            # A plan for "this year" dated into another year is a plan for that year.
            changes["period_start"] = date(dated_for.year, 1, 1)
            changes["period_end"] = date(dated_for.year, 12, 31)
        if citations is None and dated_for != document.as_of:
            start = changes.get("period_start", start)
            changes["citations"] = redated_citations(
                document, issuer, dated_for, start.year if start else dated_for.year
            )
    new = _next_version(document, actor, **changes)
    enqueue_after_commit("reports.tasks.render_document", [new.pk])
    return new


def redated_citations(
    document: Document, issuer: Issuer, day: date, plan_year: int
) -> list[LegalDocument]:
    """The căn cứ of a draft given another date: what the data proposes for that day (the
    assignment decisions and the criteria set then in force), and of the others only those
    that existed that day. A draft dated back to 2020 does not cite QĐ 51/2025 (issue 26)."""
    kept = [
        row.legal_document
        for row in document.citation_rows.select_related("legal_document")
        if row.legal_document.criteria_set_id is None
        and row.legal_document.assignment_decision_id is None
        and (row.legal_document.date is None or row.legal_document.date <= day)
        and (row.legal_document.valid_until is None or row.legal_document.valid_until >= day)
    ]
    proposed = proposed_citations(issuer, document.kind, day, plan_year)
    cited = list(dict.fromkeys([*proposed, *kept]))
    return sorted(cited, key=lambda legal: legal.verb != LegalDocument.Verb.BASIS)


def document_edit_narrative(*, document: Document, narrative: dict, actor: User) -> Document:
    return document_edit(document=document, narrative=narrative, actor=actor)


@transaction.atomic
def document_correct(*, document: Document, actor: User) -> Document:
    """A correction of an issued document: a new draft (its own number when issued) that
    carries the old text and says which document it replaces."""
    if not document.is_issued:
        raise DocumentError("Chỉ văn bản đã ban hành mới cần văn bản đính chính.")
    issuer = issuers.of_document(document)
    new = Document.objects.create(
        kind=document.kind,
        **issuer.fields,
        series=document.series,
        year=timezone.localdate().year,
        symbol=document.symbol,
        inspection=document.inspection,
        period_start=document.period_start,
        period_end=document.period_end,
        signatory=document.signatory,
        drafting_unit=document.drafting_unit,
        replaces=document,
        narrative={
            key: value
            for key, value in document.narrative.items()
            if key not in ("signer_name", "signer_title", "authority")
        },
        created_by=actor,
    )
    _cite(new, [row.legal_document for row in document.citation_rows.select_related()])
    enqueue_after_commit("reports.tasks.render_document", [new.pk])
    return new


# ---------------------------------------------------------------- the register --


def documents_in_register(province_ids: Collection[int], years: Collection[int]):
    """The documents the portal issued for these provinces' People's Committees in those years,
    as entries of their registers (ntm_portal.registers): a number typed in by hand may not take
    theirs."""
    issued = Document.objects.filter(
        issuer_province_id__in=province_ids, year__in=years, state=Document.State.ISSUED
    )
    for province_id, year, number, symbol, day, kind in issued.values_list(
        "issuer_province_id", "year", "number", "symbol", "issued_on", "kind"
    ):
        label = f"{number:02d}/{symbol}" if symbol else f"{number:02d}"
        yield (
            province_id,
            year,
            str(number),
            Held(
                f"document:{kind}",
                day,
                f"văn bản số {label} ngày {day:%d/%m/%Y} ({kind_label(kind)})",
            ),
        )


@transaction.atomic
def document_issue(
    *, document: Document, actor: User | None, issued_on: date | None = None, capacity: str = ""
):
    """Issue the latest draft: check it can be signed, take the next number of the issuer's
    register for the year of `issued_on` (default today) and write the final version with its
    text frozen. Two issues at the same moment queue on the register's row; the database's
    unique constraints refuse a duplicate number even if they did not. A recognition decision
    is issued by `dossier_decision_issue`, which decides its cases with the number."""
    if document.kind == Kind.RECOGNITION_DECISION:
        raise DocumentError(
            "Quyết định công nhận (thu hồi) ban hành ở bước Quyết định của hồ sơ xét công nhận: "
            "mở trang văn bản của hồ sơ."
        )
    return _issue(document, actor, issued_on, capacity)


def _issue(
    document: Document, actor: User | None, issued_on: date | None, capacity: str = ""
) -> Document:
    draft = Document.objects.select_for_update().get(pk=document.pk)
    latest = document_versions(draft).first()
    if latest.is_issued:
        raise DocumentError(f"Văn bản đã ban hành với số {latest.number_label}.")
    if latest.pk != draft.pk:
        raise DocumentError(f"Chỉ ban hành được phiên bản mới nhất (bản {latest.version}).")
    day = issued_on or timezone.localdate()
    issuer = issuers.of_document(draft)
    _check_issuable(draft, issuer, day)
    register = issuer.register_for(draft.kind)
    counter = _locked_counter(issuer.series, register, day.year)
    issued = Document.objects.filter(
        series=issuer.series, register=register, year=day.year, state=Document.State.ISSUED
    )
    last = issued.order_by("-number").values_list("number", "issued_on").first()
    if last and last[1] > day:
        raise DocumentError(
            f"Ngày ban hành: sổ đăng ký năm {day.year} đã có văn bản số {last[0]:02d} ngày "
            f"{last[1]:%d/%m/%Y}; số mới không được mang ngày trước ngày đó."
        )
    number = _next_free_number(
        issuer, register, day, max(counter.last_number, last[0] if last else 0)
    )
    if number > HIGHEST_NUMBER:
        raise DocumentError(f"Sổ đăng ký năm {day.year} đã hết số.")
    counter.last_number = number
    counter.save(update_fields=["last_number"])
    unit = draft.drafting_unit
    new = _next_version(
        draft,
        actor,
        state=Document.State.ISSUED,
        register=register,
        year=day.year,
        number=number,
        issued_on=day,
        symbol=issuer.symbol(draft.kind, unit.abbreviation if unit else ""),
    )
    if capacity:
        # Chosen on issue and kept with the document; the lines follow from it.
        new.narrative = {**new.narrative, "capacity": capacity}
        for key in ("authority", "signer_title"):
            new.narrative.pop(key, None)
    # The code printed with its QR code on the first page: /xac-thuc/<code>/.
    new.verification_code = verification.new_verification_code()
    new.html, new.narrative = _compose(new, issuer)
    new.save(update_fields=["html", "narrative", "missing", "verification_code"])
    ChangeRecord.objects.create(
        series=issuer.series,
        action=f"Ban hành văn bản số {new.number_label} ngày {day:%d/%m/%Y}",
        detail=new.get_kind_display(),
        actor=actor,
    )
    logger.info("Document %s issued as %s by %s", new.pk, new.number_label, actor)
    enqueue_after_commit("reports.tasks.render_document", [new.pk])
    return new


def _next_free_number(issuer: Issuer, register: str, day: date, last: int) -> int:
    """The number after `last`; for a province's People's Committee's one register, also after
    the decisions its office typed in from paper up to `day` (assignments, groups, recognitions:
    ntm_portal.registers), and never one of theirs — the register is one, whoever wrote in it."""
    if register or not isinstance(issuer.area, Province):
        return last + 1
    held = numbers_held(province_id=issuer.area.pk, year=day.year)
    before = max((n for n, on in held if on is None or on <= day), default=0)
    taken = {n for n, _on in held}
    number = max(last, before) + 1
    while number in taken:
        number += 1
    return number


def _check_issuable(draft: Document, issuer: Issuer, day: date) -> None:
    errors = []
    today = timezone.localdate()
    if day > today:
        errors.append(f"Ngày ban hành {day:%d/%m/%Y} chưa đến: không ban hành trước ngày.")
    if day.year < FIRST_YEAR:
        errors.append(f"Ngày ban hành phải từ năm {FIRST_YEAR}.")
    reason = issuer.cannot_issue_on(day)
    if reason:
        errors.append(reason)
    signatory = draft.signatory
    if signatory is None:
        errors.append(
            "Người ký: chưa chọn người ký; văn bản không ban hành được khi chưa có người ký."
        )
    elif (
        not signatory.is_active
        or issuer.profile is None
        or signatory.profile_id != issuer.profile.pk
    ):
        errors.append(f"Người ký: {signatory.full_name} không còn ký văn bản của cơ quan này.")
    if issuer.needs_unit and draft.drafting_unit is None:
        errors.append(
            "Đơn vị soạn thảo: ký hiệu của cơ quan ghi đơn vị soạn thảo; hãy chọn đơn vị."
        )
    for row in draft.citation_rows.select_related("legal_document"):
        legal = row.legal_document
        if legal.date and legal.date > day:
            errors.append(
                f"Căn cứ: {legal.get_kind_display()} {legal.number} ngày {legal.date:%d/%m/%Y} "
                f"sau ngày ban hành {day:%d/%m/%Y}."
            )
    if errors:
        raise DocumentError(*errors)


def _locked_counter(series: str, register: str, year: int) -> DocumentCounter:
    # Insert-if-missing without a race (ON CONFLICT DO NOTHING), then lock the row.
    DocumentCounter.objects.bulk_create(
        [DocumentCounter(series=series, register=register, year=year)], ignore_conflicts=True
    )
    return DocumentCounter.objects.select_for_update().get(
        series=series, register=register, year=year
    )


@dataclass(frozen=True)
class RegisterState:
    register: str
    year: int
    last_number: int
    entered_last: int | None


def register_states(issuer: Issuer) -> list[RegisterState]:
    return [
        RegisterState(c.register, c.year, c.last_number, c.entered_last)
        for c in DocumentCounter.objects.filter(series=issuer.series).order_by("-year", "register")
    ]


@transaction.atomic
def register_start_enter(
    *, issuer: Issuer, year: int, kind: str, last_used: int, actor: User
) -> DocumentCounter:
    """Numbers already used on paper this year: the register goes on from `last_used`. A number
    the register has already given is refused (it would be given twice)."""
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise DocumentError(f"Năm: phải từ {FIRST_YEAR} đến {today.year}.")
    if not 0 <= last_used <= HIGHEST_NUMBER:
        raise DocumentError(f"Số đã dùng: phải từ 0 đến {HIGHEST_NUMBER}.")
    register = issuer.register_for(kind) if kind else ""
    if issuer.register_per_type and not kind:
        raise DocumentError("Loại văn bản: cơ quan giữ mỗi loại một sổ, hãy chọn loại văn bản.")
    counter = _locked_counter(issuer.series, register, year)
    highest = (
        Document.objects.filter(
            series=issuer.series, register=register, year=year, state=Document.State.ISSUED
        ).aggregate(highest=Max("number"))["highest"]
        or 0
    )
    given = max(counter.last_number, highest)
    if last_used < given:
        raise DocumentError(
            f"Số đã dùng: sổ đăng ký năm {year} đã cấp đến số {given:02d}; nhập số {last_used:02d} "
            "sẽ cấp trùng số. Chỉ nhập được số từ "
            f"{given:02d} trở lên."
        )
    counter.last_number = last_used
    counter.entered_last = last_used
    counter.save(update_fields=["last_number", "entered_last"])
    ChangeRecord.objects.create(
        series=issuer.series,
        action=f"Nhập số đã dùng trên giấy năm {year}: đến số {last_used:02d}",
        detail=str(kind_label(register)) if register else "sổ chung",
        actor=actor,
    )
    return counter


# ---------------------------------------------------------------- issuer data --


PROFILE_FIELDS = (
    "parent_body",
    "header_name",
    "name_in_text",
    "abbreviation",
    "symbol_style",
    "register_per_type",
    "place",
    "superior",
    "coordination_office",
    "standing_recipients",
)


@transaction.atomic
def issuer_profile_save(*, issuer: Issuer, data: dict, actor: User) -> IssuerProfile:
    profile = issuer.profile or IssuerProfile(**issuers.profile_keys(issuer))
    changed = [
        f"{name}: {getattr(profile, name)!r} → {data[name]!r}"
        for name in PROFILE_FIELDS
        if name in data and getattr(profile, name) != data[name]
    ]
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    profile.save()
    if changed:
        ChangeRecord.objects.create(
            series=issuer.series,
            action="Sửa thông tin ban hành văn bản",
            detail="\n".join(changed),
            actor=actor,
        )
    return profile


def _profile_or_refuse(issuer: Issuer) -> IssuerProfile:
    if issuer.profile is None:
        raise DocumentError(
            "Chưa có thông tin ban hành (chữ viết tắt, địa danh) của cơ quan: hãy lưu phần đó trước."
        )
    return issuer.profile


@transaction.atomic
def signatory_add(*, issuer: Issuer, full_name: str, title: str, authority: str, actor: User):
    profile = _profile_or_refuse(issuer)
    signatory = Signatory.objects.create(
        profile=profile,
        full_name=full_name,
        title=title,
        authority=" / ".join(split_lines(authority)),
    )
    ChangeRecord.objects.create(
        series=issuer.series,
        action=f"Thêm người ký {signatory}",
        detail=signatory.authority,
        actor=actor,
    )
    return signatory


@transaction.atomic
def signatory_deactivate(*, signatory: Signatory, actor: User) -> None:
    """Signatories stay (issued documents name them); they stop being offered."""
    signatory.is_active = False
    signatory.save(update_fields=["is_active"])
    ChangeRecord.objects.create(
        series=_series_of(signatory.profile), action=f"Thôi ký: {signatory}", actor=actor
    )


@transaction.atomic
def unit_add(*, issuer: Issuer, name: str, abbreviation: str, actor: User) -> OrganisationUnit:
    profile = _profile_or_refuse(issuer)
    if profile.units.filter(abbreviation=abbreviation).exists():
        raise DocumentError(f"Chữ viết tắt: đơn vị {abbreviation} đã có.")
    unit = OrganisationUnit.objects.create(profile=profile, name=name, abbreviation=abbreviation)
    ChangeRecord.objects.create(series=issuer.series, action=f"Thêm đơn vị {unit}", actor=actor)
    return unit


@transaction.atomic
def unit_deactivate(*, unit: OrganisationUnit, actor: User) -> None:
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    ChangeRecord.objects.create(
        series=_series_of(unit.profile), action=f"Thôi dùng đơn vị {unit}", actor=actor
    )


def _series_of(profile: IssuerProfile) -> str:
    if profile.agency_id:
        return f"agency:{profile.agency_id}"
    area = profile.commune or profile.district or profile.province
    return f"{area_field(area)}:{area.pk}"


@transaction.atomic
def legal_document_add(*, data: dict, actor: User) -> LegalDocument:
    """Register a document plans cite; its date must be a real day, not after today."""
    day = data.get("date")
    if day and not date(1945, 9, 2) <= day <= timezone.localdate():
        raise DocumentError(
            f"Ngày ban hành: {day:%d/%m/%Y} không thể có (từ 02/9/1945 đến hôm nay)."
        )
    data = {**data, "default_for": LegalDocument.kinds_field(data.get("default_for") or [])}
    legal = LegalDocument.objects.create(**data, created_by=actor)
    ChangeRecord.objects.create(
        series=f"legal:{legal.province_id or 'national'}",
        action=f"Thêm văn bản căn cứ: {legal.citation()}",
        actor=actor,
    )
    return legal


# ---------------------------------------------------------------- beat --


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
            # Made on `today` (beat's day): the plan speaks for that day.
            document_create(
                kind=Document.Kind.INSPECTION_PLAN,
                issuer=agency,
                actor=None,
                period=quarter,
                dated_for=today,
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
        document_create(
            kind=Document.Kind.AGENCY_REPORT,
            issuer=agency,
            actor=None,
            period=ended,
            dated_for=today,
        )
        made += 1
    return made


@transaction.atomic
def plan_target_add(
    *, area: Commune | District | Province, data: dict, actor: User, villages=()
) -> PlanTarget:
    target = PlanTarget.objects.create(**{area_field(area): area}, **data, created_by=actor)
    if villages:
        target.villages.set(villages)
    ChangeRecord.objects.create(
        series=f"{area_field(area)}:{area.pk}", action=f"Thêm chỉ tiêu {target}", actor=actor
    )
    logger.info("Plan target %s added to %s by %s", target.pk, area, actor)
    return target


@transaction.atomic
def plan_target_delete(*, target: PlanTarget, actor: User) -> None:
    area = target.commune or target.district or target.province
    ChangeRecord.objects.create(
        series=f"{area_field(area)}:{area.pk}", action=f"Xóa chỉ tiêu {target}", actor=actor
    )
    logger.info("Plan target %s (%s) deleted by %s", target.pk, target, actor)
    target.delete()


# ---------------------------------------------------------------- rendering --


def document_render(*, document_id: int) -> Document:
    """Render one document (idempotent: a done or failed document is left as it is, and a second
    copy of the message finds it done). A failure leaves a failed row with the error, never a
    broken file. Each start is counted: the one after MAX_ATTEMPTS fails the document instead of
    killing another worker."""
    if not _render_started(document_id):
        return Document.objects.get(pk=document_id)
    document = Document.objects.select_related(
        "issuer__province",
        "issuer_commune__province",
        "issuer_commune__district",
        "issuer_district__province",
        "issuer_province",
        "signatory",
        "drafting_unit",
    ).get(pk=document_id)
    if document.status != Document.Status.PENDING:
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
    box = getattr(pdf, "signature_box", None)
    pdf, signature, unsigned_reason = _signed_on_issue(document, bytes(pdf), box)
    document.pdf.save(f"{document.pk}.pdf", ContentFile(pdf), save=False)
    document.docx.save(f"{document.pk}.docx", ContentFile(docx), save=False)
    document.checksum = hashlib.sha256(pdf).hexdigest()
    document.status, document.error = Document.Status.DONE, unsigned_reason
    document.rendered_at = timezone.now()
    with transaction.atomic():
        document.save()
        if signature is not None:
            signature.save()
    return document


def _signed_on_issue(document: Document, pdf: bytes, box):
    """An issued document's PDF signed by its issuer (PAdES) when the issuer has a signing
    certificate; a key that cannot be used leaves it unsigned, with the reason on its page
    (it can still be signed on a token and uploaded)."""
    if not document.is_issued:
        return pdf, None, ""
    try:
        signed, signature = document_sign_on_issue(
            document=document, pdf=pdf, box=box, body_name=issuers.of_document(document).name
        )
    except Exception as error:
        logger.exception("Signing document %s failed", document.pk)
        return pdf, None, gettext("Chưa ký số được: %(reason)s") % {"reason": error}
    return signed, signature, ""


def _render_started(document_id: int) -> bool:
    """Count this start; False when there is nothing to render or no start is left (the
    document is failed with the reason)."""
    with transaction.atomic():
        document = (
            Document.objects.select_for_update()
            .filter(pk=document_id, status=Document.Status.PENDING)
            .only("pk", "attempts")
            .first()
        )
        if document is None:
            return False
        if document.attempts >= MAX_ATTEMPTS:
            Document.objects.filter(pk=document_id).update(
                status=Document.Status.FAILED, error=_worker_died_reason()
            )
            return False
        Document.objects.filter(pk=document_id).update(
            attempts=F("attempts") + 1, worked_at=timezone.now()
        )
    return True


def _worker_died_reason() -> str:
    return gettext(
        "Máy xử lý đã dừng giữa chừng %(count)s lần khi tạo tệp của văn bản này nên đã ngừng "
        "thử; hãy tạo lại văn bản hoặc báo quản trị viên."
    ) % {"count": MAX_ATTEMPTS}


# A render is stopped after two minutes (reports.tasks.render_document's time limit): one not done
# three minutes after its last sign of life lost its worker, or its message.
DOCUMENT_RENDER_EXPECTED = timedelta(minutes=3)


def documents_sweep_stalled(*, now: datetime | None = None) -> SweepResult:
    """Beat's sweep, every minute: each pending document silent for longer than a render takes
    is sent again (at most MAX_RESENDS times), or failed with the reason when its worker died
    under it MAX_ATTEMPTS times; the admins are told once of the documents newly found overdue.
    Running it twice in a row changes and sends nothing more."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            Document.objects.select_for_update(skip_locked=True)
            .annotate(last_sign=Coalesce("worked_at", "created_at"))
            .filter(
                Q(attempts__gte=MAX_ATTEMPTS) | Q(resends__lt=MAX_RESENDS),
                status=Document.Status.PENDING,
                last_sign__lt=now - DOCUMENT_RENDER_EXPECTED,
            )
            .order_by("pk")
            .only("pk", "attempts", "stalled_at")[:SWEEP_BATCH]
        )
        failed = [d.pk for d in overdue if d.attempts >= MAX_ATTEMPTS]
        resent = [d.pk for d in overdue if d.attempts < MAX_ATTEMPTS]
        newly_stalled = [d.pk for d in overdue if d.stalled_at is None]
        Document.objects.filter(pk__in=failed).update(
            status=Document.Status.FAILED, error=_worker_died_reason()
        )
        Document.objects.filter(pk__in=resent).update(resends=F("resends") + 1, worked_at=now)
        Document.objects.filter(pk__in=newly_stalled).update(stalled_at=now)
        if newly_stalled:
            notify_admins_of_stalled(
                template=STALLED_DOCUMENTS,
                count=len(newly_stalled),
                url=reverse("reports:document_detail", args=[newly_stalled[0]]),
            )
        enqueue_after_commit("reports.tasks.render_document", resent)
    return SweepResult(resent=resent, failed=failed, newly_stalled=newly_stalled)


def render_html(document: Document) -> str:
    """An issued document's frozen text; a draft's, composed from today's data."""
    if document.html:
        return document.html
    html, _ = compose_html(document)
    document.save(update_fields=["missing"])
    return html


def compose_html(document: Document) -> tuple[str, dict]:
    return _compose(document, issuers.of_document(document))


def _compose(document: Document, issuer: Issuer) -> tuple[str, dict]:
    """The document's HTML and the effective text of its sections (defaults, then edits, then
    what the data proposes for recipients and signer); `document.missing` lists the gaps."""
    body, data = _body(document)
    plan_year = document.period_start.year if document.period_start else document.as_of.year
    text = {**content.default_narrative(issuer, document.kind, plan_year), **document.narrative}
    units = list(issuer.profile.units.filter(is_active=True)) if issuer.profile else []
    if "recipients" not in document.narrative:
        text["recipients"] = content.default_recipients(document, issuer, body, units)
    text.setdefault("archive", content.default_archive(document))
    signatory = document.signatory
    # The authority line follows who signs THIS document in what capacity (issue 26).
    text.setdefault("capacity", issuers.default_capacity(signatory))
    authority, title = issuers.signature_block(document.kind, issuer, signatory, text["capacity"])
    text.setdefault("signer_name", content.signer_name(signatory))
    text.setdefault("signer_title", title)
    text.setdefault("authority", "\n".join(authority))
    missing = list(body.missing)
    if not text["signer_name"]:
        missing.append(gettext_noop("Chưa có người ký"))
    if not document.narrative.get("responsibilities") and kind_for(document.kind).responsibilities:
        text["responsibilities"] = content.default_responsibilities(
            issuer, units, document.drafting_unit, on=document.as_of
        )
    legal = [row.legal_document for row in document.citation_rows.select_related("legal_document")]
    document.missing = missing
    html = render_to_string(
        kind_for(document.kind).template,
        {
            **data,
            "document": document,
            "issuer": issuer,
            "agency": document.issuer,
            "text": text,
            "citations": content.citation_lines(legal),
            "signature_lines": [
                *split_lines(text["authority"]),
                *([text["signer_title"]] if text["signer_title"] else []),
            ],
            "date_line": _date_line(document, text.get("place") or issuer.place),
            "opening": content.plan_opening(issuer, text.get("subject", "")),
            "no_data": content.NO_DATA,
            "kind": document.kind,
            "verification": verification.print_block(document),
        },
    )
    return html, text


def _date_line(document: Document, place: str) -> str:
    """Nghị định 30: days below 10 and the months 1 and 2 with a leading zero; a draft leaves
    the day (and the month, without an intended date) for the clerk to write."""
    day = document.issued_on
    if day:
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        return f"{place}, ngày {day:%d} tháng {month} năm {day.year}"
    planned = document.dated_for
    if planned:
        month = f"{planned.month:02d}" if planned.month < 3 else str(planned.month)
        return f"{place}, ngày … tháng {month} năm {planned.year}"
    return f"{place}, ngày … tháng … năm {timezone.localdate().year}"


def _body(document: Document):
    """The document's content from data, as its kind builds it (reports/kinds/)."""
    return kind_for(document.kind).body(document)


# ---------------------------------------------------------------- recognition dossiers --


def dossier_documents(case: RecognitionCase) -> dict[str, Document]:
    """The latest version of each kind of document of the case."""
    latest: dict[str, Document] = {}
    for document in case.documents.order_by("kind", "-created_at", "-version", "-pk"):
        latest.setdefault(document.kind, document)
    return latest


@transaction.atomic
def dossier_document_create(*, case: RecognitionCase, kind: str, actor: User) -> Document:
    """A draft of one document of the case's dossier, issued by the People's Committee whose
    step it belongs to; an existing one is returned instead (corrections go through it)."""
    if kind not in dossier.DOSSIER_KINDS:
        raise DocumentError("Loại văn bản không thuộc hồ sơ xét công nhận.")
    if not dossier.reached(case, kind):
        raise DocumentError(
            f"{kind_label(kind)}: hồ sơ chưa đến bước "
            f"“{case.procedure.steps.get(kind=dossier.STEP_OF[kind]).name}”."
        )
    if kind == Kind.RECOGNITION_DECISION and not case.is_open:
        raise DocumentError("Hồ sơ đã có quyết định.")
    existing = dossier_documents(case).get(kind)
    if existing is not None:
        return existing
    document = document_create(
        kind=kind,
        issuer=issuers.of_area(dossier.issuer_area(case, kind)),
        actor=actor,
        year=case.year,
        recognition_case=case,
    )
    recognition_case_note_document(
        case=case, detail=f"Soạn dự thảo: {document.get_kind_display()}", actor=actor
    )
    return document


@transaction.atomic
def dossier_decision_issue(
    *,
    document: Document,
    issued_on: date,
    published_on: date | None,
    published_where: str,
    actor: User,
    capacity: str = "",
) -> Document:
    """Issue a recognition (or revocation) decision through the UBND tỉnh's register, and decide
    with its number every case of its annex (each becomes its commune's recognition). Every case
    is checked first: a refusal takes no number and writes nothing."""
    if document.kind != Kind.RECOGNITION_DECISION:
        raise DocumentError("Văn bản này không phải quyết định công nhận.")
    first = document.recognition_cases.order_by("pk").first()
    if first is None:
        raise DocumentError("Quyết định chưa gắn với hồ sơ xét công nhận nào.")
    cases = dossier.annex_cases(first, lock=True)
    if not cases:
        raise DocumentError("Không có hồ sơ nào ở bước quyết định.")
    errors = []
    for case in cases:
        # The number comes from the register: only the rest is checked here.
        problems = decision_errors(case, number="…", day=issued_on, actor=actor)
        errors += [f"{case.commune.name}: {message}" for message in problems.values()]
    if errors:
        raise DocumentError(*errors)
    issued = _issue(document, actor, issued_on, capacity)
    issued.recognition_cases.set(cases)
    signer = issued.signatory
    for case in cases:
        recognition_case_decide(
            case=case,
            number=issued.number_label,
            day=issued.issued_on,
            signer=f"{signer.title} {signer.full_name}" if signer else "",
            published_on=published_on,
            published_where=published_where,
            actor=actor,
        )
        recognition_case_note_document(
            case=case,
            detail=f"Ban hành {issued.get_kind_display()} số {issued.number_label}",
            actor=actor,
        )
    return issued

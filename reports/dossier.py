"""The documents of a recognition dossier (hồ sơ xét công nhận, QĐ 18/2022/QĐ-TTg), composed
from the case as it stood on the document's date: who issues each, from which step on it can be
drafted, and what it says. The decision's annex lists every case of the province decided with
it. Anything missing is written "chưa có số liệu" and listed on the document's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from communes.models import Commune, District, Province
from criteria.models import RecognitionCase, RecognitionStep
from criteria.rules import tally_phrase
from criteria.selectors import CriterionRow, evaluation_grid
from criteria.services import subject_of
from ntm_portal.text import format_number, lower_first, place_in_text

from .models import Document

Kind = Document.Kind
Step = RecognitionStep.Kind
NO_DATA = "chưa có số liệu"
# In the order of the procedure; each from the step it belongs to.
STEP_OF = {
    Kind.RECOGNITION_REQUEST: Step.SELF_ASSESSMENT,
    Kind.RECOGNITION_RESULTS: Step.SELF_ASSESSMENT,
    Kind.RECOGNITION_COMMENTS: Step.SELF_ASSESSMENT,
    Kind.RECOGNITION_COMMUNE_MINUTES: Step.SELF_ASSESSMENT,
    Kind.RECOGNITION_REVIEW: Step.REVIEW,
    Kind.RECOGNITION_COUNCIL_MINUTES: Step.APPRAISAL,
    Kind.RECOGNITION_APPRAISAL: Step.APPRAISAL,
    Kind.RECOGNITION_DECISION: Step.DECISION,
}
DOSSIER_KINDS = tuple(STEP_OF)


def issuer_area(case: RecognitionCase, kind: str) -> Commune | District | Province:
    """The People's Committee that issues this document of the case: the commune's for its
    self-assessment, the reviewing level's for the review (a district's before 07/2025), the
    province's for the appraisal and the decision."""
    step = STEP_OF[kind]
    if step == Step.SELF_ASSESSMENT:
        return case.commune
    actor = case.procedure.steps.get(kind=step).actor
    if actor == RecognitionStep.Actor.DISTRICT and case.commune.district_id:
        return case.commune.district
    return case.commune.province


def reached(case: RecognitionCase, kind: str) -> bool:
    """Whether the case has reached the step this document belongs to."""
    if case.status == RecognitionCase.Status.DECIDED:
        return True
    positions = dict(case.procedure.steps.values_list("kind", "position"))
    return positions.get(STEP_OF[kind], 99) <= case.step.position


def annex_cases(case: RecognitionCase, *, lock: bool = False) -> list[RecognitionCase]:
    """The cases one decision decides: those of the province, same kind, level and year, at the
    decision step (the case itself first if it is there)."""
    cases = RecognitionCase.objects.open().filter(
        commune__province_id=case.commune.province_id,
        kind=case.kind,
        level=case.level,
        year=case.year,
        step__kind=Step.DECISION,
    )
    if lock:
        cases = cases.select_for_update(of=("self",))
    return list(
        cases.select_related("commune__district", "commune__province", "evaluation").order_by(
            "commune__search_name", "commune__code"
        )
    )


def words(case: RecognitionCase) -> dict[str, str]:
    """How the documents name what the case asks for."""
    level = lower_first(case.get_level_display())  # "đạt chuẩn nông thôn mới"
    revoke = case.kind == RecognitionCase.Kind.REVOCATION
    return {
        "level": level,
        "act": "thu hồi quyết định công nhận" if revoke else "công nhận",
        "request": "xem xét thu hồi quyết định công nhận" if revoke else "thẩm tra, xét công nhận",
        "commune": place_in_text(case.commune.name),  # "xã Cửa Việt"
        "year": str(case.year),
    }


def default_subject(case: RecognitionCase, kind: str) -> str:
    w = words(case)
    match kind:
        case Kind.RECOGNITION_REQUEST:
            return f"Về việc đề nghị {w['request']} {w['commune']} {w['level']} năm {w['year']}"
        case Kind.RECOGNITION_RESULTS:
            return f"Kết quả xây dựng nông thôn mới năm {w['year']} của {w['commune']}"
        case Kind.RECOGNITION_COMMENTS:
            return f"Tổng hợp ý kiến tham gia vào kết quả xây dựng nông thôn mới của {w['commune']}"
        case Kind.RECOGNITION_COMMUNE_MINUTES:
            return f"Cuộc họp đề nghị {w['request']} {w['commune']} {w['level']} năm {w['year']}"
        case Kind.RECOGNITION_REVIEW:
            return f"Kết quả thẩm tra hồ sơ {w['act']} {w['commune']} {w['level']} năm {w['year']}"
        case Kind.RECOGNITION_COUNCIL_MINUTES:
            return (
                f"Cuộc họp hội đồng thẩm định hồ sơ {w['act']} {w['commune']} {w['level']} "
                f"năm {w['year']}"
            )
        case Kind.RECOGNITION_APPRAISAL:
            return f"Kết quả thẩm định hồ sơ {w['act']} {w['commune']} {w['level']} năm {w['year']}"
    return f"Về việc {w['act']} xã {w['level']} năm {w['year']}"


@dataclass
class AnnexRow:
    place: str  # "Xã Cửa Việt - tỉnh Quảng Trị"
    tally: str  # "đạt 10/10 tiêu chí"
    case: RecognitionCase


@dataclass
class DossierContent:
    case: RecognitionCase
    words: dict[str, str]
    place: str
    addressee: str  # "Ủy ban nhân dân tỉnh Quảng Trị": whom the commune's request goes to
    reviewer: str  # who reviews: "UBND huyện Hướng Hóa" / "UBND tỉnh Quảng Trị"
    tally: str
    grid: list[CriterionRow] = field(default_factory=list)
    checks: list = field(default_factory=list)
    council: list[str] = field(default_factory=list)
    annex: list[AnnexRow] = field(default_factory=list)
    requirement: str = ""
    posting_days: int = 0
    missing: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)  # "Cửa Việt", for the recipients
    facts: dict = field(default_factory=dict)  # the case's values as the text writes them

    def value(self, item: object, label: str) -> object:
        """The value, or "chưa có số liệu" (and the gap listed on the page)."""
        if item is None or item == "":
            self.missing.append(f"Chưa có số liệu: {label}")
            return NO_DATA
        return item


def dossier_content(document: Document, on: date | None = None) -> DossierContent:
    """Everything the document's template needs, from its case (its first, for a decision)."""
    case = (
        document.recognition_cases.select_related(
            "commune__province",
            "commune__district",
            "procedure",
            "step",
            "evaluation__criteria_set",
        )
        .order_by("pk")
        .first()
    )
    if case is None:
        raise ValueError(f"Document {document.pk} has no recognition case")
    on = on or timezone.localdate()
    commune = case.commune
    review_actor = case.procedure.steps.filter(kind=Step.REVIEW).values_list("actor", flat=True)
    by_district = (
        review_actor.first() == RecognitionStep.Actor.DISTRICT and commune.district_id is not None
    )
    reviewer = (
        f"Ủy ban nhân dân {place_in_text(commune.district.name)}"
        if by_district
        else f"Ủy ban nhân dân {place_in_text(commune.province.name)}"
    )
    evaluation = case.evaluation
    body = DossierContent(
        case=case,
        # "tỉnh Quảng Trị": a place in running text keeps its capitals (issue 26). Added here,
        # not in words(), which lists of cases call for each case without the province.
        words={**words(case), "province": place_in_text(commune.province.name)},
        place=commune.place_label(on=on),
        addressee=reviewer,
        reviewer=reviewer,
        tally=tally_phrase(
            evaluation.met_count, evaluation.criteria_count, evaluation.undecided_count
        ),
        posting_days=case.procedure.posting_days,
        communes=[commune.short_name],
    )
    kind = document.kind
    if kind in (Kind.RECOGNITION_RESULTS, Kind.RECOGNITION_REVIEW, Kind.RECOGNITION_REQUEST):
        body.grid = evaluation_grid(evaluation, subject_of(evaluation))
    if kind == Kind.RECOGNITION_REQUEST or kind == Kind.RECOGNITION_RESULTS:
        requirement = case.procedure.requirements.filter(level=case.level).first()
        body.requirement = format_number(requirement.satisfaction_percent) if requirement else ""
    if kind == Kind.RECOGNITION_REVIEW:
        body.checks = list(
            case.checks.filter(round=case.review_round)
            .select_related("criterion", "checked_by")
            .order_by("criterion__number")
        )
        if not body.checks:
            body.missing.append("Chưa có kết quả thẩm tra từng tiêu chí")
    if kind in (Kind.RECOGNITION_COUNCIL_MINUTES, Kind.RECOGNITION_APPRAISAL):
        body.council = [line.strip() for line in case.council_members.splitlines() if line.strip()]
        if case.council_met_on is None:
            body.missing.append("Chưa có kết quả họp hội đồng thẩm định")
    if kind == Kind.RECOGNITION_COMMUNE_MINUTES and case.meeting_on is None:
        body.missing.append("Chưa có ngày họp của UBND xã")
    if kind in (Kind.RECOGNITION_REQUEST, Kind.RECOGNITION_COMMENTS) and not case.posted_from:
        body.missing.append("Chưa có thời gian công khai lấy ý kiến")
    if kind == Kind.RECOGNITION_DECISION:
        # Composed while a draft and once more when issued (then frozen): the cases at the
        # decision step then are the ones the decision decides.
        body.annex = [
            AnnexRow(
                place=item.commune.place_label(on=on),
                tally=tally_phrase(
                    item.evaluation.met_count,
                    item.evaluation.criteria_count,
                    item.evaluation.undecided_count,
                ),
                case=item,
            )
            for item in annex_cases(case)
        ]
        body.communes = [item.case.commune.short_name for item in body.annex]
        if not body.annex:
            body.missing.append("Chưa có xã nào ở bước quyết định")
    body.facts = _facts(case, kind, body)
    return body


# What each document shows of the case (a gap is listed once, on the documents that show it).
SHOWN = {
    Kind.RECOGNITION_REQUEST: ("satisfaction", "debt", "security", "posted", "comments_count"),
    Kind.RECOGNITION_RESULTS: ("satisfaction", "debt", "security"),
    Kind.RECOGNITION_COMMENTS: ("posted", "comments_count"),
    Kind.RECOGNITION_COMMUNE_MINUTES: ("meeting_on", "satisfaction", "posted", "comments_count"),
    Kind.RECOGNITION_REVIEW: ("submitted_on", "satisfaction", "debt", "security"),
    Kind.RECOGNITION_COUNCIL_MINUTES: ("council_met_on", "lead_department", "council_size"),
    Kind.RECOGNITION_APPRAISAL: ("council_met_on", "lead_department", "council_size"),
    Kind.RECOGNITION_DECISION: ("lead_department",),
}
LABELS = {
    "satisfaction": "tỷ lệ người dân hài lòng",
    "surveyed_on": "ngày khảo sát sự hài lòng",
    "debt": "nợ đọng xây dựng cơ bản",
    "security": "tình hình an ninh, trật tự",
    "posted": "thời gian công khai lấy ý kiến",
    "comments_count": "số ý kiến tham gia",
    "meeting_on": "ngày họp của UBND xã",
    "submitted_on": "ngày xã gửi hồ sơ",
    "council_met_on": "ngày họp hội đồng thẩm định",
    "lead_department": "sở, ngành chủ trì thẩm định",
    "council_size": "số thành viên hội đồng dự họp",
    "votes_for": "số phiếu đồng ý",
    "votes_against": "số phiếu không đồng ý",
}


def _facts(case: RecognitionCase, kind: str, body: DossierContent) -> dict:
    def day(value: date | None) -> str:
        return f"{value:%d/%m/%Y}" if value else ""

    def number(value) -> str:
        return "" if value is None else format_number(Decimal(value))

    stable = {True: "ổn định, không có khiếu kiện đông người kéo dài", False: "chưa ổn định"}
    raw = {
        "satisfaction": f"{format_number(case.satisfaction_percent)}%"
        if case.satisfaction_percent is not None
        else "",
        "surveyed_on": day(case.satisfaction_surveyed_on),
        "debt": "không còn nợ đọng"
        if case.debt_vnd == 0
        else f"còn {number(case.debt_vnd)} đồng"
        if case.debt_vnd
        else "",
        "security": stable.get(case.security_stable, ""),
        "posted": f"từ ngày {day(case.posted_from)} đến ngày {day(case.posted_to)}"
        if case.posted_from and case.posted_to
        else "",
        "comments_count": number(case.comments_count),
        "meeting_on": day(case.meeting_on),
        "submitted_on": day(timezone.localtime(case.submitted_at).date())
        if case.submitted_at
        else "",
        "council_met_on": day(case.council_met_on),
        "lead_department": case.lead_department,
        "council_size": number(case.council_size),
        "votes_for": number(case.votes_for),
        "votes_against": number(case.votes_against),
    }
    shown = SHOWN.get(kind, ())
    facts = {
        key: (body.value(value, LABELS[key]) if key in shown else value or NO_DATA)
        for key, value in raw.items()
    }
    facts["posted_where"] = case.posted_where
    facts["comments"] = [
        line.strip() for line in case.comments_summary.splitlines() if line.strip()
    ]
    facts["participants"] = [
        line.strip() for line in case.meeting_participants.splitlines() if line.strip()
    ]
    return facts

"""What a document says, computed from the portal's data; narrative sections have defaults.

Anything missing (no approved evaluation, no signer) is written "chưa có số liệu" in the
document and listed on its page, so the document always renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from criteria.models import CriterionResult, Evaluation
from criteria.rules import format_number, unmet_sentence
from sponsorships.models import Agency, Assignment, AssignmentDecision, Inspection, InspectionReport
from sponsorships.periods import Period

NO_DATA = "chưa có số liệu"
FREQUENCY_WORDS = {"quarter": "Hàng quý", "half_year": "6 tháng"}

DEFAULT_PURPOSES = [
    "Phát huy vai trò của cả hệ thống chính trị và toàn xã hội, tổ chức thực hiện đồng bộ, hiệu "
    "quả các nhiệm vụ, giải pháp xây dựng nông thôn mới ở các xã được phân công.",
    "Huy động các tầng lớp nhân dân, các thành phần kinh tế, các tổ chức, cá nhân cùng hưởng ứng "
    "tích cực thực hiện xây dựng nông thôn mới.",
]
DEFAULT_TASKS = [
    "Rà soát, đánh giá kết quả thực hiện các tiêu chí nông thôn mới của các xã theo định kỳ 6 "
    "tháng, hằng năm và đột xuất khi cần thiết.",
    "Tập trung nâng cao chất lượng các tiêu chí đã đạt; tham mưu giải pháp, lộ trình thực hiện "
    "các tiêu chí chưa đạt.",
    "Huy động có hiệu quả các nguồn lực để hỗ trợ xã xây dựng nông thôn mới theo lộ trình.",
]


@dataclass
class CommuneObjective:
    kind_label: str
    place: str
    tally: str
    unmet: str


@dataclass
class PlanContent:
    decisions: list[AssignmentDecision]
    sponsored: list[CommuneObjective] = field(default_factory=list)
    supervised: list[CommuneObjective] = field(default_factory=list)
    regime: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def sponsorship_plan(agency: Agency) -> PlanContent:
    """Per-commune objectives from the latest approved evaluations; the inspection regime from
    the kinds of the agency's assignments."""
    assignments = list(
        agency.assignments.active_on()
        .select_related("commune__district", "decision")
        .prefetch_related(
            Prefetch(
                "commune__evaluations",
                queryset=Evaluation.objects.approved().of_communes().latest_first(),
                to_attr="approved",
            )
        )
        .order_by("commune__search_name")
    )
    content = PlanContent(
        decisions=sorted({a.decision for a in assignments if a.decision}, key=lambda d: d.date)
    )
    latest = {a.commune_id: a.commune.approved[0] for a in assignments if a.commune.approved}
    unmet = _unmet_by_evaluation([evaluation.pk for evaluation in latest.values()])
    for assignment in assignments:
        commune = assignment.commune
        evaluation = latest.get(commune.pk)
        if evaluation is None:
            content.missing.append(f"{commune.name}: chưa có đánh giá đã duyệt")
            objective = CommuneObjective(
                assignment.get_kind_display(), commune.place_label(), NO_DATA, ""
            )
        else:
            names = unmet.get(evaluation.pk, [])
            objective = CommuneObjective(
                assignment.get_kind_display(),
                commune.place_label(),
                f"đạt {evaluation.met_count}/{evaluation.criteria_count} tiêu chí",
                unmet_sentence(names) if names else "",
            )
        target = (
            content.sponsored
            if assignment.kind == Assignment.Kind.SPONSORED
            else content.supervised
        )
        target.append(objective)
        content.communes.append(commune.name)
    for kind, label in Assignment.Kind.choices:
        if any(a.kind == kind for a in assignments):
            frequency = Assignment.INSPECTION_FREQUENCY[kind]
            content.regime.append(f"{FREQUENCY_WORDS[frequency]} kiểm tra xã {label.lower()} 1 lần")
    if not assignments:
        content.missing.append("Cơ quan chưa được phân công xã nào")
    return content


def _lower_first(text: str) -> str:
    """ "Xã Ba Tầng" inside a sentence: "UBND xã Ba Tầng"."""
    return text[:1].lower() + text[1:]


def _unmet_by_evaluation(evaluation_ids: list[int]) -> dict[int, list[str]]:
    unmet: dict[int, list[str]] = {}
    for evaluation_id, short_name in (
        CriterionResult.objects.filter(evaluation_id__in=evaluation_ids, met=False)
        .order_by("criterion__number")
        .values_list("evaluation_id", "criterion__short_name")
    ):
        unmet.setdefault(evaluation_id, []).append(short_name)
    return unmet


SYMBOL_PREFIX = {"sponsorship_plan": "KH", "inspection_report": "BC", "inspection_plan": "KH"}


def default_symbol(agency: Agency, kind: str) -> str:
    """ "Hội CCB tỉnh" → "KH-CCB" (plans), "BC-CCB" (reports): the all-capital words."""
    words = [w for w in (agency.short_name or agency.name).replace("&", "").split() if w.isupper()]
    return f"{SYMBOL_PREFIX[kind]}-{''.join(words) or 'NTM'}"


@dataclass
class InspectionReportContent:
    commune: str
    commune_name: str
    period: str
    inspected_on: str
    participants: str
    met: list[str]
    unmet: list[tuple[str, str]]
    difficulties: str
    proposals: str
    resources: str
    missing: list[str] = field(default_factory=list)


def inspection_report(inspection: Inspection) -> InspectionReportContent:
    """The filed report of one inspection, as a BÁO CÁO kết quả kiểm tra."""
    report = InspectionReport.objects.filter(inspection=inspection).first()
    commune = inspection.assignment.commune
    period = (
        "kiểm tra đột xuất"
        if inspection.kind == Inspection.Kind.AD_HOC
        else (inspection.period.label().lower())
    )
    if report is None:
        return InspectionReportContent(
            commune.place_label(),
            period,
            NO_DATA,
            NO_DATA,
            [],
            [],
            NO_DATA,
            NO_DATA,
            NO_DATA,
            missing=["Đợt kiểm tra chưa có báo cáo của đoàn"],
        )
    findings = list(report.findings.select_related("criterion").order_by("criterion__number"))
    resources = f"{format_number(report.resources_vnd)} đồng"
    if report.resources_in_kind:
        resources += f"; {report.resources_in_kind}"
    return InspectionReportContent(
        commune=_lower_first(commune.place_label()),
        commune_name=_lower_first(commune.name),
        period=period,
        inspected_on=f"{report.inspected_on:%d/%m/%Y}",
        participants=report.participants,
        met=[f.criterion.short_name for f in findings if f.met is True],
        unmet=[(f.criterion.short_name, f.note) for f in findings if f.met is False],
        difficulties=report.difficulties or "Không có.",
        proposals=report.proposals or "Không có.",
        resources=resources,
        missing=[] if findings else ["Xã chưa có đánh giá tiêu chí để đối chiếu"],
    )


def default_narrative(agency: Agency) -> dict:
    return {
        "parent_body": f"UBND {agency.province.name.upper()}",
        "place": agency.province.short_name,
        "purposes": DEFAULT_PURPOSES,
        "tasks": DEFAULT_TASKS,
        "signer_title": "",
        "signer_name": "",
        "recipients": ["Văn phòng Điều phối NTM tỉnh"],
    }


@dataclass
class InspectionPlanContent:
    period: str
    rows: list[tuple[str, str, str, str]]
    team: list[str]
    missing: list[str] = field(default_factory=list)


def inspection_plan(agency: Agency, start, end) -> InspectionPlanContent:
    """The period's inspections of the agency: when, where, in which capacity; and who goes."""
    inspections = (
        Inspection.objects.filter(assignment__agency=agency, due_date__gte=start, due_date__lte=end)
        .exclude(status=Inspection.Status.CANCELLED)
        .select_related("assignment__commune__district")
        .order_by("due_date", "assignment__commune__search_name")
    )
    rows = [
        (
            f"{inspection.due_date:%d/%m/%Y}",
            inspection.assignment.commune.place_label(),
            inspection.assignment.get_kind_display(),
            inspection.get_kind_display(),
        )
        for inspection in inspections
    ]
    team = [
        f"{member.full_name}, {member.position}" if member.position else member.full_name
        for member in agency.steering_team.all()
    ]
    missing = [] if rows else ["Không có đợt kiểm tra nào trong kỳ"]
    if not team:
        missing.append("Cơ quan chưa khai báo ban chỉ đạo")
    label = Period(start, end).label() if start and end else NO_DATA
    return InspectionPlanContent(
        period=label[:1].lower() + label[1:], rows=rows, team=team, missing=missing
    )

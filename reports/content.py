"""What a document says, computed from the portal's data; narrative sections have defaults.

Anything missing (no approved evaluation, no signer) is written "chưa có số liệu" in the
document and listed on its page, so the document always renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch

from communes.models import Commune, District, Province
from criteria.models import CriterionResult, Evaluation
from criteria.rules import unmet_sentence
from ntm_portal.text import format_number, lower_first
from sponsorships.models import Agency, Assignment, AssignmentDecision, Inspection, InspectionReport
from sponsorships.periods import Period

from . import targets
from .charts import Bar, Chart, horizontal_bars
from .issuers import Issuer
from .models import PlanTarget

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


def sponsorship_plan(agency: Agency, on: date | None = None) -> PlanContent:
    """Per-commune objectives from the latest approved evaluations; the inspection regime from
    the kinds of the agency's assignments. `on`: the document's date (places as of then)."""
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
                assignment.get_kind_display(), commune.place_label(on=on), NO_DATA, ""
            )
        else:
            names = unmet.get(evaluation.pk, [])
            objective = CommuneObjective(
                assignment.get_kind_display(),
                commune.place_label(on=on),
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


def _unmet_by_evaluation(evaluation_ids: list[int]) -> dict[int, list[str]]:
    unmet: dict[int, list[str]] = {}
    for evaluation_id, short_name in (
        CriterionResult.objects.filter(evaluation_id__in=evaluation_ids, met=False)
        .order_by("criterion__number")
        .values_list("evaluation_id", "criterion__short_name")
    ):
        unmet.setdefault(evaluation_id, []).append(short_name)
    return unmet


SYMBOL_PREFIX = {
    "sponsorship_plan": "KH",
    "inspection_report": "BC",
    "inspection_plan": "KH",
    "agency_report": "BC",
    "commune_plan": "KH",
    "area_plan": "KH",
}


def default_symbol(issuer: Issuer, kind: str) -> str:
    """ "Hội CCB tỉnh" → "KH-CCB" (plans), "BC-CCB" (reports); People's Committees "KH-UBND"."""
    return f"{SYMBOL_PREFIX[kind]}-{issuer.symbol}"


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


def inspection_report(inspection: Inspection, on: date | None = None) -> InspectionReportContent:
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
            commune.place_label(on=on),
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
        commune=lower_first(commune.place_label(on=on)),
        commune_name=lower_first(commune.name),
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


AREA_BASES = [
    "Căn cứ Quyết định số 263/QĐ-TTg ngày 22/02/2022 của Thủ tướng Chính phủ phê duyệt Chương "
    "trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021 - 2025",
    "Căn cứ Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ ban hành Bộ tiêu "
    "chí quốc gia về xã nông thôn mới và Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai "
    "đoạn 2021 - 2025",
]
# From 2026 (QĐ 51/2025/QĐ-TTg in force from 15/02/2026; its own bases name the programme).
AREA_BASES_2026_2030 = [
    "Căn cứ Nghị quyết số 257/2025/QH15 của Quốc hội phê duyệt chủ trương đầu tư Chương trình "
    "mục tiêu quốc gia xây dựng nông thôn mới, giảm nghèo bền vững và phát triển kinh tế - xã "
    "hội vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2026 - 2035",
    "Căn cứ Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025 của Thủ tướng Chính phủ ban hành Bộ "
    "tiêu chí quốc gia về nông thôn mới giai đoạn 2026 - 2030",
]


def area_bases(year: int | None) -> list[str]:
    """The legal bases of a plan for that year: the criteria of its period."""
    return AREA_BASES_2026_2030 if year and year >= 2026 else AREA_BASES


COMMUNE_PURPOSES = [
    "Tiếp tục duy trì và nâng cao chất lượng các tiêu chí đã đạt; nâng cao chất lượng cuộc sống "
    "của người dân, xây dựng nông thôn mới bền vững.",
]
COMMUNE_TASKS = [
    "Công tác tuyên truyền, vận động: quán triệt các văn bản mới của Trung ương, tỉnh về xây "
    "dựng nông thôn mới đến các thôn và người dân.",
    "Phát triển hạ tầng kinh tế - xã hội: sắp xếp thứ tự ưu tiên các hạng mục thiết yếu gắn với "
    "sản xuất và đời sống người dân.",
    "Phát triển sản xuất, nâng cao thu nhập: xây dựng mô hình liên kết theo chuỗi giá trị.",
    "Huy động nguồn lực: lồng ghép các chương trình, dự án; vận động nhân dân đóng góp theo "
    "nguyên tắc dân chủ, tự nguyện, công khai.",
    "Rà soát, đánh giá thực chất mức độ đạt từng tiêu chí; định kỳ báo cáo tiến độ về Văn phòng "
    "Điều phối nông thôn mới cấp trên.",
]
AREA_PURPOSES = [
    "Phát huy vai trò của cả hệ thống chính trị và các tầng lớp nhân dân, góp phần hoàn thành "
    "các mục tiêu xây dựng nông thôn mới.",
    "Mục tiêu, nhiệm vụ, giải pháp cụ thể, phù hợp với điều kiện thực tế của từng địa phương; "
    "thường xuyên đôn đốc, kiểm tra, giám sát.",
]
AREA_TASKS = [
    "Tập trung chỉ đạo các xã chưa đạt chuẩn hoàn thành các tiêu chí còn thiếu theo lộ trình.",
    "Giữ vững và nâng cao chất lượng các tiêu chí ở các xã đã được công nhận, không để xã nào "
    "có nguy cơ bị thu hồi quyết định công nhận.",
    "Lồng ghép có hiệu quả các nguồn vốn; huy động nguồn lực xã hội hóa.",
]
PEOPLES_COMMITTEE_SIGNER = "TM. Ủy ban nhân dân\nChủ tịch"


def default_narrative(
    issuer: Issuer, kind: str = "sponsorship_plan", year: int | None = None
) -> dict:
    """The editable sections of a new document, with defaults for its kind and issuer."""
    text = {
        "parent_body": issuer.parent_body,
        "place": issuer.place,
        "signer_title": "",
        "signer_name": "",
    }
    match kind:
        case "agency_report":
            text |= {
                "difficulties": DEFAULT_REPORT_DIFFICULTIES,
                "tasks": DEFAULT_REPORT_NEXT,
                "recipients": [
                    "Ban Chỉ đạo các Chương trình MTQG tỉnh",
                    "Văn phòng Điều phối NTM tỉnh",
                ],
            }
        case "commune_plan":
            text |= {
                "subject": f"Triển khai xây dựng nông thôn mới năm {year}",
                "bases": area_bases(year),
                "purposes": COMMUNE_PURPOSES,
                "tasks": COMMUNE_TASKS,
                "signer_title": PEOPLES_COMMITTEE_SIGNER,
                "recipients": [
                    "Ban Chỉ đạo các Chương trình MTQG cấp trên",
                    "Thường trực Đảng ủy, HĐND xã",
                    "Các thành viên Ban quản lý xây dựng nông thôn mới xã",
                ],
            }
        case "area_plan":
            text |= {
                "subject": f"Xây dựng nông thôn mới năm {year}",
                "bases": area_bases(year),
                "purposes": AREA_PURPOSES,
                "tasks": AREA_TASKS,
                "signer_title": PEOPLES_COMMITTEE_SIGNER,
                "recipients": [
                    "Ban Chỉ đạo các Chương trình MTQG cấp trên",
                    "Văn phòng Điều phối nông thôn mới cấp trên",
                    "UBND các xã",
                ],
            }
        case _:
            text |= {
                "purposes": DEFAULT_PURPOSES,
                "tasks": DEFAULT_TASKS,
                "recipients": ["Văn phòng Điều phối NTM tỉnh"],
            }
    return text


@dataclass
class InspectionPlanContent:
    period: str
    rows: list[tuple[str, str, str, str]]
    team: list[str]
    missing: list[str] = field(default_factory=list)


def inspection_plan(agency: Agency, start, end, on: date | None = None) -> InspectionPlanContent:
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
            inspection.assignment.commune.place_label(on=on),
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
    return InspectionPlanContent(period=lower_first(label), rows=rows, team=team, missing=missing)


# ---------------------------------------------------------------- six-monthly agency report --

DEFAULT_REPORT_DIFFICULTIES = [
    "Nguồn lực hỗ trợ các xã còn hạn chế; một số tiêu chí khó (thu nhập, hộ nghèo, môi trường) "
    "cần thời gian và nguồn vốn lớn để hoàn thành.",
]
DEFAULT_REPORT_NEXT = [
    "Tiếp tục kiểm tra, đôn đốc các xã được phân công theo đúng chế độ đã đề ra.",
    "Phối hợp với UBND các xã rà soát, xây dựng lộ trình hoàn thành các tiêu chí chưa đạt.",
]


@dataclass
class CommuneProgress:
    place: str
    before: str
    after: str
    unmet: str


@dataclass
class AgencyReportContent:
    period: str
    planned: int
    done: int
    on_time: int
    overdue: int
    inspections: list[tuple[str, str, str, str]]
    progress: list[CommuneProgress]
    chart: Chart | None
    resources: str
    resources_in_kind: list[str]
    communes: list[str]
    missing: list[str] = field(default_factory=list)


def agency_report(
    agency: Agency, start: date, end: date, on: date | None = None
) -> AgencyReportContent:
    """The agency's half-year: its inspections, its communes' progress (criteria met at the start
    of the half and now, with a chart), and the resources it mobilised."""
    inspections = list(
        Inspection.objects.filter(assignment__agency=agency, due_date__gte=start, due_date__lte=end)
        .exclude(status=Inspection.Status.CANCELLED)
        .select_related("assignment__commune", "report")
        .order_by("due_date", "assignment__commune__search_name")
    )
    done = [i for i in inspections if i.status == Inspection.Status.DONE]
    on_time = [i for i in done if hasattr(i, "report") and i.report.inspected_on <= i.due_date]
    overdue = [i for i in inspections if i.overdue_since is not None and i not in done]
    rows = [
        (
            f"{i.due_date:%d/%m/%Y}",
            i.assignment.commune.place_label(on=on),
            i.get_kind_display(),
            i.get_status_display()
            + (" (quá hạn)" if i.overdue_since and i.status != Inspection.Status.DONE else ""),
        )
        for i in inspections
    ]
    reports = [
        i.report
        for i in inspections
        if hasattr(i, "report") and i.report.status != InspectionReport.Status.DRAFT
    ]
    total_vnd = sum((r.resources_vnd or Decimal(0) for r in reports), Decimal(0))
    in_kind = [
        f"{lower_first(r.inspection.assignment.commune.name)}: {r.resources_in_kind}"
        for r in reports
        if r.resources_in_kind
    ]
    progress, chart, missing = _communes_progress(agency, start, end, on)
    if not inspections:
        missing.append("Không có đợt kiểm tra nào trong kỳ")
    label = Period(start, end).label()
    return AgencyReportContent(
        period=lower_first(label),
        planned=len(inspections),
        done=len(done),
        on_time=len(on_time),
        overdue=len(overdue),
        inspections=rows,
        progress=progress,
        chart=chart,
        resources=f"{format_number(total_vnd)} đồng" if reports else NO_DATA,
        resources_in_kind=in_kind,
        communes=[p.place for p in progress],
        missing=missing,
    )


def _communes_progress(
    agency: Agency, start: date, end: date, on: date | None = None
) -> tuple[list[CommuneProgress], Chart | None, list[str]]:
    assignments = list(
        agency.assignments.filter(start__lte=end)
        .exclude(end__lt=start)
        .select_related("commune__district")
        .order_by("commune__search_name")
    )
    communes = [a.commune for a in assignments]
    evaluations = (
        Evaluation.objects.approved()
        .of_communes()
        .filter(commune__in=communes, period_end__lte=end)
        .latest_first()
    )
    before: dict[int, Evaluation] = {}
    after: dict[int, Evaluation] = {}
    for evaluation in evaluations:
        after.setdefault(evaluation.commune_id, evaluation)
        if evaluation.period_end < start:
            before.setdefault(evaluation.commune_id, evaluation)
    unmet = _unmet_by_evaluation([e.pk for e in after.values()])
    progress, bars, missing = [], [], []
    for commune in communes:
        now, then = after.get(commune.pk), before.get(commune.pk)
        if now is None:
            missing.append(f"{commune.name}: chưa có đánh giá đã duyệt")
        progress.append(
            CommuneProgress(
                place=commune.place_label(on=on),
                before=_tally(then),
                after=_tally(now),
                unmet=unmet_sentence(unmet.get(now.pk, [])) if now else "",
            )
        )
        if now is not None:
            bars.append(Bar(commune.name, now.met_count, now.criteria_count))
    chart = (
        horizontal_bars(
            title="Số tiêu chí đạt của các xã",
            bars=bars,
            summary="Số tiêu chí nông thôn mới đạt của từng xã theo đánh giá đã duyệt gần nhất: "
            + "; ".join(f"{b.label} {b.value}/{b.total}" for b in bars),
        )
        if bars
        else None
    )
    if not assignments:
        missing.append("Cơ quan chưa được phân công xã nào trong kỳ")
    return progress, chart, missing


def _tally(evaluation: Evaluation | None) -> str:
    if evaluation is None:
        return NO_DATA
    return f"{evaluation.met_count}/{evaluation.criteria_count}"


# ---------------------------------------------------------------- plans of an area and targets --


@dataclass
class TargetLine:
    pk: int
    label: str
    target: str
    actual: str
    reached: bool | None


@dataclass
class AreaPlanContent:
    year: int
    area_name: str
    targets: list[TargetLine]
    communes_total: int
    communes_recognised: int
    recognised_share: str
    average_criteria: str
    villages: str
    unmet_criteria: list[str]
    unmet_villages: list[str]
    tally: str
    missing: list[str] = field(default_factory=list)


def area_plan(area: Commune | District | Province, year: int) -> AreaPlanContent:
    """A commune's annual plan (seeds 001, 002) or a district's or province's (seed 003):
    objectives computed from the data, and the entered targets next to their actual figures."""
    figures = targets.area_figures(area)
    lines = []
    missing = list(figures.missing)
    for target in PlanTarget.objects.for_area(area).filter(year=year):
        actual = targets.actual_of(target, figures)
        lines.append(
            TargetLine(
                pk=target.pk,
                label=targets.target_sentence(target),
                target=f"{format_number(target.target)} {target.unit}".replace(" %", "%"),
                actual=(
                    f"{format_number(actual)} {target.unit}".replace(" %", "%")
                    if actual is not None
                    else NO_DATA
                ),
                reached=None if actual is None else actual >= target.target,
            )
        )
    if not lines:
        missing.append(f"Chưa nhập chỉ tiêu kế hoạch năm {year}")
    return AreaPlanContent(
        year=year,
        area_name=lower_first(area.name),
        targets=lines,
        communes_total=figures.communes,
        communes_recognised=figures.recognised,
        recognised_share=(
            f"{format_number(figures.recognised_share)}%"
            if figures.recognised_share is not None
            else NO_DATA
        ),
        average_criteria=(
            format_number(figures.average_criteria)
            if figures.average_criteria is not None
            else NO_DATA
        ),
        villages=(
            f"{figures.villages_met}/{figures.villages} thôn đạt chuẩn nông thôn mới"
            if figures.villages
            else NO_DATA
        ),
        unmet_criteria=figures.unmet_criteria,
        unmet_villages=figures.unmet_villages,
        tally=(
            f"đạt {figures.criteria_met}/{figures.criteria_count} tiêu chí"
            if figures.criteria_count
            else NO_DATA
        ),
        missing=missing,
    )

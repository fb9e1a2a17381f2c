"""What a document says, computed from the portal's data as it stood on the document's date;
the narrative sections have defaults that the issuer edits.

Anything missing (no approved evaluation, no signer) is written "chưa có số liệu" in the
document and listed on its page, so the document always renders. A figure older than the
document's period says which year it is from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q

from communes.models import Commune, District, Province
from criteria.groups import group_on
from criteria.models import CriteriaSet, CriterionResult, Evaluation, Recognition, Threshold
from criteria.rules import tally_phrase, unmet_sentence
from ntm_portal.text import fold, format_number, lower_first, place_in_text, place_kind_word
from sponsorships.models import Agency, Assignment, Inspection, InspectionReport
from sponsorships.periods import Period

from . import targets
from .charts import Bar, Chart, horizontal_bars
from .issuers import DISTRICTS_ENDED, Issuer
from .kinds.registry import kind_for, plan_kinds
from .models import Document, LegalDocument, OrganisationUnit, PlanTarget

NO_DATA = "chưa có số liệu"
FREQUENCY_WORDS = {"quarter": "Hàng quý", "half_year": "6 tháng"}
Kind = Document.Kind


def two_digits(count: int) -> str:
    """ "02 thôn", "03 tiêu chí", "10 tiêu chí": how the plans write small counts."""
    return f"{count:02d}" if 0 < count < 10 else str(count)


def stale_label(period_end: date | None, period_start: date) -> str:
    """ "(số liệu năm 2020)" for a figure from before the document's period: never shown as
    current."""
    if period_end is None or period_end >= period_start:
        return ""
    return f"(số liệu năm {period_end.year})"


def target_phrase(level: str, year: int | None, plan_year: int | None = None) -> str:
    """ "đạt chuẩn nông thôn mới đến năm 2021", "đạt chuẩn nông thôn mới kiểu mẫu". A target
    whose year is before the plan's is history, not a target: "" (issue 26: a 2026 plan
    printed "đạt chuẩn nông thôn mới đến năm 2021")."""
    if not level:
        return ""
    if year and plan_year and year < plan_year:
        return ""
    phrase = lower_first(str(Recognition.Level(level).label))
    return f"{phrase} đến năm {year}" if year else phrase


# Names that stand in for a signer nobody recorded (a seed that gives none): never printed as
# if someone signed (issue 26); the signature block says the name is missing instead.
PLACEHOLDER_SIGNERS = frozenset(
    fold(name)
    for name in ("Nguyễn Văn A", "Nguyễn Văn B", "Nguyễn Thị A", "Trần Văn A", "Trần Văn B")
)


def signer_name(signatory) -> str:
    """The signer's name as printed, "" when there is none or only a placeholder."""
    if signatory is None or fold(signatory.full_name) in PLACEHOLDER_SIGNERS:
        return ""
    return signatory.full_name


def evaluation_tally(evaluation: Evaluation | None) -> str:
    """ "đạt 3/10 tiêu chí, 7 chưa xác định", or NO_DATA."""
    if evaluation is None:
        return NO_DATA
    return (
        tally_phrase(evaluation.met_count, evaluation.criteria_count, evaluation.undecided_count)
        or NO_DATA
    )


def group_words(evaluation: Evaluation | None, commune_id: int | None = None) -> str:
    """ "ngưỡng nhóm 2": the commune group whose thresholds a QĐ 51 result was measured by (on
    the evaluation's reference day), "chưa có quyết định phân nhóm xã" when none applied; ""
    for a set whose thresholds do not depend on the group."""
    if evaluation is None:
        return ""
    grouped = Threshold.objects.filter(
        indicator__criterion__criteria_set_id=evaluation.criteria_set_id,
        commune_group__isnull=False,
    ).exists()
    if not grouped:
        return ""
    group = group_on(commune_id or evaluation.commune_id, evaluation.reference_day)
    return f"ngưỡng nhóm {group}" if group else "chưa có quyết định phân nhóm xã"


def plan_opening(issuer: Issuer, subject: str) -> str:
    """The sentence before section I, as the seeds write it: "Ủy ban nhân dân huyện Tam Đường
    xây dựng Kế hoạch triển khai thực hiện cuộc vận động … trên địa bàn huyện năm 2020, như
    sau:" (seed 003). The subject keeps its capitals after its first word; a subject that
    starts "Xây dựng" is introduced by "ban hành" so that no word is doubled; the issuer's own
    area is named by its common noun alone ("trên địa bàn tỉnh")."""
    subject = " ".join(subject.split()).rstrip(".:; ")
    first = subject.partition(" ")[0]
    # Only an ordinary first word changes case; a name in capitals ("NTM") stays.
    if first and not first.isupper():
        subject = lower_first(subject)
    verb = "ban hành" if fold(subject).startswith("xay dung") else "xây dựng"
    area = issuer.area
    if area is not None:
        own = place_in_text(area.name)
        word = place_kind_word(area.name)
        if word:
            subject = subject.replace(f"trên địa bàn {own}", f"trên địa bàn {word}")
    return f"{issuer.name_in_text} {verb} Kế hoạch {subject} như sau:"


# ---------------------------------------------------------------- an agency's sponsorship plan --


@dataclass
class CommuneObjective:
    kind: str
    kind_label: str
    place: str  # "Xã Ba Tầng - huyện Hướng Hóa"
    name: str  # "xã Ba Tầng", inside a sentence
    tally: str  # "đạt 9/19 tiêu chí", or NO_DATA
    met: int | None
    total: int | None
    unmet: str  # "Còn 10 tiêu chí chưa đạt gồm: …"
    unmet_count: int
    support: list[str]  # the criteria the agency supports
    target: str  # "đạt chuẩn nông thôn mới đến năm 2021"
    # True: a recognition in force; False: known not to be (none in force while a criterion
    # fails, or one recorded and revoked); None: unknown (all met and nothing recorded), so the
    # plan neither lists it as "chưa đạt chuẩn" nor as "đã đạt chuẩn" (issue 26).
    recognised: bool | None
    source: str  # "theo kết quả đánh giá đến 30/06/2020"
    stale: str  # "(số liệu năm 2020)"

    @property
    def support_sentence(self) -> str:
        """Seed 004: "Hỗ trợ xã Gio Mai hoàn thiện các tiêu chí chưa đạt (giao thông, cơ sở vật
        chất văn hóa), đưa xã Gio Mai đạt chuẩn nông thôn mới đến năm 2021"."""
        if self.support:
            words = (
                f"Hỗ trợ {self.name} hoàn thiện các tiêu chí chưa đạt ({', '.join(self.support)})"
            )
        elif self.recognised or self.met == self.total:
            words = f"Hỗ trợ {self.name} nâng cao chất lượng các tiêu chí nông thôn mới"
        else:
            words = f"Hỗ trợ {self.name} thực hiện các tiêu chí nông thôn mới"
        if self.target:
            words += f", đưa {self.name} {self.target}"
        return words


@dataclass
class TeamMember:
    full_name: str
    position: str
    role: str
    is_head: bool


@dataclass
class PlanContent:
    as_of: date
    sponsored: list[CommuneObjective] = field(default_factory=list)
    supervised: list[CommuneObjective] = field(default_factory=list)
    regime: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)  # "Thuận", for the recipients
    districts: list[str] = field(default_factory=list)
    team: list[TeamMember] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def objectives(self) -> list[CommuneObjective]:
        return self.sponsored + self.supervised

    @property
    def not_recognised(self) -> list[str]:
        return [o.name for o in self.objectives if o.recognised is False]

    @property
    def recognised(self) -> list[str]:
        return [o.name for o in self.objectives if o.recognised is True]

    @property
    def team_head(self) -> TeamMember | None:
        return next((m for m in self.team if m.is_head), None)


def sponsorship_plan(agency: Agency, as_of: date, period_start: date | None = None) -> PlanContent:
    """Per-commune objectives from the latest approved evaluations of periods ended by `as_of`,
    the assignments' targets and criteria to support, the steering team, and the inspection
    regime from the kinds of the agency's assignments active that day."""
    period_start = period_start or date(as_of.year, 1, 1)
    assignments = list(
        agency.assignments.active_on(as_of)
        .select_related("commune__district", "commune__province")
        .prefetch_related(
            Prefetch(
                "commune__evaluations",
                queryset=Evaluation.objects.approved()
                .of_communes()
                .filter(period_end__lte=as_of)
                .latest_first(),
                to_attr="approved",
            ),
            "criteria_to_support",
        )
        .order_by("kind", "commune__search_name")
    )
    content = PlanContent(as_of=as_of)
    latest = {a.commune_id: a.commune.approved[0] for a in assignments if a.commune.approved}
    unmet = _unmet_by_evaluation([evaluation.pk for evaluation in latest.values()])
    recognised = set(
        targets.recognised_on(as_of)
        .filter(commune__in=[a.commune_id for a in assignments])
        .values_list("commune_id", flat=True)
    )
    recorded = set(
        Recognition.objects.filter(
            commune__in=[a.commune_id for a in assignments], decision_date__lte=as_of
        ).values_list("commune_id", flat=True)
    )
    for assignment in assignments:
        commune = assignment.commune
        evaluation = latest.get(commune.pk)
        names = unmet.get(evaluation.pk, []) if evaluation else []
        support = [c.short_name for c in assignment.criteria_to_support.all()] or names
        if evaluation is None:
            content.missing.append(f"{commune.name}: chưa có đánh giá đã duyệt")
        objective = CommuneObjective(
            kind=assignment.kind,
            kind_label=assignment.get_kind_display(),
            place=commune.place_label(on=as_of),
            name=place_in_text(commune.name),
            tally=evaluation_tally(evaluation),
            met=evaluation.met_count if evaluation else None,
            total=evaluation.criteria_count if evaluation else None,
            unmet=unmet_sentence(names) if names else "",
            unmet_count=len(names),
            support=support,
            target=target_phrase(
                assignment.target_level, assignment.target_year, period_start.year
            ),
            recognised=_standing(commune.pk, evaluation, recognised, recorded),
            source=", ".join(
                part
                for part in (
                    f"theo kết quả đánh giá đến {evaluation.period_end:%d/%m/%Y}"
                    if evaluation
                    else "",
                    group_words(evaluation, commune.pk),
                )
                if part
            ),
            stale=stale_label(evaluation.period_end if evaluation else None, period_start),
        )
        (
            content.sponsored
            if assignment.kind == Assignment.Kind.SPONSORED
            else content.supervised
        ).append(objective)
        content.communes.append(commune.short_name)
        if commune.district and commune.district.short_name not in content.districts:
            content.districts.append(commune.district.short_name)
    for kind, label in Assignment.Kind.choices:
        if any(a.kind == kind for a in assignments):
            frequency = Assignment.INSPECTION_FREQUENCY[kind]
            content.regime.append(f"{FREQUENCY_WORDS[frequency]} kiểm tra xã {label.lower()} 1 lần")
    content.team = [
        TeamMember(m.full_name, m.position, m.team_role, m.is_head)
        for m in agency.steering_team.all()
    ]
    if not assignments:
        content.missing.append(f"Cơ quan chưa được phân công xã nào vào ngày {as_of:%d/%m/%Y}")
    if not content.team:
        content.missing.append("Cơ quan chưa khai báo ban chỉ đạo")
    return content


def _standing(
    commune_id: int, evaluation: Evaluation | None, recognised: set[int], recorded: set[int]
) -> bool | None:
    """Whether the xã is recognised, as far as the data says (see CommuneObjective)."""
    if commune_id in recognised:
        return True
    if commune_id in recorded:
        return False
    if evaluation is not None and evaluation.met_count < evaluation.criteria_count:
        return False
    return None


def _unmet_by_evaluation(evaluation_ids: list[int]) -> dict[int, list[str]]:
    unmet: dict[int, list[str]] = {}
    for evaluation_id, short_name in (
        CriterionResult.objects.filter(evaluation_id__in=evaluation_ids, met=False)
        .order_by("criterion__number")
        .values_list("evaluation_id", "criterion__short_name")
    ):
        unmet.setdefault(evaluation_id, []).append(short_name)
    return unmet


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
    plan: str = ""  # "Kế hoạch số 147/KH-SNNMT ngày 12/01/2026", the plan carried out
    missing: list[str] = field(default_factory=list)


def inspection_report(inspection: Inspection, on: date | None = None) -> InspectionReportContent:
    """The filed report of one inspection, as a BÁO CÁO kết quả kiểm tra; `on`: the
    document's date (no district named after 30/06/2025)."""
    report = InspectionReport.objects.filter(inspection=inspection).first()
    commune = inspection.assignment.commune
    period = (
        "kiểm tra đột xuất"
        if inspection.kind == Inspection.Kind.AD_HOC
        else inspection.period.document_label()
    )
    plan = carried_out_plan(inspection.assignment.agency, inspection.due_date, on)
    plan_line = plan_citation(plan)
    if report is None:
        return InspectionReportContent(
            place_in_text(commune.place_label(on=on)),
            place_in_text(commune.name),
            period,
            NO_DATA,
            NO_DATA,
            [],
            [],
            NO_DATA,
            NO_DATA,
            NO_DATA,
            plan=plan_line,
            missing=["Đợt kiểm tra chưa có báo cáo của đoàn"],
        )
    findings = list(report.findings.select_related("criterion").order_by("criterion__number"))
    resources = f"{format_number(report.resources_vnd)} đồng"
    if report.resources_in_kind:
        resources += f"; {report.resources_in_kind}"
    return InspectionReportContent(
        commune=place_in_text(commune.place_label(on=on)),
        commune_name=place_in_text(commune.name),
        period=period,
        inspected_on=f"{report.inspected_on:%d/%m/%Y}",
        participants=report.participants,
        met=[f.criterion.short_name for f in findings if f.met is True],
        unmet=[(f.criterion.short_name, f.note) for f in findings if f.met is False],
        difficulties=report.difficulties or "Không có.",
        proposals=report.proposals or "Không có.",
        resources=resources,
        plan=plan_line,
        missing=([] if findings else ["Xã chưa có đánh giá tiêu chí để đối chiếu"])
        + ([] if plan else [PLAN_NOT_ISSUED]),
    )


PLAN_NOT_ISSUED = (
    "Chưa có kế hoạch đỡ đầu, phụ trách (hoặc kế hoạch kiểm tra) đã ban hành cho kỳ này"
)


def carried_out_plan(agency: Agency, day: date, on: date | None = None) -> Document | None:
    """The agency's issued plan an inspection carries out, from its register: the inspection
    plan whose period holds the inspection's day, else its sponsorship plan for that year;
    issued by the document's date."""
    issued = Document.objects.filter(issuer=agency, state=Document.State.ISSUED)
    if on is not None:
        issued = issued.filter(issued_on__lte=on)
    return (
        issued.filter(kind=Kind.INSPECTION_PLAN, period_start__lte=day, period_end__gte=day)
        .order_by("-issued_on", "-pk")
        .first()
        or issued.filter(kind=Kind.SPONSORSHIP_PLAN, issued_on__year=day.year)
        .order_by("-issued_on", "-pk")
        .first()
        or issued.filter(kind=Kind.SPONSORSHIP_PLAN, issued_on__lte=day)
        .order_by("-issued_on", "-pk")
        .first()
    )


def plan_citation(plan: Document | None) -> str:
    """ "Kế hoạch số 147/KH-SNNMT ngày 12/01/2026", as the report's "Thực hiện" line."""
    if plan is None:
        return ""
    return f"Kế hoạch số {plan.number_label} ngày {plan.issued_on:%d/%m/%Y}"


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
    label = Period(start, end).document_label() if start and end else NO_DATA
    return InspectionPlanContent(period=label, rows=rows, team=team, missing=missing)


# ---------------------------------------------------------------- six-monthly agency report --


@dataclass
class CommuneProgress:
    place: str
    short_name: str
    before: str
    after: str
    unmet: str
    # Said when the criteria set changed in the half-year: each end is against its own set.
    note: str = ""


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
        f"{place_in_text(r.inspection.assignment.commune.name)}: {r.resources_in_kind}"
        for r in reports
        if r.resources_in_kind
    ]
    progress, chart, missing = _communes_progress(agency, start, end, on)
    if not inspections:
        missing.append("Không có đợt kiểm tra nào trong kỳ")
    return AgencyReportContent(
        period=Period(start, end).document_label(),
        planned=len(inspections),
        done=len(done),
        on_time=len(on_time),
        overdue=len(overdue),
        inspections=rows,
        progress=progress,
        chart=chart,
        resources=f"{format_number(total_vnd)} đồng" if reports else NO_DATA,
        resources_in_kind=in_kind,
        communes=[p.short_name for p in progress],
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
        .select_related("criteria_set")
        .latest_first()
    )
    after: dict[int, Evaluation] = {}
    earlier: dict[int, list[Evaluation]] = {}
    for evaluation in evaluations:
        after.setdefault(evaluation.commune_id, evaluation)
        if evaluation.period_end < start:
            earlier.setdefault(evaluation.commune_id, []).append(evaluation)
    unmet = _unmet_by_evaluation([e.pk for e in after.values()])
    progress, bars, missing = [], [], []
    for commune in communes:
        now = after.get(commune.pk)
        then = _start_of_half(earlier.get(commune.pk, []), now)
        changed = (
            then is not None and now is not None and then.criteria_set_id != now.criteria_set_id
        )
        progress.append(
            CommuneProgress(
                place=commune.place_label(on=on),
                short_name=commune.short_name,
                # Two sets are never put in one comparison: each end names its own.
                before=_tally(then, with_set=changed),
                after=_tally(now, with_set=changed),
                unmet=unmet_sentence(unmet.get(now.pk, [])) if now else "",
                note=f"đổi bộ tiêu chí trong kỳ (từ {then.criteria_set.name} sang "
                f"{now.criteria_set.name}): đầu kỳ và cuối kỳ không so sánh được với nhau"
                if changed
                else "",
            )
        )
        if now is None:
            missing.append(f"{commune.name}: chưa có đánh giá đã duyệt")
        if now is not None:
            bars.append((now.criteria_set, Bar(commune.name, now.met_count, now.criteria_count)))
    # One set per chart: with communes on different sets, the chart shows the newest set's and
    # says so; the others are in the table, each against its own set.
    newest = max((s for s, _ in bars), key=lambda s: (s.valid_from, s.pk), default=None)
    shown = [bar for criteria_set, bar in bars if criteria_set == newest]
    note = (
        f" (theo {newest.code}; xã đánh giá theo bộ khác xem bảng)"
        if len(shown) < len(bars)
        else ""
    )
    chart = (
        horizontal_bars(
            title="Số tiêu chí đạt của các xã",
            bars=shown,
            summary="Số tiêu chí nông thôn mới đạt của từng xã theo đánh giá đã duyệt gần nhất"
            + note
            + ": "
            + "; ".join(f"{b.label} {b.value}/{b.total}" for b in shown),
        )
        if shown
        else None
    )
    if not assignments:
        missing.append("Cơ quan chưa được phân công xã nào trong kỳ")
    return progress, chart, missing


def _start_of_half(earlier: list[Evaluation], now: Evaluation | None) -> Evaluation | None:
    """The commune's standing at the start of the half (its approved evaluations before it,
    latest first): against the set of `now` when there is one, else the latest of any set."""
    if now is not None:
        same = next((e for e in earlier if e.criteria_set_id == now.criteria_set_id), None)
        if same is not None:
            return same
    return earlier[0] if earlier else None


def _tally(evaluation: Evaluation | None, with_set: bool = False) -> str:
    tally = evaluation_tally(evaluation)
    if evaluation is None:
        return tally
    # People read the set's name; its code is the rosters' key, not words for a document.
    notes = [evaluation.criteria_set.name] if with_set else []
    notes += [words for words in (group_words(evaluation),) if words]
    return f"{tally} ({'; '.join(notes)})" if notes else tally


# ---------------------------------------------------------------- plans of an area and targets --


@dataclass
class TargetLine:
    pk: int
    item: int | None
    sentence: str  # "Có 61,5% số xã đạt chuẩn nông thôn mới"
    target: str  # "61,5%"
    actual: str  # "46,2%", or NO_DATA
    source: str  # "6/13 xã, theo quyết định công nhận đến 10/03/2020"
    reached: bool | None
    computed: bool
    judgement: str = ""  # "Đạt", "Chưa đạt", "Chưa đánh giá được (7/69 xã có số liệu)"


@dataclass
class AreaPlanContent:
    year: int
    as_of: date
    area_name: str  # "huyện Tam Đường", inside a sentence
    is_commune: bool
    figures: targets.AreaFigures
    targets: list[TargetLine]
    numbered: list[str]  # one line per target item: "61,5% số xã …; …"
    recognised_share: str
    average: str  # "bình quân 10 tiêu chí/xã, tính trên 2/19 xã có số liệu"
    villages: str
    unmet_criteria: list[str]
    unmet_villages: list[str]
    planned_villages: list[str]  # "thôn Tứ", the villages to bring to the standard this year
    villages_goal: int | None  # how many villages should meet it at the year's end
    tally: str
    source: str  # "theo kết quả đánh giá đến 31/12/2022"
    stale: str
    missing: list[str] = field(default_factory=list)

    @property
    def results_sentence(self) -> str:
        """ "có 0/69 xã đạt chuẩn nông thôn mới (0% số xã); bình quân 8,4 tiêu chí/xã, tính trên
        7/69 xã có số liệu": each figure only from data, and saying how much is known."""
        figures = self.figures
        parts = [
            f"có {figures.recognised}/{figures.communes} xã đạt chuẩn nông thôn mới "
            f"({self.recognised_share} số xã)"
            if figures.recognitions_recorded
            else "số xã đạt chuẩn nông thôn mới: chưa ghi nhận quyết định công nhận nào"
        ]
        if figures.average_criteria is None:
            parts.append(f"bình quân tiêu chí/xã: {NO_DATA}")
        else:
            parts.append(self.average)
        return "; ".join(parts)

    @property
    def villages_sentence(self) -> str:
        """Seed 001: "Phấn đấu năm 2023 xã có 02 thôn về đích thôn nông thôn mới (thôn Tứ,
        thôn Khánh), đưa tổng số 13/13 thôn đạt chuẩn thôn nông thôn mới"."""
        if not self.planned_villages:
            return ""
        goal = self.villages_goal or self.figures.villages_met + len(self.planned_villages)
        return (
            f"Phấn đấu năm {self.year} xã có {two_digits(len(self.planned_villages))} thôn về đích "
            f"thôn nông thôn mới ({', '.join(self.planned_villages)}), đưa tổng số "
            f"{goal}/{self.figures.villages} thôn đạt chuẩn thôn nông thôn mới"
        )


def area_plan(
    area: Commune | District | Province, year: int, as_of: date, kind: str = ""
) -> AreaPlanContent:
    """A commune's plan (seeds 001, 002) or a district's or province's (seed 003): objectives
    computed from the data as of `as_of`, and the entered targets next to their actual figures
    and what those are computed from."""
    figures = targets.area_figures(area, as_of)
    lines: list[TargetLine] = []
    missing = list(figures.missing)
    planned: list[str] = []
    goal = None
    year_targets = (
        PlanTarget.objects.for_area(area)
        .filter(year=year)
        .filter(Q(plan_kind="") | Q(plan_kind=kind))
        .prefetch_related("villages")
    )
    for target in year_targets:
        actual = targets.actual_of(target, figures)
        computed = target.measure != PlanTarget.Measure.OTHER
        lines.append(
            TargetLine(
                pk=target.pk,
                item=target.item,
                sentence=targets.target_sentence(target),
                target=targets.figure(target.target, target.unit),
                actual=targets.figure(actual, target.unit) if actual is not None else NO_DATA,
                source=targets.source_of(target, figures),
                reached=targets.reached(target, actual)
                if targets.judgement(target, actual, figures) in ("Đạt", "Chưa đạt")
                else None,
                computed=computed,
                judgement=targets.judgement(target, actual, figures),
            )
        )
        if target.measure == PlanTarget.Measure.VILLAGES_MET:
            goal = int(target.target)
            planned = [place_in_text(v.name) for v in target.villages.all()] or [
                place_in_text(name) for name in figures.unmet_villages
            ]
    if not lines:
        missing.append(f"Chưa nhập chỉ tiêu kế hoạch năm {year}")
    numbered: dict[int, list[str]] = {}
    for position, line in enumerate(lines, start=1):
        numbered.setdefault(line.item or 1000 + position, []).append(line.sentence)
    period_start = date(year, 1, 1)
    return AreaPlanContent(
        year=year,
        as_of=as_of,
        area_name=place_in_text(area.name),
        is_commune=isinstance(area, Commune),
        figures=figures,
        targets=lines,
        numbered=["; ".join(sentences) for _, sentences in sorted(numbered.items())],
        recognised_share=(
            f"{format_number(figures.recognised_share)}%"
            if figures.recognised_share is not None
            else NO_DATA
        ),
        average=figures.average_sentence or NO_DATA,
        villages=(
            f"{figures.villages_met}/{figures.villages} thôn đạt chuẩn nông thôn mới"
            if figures.villages
            else NO_DATA
        ),
        unmet_criteria=figures.unmet_criteria,
        unmet_villages=[place_in_text(name) for name in figures.unmet_villages],
        planned_villages=planned,
        villages_goal=goal,
        tally=tally_phrase(figures.criteria_met, figures.criteria_count, figures.criteria_undecided)
        or NO_DATA,
        source=figures.evaluated_sentence,
        stale=stale_label(figures.evaluated_until, period_start),
        missing=missing,
    )


# ---------------------------------------------------------------- narrative defaults --

SPONSORSHIP_PURPOSES = [
    "Phát huy vai trò của cả hệ thống chính trị và toàn xã hội, tổ chức thực hiện đồng bộ, hiệu "
    "quả các nhiệm vụ, giải pháp xây dựng nông thôn mới ở các xã được phân công.",
    "Bảo đảm sự phối hợp chặt chẽ giữa các sở, ban, ngành và địa phương liên quan nhằm tháo gỡ "
    "những khó khăn, vướng mắc trong quá trình xây dựng nông thôn mới của các xã được phân công "
    "đỡ đầu, phụ trách.",
]
SPONSORSHIP_OBJECTIVE = [
    "Chỉ đạo các xã tiếp tục giữ vững và nâng cao chất lượng các tiêu chí đã đạt được trong xây "
    "dựng nông thôn mới; phát huy sức mạnh tổng hợp của cả hệ thống chính trị, các tổ chức, cá "
    "nhân và các thành phần kinh tế chung sức xây dựng các tiêu chí còn lại đạt chỉ tiêu, kế "
    "hoạch đề ra.",
]
SPONSORSHIP_TASKS = [
    "Rà soát, đánh giá kết quả thực hiện các tiêu chí nông thôn mới của các xã theo định kỳ 6 "
    "tháng, hằng năm và đột xuất khi cần thiết; xác định nhu cầu, nội dung cần hỗ trợ.",
    "Huy động, lồng ghép các nguồn lực từ các chương trình, dự án và các nguồn huy động khác để "
    "hỗ trợ các xã xây dựng nông thôn mới theo lộ trình.",
    "Theo dõi, kiểm tra, giám sát và hướng dẫn việc triển khai các cơ chế, chính sách; phối hợp "
    "tháo gỡ khó khăn, vướng mắc của các xã.",
]
COMMUNE_OBJECTIVE = [
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
    "Rà soát, đánh giá thực chất mức độ đạt từng tiêu chí; định kỳ báo cáo tiến độ về cơ quan "
    "điều phối nông thôn mới cấp trên.",
]
ADVANCED_OBJECTIVE = [
    "Tranh thủ nguồn lực và sức mạnh của cả hệ thống chính trị và toàn xã hội tham gia thực hiện "
    "chương trình xây dựng nông thôn mới nâng cao; giữ vững và nâng cao chất lượng các tiêu chí "
    "nông thôn mới.",
    "Tiếp tục thực hiện tốt các chính sách giảm nghèo để cải thiện điều kiện sống của người "
    "nghèo, giúp người nghèo tiếp cận thuận lợi các dịch vụ xã hội cơ bản.",
]
ADVANCED_TASKS = [
    "Về chương trình xây dựng nông thôn mới nâng cao: hạ tầng kinh tế - xã hội; phát triển kinh "
    "tế nông thôn; giáo dục - y tế - văn hóa; cảnh quan môi trường; quốc phòng, an ninh - hành "
    "chính công.",
    "Về chương trình giảm nghèo bền vững: hỗ trợ sản xuất, dạy nghề, tạo việc làm; thực hiện các "
    "chính sách hỗ trợ hộ nghèo về dân sinh và tiếp cận dịch vụ xã hội.",
]
AREA_PURPOSES = [
    "Phát huy vai trò của cả hệ thống chính trị và các tầng lớp nhân dân, góp phần hoàn thành "
    "các mục tiêu xây dựng nông thôn mới.",
]
AREA_REQUIREMENTS = [
    "Mục tiêu, nhiệm vụ, giải pháp cụ thể, phù hợp với điều kiện thực tế của từng địa phương; "
    "thường xuyên đôn đốc, kiểm tra, giám sát.",
]
AREA_TASKS = [
    "Tập trung chỉ đạo các xã chưa đạt chuẩn hoàn thành các tiêu chí còn thiếu theo lộ trình.",
    "Giữ vững và nâng cao chất lượng các tiêu chí ở các xã đã được công nhận, không để xã nào "
    "có nguy cơ bị thu hồi quyết định công nhận.",
    "Lồng ghép có hiệu quả các nguồn vốn; huy động nguồn lực xã hội hóa.",
]
CAMPAIGN_TASKS = [
    "Đoàn kết tham gia phát triển kinh tế, tích cực giảm nghèo bền vững, nâng cao đời sống, "
    "khuyến khích làm giàu chính đáng.",
    "Đoàn kết xây dựng đời sống văn hóa, chăm lo giáo dục, y tế; xây dựng gia đình văn hóa; phát "
    "huy truyền thống đền ơn, đáp nghĩa, tương thân, tương ái.",
    "Đoàn kết tham gia bảo vệ môi trường, ứng phó với biến đổi khí hậu, xây dựng cảnh quan sáng, "
    "xanh, sạch, đẹp.",
    "Đoàn kết chấp hành pháp luật, bảo đảm trật tự an toàn xã hội.",
    "Đoàn kết phát huy dân chủ, tham gia giám sát và phản biện xã hội, xây dựng hệ thống chính "
    "trị cơ sở trong sạch, vững mạnh.",
]
CAMPAIGN_SOLUTIONS = [
    "Tăng cường sự lãnh đạo, chỉ đạo trong triển khai Cuộc vận động; lấy kết quả thực hiện là "
    "một trong những tiêu chuẩn bình xét thi đua hằng năm.",
    "Đẩy mạnh công tác thông tin, tuyên truyền; tập trung mọi nguồn lực để thực hiện hiệu quả "
    "Cuộc vận động; xây dựng và nhân rộng mô hình điểm; thi đua, khen thưởng kịp thời.",
]
REPORT_DIFFICULTIES = [
    "Nguồn lực hỗ trợ các xã còn hạn chế; một số tiêu chí khó (thu nhập, hộ nghèo, môi trường) "
    "cần thời gian và nguồn vốn lớn để hoàn thành.",
]
REPORT_NEXT = [
    "Tiếp tục kiểm tra, đôn đốc các xã được phân công theo đúng chế độ đã đề ra.",
    "Phối hợp với UBND các xã rà soát, xây dựng lộ trình hoàn thành các tiêu chí chưa đạt.",
]
SUBJECTS = {
    Kind.SPONSORSHIP_PLAN: "Đỡ đầu, phụ trách xây dựng nông thôn mới",
    Kind.COMMUNE_PLAN: "Triển khai xây dựng nông thôn mới năm {year}",
    Kind.VILLAGE_PLAN: "Triển khai xây dựng thôn nông thôn mới năm {year}",
    Kind.ADVANCED_PLAN: "Triển khai thực hiện chương trình trọng điểm xây dựng nông thôn mới "
    "nâng cao gắn với giảm nghèo bền vững năm {year}",
    Kind.AREA_PLAN: "Xây dựng nông thôn mới năm {year} trên địa bàn {area}",
    Kind.CAMPAIGN_PLAN: "Triển khai thực hiện cuộc vận động “Toàn dân đoàn kết xây dựng nông "
    "thôn mới, đô thị văn minh” trên địa bàn {area} năm {year}",
}
# The sections a user may rewrite, per kind; everything else comes from the data.


def default_narrative(issuer: Issuer, kind: str, year: int) -> dict:
    """The editable sections of a new document, with defaults for its kind and issuer (each
    kind names the function that proposes them, reports/kinds/)."""
    propose = kind_for(kind).narrative
    return propose(issuer, kind, year) if propose is not None else {}


def plan_narrative(issuer: Issuer, kind: str, year: int) -> dict:
    """The default sections of the plans and of the agency's report."""
    area = place_in_text(issuer.area.name) if issuer.area is not None else ""
    text: dict = {}
    if kind in SUBJECTS:
        text["subject"] = SUBJECTS[kind].format(year=year, area=area)
    match kind:
        case Kind.SPONSORSHIP_PLAN:
            text |= {
                "purposes": SPONSORSHIP_PURPOSES,
                "general_objective": SPONSORSHIP_OBJECTIVE,
                "tasks": SPONSORSHIP_TASKS,
                "closing": f"Trên đây là Kế hoạch đỡ đầu, phụ trách xây dựng nông thôn mới của "
                f"{issuer.name_in_text}. Trong quá trình triển khai thực hiện, nếu có khó khăn, "
                "vướng mắc phản ánh kịp thời để xem xét, chỉ đạo.",
            }
        case Kind.AGENCY_REPORT:
            text |= {"difficulties": REPORT_DIFFICULTIES, "tasks": REPORT_NEXT}
        case Kind.COMMUNE_PLAN | Kind.VILLAGE_PLAN | Kind.ADVANCED_PLAN:
            text |= {
                "general_objective": ADVANCED_OBJECTIVE
                if kind == Kind.ADVANCED_PLAN
                else COMMUNE_OBJECTIVE,
                "tasks": ADVANCED_TASKS if kind == Kind.ADVANCED_PLAN else COMMUNE_TASKS,
                "organisation": [
                    "Ban quản lý xây dựng nông thôn mới xã, các thôn căn cứ kế hoạch tổ chức "
                    "thực hiện; định kỳ báo cáo kết quả về UBND xã để tổng hợp, báo cáo cấp trên.",
                ],
                "closing": f"Trên đây là kế hoạch {lower_first(text['subject'])} của {area}.",
            }
        case Kind.AREA_PLAN | Kind.CAMPAIGN_PLAN:
            text |= {
                "purposes": AREA_PURPOSES,
                "requirements": AREA_REQUIREMENTS,
                "tasks": CAMPAIGN_TASKS if kind == Kind.CAMPAIGN_PLAN else AREA_TASKS,
                "closing": f"Trên đây là Kế hoạch {lower_first(text['subject'])} của "
                f"{issuer.name_in_text}. Yêu cầu thủ trưởng các cơ quan, đơn vị liên quan; Chủ "
                "tịch UBND các xã nghiêm túc triển khai, thực hiện.",
            }
            if kind == Kind.CAMPAIGN_PLAN:
                text["solutions"] = CAMPAIGN_SOLUTIONS
    return text


def default_responsibilities(
    issuer: Issuer, units: list[OrganisationUnit], drafting, on: date | None = None
) -> list:
    """Tasks by responsible unit when no previous plan proposes them, from the data as of `on`
    (as the seeds list them): the issuer's own units (the drafting one leads); for an agency,
    the People's Committees of the xã assigned to it and the province's coordination office;
    for a province or district, the agencies assigned to its xã, the People's Committees of
    the xã and the coordination office; for a commune, its own villages and the agencies that
    sponsor it, never "Ủy ban nhân dân các xã" (the commune to itself)."""
    on = on or date.today()
    rows: list[list[str]] = []
    lead = drafting or (units[0] if units else None)
    if lead is not None:
        rows.append(
            [
                lead.name,
                "Chủ trì, phối hợp với các đơn vị liên quan tham mưu tổ chức thực hiện các nội "
                "dung của kế hoạch; tổng hợp tình hình, đề xuất phương án hỗ trợ phù hợp; định "
                "kỳ báo cáo kết quả thực hiện.",
            ]
        )
    for unit in units:
        if lead is None or unit.pk != lead.pk:
            rows.append(
                [
                    unit.name,
                    f"Phối hợp với {_unit_in_text(lead.name) if lead else 'các đơn vị'} tham "
                    "mưu lồng ghép các nguồn lực hỗ trợ các xã hoàn thiện các tiêu chí theo kế hoạch.",
                ]
            )
    area = issuer.area
    if issuer.agency is not None:
        communes = [
            place_in_text(a.commune.name)
            for a in issuer.agency.assignments.active_on(on)
            .select_related("commune")
            .order_by("commune__search_name")
        ]
        if communes:
            rows.append(
                [
                    f"Đề nghị Ủy ban nhân dân {_joined(communes)}",
                    "Phối hợp với đoàn kiểm tra; cung cấp số liệu, báo cáo kết quả thực hiện các "
                    "tiêu chí; chủ động đề xuất nội dung cần hỗ trợ.",
                ]
            )
        rows.append(
            [
                issuer.coordination_office or "Văn phòng Điều phối nông thôn mới tỉnh",
                "Theo dõi, tổng hợp kết quả đỡ đầu, phụ trách; báo cáo Ban Chỉ đạo tỉnh.",
            ]
        )
        return rows
    if isinstance(area, Commune):
        villages = [place_in_text(v.name) for v in area.villages.order_by("name")]
        if villages:
            rows.append(
                [
                    f"Ban phát triển {_joined(villages)}",
                    "Tuyên truyền, vận động Nhân dân tham gia; tổ chức thực hiện các nội dung "
                    "của kế hoạch tại thôn; báo cáo kết quả về Ủy ban nhân dân xã.",
                ]
            )
        else:
            rows.append(
                [
                    "Ban quản lý xây dựng nông thôn mới xã",
                    "Tổ chức thực hiện các nội dung của kế hoạch; định kỳ báo cáo kết quả về Ủy "
                    "ban nhân dân xã.",
                ]
            )
        sponsors = _sponsors(Q(commune=area), on)
        if sponsors:
            rows.append(
                [
                    f"Đề nghị {_joined(sponsors)}",
                    "Theo dõi, hỗ trợ xã thực hiện các tiêu chí chưa đạt theo nhiệm vụ được "
                    "phân công đỡ đầu, phụ trách.",
                ]
            )
        return rows
    if area is not None:
        scope = (
            Q(commune__district=area) if isinstance(area, District) else Q(commune__province=area)
        )
        sponsors = _sponsors(scope, on)
        if sponsors:
            rows.append(
                [
                    f"Các cơ quan, đơn vị được phân công đỡ đầu, phụ trách ({', '.join(sponsors)})",
                    "Xây dựng kế hoạch đỡ đầu, phụ trách; kiểm tra, hỗ trợ các xã được phân công "
                    "theo chế độ đã quy định.",
                ]
            )
        rows.append(
            [
                "Ủy ban nhân dân các xã",
                "Cụ thể hóa kế hoạch phù hợp với tình hình thực tế của địa phương, tổ chức triển "
                "khai có hiệu quả tại cơ sở; định kỳ báo cáo kết quả.",
            ]
        )
        rows.append(
            [
                "Văn phòng Điều phối nông thôn mới tỉnh"
                if isinstance(area, Province)
                else "Văn phòng Điều phối nông thôn mới huyện",
                "Theo dõi, đôn đốc, tổng hợp kết quả thực hiện kế hoạch; tham mưu báo cáo định kỳ.",
            ]
        )
    return rows


# A unit inside a body is named by a common noun that running text writes in lower case
# ("phối hợp với phòng Kinh tế ngành", seed 004); a body's own name ("Sở …") keeps its capital.
UNIT_WORDS = ("Phòng", "Ban", "Văn phòng", "Trung tâm", "Tổ", "Đội")


def _unit_in_text(name: str) -> str:
    if any(name.startswith(word + " ") for word in UNIT_WORDS):
        return lower_first(name)
    return name


def _sponsors(scope: Q, on: date) -> list[str]:
    """The agencies assigned to the xã in `scope` that day, each once, by name."""
    names = (
        Assignment.objects.active_on(on)
        .filter(scope)
        .order_by("agency__name")
        .values_list("agency__name", flat=True)
        .distinct()
    )
    return list(dict.fromkeys(names))


def _joined(names: list[str]) -> str:
    """ "xã Cửa Việt", "xã Lìa và xã Cam Lộ", "thôn A, thôn B và thôn C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} và {names[-1]}"


def default_recipients(
    document: Document, issuer: Issuer, body, units: list[OrganisationUnit]
) -> list[str]:
    """Nơi nhận from the data: the body reported to (b/c), the coordination office, the
    issuer's standing recipients, the People's Committees concerned (districts only before
    07/2025), and the issuer's own units."""
    lines = []
    if issuer.superior:
        lines.append(f"{issuer.superior} (b/c)")
    if issuer.coordination_office:
        lines.append(issuer.coordination_office)
    lines += issuer.standing_recipients
    as_of = document.as_of
    districts = getattr(body, "districts", [])
    communes = getattr(body, "communes", [])
    if districts and as_of <= DISTRICTS_ENDED:
        lines.append(
            f"UBND huyện {districts[0]}"
            if len(districts) == 1
            else f"UBND các huyện: {', '.join(districts)}"
        )
    if communes:
        lines.append(
            f"UBND xã {communes[0]}"
            if len(communes) == 1
            else f"UBND các xã: {', '.join(communes)}"
        )
    if getattr(body, "commune_name", ""):
        lines.append(f"UBND {body.commune_name}")
    if document.kind in plan_kinds("district"):
        lines.append(
            "UBND các xã, thị trấn"
            if isinstance(issuer.area, District) or as_of <= DISTRICTS_ENDED
            else "UBND các xã, phường"
        )
    others = [u for u in units if u.pk != document.drafting_unit_id]
    if others:
        lines.append(f"{_units_word(others)}: {', '.join(u.abbreviation for u in others)}")
    return lines


def _units_word(units: list[OrganisationUnit]) -> str:
    first_words = {u.name.split()[0].lower() for u in units if u.name.split()}
    return (
        {"phòng": "Các phòng", "ban": "Các ban"}.get(first_words.pop(), "Các đơn vị")
        if len(first_words) == 1
        else "Các đơn vị"
    )


def default_archive(document: Document) -> str:
    """ "VT, KTN": the clerk's office, then the drafting unit."""
    unit = document.drafting_unit
    return f"VT, {unit.abbreviation}" if unit else "VT"


def citation_lines(legal_documents: list[LegalDocument]) -> list[tuple[str, str]]:
    """(sentence, verb) of each cited document, in the document's order."""
    return [(legal.citation(), legal.verb) for legal in legal_documents]


def village_set_of(province: Province) -> CriteriaSet | None:
    """The province's own set of village criteria (seed 001: QĐ 741 of Bắc Giang)."""
    return (
        CriteriaSet.objects.filter(level=CriteriaSet.Level.THON, province_name=province.short_name)
        .order_by("-valid_from")
        .first()
    )

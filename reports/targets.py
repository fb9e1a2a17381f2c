"""The figures a plan's targets are measured against, computed for a commune, district or
province from the approved evaluations and the recognitions as they stood on a given day, each
with what it was computed from ("theo kết quả đánh giá đến 30/06/2026", "tính trên 2/19 xã")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from communes.models import Commune, District, Province, Village
from criteria.models import CriterionResult, Evaluation, Recognition
from criteria.selectors import met_village_ids
from ntm_portal.text import format_number

from .models import PlanTarget

ONE_PLACE = Decimal("0.1")
PERCENT_UNITS = ("%", "‰")


@dataclass
class AreaFigures:
    as_of: date
    communes: int = 0  # xã in the area
    recognised: int = 0  # of which recognised (not revoked) on as_of, any level
    recognised_share: Decimal | None = None  # percent
    average_criteria: Decimal | None = None  # criteria met per xã with an approved evaluation
    evaluated: int = 0  # xã with an approved evaluation (what the average is taken over)
    evaluated_until: date | None = None  # the latest evaluated period's end among them
    villages: int = 0
    villages_met: int = 0
    unmet_villages: list[str] = field(default_factory=list)
    unmet_village_ids: list[int] = field(default_factory=list)
    # For one commune: its latest approved evaluation.
    criteria_met: int | None = None
    criteria_count: int | None = None
    criteria_undecided: int = 0
    # Whether any recognition of the area's xã is recorded by as_of: without one, "0 xã đạt
    # chuẩn" would be a figure stated without data (issue 26).
    recognitions_recorded: bool = False
    unmet_criteria: list[str] = field(default_factory=list)
    criteria_set_id: int | None = None
    missing: list[str] = field(default_factory=list)

    @property
    def evaluated_sentence(self) -> str:
        return (
            f"theo kết quả đánh giá đến {self.evaluated_until:%d/%m/%Y}"
            if self.evaluated_until
            else ""
        )

    @property
    def recognised_sentence(self) -> str:
        if not self.recognitions_recorded:
            return f"chưa ghi nhận quyết định công nhận nào đến {self.as_of:%d/%m/%Y}"
        return f"{self.recognised}/{self.communes} xã, theo quyết định công nhận đến {self.as_of:%d/%m/%Y}"

    @property
    def evaluated_share(self) -> str:
        """ "7/69 xã có số liệu": how much of the area a computed figure rests on."""
        return f"{self.evaluated}/{self.communes} xã có số liệu"

    @property
    def complete(self) -> bool:
        """Every xã of the area has an approved evaluation: only then is an average judged."""
        return bool(self.communes) and self.evaluated == self.communes

    @property
    def average_sentence(self) -> str:
        """ "bình quân 10 tiêu chí/xã, tính trên 2/19 xã có số liệu"."""
        if self.average_criteria is None:
            return ""
        return (
            f"bình quân {format_number(self.average_criteria)} tiêu chí/xã, tính trên "
            f"{self.evaluated}/{self.communes} xã có số liệu"
        )


def communes_of(area: Commune | District | Province):
    if isinstance(area, Commune):
        return Commune.objects.filter(pk=area.pk)
    if isinstance(area, District):
        return Commune.objects.filter(district=area).xa()
    return Commune.objects.filter(province=area).xa()


def recognised_on(day: date):
    """Recognitions in force that day."""
    return Recognition.objects.in_force_on(day)


def area_figures(area: Commune | District | Province, as_of: date | None = None) -> AreaFigures:
    as_of = as_of or timezone.localdate()
    communes = communes_of(area)
    figures = AreaFigures(as_of=as_of, communes=communes.count())
    figures.recognised = (
        recognised_on(as_of).filter(commune__in=communes).values("commune_id").distinct().count()
    )
    figures.recognitions_recorded = Recognition.objects.filter(
        commune__in=communes, decision_date__lte=as_of
    ).exists()
    if figures.communes and figures.recognitions_recorded:
        figures.recognised_share = _percent(figures.recognised, figures.communes)
    latest: dict[int, tuple[int, int, int, date, int, int]] = {}
    for pk, commune_id, met, count, period_end, set_id, undecided in (
        Evaluation.objects.approved()
        .of_communes()
        .filter(commune__in=communes, period_end__lte=as_of)
        .latest_first()
        .values_list(
            "pk",
            "commune_id",
            "met_count",
            "criteria_count",
            "period_end",
            "criteria_set_id",
            "undecided_count",
        )
    ):
        latest.setdefault(commune_id, (pk, met, count, period_end, set_id, undecided))
    if latest:
        total = sum(row[1] for row in latest.values())
        figures.average_criteria = (Decimal(total) / len(latest)).quantize(ONE_PLACE, ROUND_HALF_UP)
        figures.evaluated = len(latest)
        figures.evaluated_until = max(row[3] for row in latest.values())
    else:
        figures.missing.append(f"Chưa có đánh giá tiêu chí đã duyệt đến {as_of:%d/%m/%Y}")
    _village_figures(figures, communes, as_of)
    if isinstance(area, Commune) and area.pk in latest:
        evaluation_id, figures.criteria_met, figures.criteria_count, _, set_id, undecided = latest[
            area.pk
        ]
        figures.criteria_undecided = undecided
        figures.criteria_set_id = set_id
        figures.unmet_criteria = [
            f"tiêu chí {number} {name}"
            for number, name in CriterionResult.objects.filter(
                evaluation_id=evaluation_id, met=False
            )
            .order_by("criterion__number")
            .values_list("criterion__number", "criterion__short_name")
        ]
    return figures


def _village_figures(figures: AreaFigures, communes, as_of: date) -> None:
    villages = list(
        Village.objects.filter(commune__in=communes).order_by("name").values_list("pk", "name")
    )
    figures.villages = len(villages)
    met = met_village_ids(communes, as_of)
    figures.villages_met = len(met)
    figures.unmet_villages = [name for pk, name in villages if pk not in met]
    figures.unmet_village_ids = [pk for pk, _ in villages if pk not in met]


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(ONE_PLACE, ROUND_HALF_UP)


def actual_of(target: PlanTarget, figures: AreaFigures) -> Decimal | None:
    """The actual figure for a target: computed for the measures the portal knows, entered for
    the others; None when there is no figure yet."""
    Measure = PlanTarget.Measure
    match target.measure:
        case Measure.XA_NTM_SHARE:
            return figures.recognised_share
        case Measure.XA_NTM_COUNT:
            return (
                Decimal(figures.recognised)
                if figures.communes and figures.recognitions_recorded
                else None
            )
        case Measure.AVERAGE_CRITERIA:
            return figures.average_criteria
        case Measure.CRITERIA_MET:
            return None if figures.criteria_met is None else Decimal(figures.criteria_met)
        case Measure.VILLAGES_MET:
            return Decimal(figures.villages_met) if figures.villages else None
    return target.actual


def source_of(target: PlanTarget, figures: AreaFigures) -> str:
    """What a computed actual is computed from, and as of when."""
    Measure = PlanTarget.Measure
    match target.measure:
        case Measure.XA_NTM_SHARE | Measure.XA_NTM_COUNT:
            return figures.recognised_sentence
        case Measure.AVERAGE_CRITERIA:
            return ", ".join(s for s in (figures.average_sentence, figures.evaluated_sentence) if s)
        case Measure.CRITERIA_MET:
            if figures.criteria_count is None:
                return ""
            return f"{figures.criteria_met}/{figures.criteria_count} tiêu chí, {figures.evaluated_sentence}"
        case Measure.VILLAGES_MET:
            return f"{figures.villages_met}/{figures.villages} thôn, {figures.evaluated_sentence}".rstrip(
                ", "
            )
    return "số liệu do đơn vị nhập" if target.actual is not None else ""


def figure(value: Decimal, unit: str) -> str:
    """ "61,5%", "134 triệu đồng", "05 vườn": counts below ten are written with two digits, as
    the plans write them ("02 thôn", "03 tiêu chí")."""
    if unit in PERCENT_UNITS:
        return f"{format_number(value)}{unit}"
    if value == value.to_integral() and 0 < value < 10:
        text = f"{int(value):02d}"
    else:
        text = format_number(value)
    return f"{text} {unit}".strip()


def target_sentence(target: PlanTarget) -> str:
    """How the plan states the target: the label with the figure in place of "{}" ("Có {} số xã
    đạt chuẩn" → "Có 61,5% số xã đạt chuẩn"), else "label: figure"."""
    text = figure(target.target, target.unit)
    label = target.label or str(target.get_measure_display())
    if "{}" in label:
        return label.replace("{}", text, 1)
    return f"{label}: {text}"


def judgement(target: PlanTarget, actual: Decimal | None, figures: AreaFigures) -> str:
    """The "Đánh giá" of a target: Đạt / Chưa đạt only on complete data; an average over part
    of the area is not judged ("Chưa đánh giá được (7/69 xã có số liệu)")."""
    if actual is None:
        return "chưa có số liệu"
    if target.measure == PlanTarget.Measure.AVERAGE_CRITERIA and not figures.complete:
        return f"Chưa đánh giá được ({figures.evaluated_share})"
    return "Đạt" if reached(target, actual) else "Chưa đạt"


def reached(target: PlanTarget, actual: Decimal | None) -> bool | None:
    if actual is None:
        return None
    if target.direction == PlanTarget.Direction.AT_MOST:
        return actual <= target.target
    return actual >= target.target

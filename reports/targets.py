"""The figures a plan's targets are measured against, computed for a commune, district or
province from the latest approved evaluations and the recognitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from communes.models import Commune, District, Province, Village
from criteria.models import CriterionResult, Evaluation, Recognition
from criteria.selectors import met_village_ids

from .models import PlanTarget

ONE_PLACE = Decimal("0.1")


@dataclass
class AreaFigures:
    communes: int = 0  # xã in the area
    recognised: int = 0  # of which recognised (not revoked), any level
    recognised_share: Decimal | None = None  # percent
    average_criteria: Decimal | None = None  # criteria met per xã with an approved evaluation
    villages: int = 0
    villages_met: int = 0
    unmet_villages: list[str] = field(default_factory=list)
    # For one commune: its latest approved evaluation.
    criteria_met: int | None = None
    criteria_count: int | None = None
    unmet_criteria: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def communes_of(area: Commune | District | Province):
    if isinstance(area, Commune):
        return Commune.objects.filter(pk=area.pk)
    if isinstance(area, District):
        return Commune.objects.filter(district=area).xa()
    return Commune.objects.filter(province=area).xa()


def area_figures(area: Commune | District | Province) -> AreaFigures:
    communes = communes_of(area)
    figures = AreaFigures(communes=communes.count())
    figures.recognised = (
        Recognition.objects.filter(commune__in=communes, revoked_on=None)
        .values("commune_id")
        .distinct()
        .count()
    )
    if figures.communes:
        figures.recognised_share = _percent(figures.recognised, figures.communes)
    latest: dict[int, tuple[int, int, int]] = {}
    for pk, commune_id, met, count in (
        Evaluation.objects.approved()
        .of_communes()
        .filter(commune__in=communes)
        .latest_first()
        .values_list("pk", "commune_id", "met_count", "criteria_count")
    ):
        latest.setdefault(commune_id, (pk, met, count))
    if latest:
        total = sum(met for _, met, _ in latest.values())
        figures.average_criteria = (Decimal(total) / len(latest)).quantize(ONE_PLACE, ROUND_HALF_UP)
    else:
        figures.missing.append("Chưa có đánh giá tiêu chí đã duyệt")
    _village_figures(figures, communes)
    if isinstance(area, Commune) and area.pk in latest:
        evaluation_id, figures.criteria_met, figures.criteria_count = latest[area.pk]
        figures.unmet_criteria = [
            f"tiêu chí {number} {name}"
            for number, name in CriterionResult.objects.filter(
                evaluation_id=evaluation_id, met=False
            )
            .order_by("criterion__number")
            .values_list("criterion__number", "criterion__short_name")
        ]
    return figures


def _village_figures(figures: AreaFigures, communes) -> None:
    villages = list(
        Village.objects.filter(commune__in=communes).order_by("name").values_list("pk", "name")
    )
    figures.villages = len(villages)
    met = met_village_ids(communes)
    figures.villages_met = len(met)
    figures.unmet_villages = [name for pk, name in villages if pk not in met]


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
            return Decimal(figures.recognised) if figures.communes else None
        case Measure.AVERAGE_CRITERIA:
            return figures.average_criteria
        case Measure.CRITERIA_MET:
            return None if figures.criteria_met is None else Decimal(figures.criteria_met)
        case Measure.VILLAGES_MET:
            return Decimal(figures.villages_met) if figures.villages else None
    return target.actual


def target_sentence(target: PlanTarget) -> str:
    return target.label or str(target.get_measure_display())

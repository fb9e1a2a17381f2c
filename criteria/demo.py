"""Demo evaluations: the statuses the seed plans state, made through the real services.

Values are generated from the catalogue: every indicator of a met criterion at its threshold
for that commune, and the first indicator of an unmet criterion just short of it, so the
derived tally is exactly the seeds' ("Xã Ba Tầng ... đạt 9/19 tiêu chí").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from communes.models import Commune, Village
from ntm_portal.models import User

from .models import CriteriaSet, Evaluation, Indicator, Recognition
from .rules import applicable_threshold
from .services import (
    evaluation_approve,
    evaluation_create,
    evaluation_save_values,
    evaluation_submit,
    subject_of,
)


def demo_value(indicator: Indicator, evaluation: Evaluation, *, met: bool) -> str:
    if indicator.is_yes_no:
        return "1" if met else "0"
    threshold = applicable_threshold(indicator.thresholds.all(), subject_of(evaluation))
    if threshold is None:
        threshold = Decimal(0)
    at_most = indicator.direction == Indicator.Direction.AT_MOST
    step = max(threshold * Decimal("0.1"), Decimal(1))
    value = threshold if met else threshold + step if at_most else max(threshold - step, Decimal(0))
    if indicator.kind == Indicator.Kind.PERCENT:
        value = min(value, Decimal(100))
    return str(value.quantize(Decimal(1)) if indicator.kind == Indicator.Kind.COUNT else value)


def demo_evaluation(
    *,
    commune: Commune,
    criteria_set: CriteriaSet,
    year: int,
    half: int,
    unmet_short_names: set[str],
    submitter: User,
    reviewer: User,
    village: Village | None = None,
    approve: bool = True,
) -> Evaluation:
    """An approved evaluation whose unmet criteria are exactly `unmet_short_names` (with
    `approve=False`, one submitted and waiting for review)."""
    existing = Evaluation.objects.filter(
        commune=commune, village=village, criteria_set=criteria_set, year=year, half=half
    ).first()
    if existing:
        return existing
    evaluation = evaluation_create(
        commune=commune,
        criteria_set=criteria_set,
        year=year,
        half=half,
        actor=submitter,
        village=village,
    )
    values = {}
    criteria = criteria_set.criteria.prefetch_related("indicators__thresholds")
    unknown = unmet_short_names - {criterion.short_name for criterion in criteria}
    if unknown:
        raise LookupError(f"Bộ {criteria_set.code} không có tiêu chí: {', '.join(sorted(unknown))}")
    for criterion in criteria:
        met = criterion.short_name not in unmet_short_names
        for position, indicator in enumerate(criterion.indicators.all()):
            values[indicator.pk] = demo_value(indicator, evaluation, met=met or position > 0)
    evaluation_save_values(
        evaluation=evaluation,
        raw_values=values,
        notes={},
        version=evaluation.version,
        actor=submitter,
    )
    evaluation.refresh_from_db()
    evaluation = evaluation_submit(
        evaluation=evaluation, version=evaluation.version, actor=submitter
    )
    if not approve:
        return evaluation
    return evaluation_approve(evaluation=evaluation, version=evaluation.version, actor=reviewer)


def demo_recognition(commune: Commune, *, level: str, number: str, day: date) -> None:
    Recognition.objects.get_or_create(
        commune=commune,
        level=level,
        defaults={"decision_number": number, "decision_date": day, "signer": "(dữ liệu mẫu)"},
    )

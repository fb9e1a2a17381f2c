"""Reads for the criteria pages, each in a fixed number of queries whatever the data size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from communes.models import Commune, Edition

from .catalogue_cache import set_catalogue
from .models import (
    CriteriaSet,
    Criterion,
    CriterionResult,
    Evaluation,
    Indicator,
    IndicatorValue,
    Recognition,
    Threshold,
)
from .rules import Subject, applicable_threshold, lacks_group, revocation_risk


@dataclass
class IndicatorRow:
    indicator: Indicator
    value: IndicatorValue | None
    threshold: str  # "≥ 80 %", or "" when no threshold applies
    # The thresholds differ by commune group and the xã has none in force.
    needs_group: bool = False
    thresholds: list[Threshold] = field(default_factory=list)  # all of the indicator's
    # Filled by the form view: what the user typed, and why it was refused.
    typed: str = ""
    error: str = ""

    @property
    def requirement(self) -> str:
        """What the requirement column says; a number is never required to be "Đạt"."""
        if self.indicator.is_yes_no:
            return _("Đạt")
        if self.needs_group:
            return _("chưa xác định (xã chưa có nhóm)")
        return self.threshold or _("chưa có ngưỡng")

    @property
    def met(self) -> bool | None:
        return self.value.met if self.value else None

    @property
    def display(self) -> str:
        return self.indicator.display_value(self.value.value if self.value else None)

    @property
    def raw(self) -> str:
        """What the form shows back: "61,5", "Đạt"/"Chưa đạt" choices use 1/0."""
        if not self.value or self.value.value is None:
            return ""
        if self.indicator.is_yes_no:
            return "1" if self.value.value == Decimal(1) else "0"
        value = self.value.value
        if value == value.to_integral():
            return str(value.quantize(Decimal(1)))
        return str(value.normalize()).replace(".", ",")


@dataclass
class CriterionRow:
    criterion: Criterion
    met: bool | None
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def waits_for_group(self) -> bool:
        """Undecided because the xã has no group, not because values are missing."""
        return self.met is None and any(item.needs_group for item in self.indicators)


def criteria_with_indicators(
    evaluation: Evaluation,
) -> list[tuple[Criterion, bool | None, list[tuple[Indicator, list[Threshold]]]]]:
    """The set's criteria, each with its stored status in this evaluation (None when undecided
    or not yet derived), its indicators and each indicator's thresholds: the catalogue from
    `set_catalogue` (built once per set and version), the statuses in one query."""
    results = dict(
        CriterionResult.objects.filter(evaluation_id=evaluation.pk).values_list(
            "criterion_id", "met"
        )
    )
    return [
        (
            criterion,
            results.get(criterion.pk),
            [(indicator, list(thresholds)) for indicator, thresholds in indicators],
        )
        for criterion, indicators in set_catalogue(evaluation.criteria_set_id)
    ]


def evaluation_grid(evaluation: Evaluation, subject: Subject) -> list[CriterionRow]:
    """Criteria → indicators with their values, thresholds for this commune, and status."""
    values = {value.indicator_id: value for value in evaluation.values.all()}
    rows = []
    for criterion, met, indicators in criteria_with_indicators(evaluation):
        row = CriterionRow(criterion=criterion, met=met)
        for indicator, thresholds in indicators:
            threshold = applicable_threshold(thresholds, subject)
            sign = "≤" if indicator.direction == Indicator.Direction.AT_MOST else "≥"
            row.indicators.append(
                IndicatorRow(
                    indicator=indicator,
                    value=values.get(indicator.pk),
                    threshold=""
                    if threshold is None or indicator.is_yes_no
                    else f"{sign} {indicator.display_value(threshold)}",
                    needs_group=not indicator.is_yes_no and lacks_group(thresholds, subject),
                    thresholds=thresholds,
                )
            )
        rows.append(row)
    return rows


def waits_for_group(grid: list[CriterionRow]) -> bool:
    """Whether some indicator of the evaluation cannot be judged for want of a commune group."""
    return any(item.needs_group for row in grid for item in row.indicators)


def missing_indicators(grid: list[CriterionRow]) -> list[Indicator]:
    """Indicators with no value yet, in the catalogue's order (no query: from the grid)."""
    return [
        item.indicator
        for row in grid
        for item in row.indicators
        if item.value is None or item.value.value is None
    ]


def indicator_count(grid: list[CriterionRow]) -> int:
    return sum(len(row.indicators) for row in grid)


@dataclass(frozen=True)
class Undecided:
    """A criterion that is neither met nor unmet, and why (for the reviewer, before approving)."""

    criterion: Criterion
    reason: str


def undecided_criteria(grid: list[CriterionRow]) -> list[Undecided]:
    undecided = []
    for row in grid:
        if row.met is not None:
            continue
        missing = [
            item.indicator.number
            for item in row.indicators
            if item.value is None or item.value.value is None
        ]
        if missing:
            reason = _("chưa có giá trị: %(numbers)s") % {"numbers": ", ".join(missing)}
        elif row.waits_for_group:
            reason = _("xã chưa có nhóm (Quyết định số 51/2025/QĐ-TTg): chưa có ngưỡng")
        else:
            reason = _("chỉ tiêu chưa có ngưỡng áp dụng cho xã")
        undecided.append(Undecided(row.criterion, reason))
    return undecided


def unmet_short_names(grid: list[CriterionRow]) -> list[str]:
    return [row.criterion.short_name for row in grid if row.met is False]


@dataclass
class Change:
    label: str
    old: str
    new: str


def changes_since(grid: list[CriterionRow], previous: Evaluation | None) -> list[Change]:
    """What moved since the previous evaluation: criteria status first, then values.

    Reads the current side from the grid already built for the page: two queries in all.
    """
    if previous is None:
        return []
    status = {True: _("Đạt"), False: _("Chưa đạt"), None: "—"}
    before = dict(previous.results.values_list("criterion_id", "met"))
    old_values = dict(previous.values.values_list("indicator_id", "value"))
    criteria_changes, value_changes = [], []
    for row in grid:
        if before.get(row.criterion.pk) != row.met:
            criteria_changes.append(
                Change(str(row.criterion), status[before.get(row.criterion.pk)], status[row.met])
            )
        for item in row.indicators:
            old = old_values.get(item.indicator.pk)
            new = item.value.value if item.value else None
            if old != new:
                value_changes.append(
                    Change(
                        f"{item.indicator.number} {item.indicator.name[:80]}",
                        item.indicator.display_value(old),
                        item.display,
                    )
                )
    return criteria_changes + value_changes


@dataclass
class VillageTally:
    met: int
    total: int


def met_village_ids(communes, as_of: date | None = None) -> set[int]:
    """The villages of these communes whose latest approved evaluation (of a period ended by
    `as_of`, when given) meets every criterion."""
    evaluations = Evaluation.objects.approved().filter(commune__in=communes, village__isnull=False)
    if as_of is not None:
        evaluations = evaluations.filter(period_end__lte=as_of)
    return villages_met_by(
        evaluations.latest_first().values_list("village_id", "met_count", "criteria_count")
    )


def villages_met_by(latest_first: Iterable[tuple[int, int, int]]) -> set[int]:
    """Of approved village evaluations (village, met, criteria), latest first: the villages
    whose latest one meets every criterion."""
    met: dict[int, bool] = {}
    for village_id, met_count, count in latest_first:
        met.setdefault(village_id, bool(count) and met_count == count)
    return {village_id for village_id, is_met in met.items() if is_met}


def village_tally(
    commune: Commune, evaluations: Iterable[Evaluation] | None = None, total: int | None = None
) -> VillageTally:
    """ "11/13 thôn đạt chuẩn": villages whose latest approved evaluation meets every criterion;
    `evaluations` (the commune's village evaluations, latest first) and `total` (its number of
    villages, when the caller read it with the commune) each spare a query."""
    if evaluations is None:
        met = met_village_ids([commune])
    else:
        met = villages_met_by(
            (e.village_id, e.met_count, e.criteria_count)
            for e in evaluations
            if e.status == Evaluation.Status.APPROVED
        )
    return VillageTally(met=len(met), total=commune.villages.count() if total is None else total)


def recognition_risk(grid: list[CriterionRow], recognitions: list[Recognition]) -> str | None:
    """The revocation-risk reason for a recognised commune, from the grid of its latest approved
    evaluation (already on the page: no query of its own, so the page's count stays constant)."""
    if not grid or not any(r.revoked_on is None for r in recognitions):
        return None
    return revocation_risk([(row.criterion, row.met) for row in grid])


def set_in_force(
    edition: int,
    today: date,
    level: str = CriteriaSet.Level.XA_NTM,
    among: Iterable[CriteriaSet] | None = None,
) -> CriteriaSet | None:
    """The national set of that level in force today for a unit of that edition: for the 2024
    edition, the one in force on its last day (30/06/2025). `among`: sets already read (no
    query)."""
    day = Edition.last_day(edition, today)
    if among is None:
        return (
            CriteriaSet.objects.filter(level=level, province_name="")
            .valid_on(day)
            .newest_first()
            .first()
        )
    valid = [s for s in among if s.level == level and not s.province_name and s.is_valid_on(day)]
    return max(valid, key=lambda s: s.valid_from, default=None)


@dataclass(frozen=True)
class NewPeriod:
    """What the "new evaluation" form proposes for a commune."""

    criteria_set: CriteriaSet | None
    year: int
    half: int


def new_period_for(commune: Commune, today: date) -> NewPeriod:
    """The set in force for the commune's edition, and the current half-year (as seen from the
    edition: a 2024 unit's last half-year is I/2025) or, when the commune already has it, the
    first half-year after it without an evaluation of that set: never a period that exists."""
    day = Edition.last_day(commune.edition, today)
    year, half = day.year, (Evaluation.Half.FIRST if day.month <= 6 else Evaluation.Half.SECOND)
    criteria_set = set_in_force(commune.edition, today)
    if criteria_set is None:
        return NewPeriod(None, year, half)
    taken = set(
        Evaluation.objects.filter(
            commune=commune, village__isnull=True, criteria_set=criteria_set, year__gte=year
        ).values_list("year", "half")
    )
    last = Edition.validity(commune.edition)[1]  # a 2024 unit has no half-year after I/2025
    candidate = (year, half)
    while (candidate in taken or (candidate[0], Evaluation.Half.WHOLE_YEAR) in taken) and candidate[
        0
    ] <= year + 10:
        following = (
            (candidate[0], Evaluation.Half.SECOND)
            if candidate[1] == Evaluation.Half.FIRST
            else (candidate[0] + 1, Evaluation.Half.FIRST)
        )
        if last is not None and date(following[0], 1 if following[1] == 1 else 7, 1) > last:
            break
        candidate = following
    return NewPeriod(criteria_set, candidate[0], int(candidate[1]))

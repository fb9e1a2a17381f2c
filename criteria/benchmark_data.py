"""National-scale evaluation data for `manage.py benchmark`: fast bulk rows, never used by the app.

Values are random around each indicator's threshold; their derived status comes from the real
rules, so pages show consistent tallies. PostgreSQL gets COPY; other databases bulk inserts.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from communes.models import Commune

from .models import (
    CommuneGroupDecision,
    CommuneGroupSetting,
    CriteriaSet,
    CriterionResult,
    Evaluation,
    Indicator,
    IndicatorValue,
    Recognition,
)
from .rules import Subject, criterion_met, indicator_met

PERIODS = [(year, half) for year in range(2021, 2026) for half in (1, 2)]
CHUNK = 250  # communes per transaction: bounded memory at national scale


# The 2025 edition against QĐ 51/2025/QĐ-TTg: four half-years, thresholds by commune group.
PERIODS_2025 = [(2025, 1), (2025, 2), (2026, 1), (2026, 2)]


def build_evaluations(
    *,
    criteria_set: CriteriaSet,
    communes: Iterable[Commune],
    seed: int = 2026,
    periods: list[tuple[int, int]] = PERIODS,
    groups: dict[int, int] | None = None,
) -> int:
    """Half-year evaluations per commune (ten: 2021–2025, by default), the last one awaiting
    review; `groups` (commune id → group) decides the thresholds of a set by commune group.

    Skips communes that already have them, so a second run adds nothing.
    """
    rng = random.Random(seed)
    criteria = list(criteria_set.criteria.prefetch_related("indicators__thresholds"))
    done = set(
        Evaluation.objects.filter(criteria_set=criteria_set, village=None).values_list(
            "commune_id", flat=True
        )
    )
    todo = [commune for commune in communes if commune.pk not in done]
    for start in range(0, len(todo), CHUNK):
        with transaction.atomic():
            _build_chunk(todo[start : start + CHUNK], criteria_set, criteria, rng, periods, groups)
    return len(todo) * len(periods)


def _build_chunk(communes, criteria_set, criteria, rng, periods, groups) -> None:
    evaluations, per_evaluation = [], []
    for commune in communes:
        group = (groups or {}).get(commune.pk)
        for index, (year, half) in enumerate(periods):
            subject = Subject(region=commune.region, group=group, year=year)
            values, results = _values(criteria, subject, rng)
            last = index == len(periods) - 1
            evaluations.append(
                Evaluation(
                    commune=commune,
                    criteria_set=criteria_set,
                    year=year,
                    half=half,
                    period_end=Evaluation.period_end_of(year, half),
                    status=Evaluation.Status.SUBMITTED if last else Evaluation.Status.APPROVED,
                    met_count=sum(1 for met in results.values() if met),
                    undecided_count=sum(1 for met in results.values() if met is None),
                    criteria_count=len(results),
                )
            )
            per_evaluation.append((values, results))
    Evaluation.objects.bulk_create(evaluations, batch_size=2000)
    value_rows = (
        (evaluation.pk, indicator_id, value, met)
        for evaluation, (values, _) in zip(evaluations, per_evaluation, strict=True)
        for indicator_id, (value, met) in values.items()
    )
    result_rows = (
        (evaluation.pk, criterion_id, met)
        for evaluation, (_, results) in zip(evaluations, per_evaluation, strict=True)
        for criterion_id, met in results.items()
    )
    _insert(
        IndicatorValue,
        ["evaluation_id", "indicator_id", "value", "met"],
        value_rows,
        defaults={"note": ""},
    )
    _insert(CriterionResult, ["evaluation_id", "criterion_id", "met"], result_rows)


def _values(criteria, subject: Subject, rng: random.Random, typeable: bool = False):
    """Random values around each threshold; `typeable`: only what the form accepts (a share at
    most 100, a count whole), as a draft that an official saves again must be."""
    values, results = {}, {}
    for criterion in criteria:
        indicator_results = []
        for indicator in criterion.indicators.all():
            thresholds = indicator.thresholds.all()
            if indicator.is_yes_no:
                value = Decimal(1) if rng.random() < 0.85 else Decimal(0)
            else:
                base = next((t.value for t in thresholds), Decimal(50)) or Decimal(10)
                value = (base * Decimal(str(round(rng.uniform(0.8, 1.25), 2)))).quantize(
                    Decimal("0.1")
                )
                if typeable and indicator.kind == Indicator.Kind.PERCENT:
                    value = min(value, Decimal(100))
                if typeable and indicator.kind == Indicator.Kind.COUNT:
                    value = value.to_integral_value()
            met = indicator_met(indicator, value, thresholds, subject)
            values[indicator.pk] = (value, met)
            indicator_results.append(met)
        results[criterion.pk] = criterion_met(indicator_results)
    return values, results


def _insert(model, columns: list[str], rows: Iterator[tuple], defaults: dict | None = None) -> None:
    defaults = defaults or {}
    if connection.vendor == "postgresql":
        names = [*columns, *defaults]
        extra = tuple(defaults.values())
        sql = f"COPY {model._meta.db_table} ({', '.join(names)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((*row, *extra))
        return
    model.objects.bulk_create(
        (model(**dict(zip(columns, row, strict=True)), **defaults) for row in rows),
        batch_size=5000,
    )


VILLAGES_PER_XA = 8


def build_villages(
    *, communes: Iterable[Commune], village_set: CriteriaSet | None, seed: int = 7
) -> int:
    """About eight villages per xã (6 to 10), and one approved evaluation each (I/2025) against
    the village set, its tally only: the dashboards count villages met from it. Skips xã that
    already have villages."""
    from communes.models import Village
    from ntm_portal.text import fold

    rng = random.Random(seed)
    have = set(Village.objects.values_list("commune_id", flat=True).distinct())
    todo = [commune for commune in communes if commune.pk not in have]
    rows = []
    for commune in todo:
        for number in range(1, rng.randint(VILLAGES_PER_XA - 2, VILLAGES_PER_XA + 2) + 1):
            name = f"Thôn {number}"
            rows.append((commune.pk, Village.Kind.THON, name, "", fold(name)))
    with transaction.atomic():
        _insert(Village, ["commune_id", "kind", "name", "code", "search_name"], iter(rows))
        if village_set is not None and todo:
            count = village_set.criteria.count() or 1
            # Read before the COPY starts: the connection cannot query while it copies.
            villages = list(
                Village.objects.filter(commune__in=[c.pk for c in todo]).values_list(
                    "pk", "commune_id"
                )
            )
            now = timezone.now()
            evaluations = (
                (
                    commune_id,
                    village_id,
                    village_set.pk,
                    2025,
                    1,
                    Evaluation.period_end_of(2025, 1),
                    Evaluation.Status.APPROVED,
                    1,
                    count if rng.random() < 0.6 else rng.randint(0, count - 1),
                    0,
                    count,
                    now,
                    "",
                )
                for village_id, commune_id in villages
            )
            _insert(
                Evaluation,
                [
                    "commune_id",
                    "village_id",
                    "criteria_set_id",
                    "year",
                    "half",
                    "period_end",
                    "status",
                    "version",
                    "met_count",
                    "undecided_count",
                    "criteria_count",
                    "created_at",
                    "return_reason",
                ],
                evaluations,
            )
    return len(rows)


def build_recognitions(*, criteria_set: CriteriaSet, seed: int = 11) -> int:
    """Recognise the best 40% of xã by their II/2021 tally (NTM, a fifth of them nâng cao), as
    decisions of 2022; those that slipped since are the ones at risk. Idempotent."""
    rng = random.Random(seed)
    if Recognition.objects.exists():
        return 0
    tallies = sorted(
        Evaluation.objects.filter(
            criteria_set=criteria_set, village=None, year=2021, half=2
        ).values_list("met_count", "commune_id"),
        reverse=True,
    )
    best = tallies[: len(tallies) * 2 // 5]
    rows = [
        Recognition(
            commune_id=commune_id,
            level=Recognition.Level.NANG_CAO if rng.random() < 0.2 else Recognition.Level.NTM,
            decision_number=f"{index + 1}/QĐ-UBND",
            decision_date=date(2022, 3, 1),
        )
        for index, (_, commune_id) in enumerate(best)
    ]
    Recognition.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def build_group_decisions(*, communes: Iterable[Commune], seed: int = 51) -> dict[int, int]:
    """One decision per province setting every xã's group (QĐ 51/2025/QĐ-TTg); the groups
    (commune id → group) are returned for the evaluations. A second run reuses them."""
    rng = random.Random(seed)
    by_province: dict[int, list[Commune]] = {}
    for commune in communes:
        by_province.setdefault(commune.province_id, []).append(commune)
    groups = dict(
        CommuneGroupSetting.objects.filter(
            commune__in=[c for members in by_province.values() for c in members]
        ).values_list("commune_id", "group")
    )
    day = date(2026, 2, 20)
    with transaction.atomic():
        for province_id, members in by_province.items():
            todo = [commune for commune in members if commune.pk not in groups]
            if not todo:
                continue
            decision = CommuneGroupDecision.objects.create(
                province_id=province_id,
                number=f"BM-{province_id}/QĐ-UBND",
                date=day,
                applies_from=day,
                issuer="UBND tỉnh (dữ liệu đo)",
            )
            settings = [
                CommuneGroupSetting(
                    decision=decision, commune=commune, group=rng.choices((1, 2, 3), (2, 5, 3))[0]
                )
                for commune in todo
            ]
            CommuneGroupSetting.objects.bulk_create(settings, batch_size=2000)
            groups.update({setting.commune_id: setting.group for setting in settings})
    return groups


DRAFT_SHARE = 10  # one xã in ten has a draft open, as in a working week before a deadline
DRAFT_LIMIT = 1000  # and never more: the build stays bounded


def build_drafts(
    *,
    criteria_set: CriteriaSet,
    communes: Iterable[Commune],
    seed: int = 29,
    share: int = DRAFT_SHARE,
    limit: int = DRAFT_LIMIT,
) -> list[int]:
    """A draft evaluation, every value filled, for one xã in `share` (at most `limit`) that has
    none open: the half-year after its latest. What a commune official opens, saves and submits
    in the load test. Returns the drafts' ids (those already open included)."""
    rng = random.Random(seed)
    chosen = [commune for index, commune in enumerate(communes) if index % share == 0][:limit]
    ids = [commune.pk for commune in chosen]
    mine = Evaluation.objects.filter(criteria_set=criteria_set, village=None, commune_id__in=ids)
    open_drafts = dict(
        mine.filter(status__in=[Evaluation.Status.DRAFT, Evaluation.Status.RETURNED])
        .order_by("commune_id", "-period_end")
        .values_list("commune_id", "pk")
    )
    latest: dict[int, tuple[int, int]] = {}
    for commune_id, year, half in mine.values_list("commune_id", "year", "half"):
        latest[commune_id] = max(latest.get(commune_id, (0, 0)), (year, half))
    todo = [commune for commune in chosen if commune.pk not in open_drafts]
    if not todo:
        return list(open_drafts.values())
    criteria = list(criteria_set.criteria.prefetch_related("indicators__thresholds"))
    drafts, per_draft = [], []
    for commune in todo:
        year, half = latest.get(commune.pk, (timezone.localdate().year - 1, 2))
        year, half = (year, 2) if half == 1 else (year + 1, 1)
        values, results = _values(
            criteria, Subject(region=commune.region, group=None, year=year), rng, typeable=True
        )
        drafts.append(
            Evaluation(
                commune=commune,
                criteria_set=criteria_set,
                year=year,
                half=half,
                period_end=Evaluation.period_end_of(year, half),
                status=Evaluation.Status.DRAFT,
                met_count=sum(1 for met in results.values() if met),
                undecided_count=sum(1 for met in results.values() if met is None),
                criteria_count=len(results),
            )
        )
        per_draft.append((values, results))
    with transaction.atomic():
        Evaluation.objects.bulk_create(drafts, batch_size=2000)
        _insert(
            IndicatorValue,
            ["evaluation_id", "indicator_id", "value", "met"],
            (
                (draft.pk, indicator_id, value, met)
                for draft, (values, _) in zip(drafts, per_draft, strict=True)
                for indicator_id, (value, met) in values.items()
            ),
            defaults={"note": ""},
        )
        _insert(
            CriterionResult,
            ["evaluation_id", "criterion_id", "met"],
            (
                (draft.pk, criterion_id, met)
                for draft, (_, results) in zip(drafts, per_draft, strict=True)
                for criterion_id, met in results.items()
            ),
        )
    return [*open_drafts.values(), *(draft.pk for draft in drafts)]

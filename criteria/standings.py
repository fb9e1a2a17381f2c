"""Keeping the dashboards' summary tables (CommuneStanding, CommuneSummary) fresh.

`standings_refresh` rebuilds the rows of some communes (or all) from the evaluations, results,
recognitions and villages. The services call it for the one commune they change, inside their
transaction, so a dashboard never shows an approval it has not counted; beat runs it for every
commune hourly, for what changes outside the services (recognitions entered in the admin,
villages imported from rosters).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import date

from django.db import transaction
from django.db.models import BigIntegerField, Case, Count, Sum, Value, When
from django.db.models.functions import Cast, Power
from django.utils import timezone

from communes.models import Commune, Village
from ntm_portal.versions import version_changed, version_of

from .models import (
    CommuneStanding,
    CommuneSummary,
    Criterion,
    Evaluation,
    Recognition,
)
from .rules import revocation_risk

CHUNK = 1000  # communes per transaction: bounded memory at national scale
# Masks are signed 64-bit integers: criterion numbers 1–62 fit (sets have 10 to 19 criteria).
MAX_CRITERION_NUMBER = 62
LEVEL_RANK = {
    Recognition.Level.NTM: 1,
    Recognition.Level.NANG_CAO: 2,
    Recognition.Level.KIEU_MAU: 3,
}


VERSION_KEY = "standings:version"


def standings_version() -> str:
    """Changes whenever the summary tables are rebuilt: the dashboards key their cached figures
    by it, so a figure is never older than the tables it counts."""
    return version_of(VERSION_KEY)


def _standings_changed() -> None:
    version_changed(VERSION_KEY)


def standings_refresh(*, commune_ids: Collection[int] | None = None) -> int:
    """Rebuild the summary rows of these communes (all when None); returns the standings written."""
    if commune_ids is None:
        ids = list(Commune.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(set(commune_ids))
    written = 0
    criteria_by_set: dict[int, list[Criterion]] = {}
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            written += _refresh_chunk(ids[start : start + CHUNK], criteria_by_set)
            _standings_changed()
    return written


def _masks():
    """Per evaluation, the sum of 2^number over its met (and its unmet) criteria."""
    power = Cast(Power(Value(2), "results__criterion__number"), BigIntegerField())
    in_range = {"results__criterion__number__lte": MAX_CRITERION_NUMBER}
    return {
        "met_mask": Sum(
            Case(When(results__met=True, **in_range, then=power), default=Value(0)),
            output_field=BigIntegerField(),
        ),
        "unmet_mask": Sum(
            Case(When(results__met=False, **in_range, then=power), default=Value(0)),
            output_field=BigIntegerField(),
        ),
    }


def _refresh_chunk(ids: list[int], criteria_by_set: dict[int, list[Criterion]]) -> int:
    now = timezone.now()
    evaluations = list(
        Evaluation.objects.approved()
        .of_communes()
        .filter(commune_id__in=ids)
        .order_by()
        .values(
            "pk",
            "commune_id",
            "criteria_set_id",
            "year",
            "half",
            "period_end",
            "met_count",
            "criteria_count",
        )
        .annotate(**_masks())
    )
    missing_sets = {e["criteria_set_id"] for e in evaluations} - set(criteria_by_set)
    for criterion in Criterion.objects.filter(criteria_set_id__in=missing_sets):
        criteria_by_set.setdefault(criterion.criteria_set_id, []).append(criterion)
    recognitions = defaultdict(list)
    for recognition in Recognition.objects.filter(commune_id__in=ids):
        recognitions[recognition.commune_id].append(recognition)

    latest: dict[tuple[int, int], tuple] = {}
    for e in evaluations:
        key = (e["commune_id"], e["criteria_set_id"])
        rank = (e["period_end"], e["half"], e["pk"])
        if key not in latest or rank > latest[key]:
            latest[key] = rank
    rows = []
    for e in evaluations:
        met_mask, unmet_mask = int(e["met_mask"] or 0), int(e["unmet_mask"] or 0)
        reason = None
        if _recognised_on(recognitions[e["commune_id"]], e["period_end"]):
            results = [
                (criterion, _state(criterion.number, met_mask, unmet_mask))
                for criterion in criteria_by_set.get(e["criteria_set_id"], [])
            ]
            reason = revocation_risk(results)
        rows.append(
            CommuneStanding(
                commune_id=e["commune_id"],
                criteria_set_id=e["criteria_set_id"],
                evaluation_id=e["pk"],
                year=e["year"],
                half=e["half"],
                period_end=e["period_end"],
                met_count=e["met_count"],
                criteria_count=e["criteria_count"],
                all_met=bool(e["criteria_count"]) and e["met_count"] == e["criteria_count"],
                met_mask=met_mask,
                unmet_mask=unmet_mask,
                is_latest=latest[(e["commune_id"], e["criteria_set_id"])][2] == e["pk"],
                at_risk=reason is not None,
                risk_reason=(reason or "")[:300],
                refreshed_at=now,
            )
        )
    CommuneStanding.objects.filter(commune_id__in=ids).delete()
    CommuneStanding.objects.bulk_create(rows, batch_size=2000)

    CommuneSummary.objects.filter(commune_id__in=ids).delete()
    CommuneSummary.objects.bulk_create(_summaries(ids, recognitions, now), batch_size=2000)
    return len(rows)


def _state(number: int, met_mask: int, unmet_mask: int) -> bool | None:
    bit = CommuneStanding.bit(number) if number <= MAX_CRITERION_NUMBER else 0
    if met_mask & bit:
        return True
    if unmet_mask & bit:
        return False
    return None


def _recognised_on(recognitions: list[Recognition], day: date) -> str:
    """The highest level the commune held on that day ('' when none)."""
    held = [
        r.level
        for r in recognitions
        if r.decision_date <= day and (r.revoked_on is None or r.revoked_on > day)
    ]
    return max(held, key=LEVEL_RANK.get, default="")


def _summaries(ids: list[int], recognitions, now) -> Iterator[CommuneSummary]:
    totals = dict(
        Village.objects.filter(commune_id__in=ids)
        .order_by()
        .values("commune_id")
        .annotate(n=Count("pk"))
        .values_list("commune_id", "n")
    )
    # A village is met when its latest approved evaluation meets every criterion (selectors).
    seen: set[int] = set()
    met: dict[int, int] = defaultdict(int)
    for village_id, commune_id, met_count, criteria_count in (
        Evaluation.objects.approved()
        .of_villages()
        .filter(commune_id__in=ids)
        .order_by("village_id", "-period_end", "-half", "-pk")
        .values_list("village_id", "commune_id", "met_count", "criteria_count")
    ):
        if village_id in seen:
            continue
        seen.add(village_id)
        if criteria_count and met_count == criteria_count:
            met[commune_id] += 1
    today = timezone.localdate()
    for commune_id in ids:
        yield CommuneSummary(
            commune_id=commune_id,
            recognition_level=_recognised_on(recognitions[commune_id], today),
            villages_total=totals.get(commune_id, 0),
            villages_met=met[commune_id],
            refreshed_at=now,
        )

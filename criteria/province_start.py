"""What this floor knows of how far a province has set the portal up: the commune groups it has
decided (QĐ 51/2025: thresholds differ by group), the recognitions recorded, and the xã already
evaluated against the commune set in force (reports.province_start gathers it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from communes.models import Commune, Edition, Province

from .groups import settings_in_force
from .models import CriteriaSet, Evaluation, Recognition


@dataclass(frozen=True)
class CriteriaFigures:
    xa: int
    groups_apply: bool  # only a 2025 province decides groups (the 2026–2030 set needs them)
    without_group: int
    recognised: int  # xã holding a recognition today, at any level
    evaluated: int  # xã with an evaluation, in any state, against the commune set in force


def criteria_figures(province: Province, today: date) -> CriteriaFigures:
    """One query, whatever the number of xã: each xã is asked, in SQL, whether a group setting
    is in force, a recognition holds and an evaluation against today's set exists."""
    in_force = settings_in_force(today).filter(commune_id=OuterRef("pk"))
    recognitions = Recognition.objects.in_force_on(today).filter(commune_id=OuterRef("pk"))
    current_sets = CriteriaSet.objects.valid_on(today).filter(level=CriteriaSet.Level.XA_NTM)
    evaluations = Evaluation.objects.of_communes().filter(
        commune_id=OuterRef("pk"), criteria_set__in=current_sets
    )
    figures = (
        Commune.objects.xa()
        .filter(province=province)
        .annotate(
            has_group=Exists(in_force),
            is_recognised=Exists(recognitions),
            is_evaluated=Exists(evaluations),
        )
        .aggregate(
            xa=Count("pk"),
            without_group=Count("pk", filter=Q(has_group=False)),
            recognised=Count("pk", filter=Q(is_recognised=True)),
            evaluated=Count("pk", filter=Q(is_evaluated=True)),
        )
    )
    return CriteriaFigures(groups_apply=province.edition == Edition.TWO_TIER_2025, **figures)

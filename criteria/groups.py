"""Which commune group (nhóm xã, QĐ 51/2025/QĐ-TTg) is in force for a xã on a day.

The province decides each xã's group (CommuneGroupDecision); a decision applies from its own
day. On a given day, a xã's group is the one set by the decision applying from the latest day not
after it; of two decisions applying from the same day, the later decision (then the later
record) wins, the way a corrigendum replaces what it corrects. An evaluation's thresholds are
those of the group in force on its reference day (the end of its period); a xã with no group in
force has its group-dependent indicators undecided.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from communes.models import CommuneGroup, CommuneQuerySet

from .models import CommuneGroupSetting

# As published (the draft numbered them the other way round).
DESCRIPTIONS = {
    CommuneGroup.GROUP_1: _(
        "Xã giáp ranh đô thị, xã có nông nghiệp chiếm dưới 10% trong cơ cấu kinh tế, hoặc xã "
        "được quy hoạch thành đô thị mới"
    ),
    CommuneGroup.GROUP_2: _("Các xã còn lại"),
    CommuneGroup.GROUP_3: _(
        "Xã vùng đồng bào dân tộc thiểu số và miền núi thuộc khu vực II, khu vực III"
    ),
}
NEWEST_FIRST = ("-decision__applies_from", "-decision__date", "-decision_id")
YEARS = range(2025, 2101)  # a group decision can only date from the two-tier government on


def group_descriptions() -> list[tuple[int, str, str]]:
    """(group, "Nhóm 1", what it is), for pages that explain the groups."""
    return [(group.value, group.label, DESCRIPTIONS[group]) for group in CommuneGroup]


def settings_in_force(day: date) -> QuerySet[CommuneGroupSetting]:
    """Every xã's settings applying on that day, the one in force first."""
    return CommuneGroupSetting.objects.filter(decision__applies_from__lte=day).order_by(
        "commune_id", *NEWEST_FIRST
    )


def settings_of(commune_id: int) -> list[CommuneGroupSetting]:
    """Every setting of one xã with its decision, the one in force first (for several days of
    one page: one query)."""
    return list(
        CommuneGroupSetting.objects.filter(commune_id=commune_id)
        .select_related("decision")
        .order_by(*NEWEST_FIRST)
    )


def setting_in_force(settings: list[CommuneGroupSetting], day: date) -> CommuneGroupSetting | None:
    """Of `settings_of`, the one applying on that day (the order of `settings_in_force`)."""
    return next((s for s in settings if s.decision.applies_from <= day), None)


def group_on(commune_id: int, day: date) -> int | None:
    """The group of one xã on that day; None when no decision sets one yet."""
    return (
        settings_in_force(day).filter(commune_id=commune_id).values_list("group", flat=True).first()
    )


def groups_on(keys: Iterable[tuple[int, date]]) -> dict[tuple[int, date], int | None]:
    """`group_on` for many (xã, day) pairs in one query."""
    keys = set(keys)
    if not keys:
        return {}
    history = defaultdict(list)
    for commune_id, applies_from, group in (
        CommuneGroupSetting.objects.filter(
            commune_id__in={commune_id for commune_id, _day in keys},
            decision__applies_from__lte=max(day for _commune, day in keys),
        )
        .order_by("commune_id", *NEWEST_FIRST)
        .values_list("commune_id", "decision__applies_from", "group")
    ):
        history[commune_id].append((applies_from, group))
    return {
        (commune_id, day): next(
            (group for applies_from, group in history[commune_id] if applies_from <= day), None
        )
        for commune_id, day in keys
    }


def with_group_on(communes: CommuneQuerySet, day: date) -> CommuneQuerySet:
    """Each xã annotated with its group on that day and the decision that set it
    (`group_in_force`, `group_decision_id`, `group_decision_number`, `group_decision_date`,
    `group_applies_from`, `group_decision_issuer`): one query, whatever the number of xã."""
    in_force = settings_in_force(day).filter(commune_id=OuterRef("pk"))

    def first(field: str) -> Subquery:
        return Subquery(in_force.values(field)[:1])

    return communes.annotate(
        group_in_force=first("group"),
        group_decision_id=first("decision_id"),
        group_decision_number=first("decision__number"),
        group_decision_date=first("decision__date"),
        group_applies_from=first("decision__applies_from"),
        group_decision_issuer=first("decision__issuer"),
    )

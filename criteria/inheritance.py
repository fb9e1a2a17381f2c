"""What a commune formed on 01/07/2025 inherits of the recognitions of the communes it was formed
from: proposed by the rules kept as data (`InheritanceRule`), decided by the province
(`InheritanceDecision`), which makes the decided level the commune's `Recognition`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Commune, CommuneLineage, Edition, LineageKind
from ntm_portal.models import User
from ntm_portal.registers import register_refusal

from .models import InheritanceDecision, InheritanceRule, Recognition
from .registers import INHERITANCE_KIND
from .standings import standings_refresh

logger = logging.getLogger(__name__)

# The day the predecessors' recognitions are read on: the last day of the three-tier map.
LAST_DAY = date(2025, 6, 30)
RANK = {Recognition.Level.NTM: 1, Recognition.Level.NANG_CAO: 2, Recognition.Level.KIEU_MAU: 3}


@dataclass
class Inheritance:
    """A 2025 commune's predecessors, how many were recognised, and what the rules propose."""

    predecessors: int = 0
    partial: int = 0  # merged into it only in part
    recognised: int = 0  # recognised on 30/06/2025 (at any level)
    proposed: InheritanceRule | None = None
    decision: InheritanceDecision | None = None

    @property
    def recognised_label(self) -> str:
        """ "3/4 xã cũ đã đạt chuẩn" """
        return _("%(recognised)s/%(total)s xã cũ đã đạt chuẩn") % {
            "recognised": self.recognised,
            "total": self.predecessors,
        }


DECISION_FIELDS = ("pk", "level", "outcome", "decision_number", "decision_date", "reason")


def inheritance_of(communes: Sequence[Commune]) -> dict[int, Inheritance]:
    """For 2025 communes: two queries, whatever their number (the lineage with each
    predecessor's recognitions and the commune's decision; the rules)."""
    ids = [commune.pk for commune in communes if commune.edition == Edition.TWO_TIER_2025]
    found = {pk: Inheritance() for pk in ids}
    if not ids:
        return found
    in_force = Recognition.objects.in_force_on(LAST_DAY).filter(commune=OuterRef("predecessor"))
    # Unordered: the lineage's default order joins both communes of every link (8 → 1 ms for
    # a page of 50 xã); what is counted here does not depend on the order. The successor's
    # decision (one at most) is joined: six subqueries took longer to build than to run.
    levels = {f"at_{level}": Exists(in_force.filter(level=level)) for level in RANK}
    decisions = {
        f"decision_{name}": F(f"successor__inheritance_decision__{name}")
        for name in DECISION_FIELDS
    }
    # Plain values: a link is read for seven of them, not built as an object (350 for a page).
    links = (
        CommuneLineage.objects.filter(successor_id__in=ids, predecessor__isnull=False)
        .order_by()
        .values("successor_id", "kind", **levels, **decisions)
    )
    ranks: dict[int, list[int]] = defaultdict(list)
    for link in links:
        inheritance = found[link["successor_id"]]
        rank = max((RANK[level] for level in RANK if link[f"at_{level}"]), default=0)
        inheritance.predecessors += 1
        inheritance.partial += link["kind"] == LineageKind.PART
        inheritance.recognised += rank > 0
        ranks[link["successor_id"]].append(rank)
        if link["decision_pk"] and inheritance.decision is None:
            inheritance.decision = InheritanceDecision(
                commune_id=link["successor_id"],
                **{name: link[f"decision_{name}"] for name in DECISION_FIELDS},
            )
    rules = sorted(InheritanceRule.objects.all(), key=lambda rule: -RANK[rule.level])
    for pk, inheritance in found.items():
        inheritance.proposed = _proposal(rules, inheritance, ranks[pk])
    return found


def _proposal(
    rules: list[InheritanceRule], inheritance: Inheritance, ranks: list[int]
) -> InheritanceRule | None:
    """The highest level whose rule the predecessors meet."""
    if not ranks:
        return None
    for rule in rules:
        if rule.whole_only and inheritance.partial:
            continue
        reaching = sum(1 for rank in ranks if rank >= RANK[rule.level])
        if reaching * 100 >= rule.share_percent * len(ranks):
            return rule
    return None


class InheritanceRefused(Exception):
    """A decision that cannot be recorded; str() is the reason, in Vietnamese."""


def inheritance_decide(
    *,
    commune: Commune,
    level: str,
    decision_number: str,
    decision_date: date,
    reason: str,
    actor: User,
) -> InheritanceDecision:
    """Confirm the proposal (same level) or replace it (another level, or none: a reason is
    needed). Once per commune; a decided level becomes the commune's recognition."""
    if commune.edition != Edition.TWO_TIER_2025:
        raise InheritanceRefused(_("Chỉ xã hình thành từ 01/07/2025 mới có quyết định kế thừa."))
    if level and level not in RANK:
        raise InheritanceRefused(_("Mức công nhận không hợp lệ."))
    decision_number = decision_number.strip()
    if not decision_number:
        raise InheritanceRefused(_("Cần ghi số quyết định."))
    if not LAST_DAY < decision_date <= timezone.localdate():
        raise InheritanceRefused(_("Ngày quyết định phải từ 01/07/2025 đến hôm nay."))
    if refusal := register_refusal(
        province_id=commune.province_id,
        number=decision_number,
        day=decision_date,
        kind=INHERITANCE_KIND,
    ):
        raise InheritanceRefused(refusal)
    inheritance = inheritance_of([commune])[commune.pk]
    proposed = inheritance.proposed.level if inheritance.proposed else ""
    if level != proposed and not reason.strip():
        raise InheritanceRefused(_("Quyết định khác đề xuất kế thừa: cần ghi lý do."))
    with transaction.atomic():
        if InheritanceDecision.objects.select_for_update().filter(commune=commune).exists():
            raise InheritanceRefused(_("Xã này đã có quyết định kế thừa."))
        recognition = None
        if level:
            recognition = Recognition.objects.create(
                commune=commune,
                level=level,
                decision_number=decision_number,
                decision_date=decision_date,
            )
        try:
            decision = InheritanceDecision.objects.create(
                commune=commune,
                proposed_level=proposed,
                level=level,
                outcome=InheritanceDecision.Outcome.CONFIRMED
                if level == proposed
                else InheritanceDecision.Outcome.REPLACED,
                decision_number=decision_number,
                decision_date=decision_date,
                reason=reason.strip(),
                recognition=recognition,
                decided_by=actor,
            )
        except IntegrityError:
            raise InheritanceRefused(_("Xã này đã có quyết định kế thừa.")) from None
        standings_refresh(commune_ids=[commune.pk])
    logger.info(
        "Inheritance of %s decided by %s: %s (proposed %s), %s",
        commune,
        actor,
        level or "-",
        proposed or "-",
        decision_number,
    )
    return decision

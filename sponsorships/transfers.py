"""The proposal to carry the assignments on 2024 communes across the reorganisation of
01/07/2025: each one's successor(s), what the province chose, and the conflicts to resolve.

This module only reads; `services.assignments_transfer` confirms a proposal as a decision.

The rules, as the proposal page explains them:
- a commune that went wholly (or unchanged) into one 2025 commune gives one proposal; a split one
  (nhập một phần, several successors) gives its candidates, one to pick; any row may instead end
  on 30/06/2025 without being carried ("không chuyển");
- where carried assignments meet on one 2025 commune, nothing is merged silently: one agency with
  two assignments keeps one (an agency has one assignment per commune at a time); two agencies
  with the same kind are a conflict too: one sponsors (đỡ đầu) a commune, several may supervise
  it (phụ trách, `Assignment.SHARED_KINDS`), so the province keeps one sponsor, and one or all of
  the supervisors;
- an assignment the 2025 commune already has (a later decision) stays: the same agency, or
  another sponsor when this one sponsors, means the old one ends without being carried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from communes.models import Commune, CommuneLineage, Edition, Province

from .models import Agency, Assignment, AssignmentTransfer

REORGANISED_ON = Edition.validity(Edition.TWO_TIER_2025)[0]  # 01/07/2025
LAST_DAY_BEFORE = Edition.validity(Edition.THREE_TIER_2024)[1]  # 30/06/2025
NOT_CARRIED = 0  # the choice "end on 30/06/2025, do not carry"


def pending_transfers(province: Province | OuterRef) -> QuerySet[Assignment]:
    """Assignments on the 2024 communes of the provinces this 2025 province was formed from,
    still running on 30/06/2025 and not transferred yet."""
    return Assignment.objects.filter(
        commune__edition=Edition.THREE_TIER_2024,
        commune__province__successions__successor=province,
        start__lte=LAST_DAY_BEFORE,
        transfer__isnull=True,
    ).filter(Q(end__isnull=True) | Q(end__gt=LAST_DAY_BEFORE))


@dataclass
class TransferChoices:
    """What the province picked on the page: a successor per assignment (NOT_CARRIED to end it)
    and, per conflict, the assignments kept on that successor."""

    successors: dict[int, int] = field(default_factory=dict)
    keep: dict[int, set[int]] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)
    malformed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, data: Mapping) -> TransferChoices:
        choices = cls()
        for name in data:
            prefix, _sep, suffix = name.partition("_")
            if prefix not in ("successor", "keep") or not suffix:
                continue
            try:
                key = int(suffix)
                values = [int(value) for value in data.getlist(name)]
            except ValueError:
                choices.malformed[name] = _("Lựa chọn không hợp lệ.")
                continue
            if prefix == "successor":
                choices.successors[key] = values[-1]
            else:
                choices.keep[key] = set(values)
        for value in data.getlist("assignment"):
            try:
                choices.seen.add(int(value))
            except ValueError:
                choices.malformed["assignment"] = _("Danh sách phân công không hợp lệ.")
        return choices


@dataclass
class TransferRow:
    assignment: Assignment
    agency: Agency  # who carries it on: the agency, or the one it has been merged into
    candidates: list[Commune]
    lineage_kinds: dict[int, str]
    choice: int | None = None  # a successor's id, NOT_CARRIED, or None while undecided
    blocked_by: Assignment | None = None
    blocked_reason: str = ""
    dropped_for: TransferRow | None = None  # a conflict kept another assignment instead
    error: str = ""
    in_conflict: bool = False

    @property
    def is_split(self) -> bool:
        return len(self.candidates) > 1

    @property
    def successor(self) -> Commune | None:
        return next((c for c in self.candidates if c.pk == self.choice), None)

    @property
    def carried(self) -> bool:
        return self.successor is not None and self.blocked_by is None and self.dropped_for is None


@dataclass
class Conflict:
    successor: Commune
    rows: list[TransferRow]
    reasons: list[str]
    kept: set[int] = field(default_factory=set)
    error: str = ""

    @property
    def may_keep_several(self) -> bool:
        """Whether two of them can stay together (checkboxes), or only one (radio buttons)."""
        return any(
            not keep_refusal([first, second])
            for index, first in enumerate(self.rows)
            for second in self.rows[index + 1 :]
        )


@dataclass
class TransferPlan:
    province: Province
    rows: list[TransferRow]
    conflicts: list[Conflict]
    errors: dict[str, str]

    @property
    def decided(self) -> list[TransferRow]:
        """The rows a confirmation writes. A unit the lineage gives no successor (still to be
        reviewed) stays pending unless the province ends its assignment."""
        return [row for row in self.rows if row.choice is not None]


def transfer_plan(*, province: Province, choices: TransferChoices | None = None) -> TransferPlan:
    """The proposal for this 2025 province, with the province's choices applied (None: as first
    shown). `errors` (field name → Vietnamese message) holds what a confirmation would refuse."""
    posted = choices is not None
    choices = choices or TransferChoices()
    errors: dict[str, str] = dict(choices.malformed)
    assignments = list(
        pending_transfers(province)
        .select_related("agency", "commune__district", "commune__province", "decision")
        .prefetch_related("criteria_to_support")
        .order_by("agency__name", "commune__search_name", "pk")
    )
    carriers = _carriers()
    lineage = defaultdict(list)
    for link in (
        CommuneLineage.objects.filter(predecessor__in=[a.commune_id for a in assignments])
        .select_related("successor")
        .order_by("successor__search_name", "successor__code")
    ):
        lineage[link.predecessor_id].append(link)
    rows = []
    for assignment in assignments:
        links = lineage[assignment.commune_id]
        rows.append(
            TransferRow(
                assignment=assignment,
                agency=_carrier(assignment.agency, carriers),
                candidates=[link.successor for link in links],
                lineage_kinds={link.successor_id: link.kind for link in links},
            )
        )
    by_pk = {row.assignment.pk: row for row in rows}
    for pk in choices.successors.keys() - by_pk.keys():
        errors[f"successor_{pk}"] = _(
            "Phân công số %(pk)s không có trong danh sách chuyển của tỉnh."
        ) % {"pk": pk}
    for row in rows:
        _choose(row, choices, posted, errors)
    _block_by_existing(rows)
    conflicts = _conflicts(rows)
    _resolve(conflicts, choices, posted, errors)
    for row in rows:
        row.error = errors.get(f"successor_{row.assignment.pk}", "")
    for conflict in conflicts:
        conflict.error = errors.get(f"keep_{conflict.successor.pk}", "")
    return TransferPlan(province=province, rows=rows, conflicts=conflicts, errors=errors)


def _carriers() -> dict[int, Agency]:
    """Every agency in a merger, by id: the few rows that `Agency.surviving_on` walks."""
    return {
        agency.pk: agency
        for agency in Agency.objects.filter(
            Q(merged_into__isnull=False) | Q(absorbed__isnull=False)
        ).distinct()
    }


def _carrier(agency: Agency, carriers: dict[int, Agency]) -> Agency:
    # The agency that works today: a decision made now assigns no agency that has merged away.
    while agency.merged_into_id:
        agency = carriers[agency.merged_into_id]
    return agency


def _label(row: TransferRow) -> str:
    return f"{row.assignment.commune.name} – {row.assignment.agency.name}"


def _choose(
    row: TransferRow, choices: TransferChoices, posted: bool, errors: dict[str, str]
) -> None:
    key = f"successor_{row.assignment.pk}"
    if key in errors:  # the posted value was not even a number
        return
    chosen = choices.successors.get(row.assignment.pk)
    candidate_ids = {c.pk for c in row.candidates}
    if chosen is not None and chosen != NOT_CARRIED and chosen not in candidate_ids:
        errors[key] = _(
            "Xã mới của phân công %(label)s: xã được chọn không phải đơn vị kế tiếp của "
            "%(commune)s."
        ) % {"label": _label(row), "commune": row.assignment.commune.name}
        return
    if chosen is not None:
        row.choice = chosen
    elif len(row.candidates) == 1:
        row.choice = row.candidates[0].pk
    elif row.candidates and posted:
        errors[key] = _(
            "Xã mới của phân công %(label)s: %(commune)s tách vào %(candidates)s, hãy chọn một xã."
        ) % {
            "label": _label(row),
            "commune": row.assignment.commune.name,
            "candidates": ", ".join(c.name for c in row.candidates),
        }


def _block_by_existing(rows: list[TransferRow]) -> None:
    """An assignment the 2025 commune already has, from a later decision, stays as it is."""
    targets = {row.choice for row in rows if row.successor}
    existing = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(commune_id__in=targets)
        .filter(Q(end__isnull=True) | Q(end__gte=REORGANISED_ON))
        .select_related("agency")
        .order_by("start", "pk")
    ):
        existing[assignment.commune_id].append(assignment)
    for row in rows:
        if not row.successor:
            continue
        for other in existing[row.choice]:
            if other.agency_id == row.agency.pk:
                reason = _(
                    "%(agency)s đã được phân công %(commune)s từ %(start)s: giữ phân công đó, "
                    "phân công cũ kết thúc ngày 30/06/2025."
                )
            elif (
                other.kind == row.assignment.kind
                and row.assignment.kind not in Assignment.SHARED_KINDS
            ):
                reason = _(
                    "%(commune)s đã có %(agency)s đỡ đầu từ %(start)s (mỗi xã một cơ quan đỡ "
                    "đầu): phân công cũ kết thúc ngày 30/06/2025."
                )
            else:
                continue
            row.blocked_by = other
            row.blocked_reason = reason % {
                "agency": other.agency.name,
                "commune": row.successor.name,
                "start": f"{other.start:%d/%m/%Y}",
            }
            break


def _conflicts(rows: list[TransferRow]) -> list[Conflict]:
    landing = defaultdict(list)
    for row in rows:
        if row.successor and row.blocked_by is None:
            landing[row.choice].append(row)
    conflicts = []
    for group in landing.values():
        if len(group) < 2:
            continue
        successor = group[0].successor
        reasons = []
        by_agency = defaultdict(list)
        by_kind = defaultdict(set)
        for row in group:
            by_agency[row.agency.pk].append(row)
            by_kind[row.assignment.kind].add(row.agency.pk)
        for same in by_agency.values():
            if len(same) > 1:
                reasons.append(
                    _(
                        "%(agency)s có %(count)s phân công (%(communes)s) cùng nhập vào "
                        "%(successor)s: một cơ quan chỉ giữ một phân công ở một xã."
                    )
                    % {
                        "agency": same[0].agency.name,
                        "count": len(same),
                        "communes": ", ".join(r.assignment.commune.name for r in same),
                        "successor": successor.name,
                    }
                )
        for kind, agencies in by_kind.items():
            if len(agencies) < 2:
                continue
            words = {
                "count": len(agencies),
                "kind": Assignment.Kind(kind).label.lower(),
                "successor": successor.name,
            }
            if kind in Assignment.SHARED_KINDS:
                reasons.append(
                    _("%(count)s cơ quan cùng %(kind)s %(successor)s: giữ một cơ quan hoặc giữ cả.")
                    % words
                )
            else:
                reasons.append(
                    _(
                        "%(count)s cơ quan cùng %(kind)s %(successor)s: mỗi xã chỉ một cơ quan "
                        "%(kind)s, hãy giữ một."
                    )
                    % words
                )
        if reasons:
            conflicts.append(Conflict(successor=successor, rows=group, reasons=reasons))
            for row in group:
                row.in_conflict = True
    return conflicts


def keep_refusal(rows: list[TransferRow]) -> str:
    """Why these assignments cannot all be kept on one commune ("" when they can)."""
    if not rows:
        return _("Chọn ít nhất một phân công được giữ.")
    agencies = [row.agency.pk for row in rows]
    if len(set(agencies)) < len(agencies):
        return _("Một cơ quan chỉ giữ một phân công ở một xã.")
    for kind in {row.assignment.kind for row in rows} - Assignment.SHARED_KINDS:
        if sum(row.assignment.kind == kind for row in rows) > 1:
            return _("Mỗi xã chỉ một cơ quan %(kind)s.") % {
                "kind": Assignment.Kind(kind).label.lower()
            }
    return ""


def _resolve(
    conflicts: list[Conflict], choices: TransferChoices, posted: bool, errors: dict[str, str]
) -> None:
    by_successor = {conflict.successor.pk: conflict for conflict in conflicts}
    for pk in choices.keep.keys() - by_successor.keys():
        errors[f"keep_{pk}"] = _(
            "Không có xung đột nào ở xã số %(pk)s để giải quyết: tải lại trang."
        ) % {"pk": pk}
    for conflict in conflicts:
        key = f"keep_{conflict.successor.pk}"
        kept_ids = choices.keep.get(conflict.successor.pk)
        if kept_ids is None:
            if posted:
                errors[key] = _("%(successor)s: chọn phân công được giữ.") % {
                    "successor": conflict.successor.name
                }
            continue
        members = {row.assignment.pk: row for row in conflict.rows}
        if kept_ids - members.keys():
            errors[key] = _(
                "%(successor)s: phân công được giữ phải là một trong các phân công xung đột."
            ) % {"successor": conflict.successor.name}
            continue
        kept = [members[pk] for pk in sorted(kept_ids)]
        if refusal := keep_refusal(kept):
            errors[key] = f"{conflict.successor.name}: {refusal}"
            continue
        conflict.kept = kept_ids
        for row in conflict.rows:
            if row.assignment.pk not in kept_ids:
                # Its agency's kept row when there is one: that assignment continues this one.
                row.dropped_for = next((k for k in kept if k.agency.pk == row.agency.pk), kept[0])


def transfers_done(province: Province) -> QuerySet[AssignmentTransfer]:
    """What earlier transfer decisions of this province did, for the record on the page."""
    return (
        AssignmentTransfer.objects.filter(decision__province=province)
        .select_related(
            "decision",
            "previous__agency",
            "previous__commune",
            "successor",
            "assignment__agency",
            "created_by",
        )
        .order_by("-decision__date", "decision_id", "previous__commune__search_name", "pk")
    )

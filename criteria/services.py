"""Every write to evaluations goes through here, inside one transaction, with its audit log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communes.models import Commune, Edition, Province, Village
from ntm_portal.bulk import insert_rows
from ntm_portal.models import User
from ntm_portal.notifications import notify
from ntm_portal.registers import register_refusal
from ntm_portal.text import lower_first

from .access import reviewers_of
from .groups import YEARS, group_on, groups_on, setting_in_force
from .models import (
    CommuneGroupDecision,
    CommuneGroupSetting,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Evaluation,
    EvaluationLog,
    Indicator,
    IndicatorValue,
)
from .registers import GROUPS_KIND
from .rules import Subject, criterion_met, indicator_met, tally_phrase
from .standings import standings_refresh
from .values import ValueRejected, parse_value


class EvaluationError(Exception):
    """An action the workflow refuses; the message says why, in Vietnamese."""


class EvaluationConflict(EvaluationError):
    """Somebody else saved the evaluation after this form was opened."""


@dataclass
class FieldErrors(EvaluationError):
    """Values that cannot be used: indicator id → reason. Nothing was written."""

    errors: dict[int, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return _("Có %(count)s giá trị chưa hợp lệ.") % {"count": len(self.errors)}


def subject_of(evaluation: Evaluation, *, settings: list | None = None) -> Subject:
    """What decides the evaluation's thresholds; `settings` (criteria.groups.settings_of) spares
    the query when the page has them already."""
    commune = evaluation.commune
    if settings is None:
        group = group_on(commune.pk, evaluation.reference_day)
    else:
        found = setting_in_force(settings, evaluation.reference_day)
        group = found.group if found else None
    return Subject(region=commune.region, group=group, year=evaluation.year)


@dataclass(frozen=True)
class Tally:
    """An evaluation's derived counts, as the history records them: "7/10 (3 chưa xác định)"."""

    met: int
    undecided: int
    total: int

    @classmethod
    def of(cls, evaluation: Evaluation) -> Tally:
        return cls(evaluation.met_count, evaluation.undecided_count, evaluation.criteria_count)

    @property
    def phrase(self) -> str:
        """ "đạt 3/10 tiêu chí, 7 chưa xác định", as documents write it."""
        return tally_phrase(self.met, self.total, self.undecided)

    def __str__(self) -> str:
        text = f"{self.met}/{self.total}"
        if self.undecided:
            text += " " + _("(%(count)s chưa xác định)") % {"count": self.undecided}
        return text


# --- Creating and filling in --------------------------------------------------------------------


@transaction.atomic
def evaluation_create(
    *,
    commune: Commune,
    criteria_set: CriteriaSet,
    year: int,
    half: int,
    actor: User | None,
    village: Village | None = None,
) -> Evaluation:
    """A draft for one period, starting from the values of the latest earlier evaluation."""
    if reason := commune.absence_on(Evaluation.period_end_of(year, half)):
        raise EvaluationError(reason)
    subject_filter = {"village": village} if village else {"commune": commune, "village": None}
    if Evaluation.objects.filter(
        **subject_filter, criteria_set=criteria_set, year=year, half=half
    ).exists():
        raise EvaluationError(_("Kỳ đánh giá này đã có; hãy mở đánh giá đã có để sửa."))
    evaluation = Evaluation.objects.create(
        commune=commune,
        village=village,
        criteria_set=criteria_set,
        year=year,
        half=half,
        period_end=Evaluation.period_end_of(year, half),
        criteria_count=criteria_set.criteria.count(),
        created_by=actor,
    )
    previous = evaluation_previous(evaluation)
    carried = previous.values.all() if previous else IndicatorValue.objects.none()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            evaluation=evaluation,
            indicator_id=value.indicator_id,
            value=value.value,
            note=value.note,
        )
        for value in carried
    )
    EvaluationLog.objects.create(
        evaluation=evaluation,
        actor=actor,
        action=EvaluationLog.Action.CREATED,
        reason=_created_reason(previous),
    )
    evaluation_recompute(evaluation=evaluation)
    return evaluation


def evaluation_previous(evaluation: Evaluation) -> Evaluation | None:
    """The latest earlier evaluation of the same commune (or village) against the same set."""
    earlier = Evaluation.objects.filter(
        commune=evaluation.commune,
        village=evaluation.village,
        criteria_set=evaluation.criteria_set,
    ).exclude(pk=evaluation.pk)
    before = earlier.filter(period_end__lt=evaluation.period_end) | earlier.filter(
        period_end=evaluation.period_end, half__gt=evaluation.half
    )
    return before.latest_first().first()


def evaluation_earlier_of_another_set(evaluation: Evaluation) -> Evaluation | None:
    """The latest earlier evaluation of the same commune (or village) against another set: not
    compared with (two sets never in one comparison), but named, so that "no previous period"
    is not read as "never evaluated"."""
    return (
        Evaluation.objects.filter(
            commune=evaluation.commune,
            village=evaluation.village,
            period_end__lte=evaluation.period_end,
        )
        .exclude(criteria_set=evaluation.criteria_set)
        .select_related("criteria_set")
        .latest_first()
        .first()
    )


@transaction.atomic
def evaluation_save_values(
    *,
    evaluation: Evaluation,
    raw_values: Mapping[int, str],
    notes: Mapping[int, str],
    version: int,
    actor: User,
) -> int:
    """Save typed values (by indicator id). All or nothing; returns how many changed."""
    evaluation = _locked(evaluation, version)
    if not evaluation.is_editable:
        raise EvaluationError(_("Đánh giá đã gửi hoặc đã duyệt: không sửa được."))
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(criterion__criteria_set=evaluation.criteria_set)
    }
    parsed, errors = {}, {}
    for indicator_id, raw in raw_values.items():
        if indicator_id not in indicators:
            continue
        try:
            parsed[indicator_id] = parse_value(indicators[indicator_id], raw)
        except ValueRejected as error:
            errors[indicator_id] = str(error)
    if errors:
        raise FieldErrors(errors)

    existing = {value.indicator_id: value for value in evaluation.values.all()}
    changed, logs = [], []
    for indicator_id, new in parsed.items():
        note = (notes.get(indicator_id) or "").strip()
        row = existing.get(indicator_id) or IndicatorValue(
            evaluation=evaluation, indicator_id=indicator_id
        )
        if row.pk and row.value == new and row.note == note:
            continue
        indicator = indicators[indicator_id]
        if row.value != new:
            logs.append(
                EvaluationLog(
                    evaluation=evaluation,
                    actor=actor,
                    action=EvaluationLog.Action.VALUE_CHANGED,
                    indicator=indicator,
                    old_value=indicator.display_value(row.value) if row.pk else "—",
                    new_value=indicator.display_value(new),
                )
            )
        row.value, row.note = new, note
        changed.append(row)
    IndicatorValue.objects.bulk_create([row for row in changed if not row.pk])
    IndicatorValue.objects.bulk_update([row for row in changed if row.pk], ["value", "note"])
    EvaluationLog.objects.bulk_create(logs)
    if changed:
        _bump(evaluation)
        evaluation_recompute(evaluation=evaluation)
    return len(changed)


# --- The roster's door: many evaluations' values at once ----------------------------------------

# An evaluation's values are typed while it is a draft, or returned for correction.
EDITABLE = (Evaluation.Status.DRAFT, Evaluation.Status.RETURNED)
# (commune, criteria set, year, half)
PeriodKey = tuple[int, int, int, int]


@dataclass
class EvaluationImportRow:
    """One evaluation's values from a roster: the stored evaluation, or the period of a new one
    (created as `evaluation_create` creates it); each value parsed by `parse_value`, with its
    note (None: keep the stored note)."""

    period: PeriodKey
    evaluation_id: int | None
    values: list[tuple[Indicator, Decimal | None, str | None]]


class ShownValues(dict):
    """Values as pages show them (`Indicator.display_value`), each (indicator, value) worked
    out once: a 10,000-row file has a few hundred of them, and each takes a translation."""

    def __missing__(self, key: tuple[Indicator, Decimal | None]) -> str:
        indicator, value = key
        self[key] = shown = indicator.display_value(value)
        return shown


@transaction.atomic
def evaluation_values_import(
    *, rows: Sequence[EvaluationImportRow], actor: User | None, reason: str = ""
) -> set[int]:
    """The bulk form of `evaluation_create` and `evaluation_save_values` (the roster's door): the
    same rules (a unit in existence at the period's end, values only while editable), the same
    history lines (a new evaluation "Bắt đầu từ số liệu …" stored as a catalogue sentence, one
    line per value changed, `reason` a sentence of EvaluationLog.SYSTEM_REASONS), in a constant
    number of queries (COPY on PostgreSQL). All or nothing: EvaluationError says why. Returns
    the evaluations touched."""
    if not rows:
        return set()
    # Lock what will change; a review that slipped in since the check refuses the import.
    existing_ids = {row.evaluation_id for row in rows if row.evaluation_id}
    locked = Evaluation.objects.select_for_update().filter(pk__in=existing_ids)
    if any(status not in EDITABLE for status in locked.values_list("status", flat=True)):
        raise EvaluationError(
            _("Có đánh giá vừa được gửi hoặc duyệt trong lúc nhập: hãy kiểm tra lại tệp.")
        )
    ids = _evaluations_create_missing(rows, actor)
    touched = set(ids.values())
    # Every value of the touched evaluations: the recomputation needs them all, and is handed
    # them rather than reading them again.
    values: dict[int, dict[int, IndicatorValue]] = defaultdict(dict)
    for value in IndicatorValue.objects.filter(evaluation_id__in=touched).only(
        "pk", "evaluation_id", "indicator_id", "value", "note", "met"
    ):
        values[value.evaluation_id][value.indicator_id] = value
    unsaved, logs = {}, []
    shown_values = ShownValues()
    actor_id, now = (actor.pk if actor else None), timezone.now()
    for plan in rows:
        evaluation_id = ids[plan.period]
        held = values[evaluation_id]
        for indicator, new, note in plan.values:
            row = held.get(indicator.pk)
            if row is None:
                row = IndicatorValue(
                    evaluation_id=evaluation_id, indicator_id=indicator.pk, note=note or ""
                )
                held[indicator.pk] = row
                old = "—"
            else:
                old = shown_values[indicator, row.value]
            unsaved[id(row)] = row
            # As evaluation_save_values: a line per value that changes.
            if row.value != new:
                logs.append(
                    (
                        evaluation_id,
                        actor_id,
                        now,
                        EvaluationLog.Action.VALUE_CHANGED,
                        indicator.pk,
                        old,
                        shown_values[indicator, new],
                        reason,
                    )
                )
            row.value = new
            if note is not None:
                row.note = note
    insert_rows(
        EvaluationLog,
        [
            "evaluation_id",
            "actor_id",
            "at",
            "action",
            "indicator_id",
            "old_value",
            "new_value",
            "reason",
        ],
        logs,
    )
    Evaluation.objects.filter(pk__in=touched).update(version=F("version") + 1)
    # Writes the changed values with their `met` (each row once: new ones inserted, stored ones
    # upserted, never Django's CASE WHEN update), the criteria results and the tallies.
    evaluations_recompute(evaluation_ids=touched, values=values, unsaved=unsaved.values())
    return touched


def _evaluations_create_missing(
    rows: Sequence[EvaluationImportRow], actor: User | None
) -> dict[PeriodKey, int]:
    """`evaluation_create` for the periods that have no evaluation, at once: a unit in existence
    at the period's end, a draft carrying the previous values, and its history line."""
    ids = {row.period: row.evaluation_id for row in rows if row.evaluation_id}
    missing = sorted({row.period for row in rows if not row.evaluation_id})
    if not missing:
        return ids
    communes = Commune.objects.only("pk", "name", "valid_from", "valid_to").in_bulk(
        {period[0] for period in missing}
    )
    for commune_id, _set_id, year, half in missing:
        day = Evaluation.period_end_of(year, half)
        if communes[commune_id].absence_on(day, successors=()):
            raise EvaluationError(communes[commune_id].absence_on(day))
    counts: dict[int, int] = defaultdict(int)
    for set_id in Criterion.objects.filter(criteria_set_id__in={p[1] for p in missing}).values_list(
        "criteria_set_id", flat=True
    ):
        counts[set_id] += 1
    created = Evaluation.objects.bulk_create(
        [
            Evaluation(
                commune_id=commune_id,
                criteria_set_id=set_id,
                year=year,
                half=half,
                period_end=Evaluation.period_end_of(year, half),
                criteria_count=counts[set_id],
                created_by=actor,
            )
            for commune_id, set_id, year, half in missing
        ],
        batch_size=1000,
    )
    for evaluation in created:
        key = (evaluation.commune_id, evaluation.criteria_set_id, evaluation.year, evaluation.half)
        ids[key] = evaluation.pk
    previous = _evaluations_previous(created)
    carried = defaultdict(list)
    for value in IndicatorValue.objects.filter(evaluation_id__in={p.pk for p in previous.values()}):
        carried[value.evaluation_id].append(value)
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                evaluation_id=evaluation.pk,
                indicator_id=value.indicator_id,
                value=value.value,
                note=value.note,
            )
            for evaluation in created
            if evaluation.pk in previous
            for value in carried[previous[evaluation.pk].pk]
        ],
        batch_size=2000,
    )
    EvaluationLog.objects.bulk_create(
        [
            EvaluationLog(
                evaluation_id=evaluation.pk,
                actor=actor,
                action=EvaluationLog.Action.CREATED,
                reason=_created_reason(previous.get(evaluation.pk)),
            )
            for evaluation in created
        ],
        batch_size=2000,
    )
    return ids


def _created_reason(previous: Evaluation | None) -> str:
    """A new evaluation's history line, the same from every door: stored in Vietnamese whoever
    creates it, read in the reader's language (EvaluationLog.reason_text)."""
    if previous is None:
        return ""
    return gettext_noop("Bắt đầu từ số liệu %(period)s") % {
        "period": _vietnamese(previous.period_label)
    }


def _evaluations_previous(created: list[Evaluation]) -> dict[int, Evaluation]:
    """For each new evaluation, the latest earlier one of its commune and set
    (`evaluation_previous`, for many at once)."""
    earlier = defaultdict(list)
    for evaluation in (
        Evaluation.objects.filter(
            commune_id__in={e.commune_id for e in created},
            criteria_set_id__in={e.criteria_set_id for e in created},
            village__isnull=True,
        )
        .exclude(pk__in=[e.pk for e in created])
        .only("pk", "commune_id", "criteria_set_id", "year", "half", "period_end")
    ):
        earlier[(evaluation.commune_id, evaluation.criteria_set_id)].append(evaluation)
    found = {}
    for evaluation in created:
        before = [
            other
            for other in earlier[(evaluation.commune_id, evaluation.criteria_set_id)]
            if other.period_end < evaluation.period_end
            or (other.period_end == evaluation.period_end and other.half > evaluation.half)
        ]
        if before:
            found[evaluation.pk] = max(before, key=lambda e: (e.period_end, e.half, e.pk))
    return found


def evaluation_recompute(*, evaluation: Evaluation) -> Tally:
    """Derive indicator and criterion status and the tally from the values and the catalogue."""
    subject = subject_of(evaluation)
    criteria = evaluation.criteria_set.criteria.prefetch_related("indicators__thresholds")
    values = {value.indicator_id: value for value in evaluation.values.all()}
    results, met_count, undecided_count, stale_values = [], 0, 0, []
    for criterion in criteria:
        indicator_results = []
        for indicator in criterion.indicators.all():
            row = values.get(indicator.pk)
            met = indicator_met(
                indicator, row.value if row else None, indicator.thresholds.all(), subject
            )
            indicator_results.append(met)
            if row and row.met != met:
                row.met = met
                stale_values.append(row)
        met = criterion_met(indicator_results)
        met_count += met is True
        undecided_count += met is None
        results.append(CriterionResult(evaluation=evaluation, criterion=criterion, met=met))
    IndicatorValue.objects.bulk_update(stale_values, ["met"])
    CriterionResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["evaluation", "criterion"],
        update_fields=["met"],
    )
    evaluation.met_count, evaluation.criteria_count = met_count, len(results)
    evaluation.undecided_count = undecided_count
    evaluation.save(update_fields=["met_count", "undecided_count", "criteria_count"])
    if evaluation.is_locked:
        # An approved evaluation recomputed after a catalogue change moves the dashboards.
        standings_refresh(commune_ids=[evaluation.commune_id])
    return Tally.of(evaluation)


def evaluation_recompute_logged(
    *, evaluation: Evaluation, reason: str, actor: User | None = None
) -> bool:
    """Recompute after a change elsewhere (thresholds, region, the commune group); a tally that
    moves is a change of status, so it goes into the evaluation's history. True if it moved."""
    before = Tally.of(evaluation)
    after = evaluation_recompute(evaluation=evaluation)
    if after == before:
        return False
    EvaluationLog.objects.create(
        evaluation=evaluation,
        actor=actor,
        action=EvaluationLog.Action.RECOMPUTED,
        old_value=str(before),
        new_value=str(after),
        reason=reason,
    )
    return True


def evaluations_recompute(
    *,
    evaluation_ids: set[int],
    values: Mapping[int, Mapping[int, IndicatorValue]] | None = None,
    unsaved: Collection[IndicatorValue] = (),
) -> None:
    """`evaluation_recompute` for many evaluations at once, in a fixed number of queries (the
    evaluation roster and group decisions use it); approved ones are never passed here.

    A caller that holds the evaluations' values already (`values`: evaluation id → indicator
    id → value, all of them) passes them instead of having them read again, with the ones it
    changed and has not written (`unsaved`): those are written here, with their `met`, in the
    same upsert as the values whose `met` moves (one write of each row, not two)."""
    evaluations = list(
        Evaluation.objects.filter(pk__in=evaluation_ids)
        .select_related("commune__province")
        .only(
            "pk",
            "year",
            "period_end",
            "criteria_set_id",
            "commune__region_override",
            "commune__province__region",
        )
    )
    groups = groups_on((e.commune_id, e.reference_day) for e in evaluations)
    set_ids = {e.criteria_set_id for e in evaluations}
    # Each criterion with its indicators and their thresholds, as lists: `.all()` on prefetched
    # rows still builds a queryset, and this loop runs once per evaluation and indicator.
    criteria_by_set = defaultdict(list)
    for criterion in Criterion.objects.filter(criteria_set_id__in=set_ids).prefetch_related(
        "indicators__thresholds"
    ):
        criteria_by_set[criterion.criteria_set_id].append(
            (
                criterion,
                [
                    (indicator, list(indicator.thresholds.all()))
                    for indicator in criterion.indicators.all()
                ],
            )
        )
    if values is None:
        values = defaultdict(dict)
        for value in IndicatorValue.objects.filter(evaluation_id__in=evaluation_ids).only(
            "pk", "evaluation_id", "indicator_id", "value", "note", "met"
        ):
            values[value.evaluation_id][value.indicator_id] = value
    results = []
    # By identity: a new value has no primary key yet.
    written = {id(value): value for value in unsaved}
    for evaluation in evaluations:
        subject = Subject(
            region=evaluation.commune.region,
            group=groups[(evaluation.commune_id, evaluation.reference_day)],
            year=evaluation.year,
        )
        met_count, undecided_count = 0, 0
        criteria = criteria_by_set[evaluation.criteria_set_id]
        held = values.get(evaluation.pk, {})
        for criterion, indicators in criteria:
            indicator_results = []
            for indicator, thresholds in indicators:
                row = held.get(indicator.pk)
                met = indicator_met(indicator, row.value if row else None, thresholds, subject)
                indicator_results.append(met)
                if row and row.met != met:
                    row.met = met
                    written[id(row)] = row
            met = criterion_met(indicator_results)
            met_count += met is True
            undecided_count += met is None
            results.append(
                CriterionResult(evaluation_id=evaluation.pk, criterion_id=criterion.pk, met=met)
            )
        evaluation.met_count, evaluation.criteria_count = met_count, len(criteria)
        evaluation.undecided_count = undecided_count
    # New values are plain rows (COPY on PostgreSQL): the caller holds their evaluations locked
    # (evaluation_save_values locks them too) or has just created them; the unique constraint
    # still stands guard. Stored ones are updated in one upsert.
    insert_rows(
        IndicatorValue,
        ["evaluation_id", "indicator_id", "value", "note", "met"],
        (
            (value.evaluation_id, value.indicator_id, value.value, value.note, value.met)
            for value in written.values()
            if value.pk is None
        ),
    )
    IndicatorValue.objects.bulk_create(
        [value for value in written.values() if value.pk is not None],
        update_conflicts=True,
        unique_fields=["evaluation", "indicator"],
        update_fields=["value", "note", "met"] if unsaved else ["met"],
        batch_size=2000,
    )
    CriterionResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["evaluation", "criterion"],
        update_fields=["met"],
        batch_size=2000,
    )
    Evaluation.objects.bulk_update(
        evaluations, ["met_count", "undecided_count", "criteria_count"], batch_size=2000
    )


def evaluations_recompute_logged(
    *, evaluation_ids: Collection[int], reason: str, actor: User | None = None
) -> int:
    """`evaluations_recompute`, with each tally that moves recorded in its evaluation's history
    (as `evaluation_recompute_logged`). Returns how many moved."""

    def tallies() -> dict[int, Tally]:
        return {
            pk: Tally(met, undecided, total)
            for pk, met, undecided, total in Evaluation.objects.filter(
                pk__in=evaluation_ids
            ).values_list("pk", "met_count", "undecided_count", "criteria_count")
        }

    before = tallies()
    evaluations_recompute(evaluation_ids=set(evaluation_ids))
    after = tallies()
    logs = [
        EvaluationLog(
            evaluation_id=pk,
            actor=actor,
            action=EvaluationLog.Action.RECOMPUTED,
            old_value=str(before[pk]),
            new_value=str(tally),
            reason=reason,
        )
        for pk, tally in after.items()
        if tally != before[pk]
    ]
    EvaluationLog.objects.bulk_create(logs, batch_size=2000)
    return len(logs)


# --- Commune groups (QĐ 51/2025/QĐ-TTg) ---------------------------------------------------------


@dataclass
class GroupDecisionRejected(Exception):
    """A group decision that cannot be recorded: field → Vietnamese reason naming the field.
    Nothing was written."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return " ".join(self.errors.values())


def default_group_issuer(province: Province) -> str:
    """ "UBND tỉnh Quảng Trị": who decides a xã's group."""
    return _("UBND %(province)s") % {"province": lower_first(province.name)}


def commune_groups_check(
    *,
    province: Province,
    number: str,
    day: date | None,
    applies_from: date | None,
    issuer: str,
    groups: Mapping[int, int | None],
) -> dict[str, str]:
    """Why a group decision cannot be recorded (field → reason); empty when it can.
    `applies_from` None means from the decision's own day."""
    errors: dict[str, str] = {}
    if not number:
        errors["number"] = _("Số quyết định: không được để trống.")
    elif len(number) > 50:
        errors["number"] = _("Số quyết định: tối đa 50 ký tự.")
    days = [("date", day, _("Ngày quyết định"))]
    if applies_from is not None:  # none: from the decision's own day
        days.append(("applies_from", applies_from, _("Áp dụng từ ngày")))
    for key, value, label in days:
        if value is None:
            errors[key] = _("%(field)s: không được để trống (dd/mm/yyyy).") % {"field": label}
        elif value.year not in YEARS:
            errors[key] = _("%(field)s: phải trong khoảng năm %(first)s–%(last)s.") % {
                "field": label,
                "first": YEARS[0],
                "last": YEARS[-1],
            }
    if len(issuer) > 200:
        errors["issuer"] = _("Cơ quan ban hành: tối đa 200 ký tự.")
    if province.edition != Edition.TWO_TIER_2025:
        errors["province"] = _(
            "Tỉnh: nhóm xã chỉ xác định cho các xã từ 01/07/2025 (tỉnh – xã), không cho đơn vị "
            "trước sắp xếp."
        )
    if not groups:
        errors["groups"] = _("Nhóm xã: chọn nhóm cho ít nhất một xã.")
    bad_groups = [pk for pk, group in groups.items() if group not in (1, 2, 3)]
    if bad_groups:
        errors["groups"] = _("Nhóm xã: chỉ chọn nhóm 1, 2 hoặc 3.")
    own = set(
        Commune.objects.xa()
        .filter(province=province, edition=Edition.TWO_TIER_2025, pk__in=list(groups))
        .values_list("pk", flat=True)
    )
    outside = sorted(set(groups) - own)
    if outside:
        known = dict(Commune.objects.filter(pk__in=outside).values_list("pk", "name"))
        errors["communes"] = _("Xã: %(names)s không phải xã từ 01/07/2025 của %(province)s.") % {
            "names": ", ".join(
                known.get(pk, _("(không có, mã %(pk)s)") % {"pk": pk}) for pk in outside
            ),
            "province": province.name,
        }
    if (
        number
        and day
        and CommuneGroupDecision.objects.filter(
            province=province, number__iexact=number, date=day
        ).exists()
    ):
        errors["number"] = _(
            "Số quyết định: %(province)s đã ghi nhận quyết định số %(number)s ngày %(date)s."
        ) % {"province": province.name, "number": number, "date": f"{day:%d/%m/%Y}"}
    elif (
        "number" not in errors
        and "date" not in errors
        and (
            refusal := register_refusal(
                province_id=province.pk, number=number, day=day, kind=GROUPS_KIND
            )
        )
    ):
        errors["number"] = refusal
    return errors


@transaction.atomic
def commune_groups_decide(
    *,
    province: Province,
    number: str,
    day: date | None,
    applies_from: date | None = None,
    issuer: str = "",
    groups: Mapping[int, int | None],
    actor: User | None,
) -> CommuneGroupDecision:
    """Record a province's decision setting the group of some of its xã, then recompute their
    open evaluations with the groups now in force (each changed tally in the history)."""
    number, issuer = number.strip(), issuer.strip() or default_group_issuer(province)
    # The province row is the lock: two staff recording the same decision at once get one.
    Province.objects.select_for_update().filter(pk=province.pk).first()
    errors = commune_groups_check(
        province=province,
        number=number,
        day=day,
        applies_from=applies_from,
        issuer=issuer,
        groups=groups,
    )
    if errors:
        raise GroupDecisionRejected(errors)
    decision = CommuneGroupDecision.objects.create(
        province=province,
        number=number,
        date=day,
        applies_from=applies_from or day,
        issuer=issuer,
        created_by=actor,
    )
    CommuneGroupSetting.objects.bulk_create(
        CommuneGroupSetting(decision=decision, commune_id=pk, group=group)
        for pk, group in groups.items()
    )
    commune_groups_recompute(commune_ids=groups, reason=str(decision), actor=actor)
    return decision


def commune_groups_recompute(
    *, commune_ids: Collection[int], reason: str, actor: User | None
) -> int:
    """The open (not approved) evaluations of these xã, recomputed with the groups in force;
    returns how many tallies moved. Approved ones stay locked (recompute_evaluations
    --include-approved reopens the question on purpose)."""
    open_ids = list(
        Evaluation.objects.filter(commune_id__in=list(commune_ids))
        .exclude(status=Evaluation.Status.APPROVED)
        .values_list("pk", flat=True)
    )
    return evaluations_recompute_logged(evaluation_ids=open_ids, reason=reason, actor=actor)


# --- Workflow -----------------------------------------------------------------------------------


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, version: int, actor: User) -> Evaluation:
    evaluation = _locked(evaluation, version)
    if not evaluation.is_editable:
        raise EvaluationError(_("Chỉ gửi được đánh giá đang nhập hoặc bị trả lại."))
    filled = set(evaluation.values.exclude(value=None).values_list("indicator_id", flat=True))
    missing = [
        number
        for pk, number in Indicator.objects.filter(
            criterion__criteria_set=evaluation.criteria_set
        ).values_list("pk", "number")
        if pk not in filled
    ]
    if missing:
        raise EvaluationError(
            _("Chưa nhập giá trị cho %(count)s chỉ tiêu: %(numbers)s.")
            % {"count": len(missing), "numbers": ", ".join(missing)}
        )
    evaluation.status = Evaluation.Status.SUBMITTED
    evaluation.submitted_by, evaluation.submitted_at = actor, timezone.now()
    evaluation.return_reason = ""
    _bump(evaluation, "status", "submitted_by", "submitted_at", "return_reason")
    _log(evaluation, actor, EvaluationLog.Action.SUBMITTED)
    notify(
        users=reviewers_of(evaluation.commune),
        template=gettext_noop("%(subject)s gửi đánh giá %(period)s chờ thẩm định"),
        params={
            "subject": evaluation.village or evaluation.commune,
            "period": evaluation.period_label(),
        },
        url=reverse("criteria:evaluation_detail", args=[evaluation.pk]),
    )
    return evaluation


@transaction.atomic
def evaluation_return(
    *, evaluation: Evaluation, version: int, reason: str, actor: User
) -> Evaluation:
    evaluation = _locked(evaluation, version)
    _check_reviewable(evaluation, actor)
    reason = reason.strip()
    if not reason:
        raise EvaluationError(_("Hãy ghi lý do trả lại để xã biết cần sửa gì."))
    evaluation.status = Evaluation.Status.RETURNED
    evaluation.reviewed_by, evaluation.reviewed_at = actor, timezone.now()
    evaluation.return_reason = reason
    _bump(evaluation, "status", "reviewed_by", "reviewed_at", "return_reason")
    _log(evaluation, actor, EvaluationLog.Action.RETURNED, reason)
    _notify_submitter(
        evaluation, gettext_noop("Đánh giá %(period)s bị trả lại: %(reason)s"), reason
    )
    return evaluation


@transaction.atomic
def evaluation_approve(*, evaluation: Evaluation, version: int, actor: User) -> Evaluation:
    evaluation = _locked(evaluation, version)
    _check_reviewable(evaluation, actor)
    evaluation.status = Evaluation.Status.APPROVED
    evaluation.reviewed_by, evaluation.reviewed_at = actor, timezone.now()
    _bump(evaluation, "status", "reviewed_by", "reviewed_at")
    _log(evaluation, actor, EvaluationLog.Action.APPROVED)
    standings_refresh(commune_ids=[evaluation.commune_id])
    _notify_submitter(evaluation, gettext_noop("Đánh giá %(period)s đã được duyệt"))
    return evaluation


@transaction.atomic
def evaluation_reopen(
    *, evaluation: Evaluation, version: int, reason: str, actor: User
) -> Evaluation:
    """Unlock an approved evaluation: an explicit act, with its reason in the history."""
    evaluation = _locked(evaluation, version)
    if not evaluation.is_locked:
        raise EvaluationError(_("Chỉ mở lại được đánh giá đã duyệt."))
    reason = reason.strip()
    if not reason:
        raise EvaluationError(_("Hãy ghi lý do mở lại đánh giá đã duyệt."))
    evaluation.status = Evaluation.Status.RETURNED
    evaluation.return_reason = reason
    _bump(evaluation, "status", "return_reason")
    _log(evaluation, actor, EvaluationLog.Action.REOPENED, reason)
    standings_refresh(commune_ids=[evaluation.commune_id])
    _notify_submitter(
        evaluation, gettext_noop("Đánh giá %(period)s được mở lại: %(reason)s"), reason
    )
    return evaluation


# --- Helpers ------------------------------------------------------------------------------------


def _locked(evaluation: Evaluation, version: int) -> Evaluation:
    """Re-read the row under lock and refuse if it moved on since the form was opened."""
    current = (
        Evaluation.objects.select_for_update()
        .select_related("commune__province", "criteria_set")
        .get(pk=evaluation.pk)
    )
    if current.version != version:
        raise EvaluationConflict(
            _(
                "Đánh giá vừa được người khác thay đổi (%(who)s). Tải lại trang để xem bản mới "
                "rồi nhập lại phần của bạn."
            )
            % {"who": _last_actor(current)}
        )
    return current


def _last_actor(evaluation: Evaluation) -> str:
    entry = evaluation.log.history().select_related("actor").first()
    return str(entry.actor) if entry and entry.actor else _("không rõ")


def _bump(evaluation: Evaluation, *fields: str) -> None:
    evaluation.version += 1
    evaluation.save(update_fields=["version", *fields])


def _vietnamese(text) -> str:
    """A label made in Vietnamese, whatever language the actor reads in."""
    with translation.override("vi"):
        return str(text())


def _log(evaluation: Evaluation, actor: User, action: str, reason: str = "") -> None:
    EvaluationLog.objects.create(evaluation=evaluation, actor=actor, action=action, reason=reason)


def _check_reviewable(evaluation: Evaluation, actor: User) -> None:
    if evaluation.status != Evaluation.Status.SUBMITTED:
        raise EvaluationError(_("Chỉ thẩm định được đánh giá đang chờ thẩm định."))
    if evaluation.submitted_by_id == actor.pk:
        raise EvaluationError(_("Không ai được tự thẩm định đánh giá do chính mình gửi."))


def _notify_submitter(evaluation: Evaluation, template: str, reason: str = "") -> None:
    if evaluation.submitted_by_id:
        notify(
            users=[evaluation.submitted_by],
            template=template,
            params={"period": evaluation.period_label(), "reason": reason},
            url=reverse("criteria:evaluation_detail", args=[evaluation.pk]),
        )

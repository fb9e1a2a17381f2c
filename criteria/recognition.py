"""Recognition cases (hồ sơ xét công nhận, QĐ 18/2022/QĐ-TTg): opening one, the steps of its
procedure, and the recognition (or revocation) the decision makes. Every write is here, inside
a transaction, with its history; a refusal writes nothing (refusals go to the security log, in
the views).

The procedure is data (`RecognitionProcedure` and its steps): which steps, in what order, who
acts on each and for how long. What each kind of step records, and the rules below, are code:
- a case rests on the commune's approved evaluation, and is opened only when every criterion
  of it is met (`case_readiness` says which criteria block it);
- the resident-satisfaction threshold is the procedure's for the level; the capital-
  construction debt must be 0; security and order must be stable; the results must have been
  posted for comments for the procedure's number of days;
- nobody acts on a step of a case they submitted;
- the unit must exist on the day anything is done (`Commune.absence_on`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communes.models import Commune, CommuneLineage, Province
from ntm_portal.limits import day_in_range, decimal_fits
from ntm_portal.models import Role, User
from ntm_portal.notifications import notify
from ntm_portal.registers import leading_number, register_refusals
from ntm_portal.text import lower_first
from ntm_portal.uploads import accept_upload, store_with_file

from .access import acts_for, can_act_on_case, case_actors
from .models import (
    CommuneStanding,
    CriteriaSet,
    CriterionResult,
    Evaluation,
    Recognition,
    RecognitionAttachment,
    RecognitionCase,
    RecognitionCaseLog,
    RecognitionCriterionCheck,
    RecognitionProcedure,
    RecognitionRequirement,
    RecognitionStep,
)
from .registers import RECOGNITION_KIND
from .services import default_group_issuer
from .standings import LEVEL_RANK, standings_refresh

Kind = RecognitionCase.Kind
Status = RecognitionCase.Status
Step = RecognitionStep.Kind
Action = RecognitionCaseLog.Action
# The criteria set a level's evaluation is scored against.
SET_LEVEL = {
    Recognition.Level.NTM: CriteriaSet.Level.XA_NTM,
    Recognition.Level.NANG_CAO: CriteriaSet.Level.XA_NANG_CAO,
    Recognition.Level.KIEU_MAU: CriteriaSet.Level.XA_KIEU_MAU,
}
MAX_COMMENTS = 1_000_000
MAX_COUNCIL = 200


@dataclass
class CaseRejected(Exception):
    """What cannot be done to a case: field → Vietnamese reason naming the field. Nothing was
    written."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return " ".join(self.errors.values())


class CaseConflict(CaseRejected):
    """Someone else changed the case after this form was opened."""


def refuse(key: str, message: str) -> CaseRejected:
    return CaseRejected({key: message})


def procedure_on(day: date) -> RecognitionProcedure | None:
    return RecognitionProcedure.objects.valid_on(day).order_by("-valid_from").first()


def held_level(commune: Commune, day: date, recognitions: list[Recognition] | None = None) -> str:
    """The highest level the commune holds that day ('' when none). `recognitions`: all the
    commune's, when the caller has read them already."""
    if recognitions is None:
        levels = list(
            Recognition.objects.in_force_on(day)
            .filter(commune=commune)
            .values_list("level", flat=True)
        )
    else:
        levels = [r.level for r in recognitions if r.is_in_force_on(day)]
    return max(levels, key=LEVEL_RANK.get, default="")


def next_level(held: str) -> str:
    """The level a commune would ask for next: NTM, then nâng cao, then kiểu mẫu."""
    ladder = sorted(LEVEL_RANK, key=LEVEL_RANK.get)
    rank = LEVEL_RANK.get(held, 0)
    return ladder[rank] if rank < len(ladder) else ""


# --- Whether a case can be opened ----------------------------------------------------------------


@dataclass
class Readiness:
    """What a case would rest on, and why it cannot be opened ('' when it can)."""

    kind: str
    level: str
    year: int
    evaluation: Evaluation | None = None
    blocking: list[str] = field(default_factory=list)  # criteria not met, by short name
    undecided: int = 0
    recognition: Recognition | None = None
    problem: str = ""
    field: str = "commune"

    @property
    def can_open(self) -> bool:
        return not self.problem

    @property
    def level_label(self) -> str:
        return str(Recognition.Level(self.level).label) if self.level else ""


def case_readiness(
    *, commune: Commune, level: str, year: int, today: date, held: str | None = None
) -> Readiness:
    """Whether a recognition case for this level and year can be opened today, and the approved
    evaluation it would rest on: the commune's latest one of the level's set, of the year or the
    one before, every criterion met (else `blocking` names the criteria). `held`: the level the
    commune holds today, when the caller has read it already."""
    ready = Readiness(kind=Kind.RECOGNITION, level=level, year=year)
    if problem := _common_problem(commune, year, today):
        ready.problem, ready.field = problem
        return ready
    if level not in SET_LEVEL:
        ready.problem, ready.field = _("Mức công nhận: chọn NTM, nâng cao hoặc kiểu mẫu."), "level"
        return ready
    if held is None:
        held = held_level(commune, today)
    if problem := _level_problem(commune, level, held):
        ready.problem, ready.field = problem, "level"
        return ready
    evaluation = (
        Evaluation.objects.approved()
        .of_communes()
        .filter(commune=commune, criteria_set__level=SET_LEVEL[level], year__in=[year - 1, year])
        .select_related("criteria_set")
        .latest_first()
        .first()
    )
    ready.evaluation = evaluation
    if evaluation is not None:
        ready.blocking = _unmet(evaluation)
        ready.undecided = evaluation.undecided_count
    if problem := _evaluation_problem(level, year, evaluation, ready.blocking):
        ready.problem, ready.field = problem, "evaluation"
    return ready


def _level_problem(commune: Commune, level: str, held: str) -> str:
    """Why the commune, holding `held`, cannot ask for `level` ('' when it can)."""
    if LEVEL_RANK.get(held, 0) >= LEVEL_RANK[level]:
        return _("%(commune)s đã được công nhận %(level)s: không cần xét lại.") % {
            "commune": commune.name,
            "level": lower_first(Recognition.Level(held).label),
        }
    below = _level_below(level) if level != Recognition.Level.NTM else ""
    if below and held != below:
        return _("Mức công nhận: xã phải đạt chuẩn %(below)s trước khi xét %(level)s.") % {
            "below": lower_first(Recognition.Level(below).label).removeprefix("đạt chuẩn "),
            "level": lower_first(Recognition.Level(level).label),
        }
    return ""


def _evaluation_problem(
    level: str, year: int, evaluation: Evaluation | None, blocking: list[str]
) -> str:
    """Why the approved evaluation a case would rest on does not carry it ('' when it does):
    there is none, or not every criterion of it is met (`blocking` names the unmet ones)."""
    if evaluation is None:
        return _(
            "Chưa có đánh giá được duyệt theo bộ tiêu chí %(level)s của năm %(year)s hoặc năm "
            "trước: hãy hoàn thành và gửi thẩm định đánh giá tiêu chí trước."
        ) % {"level": lower_first(Recognition.Level(level).label), "year": year}
    if blocking or evaluation.undecided_count or evaluation.met_count < evaluation.criteria_count:
        return _unmet_message(evaluation, blocking)
    return ""


def revocation_readiness(
    *, commune: Commune, year: int, today: date, recognitions: list[Recognition] | None = None
) -> Readiness:
    """Whether a revocation case can be opened: the commune holds a recognition and its latest
    approved evaluation puts it at risk (criteria.rules.revocation_risk, via the standings).
    `recognitions`: all the commune's, when the caller has read them already."""
    ready = Readiness(kind=Kind.REVOCATION, level="", year=year)
    if problem := _common_problem(commune, year, today):
        ready.problem, ready.field = problem
        return ready
    if recognitions is None:
        recognitions = list(Recognition.objects.in_force_on(today).filter(commune=commune))
    recognitions = sorted(
        (r for r in recognitions if r.is_in_force_on(today)),
        key=lambda r: r.decision_date,
        reverse=True,
    )
    if not recognitions:
        ready.problem = _("%(commune)s chưa được công nhận: không có gì để thu hồi.") % {
            "commune": commune.name
        }
        return ready
    recognition = max(recognitions, key=lambda r: LEVEL_RANK.get(r.level, 0))
    ready.recognition, ready.level = recognition, recognition.level
    standing = (
        CommuneStanding.objects.filter(commune=commune, is_latest=True, at_risk=True)
        .select_related("evaluation__criteria_set")
        .order_by("-period_end")
        .first()
    )
    if standing is None:
        ready.problem = _(
            "%(commune)s không có nguy cơ bị thu hồi theo đánh giá được duyệt gần nhất: chưa mở "
            "được hồ sơ xét thu hồi."
        ) % {"commune": commune.name}
        ready.field = "evaluation"
        return ready
    ready.evaluation = standing.evaluation
    ready.blocking = _unmet(standing.evaluation)
    return ready


def opening_proposals(
    commune: Commune, user: User, today: date, *, recognitions: list[Recognition] | None = None
) -> list[Readiness]:
    """What the commune's page offers this user: its officials the case for the next level of
    this year (or why it cannot be opened yet); the province's office, a revocation case when
    the commune is recognised and at risk. `recognitions`: all the commune's, when the page
    shows them already (a query spared)."""
    if not commune.is_rural or commune.absence_on(today):
        return []
    proposals = []
    if acts_for(user, RecognitionStep.Actor.COMMUNE, commune):
        held = held_level(commune, today, recognitions)
        if level := next_level(held):
            proposals.append(
                case_readiness(
                    commune=commune, level=level, year=today.year, today=today, held=held
                )
            )
    if acts_for(user, RecognitionStep.Actor.PROVINCE, commune) and not user.is_admin:
        ready = revocation_readiness(
            commune=commune, year=today.year, today=today, recognitions=recognitions
        )
        if ready.can_open:
            proposals.append(ready)
    return proposals


@dataclass(frozen=True)
class OpeningObstacles:
    """Why a xã with no recognition case this year cannot open one: `reasons` in words, none
    when it can (its officials have only to open it)."""

    commune: Commune
    level: str  # the level it would ask for next ('' when it holds the highest)
    reasons: list[str]

    @property
    def can_open(self) -> bool:
        return not self.reasons

    @property
    def level_label(self) -> str:
        return str(Recognition.Level(self.level).label) if self.level else ""


def opening_obstacles(communes: QuerySet[Commune], today: date) -> list[OpeningObstacles]:
    """For each of these xã (all in force today, the caller's filter and order), why it cannot
    open its recognition case for the next level this year, by the rules of case_readiness: no
    official to open it (a case is the commune's own request), no approved evaluation, criteria
    unmet (named), recognised already. Four queries whatever their number (five with no
    procedure in force): the xã, their recognitions, their approved evaluations, the unmet
    criteria of the ones that count."""
    year = today.year
    officials = User.objects.filter(commune_id=OuterRef("pk"), role=Role.COMMUNE, is_active=True)
    rows = list(communes.annotate(has_official=Exists(officials)))
    ids = [commune.pk for commune in rows]
    no_procedure = (
        _("Chưa có quy trình xét công nhận áp dụng cho ngày %(day)s.")
        % {"day": f"{today:%d/%m/%Y}"}
        if rows and procedure_on(today) is None
        else ""
    )
    held: dict[int, str] = {}
    for commune_id, level in (
        Recognition.objects.in_force_on(today)
        .filter(commune_id__in=ids)
        .values_list("commune_id", "level")
    ):
        held[commune_id] = max(
            held.get(commune_id, ""), level, key=lambda lvl: LEVEL_RANK.get(lvl, 0)
        )
    latest: dict[tuple[int, str], Evaluation] = {}
    for evaluation in (
        Evaluation.objects.approved()
        .of_communes()
        .filter(
            commune_id__in=ids,
            criteria_set__level__in=SET_LEVEL.values(),
            year__in=[year - 1, year],
        )
        .select_related("criteria_set")
        .latest_first()
    ):
        latest.setdefault((evaluation.commune_id, evaluation.criteria_set.level), evaluation)
    wanted: dict[int, tuple[str, Evaluation | None]] = {}
    for commune in rows:
        level = next_level(held.get(commune.pk, ""))
        wanted[commune.pk] = (level, latest.get((commune.pk, SET_LEVEL[level])) if level else None)
    unmet: dict[int, list[str]] = {}
    counted = [evaluation.pk for _level, evaluation in wanted.values() if evaluation is not None]
    for evaluation_id, name in (
        CriterionResult.objects.filter(evaluation_id__in=counted, met=False)
        .order_by("criterion__number")
        .values_list("evaluation_id", "criterion__short_name")
    ):
        unmet.setdefault(evaluation_id, []).append(name)
    result = []
    for commune in rows:
        level, evaluation = wanted[commune.pk]
        reasons = []
        if not commune.has_official:
            reasons.append(
                _("Chưa có tài khoản cán bộ xã: hồ sơ xét công nhận do cán bộ xã lập và gửi.")
            )
        if no_procedure:
            reasons.append(no_procedure)
        if not level:
            reasons.append(
                _("%(commune)s đã được công nhận %(level)s: không cần xét lại.")
                % {
                    "commune": commune.name,
                    "level": lower_first(Recognition.Level(held[commune.pk]).label),
                }
            )
        elif problem := _evaluation_problem(
            level, year, evaluation, unmet.get(evaluation.pk, []) if evaluation else []
        ):
            reasons.append(problem)
        result.append(OpeningObstacles(commune=commune, level=level, reasons=reasons))
    return result


def _common_problem(commune: Commune, year: int, today: date) -> tuple[str, str] | None:
    if not commune.is_rural:
        return _("%(commune)s không phải là xã: tiêu chí NTM chỉ xét cho xã.") % {
            "commune": commune.name
        }, "commune"
    if reason := commune.absence_on(today):
        return reason, "commune"
    if not today.year - 1 <= year <= today.year + 1:
        return _("Năm xét: từ %(first)s đến %(last)s.") % {
            "first": today.year - 1,
            "last": today.year + 1,
        }, "year"
    if procedure_on(today) is None:
        return _("Chưa có quy trình xét công nhận áp dụng cho ngày %(day)s.") % {
            "day": f"{today:%d/%m/%Y}"
        }, "commune"
    return None


def _level_below(level: str) -> str:
    rank = LEVEL_RANK[level]
    return next(lvl for lvl, r in LEVEL_RANK.items() if r == rank - 1)


def _unmet(evaluation: Evaluation) -> list[str]:
    return list(
        CriterionResult.objects.filter(evaluation=evaluation, met=False)
        .order_by("criterion__number")
        .values_list("criterion__short_name", flat=True)
    )


def _unmet_message(evaluation: Evaluation, blocking: list[str]) -> str:
    message = _("Chưa mở được hồ sơ: đánh giá %(period)s mới đạt %(met)s/%(total)s tiêu chí.") % {
        "period": evaluation.period_label(),
        "met": evaluation.met_count,
        "total": evaluation.criteria_count,
    }
    if blocking:
        message += " " + _("Còn chưa đạt: %(names)s.") % {"names": ", ".join(blocking)}
    if evaluation.undecided_count:
        message += " " + _("%(count)s tiêu chí chưa xác định.") % {
            "count": evaluation.undecided_count
        }
    return message


# --- Opening ------------------------------------------------------------------------------------


@transaction.atomic
def recognition_case_open(
    *, commune: Commune, kind: str, level: str, year: int, actor: User
) -> RecognitionCase:
    """A new case at the procedure's first step. A recognition case needs an approved evaluation
    with every criterion met; a revocation case, a recognised commune at risk."""
    today = timezone.localdate()
    # The commune row serialises two openings at once; the unique constraint is the last word.
    Commune.objects.select_for_update().filter(pk=commune.pk).first()
    if kind == Kind.REVOCATION:
        ready = revocation_readiness(commune=commune, year=year, today=today)
    elif kind == Kind.RECOGNITION:
        ready = case_readiness(commune=commune, level=level, year=year, today=today)
    else:
        raise refuse("kind", _("Loại hồ sơ: chọn xét công nhận hoặc xét thu hồi."))
    if ready.problem:
        raise refuse(ready.field, ready.problem)
    existing = RecognitionCase.objects.filter(
        commune=commune, kind=kind, level=ready.level, year=year
    ).first()
    if existing:
        raise refuse(
            "year",
            _("%(commune)s đã có hồ sơ %(kind)s năm %(year)s (%(status)s).")
            % {
                "commune": commune.name,
                "kind": lower_first(existing.get_kind_display()),
                "year": year,
                "status": lower_first(existing.get_status_display()),
            },
        )
    procedure = procedure_on(today)
    first = procedure.steps.order_by("position").first()
    if first is None or first.kind != Step.SELF_ASSESSMENT:
        raise refuse(
            "commune", _("Quy trình %(name)s chưa có bước tự đánh giá.") % {"name": procedure}
        )
    try:
        with transaction.atomic():
            case = RecognitionCase.objects.create(
                commune=commune,
                kind=kind,
                level=ready.level,
                year=year,
                procedure=procedure,
                evaluation=ready.evaluation,
                recognition=ready.recognition,
                step=first,
                step_since=timezone.now(),
                step_due=_due(first, today),
                created_by=actor,
            )
    except IntegrityError:
        raise refuse("year", _("Hồ sơ này vừa được mở: tải lại trang.")) from None
    _log(
        case,
        actor,
        Action.OPENED,
        _("Dựa trên đánh giá %(period)s (%(set)s): đạt %(met)s/%(total)s tiêu chí.")
        % {
            "period": ready.evaluation.period_label(),
            "set": ready.evaluation.criteria_set.name,
            "met": ready.evaluation.met_count,
            "total": ready.evaluation.criteria_count,
        },
    )
    return case


# --- 1. Self-assessment -------------------------------------------------------------------------

ASSESSMENT_FIELDS = (
    "satisfaction_percent",
    "satisfaction_surveyed_on",
    "debt_vnd",
    "security_stable",
    "security_note",
    "posted_from",
    "posted_to",
    "posted_where",
    "comments_count",
    "comments_summary",
    "meeting_on",
    "meeting_participants",
)


def assessment_errors(case: RecognitionCase, data: Mapping[str, object], today: date) -> dict:
    """Values out of range or contradicting each other (field → reason); empty when fine."""
    errors: dict[str, str] = {}
    label = {name: str(RecognitionCase._meta.get_field(name).verbose_name) for name in data}

    def name(key: str) -> str:
        return label[key][:1].upper() + label[key][1:]

    percent = data.get("satisfaction_percent")
    if percent is not None and not (
        Decimal(0) <= percent <= Decimal(100)
        and decimal_fits(percent, max_digits=5, decimal_places=2)
    ):
        errors["satisfaction_percent"] = _(
            "%(field)s: từ 0 đến 100, tối đa 2 chữ số thập phân."
        ) % {"field": name("satisfaction_percent")}
    debt = data.get("debt_vnd")
    if debt is not None and not (debt >= 0 and decimal_fits(debt, max_digits=16, decimal_places=0)):
        errors["debt_vnd"] = _("%(field)s: số đồng từ 0, không có phần lẻ.") % {
            "field": name("debt_vnd")
        }
    count = data.get("comments_count")
    if count is not None and not 0 <= count <= MAX_COMMENTS:
        errors["comments_count"] = _("%(field)s: từ 0 đến %(max)s.") % {
            "field": name("comments_count"),
            "max": MAX_COMMENTS,
        }
    for key in ("satisfaction_surveyed_on", "posted_from", "posted_to", "meeting_on"):
        day = data.get(key)
        if day is not None and (not day_in_range(day) or day > today):
            errors[key] = _("%(field)s: ngày %(day)s phải có thật và không sau hôm nay.") % {
                "field": name(key),
                "day": f"{day:%d/%m/%Y}",
            }
    start, end = data.get("posted_from"), data.get("posted_to")
    if start and end and end < start and "posted_to" not in errors:
        errors["posted_to"] = _("Công khai đến ngày: phải sau ngày bắt đầu công khai.")
    for key in ("posted_where",):
        if len(data.get(key) or "") > 300:
            errors[key] = _("%(field)s: tối đa 300 ký tự.") % {"field": name(key)}
    return errors


@transaction.atomic
def recognition_case_save(
    *,
    case: RecognitionCase,
    data: Mapping[str, object],
    responses: Mapping[int, str],
    version: int,
    actor: User,
) -> int:
    """Save the self-assessment (and the commune's answers to criteria returned by the review).
    All or nothing; each changed field goes into the history. Returns how many changed."""
    case = _locked(case, version)
    _check_step(case, Step.SELF_ASSESSMENT, actor)
    data = {key: value for key, value in data.items() if key in ASSESSMENT_FIELDS}
    if errors := assessment_errors(case, data, timezone.localdate()):
        raise CaseRejected(errors)
    changed = []
    for key, value in data.items():
        old = getattr(case, key)
        if old != value and not (old in (None, "") and value in (None, "")):
            changed.append(
                f"{RecognitionCase._meta.get_field(key).verbose_name}: "
                f"{_shown(old)} → {_shown(value)}"
            )
            setattr(case, key, value)
    answered = []
    returned = {check.criterion_id: check for check in _returned_checks(case)}
    for criterion_id, text in responses.items():
        check = returned.get(criterion_id)
        text = (text or "").strip()
        if check is None or check.response == text:
            continue
        if len(text) > 4000:
            raise refuse(
                f"response_{criterion_id}",
                _("Giải trình tiêu chí %(criterion)s: tối đa 4000 ký tự.")
                % {"criterion": check.criterion.number},
            )
        check.response = text
        answered.append(check)
    if not changed and not answered:
        return 0
    _bump(case, *data.keys())
    RecognitionCriterionCheck.objects.bulk_update(answered, ["response"])
    if changed:
        _log(case, actor, Action.SAVED, "\n".join(changed))
    for check in answered:
        _log(
            case,
            actor,
            Action.RESPONDED,
            f"{check.criterion.number}. {check.criterion.short_name}: {check.response}",
        )
    return len(changed) + len(answered)


def submission_errors(case: RecognitionCase, today: date) -> dict[str, str]:
    """Why the self-assessment cannot be sent on yet (field → reason); empty when it can."""
    errors = _evaluation_errors(case)
    if case.kind == Kind.RECOGNITION:
        requirement = RecognitionRequirement.objects.filter(
            procedure=case.procedure, level=case.level
        ).first()
        if case.satisfaction_percent is None or case.satisfaction_surveyed_on is None:
            errors["satisfaction_percent"] = _(
                "Tỷ lệ người dân hài lòng: ghi kết quả khảo sát và ngày khảo sát."
            )
        elif requirement is None:
            errors["satisfaction_percent"] = _(
                "Quy trình chưa có ngưỡng hài lòng cho mức %(level)s: báo quản trị viên."
            ) % {"level": lower_first(case.get_level_display())}
        elif case.satisfaction_percent < requirement.satisfaction_percent:
            errors["satisfaction_percent"] = _(
                "Tỷ lệ người dân hài lòng: %(value)s%% thấp hơn mức tối thiểu %(minimum)s%% của "
                "%(level)s; chưa đủ điều kiện đề nghị công nhận."
            ) % {
                "value": _percent(case.satisfaction_percent),
                "minimum": _percent(requirement.satisfaction_percent),
                "level": lower_first(case.get_level_display()),
            }
        if case.debt_vnd is None:
            errors["debt_vnd"] = _("Nợ đọng xây dựng cơ bản: ghi số tiền (0 nếu không còn nợ).")
        elif case.debt_vnd > 0:
            errors["debt_vnd"] = _(
                "Nợ đọng xây dựng cơ bản: còn %(amount)s đồng; xã phải không còn nợ đọng."
            ) % {"amount": f"{case.debt_vnd:,.0f}".replace(",", ".")}
        if case.security_stable is not True:
            errors["security_stable"] = _(
                "An ninh, trật tự: xã phải ổn định, không có khiếu kiện đông người kéo dài."
            )
    if not (case.posted_from and case.posted_to):
        errors["posted_from"] = _("Công khai lấy ý kiến: ghi ngày bắt đầu và ngày kết thúc.")
    elif (case.posted_to - case.posted_from).days + 1 < case.procedure.posting_days:
        errors["posted_to"] = _(
            "Công khai lấy ý kiến: %(days)s ngày, ít hơn %(minimum)s ngày theo quy trình."
        ) % {
            "days": (case.posted_to - case.posted_from).days + 1,
            "minimum": case.procedure.posting_days,
        }
    if case.comments_count is None or not case.comments_summary.strip():
        errors["comments_summary"] = _(
            "Ý kiến tham gia: ghi số ý kiến nhận được và tổng hợp ý kiến (ghi “Không có ý kiến” "
            "nếu không có)."
        )
    missing = [check for check in _returned_checks(case) if not check.response.strip()]
    if missing:
        errors["responses"] = _(
            "Giải trình: còn %(count)s tiêu chí bị trả lại chưa giải trình (%(names)s)."
        ) % {
            "count": len(missing),
            "names": ", ".join(f"{c.criterion.number}. {c.criterion.short_name}" for c in missing),
        }
    return errors


@transaction.atomic
def recognition_case_submit(*, case: RecognitionCase, version: int, actor: User) -> RecognitionCase:
    """Send the self-assessment on to the next step (the review)."""
    case = _locked(case, version)
    _check_step(case, Step.SELF_ASSESSMENT, actor)
    today = timezone.localdate()
    if reason := case.commune.absence_on(today):
        raise refuse("commune", reason)
    if errors := submission_errors(case, today):
        raise CaseRejected(errors)
    case.submitted_by, case.submitted_at, case.return_reason = actor, timezone.now(), ""
    following = _next_step(case)
    _move(case, following, Status.IN_PROGRESS, "submitted_by", "submitted_at", "return_reason")
    _log(case, actor, Action.SUBMITTED, following.name)
    _notify_step(case, following, gettext_noop("%(case)s chờ %(step)s"))
    return case


# --- 2. Review ----------------------------------------------------------------------------------


@transaction.atomic
def recognition_case_review(
    *,
    case: RecognitionCase,
    verdicts: Mapping[int, tuple[bool | None, str]],
    version: int,
    actor: User,
) -> RecognitionCase:
    """Confirm or return each criterion (a returned one needs its reason). Any returned criterion
    sends the case back to the commune with the reasons; all confirmed, it goes on."""
    case = _locked(case, version)
    _check_step(case, Step.REVIEW, actor)
    _check_not_own(case, actor)
    today = timezone.localdate()
    errors = _evaluation_errors(case) if case.kind == Kind.RECOGNITION else {}
    if reason := case.commune.absence_on(today):
        errors["commune"] = reason
    criteria = list(case.evaluation.criteria_set.criteria.order_by("number"))
    rows = []
    for criterion in criteria:
        confirmed, reason = verdicts.get(criterion.pk, (None, ""))
        reason = (reason or "").strip()
        key = f"criterion_{criterion.pk}"
        if confirmed is None:
            errors[key] = _("Tiêu chí %(number)s: chọn xác nhận đạt hoặc trả lại.") % {
                "number": criterion.number
            }
        elif not confirmed and not reason:
            errors[key] = _("Tiêu chí %(number)s: ghi lý do trả lại để xã biết cần bổ sung gì.") % {
                "number": criterion.number
            }
        elif len(reason) > 2000:
            errors[key] = _("Tiêu chí %(number)s: lý do tối đa 2000 ký tự.") % {
                "number": criterion.number
            }
        else:
            rows.append((criterion, confirmed, reason))
    if errors:
        raise CaseRejected(errors)
    case.review_round += 1
    RecognitionCriterionCheck.objects.bulk_create(
        RecognitionCriterionCheck(
            case=case,
            criterion=criterion,
            round=case.review_round,
            confirmed=confirmed,
            reason="" if confirmed else reason,
            checked_by=actor,
        )
        for criterion, confirmed, reason in rows
    )
    returned = [(criterion, reason) for criterion, confirmed, reason in rows if not confirmed]
    if returned:
        case.return_reason = "\n".join(f"{c.number}. {c.short_name}: {r}" for c, r in returned)
        first = case.procedure.steps.get(kind=Step.SELF_ASSESSMENT)
        _move(case, first, Status.RETURNED, "review_round", "return_reason")
        _log(case, actor, Action.RETURNED, case.return_reason)
        _notify_step(case, first, gettext_noop("%(case)s bị trả lại: %(reason)s"))
        return case
    following = _next_step(case)
    _move(case, following, Status.IN_PROGRESS, "review_round")
    _log(
        case,
        actor,
        Action.REVIEWED,
        _("Xác nhận %(count)s/%(count)s tiêu chí.") % {"count": len(rows)},
    )
    _notify_step(case, following, gettext_noop("%(case)s chờ %(step)s"))
    return case


# --- 3. Appraisal -------------------------------------------------------------------------------

APPRAISAL_FIELDS = (
    "lead_department",
    "council_met_on",
    "council_members",
    "council_size",
    "votes_for",
    "votes_against",
    "appraisal_conclusion",
)


def council_carried_forward(case: RecognitionCase) -> dict[str, object]:
    """What the appraisal form starts from when the case has none yet: the lead department, the
    members and the size of the council of the province's last appraisal (the council is seldom
    changed between two cases); the date, votes and conclusion are this meeting's own."""
    last = (
        RecognitionCase.objects.filter(
            commune__province_id=case.commune.province_id, council_met_on__isnull=False
        )
        .exclude(pk=case.pk)
        .order_by("-council_met_on", "-pk")
        .values("lead_department", "council_members", "council_size")
        .first()
    )
    return last or {}


def council_passes(case: RecognitionCase, votes_for: int, size: int) -> bool:
    """The procedure's share of the council's members present voting for."""
    return votes_for * 100 >= case.procedure.council_approval_percent * size


@transaction.atomic
def recognition_case_appraise(
    *, case: RecognitionCase, data: Mapping[str, object], version: int, actor: User
) -> RecognitionCase:
    """The council's meeting and votes. With enough votes the case goes on to the decision;
    otherwise it goes back to the commune with the council's conclusion."""
    case = _locked(case, version)
    _check_step(case, Step.APPRAISAL, actor)
    _check_not_own(case, actor)
    today = timezone.localdate()
    errors = _evaluation_errors(case) if case.kind == Kind.RECOGNITION else {}
    if reason := case.commune.absence_on(today):
        errors["commune"] = reason
    department = str(data.get("lead_department") or "").strip()
    members = str(data.get("council_members") or "").strip()
    conclusion = str(data.get("appraisal_conclusion") or "").strip()
    met_on = data.get("council_met_on")
    size, votes_for, votes_against = (
        data.get("council_size"),
        data.get("votes_for"),
        data.get("votes_against"),
    )
    if not department or len(department) > 200:
        errors["lead_department"] = _("Sở, ngành chủ trì: ghi tên cơ quan (tối đa 200 ký tự).")
    if met_on is None:
        errors["council_met_on"] = _("Ngày họp hội đồng: ghi theo dạng dd/mm/yyyy.")
    elif not day_in_range(met_on) or met_on > today:
        errors["council_met_on"] = _("Ngày họp hội đồng: không sau hôm nay.")
    elif case.submitted_at and met_on < timezone.localtime(case.submitted_at).date():
        errors["council_met_on"] = _(
            "Ngày họp hội đồng: không trước ngày xã gửi hồ sơ (%(day)s)."
        ) % {"day": f"{timezone.localtime(case.submitted_at):%d/%m/%Y}"}
    if not members:
        errors["council_members"] = _("Thành viên hội đồng: ghi các thành viên dự họp.")
    if size is None or not 1 <= size <= MAX_COUNCIL:
        errors["council_size"] = _("Số thành viên dự họp: từ 1 đến %(max)s.") % {"max": MAX_COUNCIL}
    elif votes_for is None or votes_against is None:
        errors["votes_for"] = _("Biểu quyết: ghi số phiếu đồng ý và không đồng ý.")
    elif votes_for + votes_against > size:
        errors["votes_for"] = _(
            "Biểu quyết: %(total)s phiếu, nhiều hơn %(size)s thành viên dự họp."
        ) % {"total": votes_for + votes_against, "size": size}
    passes = not errors and council_passes(case, votes_for, size)
    if not errors and not passes and not conclusion:
        errors["appraisal_conclusion"] = _(
            "Kết luận: hội đồng không đủ %(percent)s%% đồng ý; ghi kết luận để xã biết cần bổ sung gì."
        ) % {"percent": case.procedure.council_approval_percent}
    if errors:
        raise CaseRejected(errors)
    case.lead_department, case.council_met_on, case.council_members = department, met_on, members
    case.council_size, case.votes_for, case.votes_against = size, votes_for, votes_against
    case.appraisal_conclusion = conclusion
    detail = _(
        "Họp ngày %(day)s: %(for)s/%(size)s thành viên đồng ý, %(against)s không đồng ý."
    ) % {
        "day": f"{met_on:%d/%m/%Y}",
        "for": votes_for,
        "size": size,
        "against": votes_against,
    }
    if passes:
        following = _next_step(case)
        _move(case, following, Status.IN_PROGRESS, *APPRAISAL_FIELDS)
        _log(case, actor, Action.APPRAISED, f"{detail} {conclusion}".strip())
        _notify_step(case, following, gettext_noop("%(case)s chờ %(step)s"))
        return case
    case.return_reason = conclusion
    first = case.procedure.steps.get(kind=Step.SELF_ASSESSMENT)
    _move(case, first, Status.RETURNED, *APPRAISAL_FIELDS, "return_reason")
    _log(case, actor, Action.RETURNED, f"{detail} {conclusion}")
    _notify_step(case, first, gettext_noop("%(case)s bị trả lại: %(reason)s"))
    return case


# --- 4. Decision --------------------------------------------------------------------------------


def decision_errors(
    case: RecognitionCase, *, number: str, day: date | None, actor: User
) -> dict[str, str]:
    """Why this case cannot be decided with this number and date (field → reason)."""
    errors: dict[str, str] = {}
    if not case.is_open or case.step.kind != Step.DECISION:
        errors["step"] = _("Hồ sơ %(case)s không ở bước quyết định.") % {"case": case}
        return errors
    if case.submitted_by_id == actor.pk:
        errors["actor"] = _own_message()
    if case.kind == Kind.RECOGNITION:
        errors |= _evaluation_errors(case)
    number = (number or "").strip()
    if not number:
        errors["decision_number"] = _(
            "Số quyết định: không được để trống; quyết định chỉ có hiệu lực khi có số."
        )
    elif len(number) > 50:
        errors["decision_number"] = _("Số quyết định: tối đa 50 ký tự.")
    today = timezone.localdate()
    if day is None:
        errors["decision_date"] = _("Ngày quyết định: ghi theo dạng dd/mm/yyyy.")
    elif not day_in_range(day) or day > today:
        errors["decision_date"] = _("Ngày quyết định: không sau hôm nay.")
    elif case.council_met_on and day < case.council_met_on:
        errors["decision_date"] = _(
            "Ngày quyết định: không trước ngày họp hội đồng thẩm định (%(day)s)."
        ) % {"day": f"{case.council_met_on:%d/%m/%Y}"}
    elif reason := case.commune.absence_on(day):
        errors["commune"] = reason
    return errors


@transaction.atomic
def recognition_case_decide(
    *,
    case: RecognitionCase,
    number: str,
    day: date | None,
    signer: str = "",
    published_on: date | None = None,
    published_where: str = "",
    actor: User,
) -> RecognitionCase:
    """The Chairman's decision: a recognition becomes the commune's `Recognition` (a revocation
    revokes the one the case is about), and the standings refresh."""
    case = (
        RecognitionCase.objects.select_for_update(of=("self",))
        .select_related("commune__province", "step", "procedure", "evaluation", "recognition")
        .get(pk=case.pk)
    )
    if not acts_for(actor, case.step.actor, case.commune):
        raise refuse("actor", _("Bạn không có quyền quyết định hồ sơ này."))
    errors = decision_errors(case, number=number, day=day, actor=actor)
    if (
        published_on is not None
        and day is not None
        and (published_on < day or published_on > timezone.localdate())
    ):
        errors["published_on"] = _("Ngày công bố: từ ngày quyết định đến hôm nay.")
    if len(published_where) > 200 or len(signer) > 200:
        errors["published_where"] = _("Nơi công bố, người ký: tối đa 200 ký tự.")
    if errors:
        raise CaseRejected(errors)
    number = number.strip()
    now = timezone.now()
    if case.kind == Kind.RECOGNITION:
        case.recognition = Recognition.objects.create(
            commune=case.commune,
            level=case.level,
            decision_number=number,
            decision_date=day,
            signer=signer,
            source=Recognition.Source.CASE,
            recorded_by=actor,
            recorded_at=now,
        )
    else:
        recognition = Recognition.objects.select_for_update().get(pk=case.recognition_id)
        if recognition.revoked_on is not None:
            raise refuse("decision_number", _("Quyết định công nhận này đã bị thu hồi."))
        recognition.revoked_on, recognition.revocation_decision = day, number
        recognition.revocation_recorded_by, recognition.revocation_recorded_at = actor, now
        recognition.save(
            update_fields=[
                "revoked_on",
                "revocation_decision",
                "revocation_recorded_by",
                "revocation_recorded_at",
            ]
        )
    case.decision_number, case.decision_date, case.decision_signer = number, day, signer
    case.published_on, case.published_where = published_on, published_where.strip()
    case.status, case.step_due = Status.DECIDED, None
    _bump(
        case,
        "recognition",
        "decision_number",
        "decision_date",
        "decision_signer",
        "published_on",
        "published_where",
        "status",
        "step_due",
    )
    _log(
        case,
        actor,
        Action.DECIDED,
        _("Quyết định số %(number)s ngày %(day)s") % {"number": number, "day": f"{day:%d/%m/%Y}"},
    )
    standings_refresh(commune_ids=[case.commune_id])
    notify(
        users=case_actors(case, case.procedure.steps.get(kind=Step.SELF_ASSESSMENT)),
        template=gettext_noop("%(case)s: đã có quyết định số %(number)s"),
        params={"case": case, "number": number},
        url=reverse("criteria:case_detail", args=[case.pk]),
    )
    return case


# --- Attachments and the dossier's documents ----------------------------------------------------


def can_attach(user: User, case: RecognitionCase) -> bool:
    """Whoever acts on the current step adds its photos and scans."""
    return can_act_on_case(user, case)


@transaction.atomic
def recognition_case_attach(
    *, case: RecognitionCase, upload: UploadedFile | None, kind: str, note: str, actor: User
) -> RecognitionAttachment:
    accepted = accept_upload(upload)
    if kind not in RecognitionAttachment.Kind.values:
        kind = RecognitionAttachment.Kind.OTHER
    attachment = RecognitionAttachment(
        case=case, step=case.step, kind=kind, note=note.strip()[:300], uploaded_by=actor
    )
    attachment.record(accepted)
    store_with_file(attachment, "file", upload.name, upload)
    _log(
        case, actor, Action.ATTACHED, f"{attachment.get_kind_display()}: {attachment.original_name}"
    )
    return attachment


def recognition_case_note_document(
    *, case: RecognitionCase, detail: str, actor: User | None
) -> None:
    """A document of the dossier drafted or issued (reports writes the document itself)."""
    _log(case, actor, Action.DOCUMENT, detail)


# --- Recognitions entered from paper -------------------------------------------------------------


@dataclass
class PaperRecognition:
    """One recognition decided on paper, as typed in (the form) or read from a row (the roster)."""

    commune: Commune
    level: str
    number: str
    day: date | None
    signer: str = ""
    issuer: str = ""  # blank: the People's Committee of the commune's province
    criteria_set: CriteriaSet | None = None  # None: the level's set in force on the day
    # What the person typing calls it when another one clashes with it (a roster's row number);
    # its place in the list, counted from 1, when 0.
    line: int = 0


@dataclass
class RecognitionsRejected(Exception):
    """Paper recognitions that cannot be recorded: for each refused one (by its place in the list
    given), field → Vietnamese reason naming the field. Nothing was written."""

    errors: dict[int, dict[str, str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return " ".join(" ".join(found.values()) for found in self.errors.values())


@transaction.atomic
def recognition_record(
    *,
    commune: Commune,
    level: str,
    number: str,
    day: date | None,
    signer: str,
    actor: User,
    issuer: str = "",
    criteria_set: CriteriaSet | None = None,
) -> Recognition:
    """A recognition decided on paper (a past year's), entered as it was signed."""
    paper = PaperRecognition(commune, level, number, day, signer, issuer, criteria_set)
    try:
        return recognitions_record(rows=[paper], actor=actor)[0]
    except RecognitionsRejected as rejected:
        raise CaseRejected(rejected.errors[0]) from None


@transaction.atomic
def recognitions_record(*, rows: list[PaperRecognition], actor: User | None) -> list[Recognition]:
    """Many recognitions decided on paper (a roster of past years' decisions), all or none: each
    one checked as `recognition_record` checks it, and each against the ones before it in the
    list as if they were recorded already; the standings refreshed once at the end."""
    if errors := recognitions_check(rows=rows):
        raise RecognitionsRejected(errors)
    sets = _commune_sets()
    provinces = Province.objects.in_bulk({paper.commune.province_id for paper in rows})
    now = timezone.now()
    recognitions = Recognition.objects.bulk_create(
        [
            Recognition(
                commune=paper.commune,
                level=paper.level,
                decision_number=paper.number.strip(),
                decision_date=paper.day,
                signer=paper.signer.strip(),
                issuer=paper.issuer.strip()
                or default_group_issuer(provinces[paper.commune.province_id]),
                criteria_set=paper.criteria_set or set_in_force(sets, paper.level, paper.day),
                source=Recognition.Source.PAPER,
                recorded_by=actor,
                recorded_at=now,
            )
            for paper in rows
        ],
        batch_size=1000,
    )
    standings_refresh(commune_ids=[paper.commune.pk for paper in rows])
    return recognitions


def recognitions_check(*, rows: list[PaperRecognition]) -> dict[int, dict[str, str]]:
    """Why each of these paper recognitions cannot be recorded, by its place in `rows` (empty
    when all can): the rules of one decision, the register of its province's People's Committee,
    the commune's decisions already recorded, and the rows before it. A few queries whatever
    the number of rows. Writes nothing."""
    today = timezone.localdate()
    errors: dict[int, dict[str, str]] = {}
    gone = [
        paper.commune.pk
        for paper in rows
        if paper.day is not None and paper.commune.absence_on(paper.day, successors=())
    ]
    successors = CommuneLineage.objects.successors_of(gone) if gone else {}
    for index, paper in enumerate(rows):
        if found := _paper_errors(paper, today, successors.get(paper.commune.pk, [])):
            errors[index] = found
    checked = [(index, paper) for index, paper in enumerate(rows) if index not in errors]
    refusals = register_refusals(
        asked=[
            (paper.commune.province_id, paper.number.strip(), paper.day, RECOGNITION_KIND)
            for _index, paper in checked
        ]
    )
    recorded = set(
        Recognition.objects.filter(commune__in={paper.commune.pk for _i, paper in checked})
        .annotate(folded=Lower("decision_number"))
        .values_list("commune_id", "level", "folded")
    )
    # What the rows before have taken: the same commune and level, and the register's numbers
    # (one number in a province's year is one decision: the same date, else another decision).
    taken: dict[tuple[int, str], int] = {}
    numbered: dict[tuple[int, int, int], tuple[date, int]] = {}
    for (index, paper), refusal in zip(checked, refusals, strict=True):
        number = paper.number.strip()
        if refusal:
            errors[index] = {"decision_number": refusal}
        elif (paper.commune.pk, paper.level, number.lower()) in recorded:
            errors[index] = {
                "decision_number": _("Số quyết định: %(commune)s đã có quyết định số %(number)s.")
                % {"commune": paper.commune.name, "number": number}
            }
        elif (before := taken.get((paper.commune.pk, paper.level))) is not None:
            errors[index] = {
                "level": _(
                    "%(commune)s đã được công nhận %(level)s ở dòng %(row)s của cùng danh sách."
                )
                % {
                    "commune": paper.commune.name,
                    "level": lower_first(Recognition.Level(paper.level).label),
                    "row": before,
                }
            }
        elif (
            (wanted := leading_number(number)) is not None
            and (held := numbered.get((paper.commune.province_id, paper.day.year, wanted)))
            and held[0] != paper.day
        ):
            errors[index] = {
                "decision_number": _(
                    "Số quyết định: số %(number)s năm %(year)s đã dùng cho quyết định ngày "
                    "%(date)s ở dòng %(row)s của cùng danh sách."
                )
                % {
                    "number": wanted,
                    "year": paper.day.year,
                    "date": f"{held[0]:%d/%m/%Y}",
                    "row": held[1],
                }
            }
        if index in errors:
            continue
        line = paper.line or index + 1
        taken[(paper.commune.pk, paper.level)] = line
        if (wanted := leading_number(number)) is not None:
            numbered.setdefault(
                (paper.commune.province_id, paper.day.year, wanted), (paper.day, line)
            )
    return errors


def _paper_errors(
    paper: PaperRecognition, today: date, successors: list[Commune]
) -> dict[str, str]:
    """The rules of one paper decision that need nothing but the decision itself."""
    errors: dict[str, str] = {}
    commune, level, day = paper.commune, paper.level, paper.day
    number = (paper.number or "").strip()
    if level not in SET_LEVEL:
        errors["level"] = _("Mức công nhận: chọn NTM, nâng cao hoặc kiểu mẫu.")
    if not number:
        errors["decision_number"] = _("Số quyết định: không được để trống.")
    elif len(number) > 50:
        errors["decision_number"] = _("Số quyết định: tối đa 50 ký tự.")
    if len(paper.signer) > 200:
        errors["signer"] = _("Người ký: tối đa 200 ký tự.")
    if len(paper.issuer) > 200:
        errors["issuer"] = _("Cơ quan ban hành: tối đa 200 ký tự.")
    if day is None:
        errors["decision_date"] = _("Ngày quyết định: ghi theo dạng dd/mm/yyyy.")
    elif not day_in_range(day) or day > today:
        errors["decision_date"] = _("Ngày quyết định: không sau hôm nay.")
    elif reason := commune.absence_on(day, successors=successors):
        errors["commune"] = reason
    if not commune.is_rural:
        errors["commune"] = _("%(commune)s không phải là xã: tiêu chí NTM chỉ xét cho xã.") % {
            "commune": commune.name
        }
    chosen = paper.criteria_set
    if chosen is not None and level in SET_LEVEL and chosen.level != SET_LEVEL[level]:
        errors["criteria_set"] = _("Bộ tiêu chí: %(set)s không phải bộ tiêu chí %(level)s.") % {
            "set": chosen.code,
            "level": lower_first(Recognition.Level(level).label),
        }
    elif chosen is not None and day is not None and chosen.valid_from > day:
        errors["criteria_set"] = _(
            "Bộ tiêu chí: %(set)s chỉ có hiệu lực từ %(since)s, sau ngày quyết định."
        ) % {"set": chosen.code, "since": f"{chosen.valid_from:%d/%m/%Y}"}
    return errors


def _commune_sets() -> list[CriteriaSet]:
    """The commune-level criteria sets, newest first (a handful of rows)."""
    return list(
        CriteriaSet.objects.filter(level__in=SET_LEVEL.values(), province_name="").newest_first()
    )


def set_in_force(sets: list[CriteriaSet], level: str, day: date | None) -> CriteriaSet | None:
    """The level's national set in force on the decision's day (None before the catalogue's
    first, QĐ 1980 of 2016)."""
    if day is None or level not in SET_LEVEL:
        return None
    return next(
        (s for s in sets if s.level == SET_LEVEL[level] and s.is_valid_on(day)),
        None,
    )


@transaction.atomic
def recognition_revoke_record(
    *, recognition: Recognition, number: str, day: date | None, actor: User
) -> Recognition:
    """A revocation decided on paper."""
    recognition = Recognition.objects.select_for_update().get(pk=recognition.pk)
    number = (number or "").strip()
    errors: dict[str, str] = {}
    if recognition.revoked_on is not None:
        errors["decision_number"] = _("Quyết định công nhận này đã bị thu hồi.")
    if not number:
        errors["decision_number"] = _("Số quyết định thu hồi: không được để trống.")
    elif len(number) > 50:
        errors["decision_number"] = _("Số quyết định thu hồi: tối đa 50 ký tự.")
    if day is None:
        errors["decision_date"] = _("Ngày thu hồi: ghi theo dạng dd/mm/yyyy.")
    elif not day_in_range(day) or day > timezone.localdate():
        errors["decision_date"] = _("Ngày thu hồi: không sau hôm nay.")
    elif day <= recognition.decision_date:
        errors["decision_date"] = _("Ngày thu hồi: phải sau ngày công nhận (%(day)s).") % {
            "day": f"{recognition.decision_date:%d/%m/%Y}"
        }
    if errors:
        raise CaseRejected(errors)
    recognition.revoked_on, recognition.revocation_decision = day, number
    recognition.revocation_recorded_by = actor
    recognition.revocation_recorded_at = timezone.now()
    recognition.save(
        update_fields=[
            "revoked_on",
            "revocation_decision",
            "revocation_recorded_by",
            "revocation_recorded_at",
        ]
    )
    standings_refresh(commune_ids=[recognition.commune_id])
    return recognition


# --- Helpers ------------------------------------------------------------------------------------


def _locked(case: RecognitionCase, version: int) -> RecognitionCase:
    current = (
        RecognitionCase.objects.select_for_update(of=("self",))
        .select_related("commune__province", "step", "procedure", "evaluation__criteria_set")
        .get(pk=case.pk)
    )
    if current.version != version:
        raise CaseConflict(
            {
                "version": _(
                    "Hồ sơ vừa được người khác thay đổi. Tải lại trang để xem bản mới rồi nhập "
                    "lại phần của bạn."
                )
            }
        )
    return current


def _check_step(case: RecognitionCase, kind: str, actor: User) -> None:
    if not case.is_open or case.step.kind != kind:
        raise refuse(
            "step",
            _("Hồ sơ đang ở bước “%(step)s” (%(status)s): không thực hiện được việc này.")
            % {"step": case.step.name, "status": lower_first(case.get_status_display())},
        )
    if not acts_for(actor, case.step.actor, case.commune):
        raise refuse(
            "actor", _("Bước “%(step)s” không thuộc thẩm quyền của bạn.") % {"step": case.step.name}
        )


def _own_message() -> str:
    return _("Không ai được thẩm tra, thẩm định hay quyết định hồ sơ do chính mình gửi.")


def _check_not_own(case: RecognitionCase, actor: User) -> None:
    if case.submitted_by_id == actor.pk:
        raise refuse("actor", _own_message())


def _evaluation_errors(case: RecognitionCase) -> dict[str, str]:
    """The evaluation the case rests on must still be approved with every criterion met (it may
    have been reopened since)."""
    evaluation = Evaluation.objects.get(pk=case.evaluation_id)
    if evaluation.status != Evaluation.Status.APPROVED:
        return {
            "evaluation": _(
                "Đánh giá %(period)s mà hồ sơ dựa trên đã được mở lại: chờ đánh giá được duyệt lại."
            )
            % {"period": evaluation.period_label()}
        }
    if case.kind == Kind.RECOGNITION and evaluation.met_count < evaluation.criteria_count:
        return {"evaluation": _unmet_message(evaluation, _unmet(evaluation))}
    return {}


def _returned_checks(case: RecognitionCase) -> list[RecognitionCriterionCheck]:
    if not case.review_round:
        return []
    return list(
        case.checks.filter(round=case.review_round, confirmed=False).select_related("criterion")
    )


def _next_step(case: RecognitionCase) -> RecognitionStep:
    following = case.procedure.steps.filter(position__gt=case.step.position).order_by("position")
    step = following.first()
    if step is None:
        raise refuse(
            "step", _("Quy trình %(name)s không có bước tiếp theo.") % {"name": case.procedure}
        )
    return step


def _due(step: RecognitionStep, today: date) -> date | None:
    return today + timedelta(days=step.days_allowed) if step.days_allowed else None


def _move(case: RecognitionCase, step: RecognitionStep, status: str, *fields: str) -> None:
    case.step, case.status = step, status
    case.step_since = timezone.now()
    case.step_due = _due(step, timezone.localdate())
    _bump(case, "step", "status", "step_since", "step_due", *fields)


def _bump(case: RecognitionCase, *fields: str) -> None:
    case.version += 1
    case.save(update_fields=["version", *dict.fromkeys(fields)])


def _log(case: RecognitionCase, actor: User | None, action: str, detail: str = "") -> None:
    RecognitionCaseLog.objects.create(
        case=case, actor=actor, action=action, step=case.step, detail=detail
    )


def _notify_step(case: RecognitionCase, step: RecognitionStep, template: str) -> None:
    notify(
        users=case_actors(case, step),
        template=template,
        params={"case": case, "step": lower_first(step.name), "reason": case.return_reason},
        url=reverse("criteria:case_detail", args=[case.pk]),
    )


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return _percent(value)
    return str(value)[:200]

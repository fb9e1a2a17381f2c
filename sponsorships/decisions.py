"""What a province office decides about sponsorship, in the portal rather than the admin: its
assignment decisions, the assignments each makes (create, end, transfer to another agency) and
its agencies' member accounts, steering teams and former names. Every write is a transaction,
refuses with a Vietnamese message naming the field (SponsorshipRefused, nothing written) and goes
into the SponsorshipLog."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import Commune, Province
from ntm_portal.accounts import email_problem, username_problem
from ntm_portal.api_tokens import api_tokens_revoke_all
from ntm_portal.models import RevokedReason, Role, User
from ntm_portal.queue import enqueue_after_commit
from ntm_portal.registers import register_refusal

from .models import (
    Agency,
    AgencyFormerName,
    Assignment,
    AssignmentDecision,
    SponsorshipLog,
    SteeringMember,
)
from .services import (
    DECISION_KIND,
    SponsorshipError,
    SponsorshipRefused,
    _inspections_follow,
    assignment_create,
    assignment_plan_inspections,
    decision_day_refusal,
    decision_refusals,
)
from .versions import changes_inspections


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


def _log(*, province: Province, action: str, actor: User, detail: str = "", **about) -> None:
    SponsorshipLog.objects.create(
        province=province, action=action, actor=actor, detail=detail, **about
    )


@transaction.atomic
def assignment_decision_create(
    *, province: Province, number: str, day: date, issuer: str, subject: str, actor: User
) -> AssignmentDecision:
    number = " ".join(number.split())
    errors = {}
    if not number:
        errors["number"] = _("Số quyết định: không được để trống.")
    elif AssignmentDecision.objects.filter(province=province, number__iexact=number).exists():
        errors["number"] = _("Số quyết định: %(province)s đã có quyết định số %(number)s.") % {
            "province": province.name,
            "number": number,
        }
    elif refusal := register_refusal(
        province_id=province.pk, number=number, day=day, kind=DECISION_KIND
    ):
        errors["number"] = refusal
    if refusal := decision_day_refusal(day):
        errors["date"] = refusal
    if not issuer.strip():
        errors["issuer"] = _("Cơ quan ban hành: không được để trống.")
    if errors:
        raise SponsorshipRefused(errors)
    decision = AssignmentDecision.objects.create(
        province=province, number=number, date=day, issuer=issuer.strip(), subject=subject.strip()
    )
    _log(
        province=province,
        action=SponsorshipLog.Action.DECISION,
        actor=actor,
        decision=decision,
        detail=f"{decision.number} ({_day(decision.date)}) – {decision.issuer}",
    )
    return decision


@transaction.atomic
@changes_inspections
def assignment_add(
    *,
    decision: AssignmentDecision,
    agency: Agency,
    commune: Commune,
    kind: str,
    start: date,
    end: date | None,
    target_level: str,
    target_year: int | None,
    notes: str,
    actor: User,
    plan: bool = True,
) -> Assignment:
    """An assignment made by the decision: the agency and commune of the decision's own province,
    no overlap and one sponsor at a time (services.assignment_refusals)."""
    errors = decision_refusals(
        province=decision.province,
        decision_date=decision.date,
        agency=agency,
        commune=commune,
        start=start,
    )
    if errors:
        raise SponsorshipRefused(errors)
    try:
        assignment = assignment_create(
            agency=agency,
            commune=commune,
            kind=kind,
            start=start,
            end=end,
            decision=decision,
            target_level=target_level,
            target_year=target_year,
            notes=notes.strip(),
            actor=actor,
        )
    except SponsorshipRefused:
        raise
    except SponsorshipError as error:
        raise SponsorshipRefused({"start": str(error)}) from error
    # Its calendar at once, from its start (this year's past periods unrecorded, not overdue);
    # a transfer plans it once the old assignment's inspections have come over (`plan`).
    if plan:
        assignment_plan_inspections(assignment=assignment)
    _log(
        province=decision.province,
        action=SponsorshipLog.Action.ASSIGNED,
        actor=actor,
        decision=decision,
        assignment=assignment,
        agency=agency,
        detail=f"{assignment} từ {_day(start)}" + (f" đến {_day(end)}" if end else ""),
    )
    return assignment


@transaction.atomic
@changes_inspections
def assignment_end(*, assignment: Assignment, end: date, reason: str, actor: User) -> Assignment:
    """End an assignment on `end` (its last day); inspections planned after it are cancelled."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("agency", "commune")
        .get(pk=assignment.pk)
    )
    if end < assignment.start:
        raise SponsorshipRefused(
            {
                "end": _("Đến ngày: %(end)s trước ngày bắt đầu phân công %(start)s.")
                % {"end": _day(end), "start": _day(assignment.start)}
            }
        )
    if assignment.end is not None and end >= assignment.end:
        raise SponsorshipRefused(
            {
                "end": _("Đến ngày: phân công đã kết thúc ngày %(end)s.")
                % {"end": _day(assignment.end)}
            }
        )
    if not reason.strip():
        raise SponsorshipRefused({"reason": _("Lý do: ghi lý do kết thúc phân công.")})
    assignment.end = end
    assignment.save(update_fields=["end"])
    _inspections_follow(
        old=assignment,
        new=None,
        after=end,
        actor=actor,
        why=_("Phân công kết thúc ngày %(end)s") % {"end": _day(end)},
    )
    _log(
        province=_province_of(assignment),
        action=SponsorshipLog.Action.ENDED,
        actor=actor,
        assignment=assignment,
        agency=assignment.agency,
        detail=_("Đến ngày %(end)s. Lý do: %(reason)s")
        % {"end": _day(end), "reason": reason.strip()},
    )
    return assignment


@transaction.atomic
@changes_inspections
def assignment_transfer_to(
    *,
    assignment: Assignment,
    agency: Agency,
    on: date,
    decision: AssignmentDecision,
    actor: User,
) -> Assignment:
    """Another agency takes the commune over from `on` (by `decision`): the assignment ends the
    day before, the new one keeps its kind, target and criteria, and the inspections still planned
    go with it. Refused as a whole when the new one could not be made."""
    old = (
        Assignment.objects.select_for_update()
        .select_related("agency", "commune")
        .get(pk=assignment.pk)
    )
    errors = {}
    if agency.pk == old.agency_id:
        errors["agency"] = _("Cơ quan nhận: hãy chọn một cơ quan khác %(agency)s.") % {
            "agency": old.agency.name
        }
    if on <= old.start:
        errors["on"] = _("Từ ngày: phải sau ngày bắt đầu phân công %(start)s.") % {
            "start": _day(old.start)
        }
    elif old.end is not None and on > old.end:
        errors["on"] = _("Từ ngày: phân công đã kết thúc ngày %(end)s.") % {"end": _day(old.end)}
    if errors:
        raise SponsorshipRefused(errors)
    old_end = old.end
    old.end = on - timedelta(days=1)
    old.save(update_fields=["end"])
    new = assignment_add(
        decision=decision,
        agency=agency,
        commune=old.commune,
        kind=old.kind,
        start=on,
        end=old_end,
        target_level=old.target_level,
        target_year=old.target_year,
        notes=old.notes,
        actor=actor,
        plan=False,
    )
    new.criteria_to_support.set(old.criteria_to_support.all())
    _inspections_follow(
        old=old,
        new=new,
        after=old.end,
        actor=actor,
        why=_("Phân công chuyển cho %(agency)s") % {"agency": agency.name},
    )
    # What the old one had planned goes with the new one first; the rest is planned after.
    assignment_plan_inspections(assignment=new)
    _log(
        province=decision.province,
        action=SponsorshipLog.Action.TRANSFERRED,
        actor=actor,
        decision=decision,
        assignment=old,
        agency=old.agency,
        detail=_("Chuyển %(commune)s cho %(agency)s từ %(on)s (QĐ %(number)s)")
        % {
            "commune": old.commune.name,
            "agency": agency.name,
            "on": _day(on),
            "number": decision.number,
        },
    )
    return new


def _province_of(assignment: Assignment) -> Province:
    return assignment.decision.province if assignment.decision_id else assignment.agency.province


@transaction.atomic
def steering_member_add(
    *, agency: Agency, full_name: str, position: str, team_role: str, is_head: bool, actor: User
) -> SteeringMember:
    full_name = " ".join(full_name.split())
    if not full_name:
        raise SponsorshipRefused({"full_name": _("Họ tên: không được để trống.")})
    if is_head and agency.steering_team.filter(is_head=True).exists():
        raise SponsorshipRefused(
            {"is_head": _("Trưởng ban: ban chỉ đạo đã có trưởng ban; bỏ người cũ ra trước.")}
        )
    member = SteeringMember.objects.create(
        agency=agency,
        full_name=full_name,
        position=position.strip(),
        team_role=team_role.strip(),
        is_head=is_head,
    )
    _log(
        province=agency.province,
        action=SponsorshipLog.Action.TEAM,
        actor=actor,
        agency=agency,
        detail=_("Thêm %(name)s") % {"name": member.full_name},
    )
    return member


@transaction.atomic
def steering_member_remove(*, member: SteeringMember, actor: User) -> None:
    agency = member.agency
    name = member.full_name
    member.delete()
    _log(
        province=agency.province,
        action=SponsorshipLog.Action.TEAM,
        actor=actor,
        agency=agency,
        detail=_("Bỏ %(name)s khỏi ban") % {"name": name},
    )


@transaction.atomic
def former_name_add(
    *,
    agency: Agency,
    name: str,
    short_name: str,
    valid_from: date | None,
    valid_to: date,
    actor: User,
) -> AgencyFormerName:
    name = " ".join(name.split())
    errors = {}
    if not name:
        errors["name"] = _("Tên cũ: không được để trống.")
    if valid_from is not None and valid_from > valid_to:
        errors["valid_from"] = _("Từ ngày: phải trước ngày %(to)s.") % {"to": _day(valid_to)}
    if errors:
        raise SponsorshipRefused(errors)
    former = AgencyFormerName.objects.create(
        agency=agency,
        name=name,
        short_name=short_name.strip(),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    _log(
        province=agency.province,
        action=SponsorshipLog.Action.NAME,
        actor=actor,
        agency=agency,
        detail=_("Tên cũ “%(name)s” đến %(to)s") % {"name": name, "to": _day(valid_to)},
    )
    return former


@transaction.atomic
def agency_member_add(
    *, agency: Agency, username: str, full_name: str, email: str, actor: User
) -> User:
    """An account for a member of the agency, who gets an invitation to set a password (as from
    the users roster). A former member of this agency whose account was locked is opened again
    under the same name; any other existing name is refused."""
    username, full_name, email = username.strip(), " ".join(full_name.split()), email.strip()
    errors = {}
    existing = User.objects.filter(username__iexact=username).first() if username else None
    returning = existing is not None and existing.agency_id == agency.pk and not existing.is_active
    if problem := username_problem(username):
        errors["username"] = problem
    elif existing is not None and existing.agency_id == agency.pk and existing.is_active:
        errors["username"] = _(
            "Tên đăng nhập: «%(username)s» đã là thành viên của cơ quan này."
        ) % {"username": existing.username}
    elif existing is not None and not returning:
        errors["username"] = _(
            "Tên đăng nhập: «%(username)s» đã là tài khoản của người khác; chọn tên khác."
        ) % {"username": username}
    if not full_name:
        errors["full_name"] = _("Họ tên: không được để trống.")
    if not email:
        errors["email"] = _("Email: không được để trống (thư mời đặt mật khẩu gửi tới đây).")
    elif problem := email_problem(email):
        errors["email"] = problem
    if errors:
        raise SponsorshipRefused(errors)
    if returning:
        member = existing
        member.first_name, member.last_name, member.email = full_name[:150], "", email
        member.is_active = True
        member.save(update_fields=["first_name", "last_name", "email", "is_active"])
        detail = _("Mở lại tài khoản %(username)s (%(name)s)")
    else:
        member = User.objects.create(
            username=username,
            first_name=full_name[:150],
            email=email,
            role=Role.AGENCY,
            agency=agency,
            password=make_password(None),
        )
        detail = _("Thêm tài khoản %(username)s (%(name)s)")
    _log(
        province=agency.province,
        action=SponsorshipLog.Action.MEMBER,
        actor=actor,
        agency=agency,
        detail=detail % {"username": member.username, "name": full_name},
    )
    # The invitation goes only to an account that has never set a password.
    enqueue_after_commit("ntm_portal.tasks.send_invitation_email", [member.pk])
    return member


@transaction.atomic
def agency_member_remove(*, member: User, actor: User) -> None:
    """The account is locked, not deleted: the reports it filed keep their author, and its
    sessions end at the next request (Django refuses an inactive user)."""
    if actor.pk == member.pk:
        raise SponsorshipRefused({"member": _("Không tự khoá tài khoản của chính mình.")})
    member.is_active = False
    member.save(update_fields=["is_active"])
    revoked = api_tokens_revoke_all(user=member, reason=RevokedReason.LOCKED, actor=actor)
    _log(
        province=member.agency.province,
        action=SponsorshipLog.Action.MEMBER,
        actor=actor,
        agency=member.agency,
        detail=(
            _("Khoá tài khoản %(username)s (%(name)s): không còn là thành viên")
            % {"username": member.username, "name": member.get_full_name() or member.username}
        )
        + (_("; thu hồi %(count)s khóa API") % {"count": revoked} if revoked else ""),
    )

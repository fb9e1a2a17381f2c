"""Who sees which evaluations and evidence, who edits them, and who reviews them. The scopes
and the table of roles are in ntm_portal/access.py."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communes.access import (
    can_change_commune,
    communes_visible_to,
    get_province_or_404,
    keeps_history_of,
    users_province_family,
    writes_in_district,
    writes_in_province,
)
from communes.models import Commune, Edition, Province
from ntm_portal.access import has_no_access
from ntm_portal.models import Role, User

from .models import (
    CommuneStanding,
    Evaluation,
    EvaluationQuerySet,
    Evidence,
    Recognition,
    RecognitionAttachment,
    RecognitionCase,
    RecognitionCaseQuerySet,
    RecognitionStep,
)


def evaluations_visible_to(user: User) -> EvaluationQuerySet:
    return Evaluation.objects.filter(commune__in=communes_visible_to(user))


def recognitions_visible_to(user: User) -> QuerySet[Recognition]:
    """Recognition decisions follow the communes."""
    return Recognition.objects.filter(commune__in=communes_visible_to(user))


def standings_visible_to(user: User) -> QuerySet[CommuneStanding]:
    """The dashboards' summary rows (approved evaluations) follow the communes."""
    return CommuneStanding.objects.filter(commune__in=communes_visible_to(user))


def can_edit_evaluation(user: User, evaluation: Evaluation) -> bool:
    """Values and evidence: the commune's own officials (and admins), while not locked."""
    return evaluation.is_editable and can_change_commune(user, evaluation.commune)


def can_review_commune(user: User, commune: Commune) -> bool:
    """Province office staff of its province; district staff of its district, before 07/2025
    and while their district is in force (writes_in_district)."""
    if has_no_access(user):
        return False
    if user.is_admin:
        return True
    if user.role == Role.PROVINCE:
        return writes_in_province(user, commune.province_id)
    if user.role == Role.DISTRICT:
        return commune.edition == Edition.THREE_TIER_2024 and writes_in_district(
            user, commune.district_id
        )
    return False


def can_review_anything(user: User) -> bool:
    return not has_no_access(user) and (
        user.is_admin or user.role in (Role.PROVINCE, Role.DISTRICT)
    )


def review_queue_for(user: User) -> EvaluationQuerySet:
    """The evaluations this user may review (whatever their state)."""
    evaluations = Evaluation.objects.all()
    if has_no_access(user):
        return evaluations.none()
    if user.is_admin:
        return evaluations
    if user.role == Role.PROVINCE:
        return evaluations.filter(commune__province_id__in=users_province_family(user))
    if user.role == Role.DISTRICT:
        return evaluations.filter(
            commune__district_id=user.district_id, commune__edition=Edition.THREE_TIER_2024
        )
    return evaluations.none()


def reviewers_of(commune: Commune) -> QuerySet[User]:
    """Who is told when the commune submits an evaluation."""
    rule = Q(role=Role.PROVINCE, province_id=commune.province_id)
    if commune.district_id and commune.edition == Edition.THREE_TIER_2024:
        rule |= Q(role=Role.DISTRICT, district_id=commune.district_id) & _district_in_force()
    return User.objects.filter(rule, is_active=True)


def _district_in_force() -> Q:
    """District accounts whose district has not ended (communes.access.district_has_ended): an
    ended district's account reads its history and is told of no work."""
    return Q(district__valid_to__isnull=True) | Q(district__valid_to__gte=timezone.localdate())


def get_evaluation_or_404(user: User, pk: int) -> Evaluation:
    return get_object_or_404(
        evaluations_visible_to(user).select_related(
            "commune__province", "commune__district", "village", "criteria_set"
        ),
        pk=pk,
    )


def get_evidence_or_404(user: User, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(evaluation__in=evaluations_visible_to(user)), pk=pk
    )


def can_decide_inheritance(user: User, province: Province) -> bool:
    """What a 2025 commune inherits is decided by its province's office (and admins)."""
    if has_no_access(user) or province.edition != Edition.TWO_TIER_2025:
        return False
    return user.is_admin or writes_in_province(user, province.pk)


def can_decide_commune_groups(user: User, province: Province) -> bool:
    """A province's decisions on its xã's groups (QĐ 51/2025/QĐ-TTg): its office staff, and
    admins; only provinces of the two-tier edition, whose xã have groups."""
    if has_no_access(user) or province.edition != Edition.TWO_TIER_2025:
        return False
    return user.is_admin or writes_in_province(user, province.pk)


def get_group_province_or_404(user: User, pk: int) -> Province:
    """The province whose commune groups the user may see and record, or 404."""
    province = get_province_or_404(user, pk)
    if not can_decide_commune_groups(user, province):
        raise Http404
    return province


# --- Recognition cases (QĐ 18/2022/QĐ-TTg) ------------------------------------------------------


def recognition_cases_visible_to(user: User) -> RecognitionCaseQuerySet:
    """Whoever reads the commune reads its cases."""
    return RecognitionCase.objects.filter(commune__in=communes_visible_to(user))


def get_recognition_case_or_404(user: User, pk: int) -> RecognitionCase:
    return get_object_or_404(
        recognition_cases_visible_to(user).select_related(
            "commune__province",
            "commune__district",
            "procedure",
            "step",
            "evaluation__criteria_set",
            "recognition",
            "created_by",
            "submitted_by",
        ),
        pk=pk,
    )


def get_recognition_attachment_or_404(user: User, pk: int) -> RecognitionAttachment:
    return get_object_or_404(
        RecognitionAttachment.objects.filter(case__in=recognition_cases_visible_to(user)), pk=pk
    )


def acts_for(user: User, actor: str, commune: Commune) -> bool:
    """Whether the user acts for this level of government on the commune: its own officials
    (UBND xã), its district's staff (before 07/2025), its province's office (UBND tỉnh and the
    departments it coordinates); admins for any."""
    if has_no_access(user):
        return False
    if user.is_admin:
        return True
    match actor:
        case RecognitionStep.Actor.COMMUNE:
            return can_change_commune(user, commune)
        case RecognitionStep.Actor.DISTRICT:
            return commune.edition == Edition.THREE_TIER_2024 and writes_in_district(
                user, commune.district_id
            )
        case RecognitionStep.Actor.PROVINCE:
            return user.role == Role.PROVINCE and writes_in_province(user, commune.province_id)
    return False


def can_act_on_case(user: User, case: RecognitionCase) -> bool:
    """The case's current step is this user's to act on (whether they may, having submitted the
    case themselves, is the workflow's rule: criteria/recognition.py)."""
    return case.is_open and acts_for(user, case.step.actor, case.commune)


def can_open_case(user: User, commune: Commune, kind: str) -> bool:
    """A recognition case is the commune's own request; a revocation case may also be opened by
    its province's office, which watches the communes at risk."""
    if acts_for(user, RecognitionStep.Actor.COMMUNE, commune):
        return True
    return kind == RecognitionCase.Kind.REVOCATION and acts_for(
        user, RecognitionStep.Actor.PROVINCE, commune
    )


def case_actors(case: RecognitionCase, step: RecognitionStep) -> QuerySet[User]:
    """Who is told when a case reaches this step."""
    commune = case.commune
    match step.actor:
        case RecognitionStep.Actor.COMMUNE:
            rule = Q(role=Role.COMMUNE, commune_id=commune.pk)
        case RecognitionStep.Actor.DISTRICT:
            rule = Q(role=Role.DISTRICT, district_id=commune.district_id) & _district_in_force()
        case _:
            rule = Q(role=Role.PROVINCE, province_id=commune.province_id)
    return User.objects.filter(rule, is_active=True)


def can_record_recognitions(user: User, province: Province) -> bool:
    """Recognition decisions of past years, entered from paper: the province's office (for its
    own province and the provinces it was formed from, whose books it keeps), and admins."""
    if has_no_access(user):
        return False
    return user.is_admin or keeps_history_of(user, province.pk)


def get_recognition_province_or_404(user: User, pk: int) -> Province:
    province = get_province_or_404(user, pk)
    if not can_record_recognitions(user, province):
        raise Http404
    return province

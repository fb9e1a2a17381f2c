"""Who sees which evaluations and evidence, who edits them, and who reviews them. The scopes
and the table of roles are in ntm_portal/access.py."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from communes.access import (
    can_change_commune,
    communes_visible_to,
    get_province_or_404,
    in_province_scope,
    province_family,
)
from communes.models import Commune, Edition, Province
from ntm_portal.access import has_no_access
from ntm_portal.models import Role, User

from .models import CommuneStanding, Evaluation, EvaluationQuerySet, Evidence, Recognition


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
    """Province office staff of its province; district staff of its district, before 07/2025."""
    if has_no_access(user):
        return False
    if user.is_admin:
        return True
    if user.role == Role.PROVINCE:
        return in_province_scope(user, commune.province_id)
    if user.role == Role.DISTRICT:
        return (
            commune.edition == Edition.THREE_TIER_2024 and commune.district_id == user.district_id
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
        return evaluations.filter(commune__province_id__in=province_family(user.province_id))
    if user.role == Role.DISTRICT:
        return evaluations.filter(
            commune__district_id=user.district_id, commune__edition=Edition.THREE_TIER_2024
        )
    return evaluations.none()


def reviewers_of(commune: Commune) -> QuerySet[User]:
    """Who is told when the commune submits an evaluation."""
    rule = Q(role=Role.PROVINCE, province_id__in=province_family(commune.province_id))
    if commune.district_id and commune.edition == Edition.THREE_TIER_2024:
        rule |= Q(role=Role.DISTRICT, district_id=commune.district_id)
    return User.objects.filter(rule, is_active=True)


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
    return user.is_admin or in_province_scope(user, province.pk)


def can_decide_commune_groups(user: User, province: Province) -> bool:
    """A province's decisions on its xã's groups (QĐ 51/2025/QĐ-TTg): its office staff, and
    admins; only provinces of the two-tier edition, whose xã have groups."""
    if has_no_access(user) or province.edition != Edition.TWO_TIER_2025:
        return False
    return user.is_admin or in_province_scope(user, province.pk)


def get_group_province_or_404(user: User, pk: int) -> Province:
    """The province whose commune groups the user may see and record, or 404."""
    province = get_province_or_404(user, pk)
    if not can_decide_commune_groups(user, province):
        raise Http404
    return province

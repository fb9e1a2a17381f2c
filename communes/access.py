"""Who sees which provinces, districts, communes and villages, and who changes a commune's own
data. The scopes and the table of roles are in ntm_portal/access.py."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ntm_portal.access import commune_reach, has_no_access
from ntm_portal.models import Role, User

from .models import Commune, CommuneQuerySet, District, Province, Village


def communes_visible_to(user: User) -> CommuneQuerySet:
    communes = Commune.objects.all()
    if has_no_access(user):
        return communes.none()
    if user.is_admin:
        return communes
    match user.role:
        case Role.PROVINCE:
            return communes.filter(province_id=user.province_id)
        case Role.DISTRICT:
            return communes.filter(district_id=user.district_id)
        case Role.COMMUNE:
            return communes.filter(pk=user.commune_id)
        case Role.AGENCY:
            # Through the agency's assignments (sponsorships/access.py registers the rule).
            reached = commune_reach(user)
            return communes.none() if reached is None else communes.filter(pk__in=reached)
    return communes.none()


def districts_visible_to(user: User) -> QuerySet[District]:
    districts = District.objects.all()
    if has_no_access(user):
        return districts.none()
    if user.is_admin:
        return districts
    match user.role:
        case Role.PROVINCE:
            return districts.filter(province_id=user.province_id)
        case Role.DISTRICT:
            return districts.filter(pk=user.district_id)
        case Role.COMMUNE | Role.AGENCY:
            # The districts that hold the communes they see, so they can walk down to them.
            return districts.filter(pk__in=communes_visible_to(user).values("district_id"))
    return districts.none()


def provinces_visible_to(user: User) -> QuerySet[Province]:
    provinces = Province.objects.all()
    if has_no_access(user):
        return provinces.none()
    if user.is_admin:
        return provinces
    match user.role:
        case Role.PROVINCE:
            return provinces.filter(pk=user.province_id)
        case Role.DISTRICT:
            return provinces.filter(districts=user.district_id)
        case Role.COMMUNE | Role.AGENCY:
            return provinces.filter(pk__in=communes_visible_to(user).values("province_id"))
    return provinces.none()


def villages_visible_to(user: User) -> QuerySet[Village]:
    return Village.objects.filter(commune__in=communes_visible_to(user))


def can_change_commune(user: User, commune: Commune) -> bool:
    """Criteria status and villages of a commune: its own officials, and admins."""
    if has_no_access(user):
        return False
    return user.is_admin or (user.role == Role.COMMUNE and user.commune_id == commune.pk)


def get_province_or_404(user: User, pk: int) -> Province:
    return get_object_or_404(provinces_visible_to(user), pk=pk)


def get_district_or_404(user: User, pk: int) -> District:
    return get_object_or_404(districts_visible_to(user).select_related("province"), pk=pk)


def get_commune_or_404(user: User, pk: int) -> Commune:
    return get_object_or_404(communes_visible_to(user).with_places(), pk=pk)

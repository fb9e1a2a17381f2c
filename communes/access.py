"""Who sees which provinces, districts, communes and villages, and who changes a commune's own
data. The scopes and the table of roles are in ntm_portal/access.py.

A scope reaches across the reorganisation of 01/07/2025 (the lineage): the office of a 2025
province reads the history of the 2024 provinces it was formed from, and a 2025 commune's
officials read the communes it was formed from; changing stays with the unit itself.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from ntm_portal.access import commune_reach, has_no_access
from ntm_portal.models import Role, User

from .models import (
    Commune,
    CommuneLineage,
    CommuneQuerySet,
    District,
    Edition,
    Province,
    Village,
)

LINEAGE_VERSION_KEY = "lineage:version"


def province_family(province_id: int | None) -> QuerySet[Province] | list[int]:
    """The province and the provinces of the earlier edition it was formed from — what its office
    reads — for `province_id__in=`: their ids from the cache (PROVINCE_FAMILY_CACHE_SECONDS), else
    a subquery. Never the successor, nor the successor's other predecessors: a 2024 office reads
    its own history only (docs/access.md).

    Why a list: given the subquery (a join of the lineage with OR), PostgreSQL cannot tell how few
    provinces it names, and walks the whole country's inspections or evaluations before keeping
    one province's (at national scale, the calendar's list 138 → 40 ms of SQL, the review queue's
    40 → 7 ms)."""
    timeout = settings.PROVINCE_FAMILY_CACHE_SECONDS
    if not timeout or province_id is None:
        return _province_family_query(province_id)
    version = cache.get_or_set(LINEAGE_VERSION_KEY, lambda: uuid4().hex, None)
    return cache.get_or_set(
        f"province_family:{version}:{province_id}",
        lambda: sorted(set(_province_family_query(province_id).values_list("pk", flat=True))),
        timeout,
    )


def _province_family_query(province_id: int | None) -> QuerySet[Province]:
    return Province.objects.filter(
        Q(pk=province_id) | Q(successions__successor_id=province_id)
    ).values("pk")


def province_lineage_changed() -> None:
    """Every cached family is dropped (now, and once the transaction commits, so a family read
    in between never outlives it): called wherever ProvinceLineage is written."""
    cache.delete(LINEAGE_VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(LINEAGE_VERSION_KEY))


def successors_of_office(user: User) -> list[str]:
    """The names of the provinces that took over the work of a province office's own province,
    when it was merged on 01/07/2025 (its 2024 office reads its own history and is told who holds
    the work now); none for anyone else. Cached like the family: no query once warm."""
    province = user.province if user.role == Role.PROVINCE and user.province_id else None
    if province is None or province.edition != Edition.THREE_TIER_2024:
        return []
    if province.valid_to is None or province.valid_to >= timezone.localdate():
        return []  # still in force: nothing to tell, and no question asked
    version = cache.get_or_set(LINEAGE_VERSION_KEY, lambda: uuid4().hex, None)
    return cache.get_or_set(
        f"province_successors:{version}:{province.pk}",
        lambda: list(
            Province.objects.filter(origins__predecessor_id=province.pk)
            .order_by("name")
            .values_list("name", flat=True)
        ),
        settings.PROVINCE_FAMILY_CACHE_SECONDS or None,
    )


def district_has_ended(user: User) -> bool:
    """Whether the user is a district account whose district ended before today (the districts
    of the three-tier edition ended on 30/06/2025). Such an account reads its district's history
    and writes nothing: every `can_*` that lets district staff write asks writes_in_district.
    No query: the session's user comes with its district (ntm_portal.backends)."""
    if user.role != Role.DISTRICT or not user.district_id:
        return False
    valid_to = user.district.valid_to
    return valid_to is not None and valid_to < timezone.localdate()


def writes_in_district(user: User, district_id: int | None) -> bool:
    """Whether a district account changes this district's work: its own district, while the
    district is in force (after it ended, the account only reads its history)."""
    return (
        user.role == Role.DISTRICT
        and bool(user.district_id)
        and district_id == user.district_id
        and not district_has_ended(user)
    )


def ended_district_notice(user: User) -> str:
    """The sentence a district account whose district ended reads on every page; "" otherwise."""
    if not district_has_ended(user):
        return ""
    return gettext(
        "%(district)s đã kết thúc hoạt động từ %(since)s; tài khoản này chỉ còn xem lịch sử."
    ) % {
        "district": user.district.name,
        "since": f"{user.district.valid_to + timedelta(days=1):%d/%m/%Y}",
    }


def ended_district_accounts(province_id: int) -> QuerySet[User]:
    """The active accounts of districts that ended, in a province's family (its own and the
    2024 provinces it was formed from): what its office locks (can_lock_district_account)."""
    return (
        User.objects.filter(
            role=Role.DISTRICT,
            is_active=True,
            district__province_id__in=province_family(province_id),
            district__valid_to__lt=timezone.localdate(),
        )
        .select_related("district__province")
        .order_by("district__province__name", "district__name", "username")
    )


def can_lock_district_account(user: User, account: User) -> bool:
    """An ended district's account is locked by the office that keeps its province's books (the
    successor province's, keeps_history_of), and by admins."""
    if has_no_access(user) or account.role != Role.DISTRICT or not account.district_id:
        return False
    if not district_has_ended(account) or user.pk == account.pk:
        return False
    return user.is_admin or keeps_history_of(user, account.district.province_id)


def get_lockable_district_account_or_404(user: User, pk: int) -> User:
    account = get_object_or_404(
        User.objects.filter(role=Role.DISTRICT).select_related("district__province"), pk=pk
    )
    if not can_lock_district_account(user, account):
        raise Http404
    return account


def users_province_family(user: User) -> QuerySet[Province] | list[int]:
    """province_family of the user's own province, kept on the user for the request: a page
    asks for it several times (its communes, districts, agencies, inspections), and each ask of
    the cache is two round trips to Redis."""
    if "_own_province_family" not in user.__dict__:
        user.__dict__["_own_province_family"] = province_family(user.province_id)
    return user.__dict__["_own_province_family"]


def province_family_ids(province_id: int | None) -> set[int]:
    """province_family as a set, for `in` (one query, or none when cached)."""
    family = province_family(province_id)
    return set(family if isinstance(family, list) else family.values_list("pk", flat=True))


def commune_family(commune_id: int | None) -> Q:
    """The commune and the units of the other edition it was formed from or went into."""
    lineage = CommuneLineage.objects.exclude(predecessor=None)
    return (
        Q(pk=commune_id)
        | Q(pk__in=lineage.filter(successor_id=commune_id).values("predecessor_id"))
        | Q(pk__in=lineage.filter(predecessor_id=commune_id).values("successor_id"))
    )


def writes_in_province(user: User, province_id: int | None) -> bool:
    """Whether a province office's user changes this province's work: its own province only,
    whatever it reads of its predecessors (an account belongs to one province of one edition)."""
    return user.role == Role.PROVINCE and bool(user.province_id) and province_id == user.province_id


def keeps_history_of(user: User, province_id: int) -> bool:
    """Whether a province office's user records this province's past: its own, or a province it
    was formed from — nobody else holds the predecessors' books after 01/07/2025. Only for what
    is entered from paper and for carrying agencies and assignments over (docs/access.md); the
    work itself is writes_in_province's. Costs a query only for a province not the user's own."""
    if user.role != Role.PROVINCE or not user.province_id:
        return False
    if province_id == user.province_id:
        return True
    if not hasattr(user, "_province_family"):
        user._province_family = province_family_ids(user.province_id)
    return province_id in user._province_family


def communes_visible_to(user: User) -> CommuneQuerySet:
    communes = Commune.objects.all()
    if has_no_access(user):
        return communes.none()
    if user.is_admin:
        return communes
    match user.role:
        case Role.PROVINCE:
            return communes.filter(province_id__in=users_province_family(user))
        case Role.DISTRICT:
            return communes.filter(district_id=user.district_id)
        case Role.COMMUNE:
            return communes.filter(commune_family(user.commune_id))
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
            return districts.filter(province_id__in=users_province_family(user))
        case Role.DISTRICT:
            return districts.filter(pk=user.district_id)
        case Role.COMMUNE | Role.AGENCY:
            # The districts that hold the communes they see, so they can walk down to them.
            return districts.filter(pk__in=communes_visible_to(user).values("district_id"))
    return districts.none()


def district_filter_applies(user: User, *, shown_from: date | None) -> bool:
    """Whether a "Huyện" filter means anything on a page: districts ended on 30/06/2025, so
    only for a scope of the 2024 edition (district staff, the office of a 2024 province) or when
    what is shown begins by then (a year or set of the three-tier era). Today's province office
    looking at today's work is offered no abolished district."""
    if user.role == Role.DISTRICT:
        return True
    if (
        user.role == Role.PROVINCE
        and user.province_id
        and user.province.edition == Edition.THREE_TIER_2024
    ):
        return True
    return shown_from is not None and Edition.on(shown_from) == Edition.THREE_TIER_2024


def provinces_visible_to(user: User) -> QuerySet[Province]:
    provinces = Province.objects.all()
    if has_no_access(user):
        return provinces.none()
    if user.is_admin:
        return provinces
    match user.role:
        case Role.PROVINCE:
            return provinces.filter(pk__in=users_province_family(user))
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


def get_commune_or_404(user: User, pk: int, *, village_count: bool = False) -> Commune:
    """`village_count`: the commune comes with `village_total` (its villages counted in the same
    query), for a page that shows it."""
    communes = communes_visible_to(user).with_places()
    if village_count:
        communes = communes.with_village_count()
    return get_object_or_404(communes, pk=pk)

"""Who may see or change what: the ground rule every app's access module stands on.

A user's role gives exactly one scope (ntm_portal.models.ROLE_SCOPE_FIELD): a province, a
district, a commune or an agency. Each app decides, for its own objects only, what that scope
reaches, in its own `access.py`: communes (places, villages), criteria (evaluations, evidence,
review), sponsorships (agencies, inspections), reports (documents, plans, dashboards). Each
`*_visible_to(user)` returns the queryset of objects the user may read; `get_*_or_404` fetches one
of them or answers 404, so that a refused object looks exactly like a missing one; `can_*` says
whether the user may change it. Every view starts from one of them.

| role      | reads                                                  | changes                        |
|-----------|--------------------------------------------------------|--------------------------------|
| admin     | everything                                             | everything, every roster       |
| province  | its province, and the provinces of 2024 it was formed  | its own province only (one     |
|           | from (their history); never a successor's              | province of one edition), its  |
|           |                                                        | rosters included (no catalogue)|
| district  | its district's communes, villages and evaluations      | reviews them (before 07/2025)  |
| commune   | its commune, villages and evaluations, and the         | its own evaluations, evidence  |
|           | communes it was formed from                            | and villages                   |
| agency    | the communes its agency is assigned to now, the agency | its inspection reports and     |
|           |                                                        | documents                      |
| none      | nothing                                                | nothing                        |

Drafts (inspection reports, unissued documents) are read by the body that writes them and the
province office only. The whole rule, across 01/07/2025 and for drafts: docs/access.md.

An agency member reaches communes through the agency's assignments, which a lower floor cannot
see: sponsorships registers that reach here (`register_commune_reach`), and communes/access.py
asks for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken, Role, RosterImport, User

if TYPE_CHECKING:
    from .rosters.base import Roster

CommuneReach = Callable[[User], QuerySet]
_commune_reach: dict[str, CommuneReach] = {}


def has_no_access(user: User) -> bool:
    return not (user.is_authenticated and user.is_active)


def register_commune_reach(role: Role, reach: CommuneReach) -> None:
    """`reach(user)` gives the primary keys of the communes a user of this role reaches."""
    _commune_reach[role] = reach


def commune_reach(user: User) -> QuerySet | None:
    """The communes the user's role reaches through another app's data; None when none does."""
    reach = _commune_reach.get(user.role)
    return reach(user) if reach else None


def can_import_rosters(user: User) -> bool:
    """Excel rosters: administrators, and a province office for its own province's rosters
    (docs/access.md); which kinds, `can_import_roster`."""
    return not has_no_access(user) and (
        user.is_admin or (user.role == Role.PROVINCE and bool(user.province_id))
    )


def can_import_roster(user: User, roster: Roster) -> bool:
    """Whether the user may import this kind: an office only the kinds that say it may
    (`Roster.office_may_use`: not the criteria catalogue, which is the whole country's), and each
    row of it only within its own province (`Roster.office_rows`)."""
    if not can_import_rosters(user):
        return False
    return user.is_admin or roster.office_may_use


def roster_imports_visible_to(user: User) -> QuerySet[RosterImport]:
    """Administrators read every import; a province office the imports of its own office."""
    imports = RosterImport.objects.all()
    if not can_import_rosters(user):
        return imports.none()
    if user.is_admin:
        return imports
    return imports.filter(uploaded_by__role=Role.PROVINCE, uploaded_by__province=user.province_id)


def get_roster_import_or_404(user: User, pk: int) -> RosterImport:
    return get_object_or_404(
        roster_imports_visible_to(user)
        .select_related("uploaded_by", "confirmed_by")
        .defer("table"),
        pk=pk,
    )


def api_tokens_visible_to(user: User) -> QuerySet[ApiToken]:
    """A user's own API tokens, and nobody else's (not even an administrator's to see)."""
    if has_no_access(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def can_hold_api_tokens(user: User) -> bool:
    """A token acts as its user: anyone with a role may have one; without a role it would
    see nothing."""
    return not has_no_access(user) and (user.is_admin or bool(user.role))


def get_api_token_or_404(user: User, pk: int) -> ApiToken:
    return get_object_or_404(api_tokens_visible_to(user), pk=pk)

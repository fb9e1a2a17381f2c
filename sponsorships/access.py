"""Who sees which agencies and inspections, who files and acknowledges inspection reports, and
which communes an agency member reaches. The scopes and the table of roles are in
ntm_portal/access.py."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from communes.access import communes_visible_to
from ntm_portal.access import has_no_access
from ntm_portal.models import Role, User

from .models import Agency, Assignment, Inspection, InspectionAttachment


def assigned_communes(user: User) -> QuerySet:
    """An agency member reaches the communes its agency is assigned to now (registered with
    ntm_portal.access in SponsorshipsConfig.ready)."""
    return Assignment.objects.active_on().filter(agency_id=user.agency_id).values("commune_id")


def agencies_visible_to(user: User) -> QuerySet[Agency]:
    agencies = Agency.objects.all()
    if has_no_access(user):
        return agencies.none()
    if user.is_admin:
        return agencies
    match user.role:
        case Role.PROVINCE:
            return agencies.filter(province_id=user.province_id)
        case Role.AGENCY:
            return agencies.filter(pk=user.agency_id)
    return agencies.none()


def can_open_agency(user: User, agency) -> bool:
    """agencies_visible_to's rule for one agency (or any row with its pk and province_id), so
    that a page links only the agencies its reader may open, without a query."""
    if has_no_access(user):
        return False
    if user.is_admin:
        return True
    match user.role:
        case Role.PROVINCE:
            return agency.province_id == user.province_id
        case Role.AGENCY:
            return agency.pk == user.agency_id
    return False


def inspections_visible_to(user: User) -> QuerySet[Inspection]:
    """An agency sees its own inspections (past assignments too); others follow the communes."""
    inspections = Inspection.objects.all()
    if has_no_access(user):
        return inspections.none()
    if user.role == Role.AGENCY and not user.is_admin:
        return inspections.filter(assignment__agency_id=user.agency_id)
    return inspections.filter(assignment__commune__in=communes_visible_to(user))


def can_file_report(user: User, inspection: Inspection) -> bool:
    """Only members of the assigned agency write its inspection reports (and admins)."""
    if has_no_access(user):
        return False
    return user.is_admin or (
        user.role == Role.AGENCY and user.agency_id == inspection.assignment.agency_id
    )


def can_acknowledge_report(user: User, inspection: Inspection) -> bool:
    if has_no_access(user):
        return False
    return user.is_admin or (
        user.role == Role.PROVINCE and user.province_id == inspection.assignment.commune.province_id
    )


def can_plan_inspections(user: User, assignment: Assignment) -> bool:
    """Ad-hoc inspections and cancellations: the agency itself, or its province's office."""
    if has_no_access(user):
        return False
    if user.is_admin:
        return True
    if user.role == Role.AGENCY:
        return user.agency_id == assignment.agency_id
    return user.role == Role.PROVINCE and user.province_id == assignment.commune.province_id


def get_inspection_or_404(user: User, pk: int) -> Inspection:
    return get_object_or_404(
        inspections_visible_to(user).select_related(
            "assignment__agency", "assignment__commune__district", "assignment__commune__province"
        ),
        pk=pk,
    )


def get_attachment_or_404(user: User, pk: int) -> InspectionAttachment:
    return get_object_or_404(
        InspectionAttachment.objects.filter(report__inspection__in=inspections_visible_to(user)),
        pk=pk,
    )


def get_agency_or_404(user: User, pk: int) -> Agency:
    return get_object_or_404(agencies_visible_to(user).select_related("province"), pk=pk)


def can_manage_calendar_feed(user: User, agency: Agency) -> bool:
    """See and change the secret address of the agency's calendar feed: its members, its
    province's office staff, and admins."""
    if has_no_access(user):
        return False
    if user.is_admin:
        return True
    if user.role == Role.AGENCY:
        return user.agency_id == agency.pk
    return user.role == Role.PROVINCE and user.province_id == agency.province_id


def can_issue_documents(user: User, agency: Agency) -> bool:
    """An agency's own members, its province's office staff, and admins."""
    if has_no_access(user):
        return False
    if user.is_admin:
        return True
    if user.role == Role.AGENCY:
        return user.agency_id == agency.pk
    return user.role == Role.PROVINCE and user.province_id == agency.province_id

"""Who sees which agencies and inspections, who files and acknowledges inspection reports, and
which communes an agency member reaches. The scopes and the table of roles are in
ntm_portal/access.py.

An agency merged into another (Sở KH&ĐT into Sở Tài chính) stays readable: the surviving
agency's members read its inspections and documents, under its own name. Reorganising agencies
(mergers, moving to a 2025 province) and transferring assignments across 01/07/2025 are the
province office's (and admins').
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from communes.access import (
    communes_visible_to,
    keeps_history_of,
    users_province_family,
    writes_in_province,
)
from communes.models import Edition, Province
from ntm_portal.access import has_no_access
from ntm_portal.models import Role, User

from .models import Agency, Assignment, Inspection, InspectionAttachment, InspectionReport


def agency_family(agency_id: int | None) -> QuerySet:
    """The agency and the agencies merged into it, down to Agency.MERGE_DEPTH steps (which
    agency_merge keeps to), as a subquery of primary keys."""
    reach = Q(pk=agency_id)
    for depth in range(1, Agency.MERGE_DEPTH + 1):
        reach |= Q(**{"__".join(["merged_into"] * depth): agency_id})
    return Agency.objects.filter(reach).values("pk")


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
            return agencies.filter(province_id__in=users_province_family(user))
        case Role.AGENCY:
            return agencies.filter(pk__in=agency_family(user.agency_id))
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
    """An agency sees its own inspections (past assignments too, and those of the agencies merged
    into it); others follow the communes."""
    inspections = Inspection.objects.all()
    if has_no_access(user):
        return inspections.none()
    if user.role == Role.AGENCY and not user.is_admin:
        return inspections.filter(assignment__agency_id__in=agency_family(user.agency_id))
    return inspections.filter(assignment__commune__in=communes_visible_to(user))


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """An agency sees its own assignments (past ones too, and those of the agencies merged into
    it); others follow the communes, as inspections do."""
    assignments = Assignment.objects.all()
    if has_no_access(user):
        return assignments.none()
    if user.role == Role.AGENCY and not user.is_admin:
        return assignments.filter(agency_id__in=agency_family(user.agency_id))
    return assignments.filter(commune__in=communes_visible_to(user))


def reads_report_drafts(user: User) -> bool:
    """Drafts stay with their authors: an inspection report still being written is read by the
    agency that writes it (an agency member sees only its agency's inspections) and by the
    province office, and admins; the inspected commune and district staff read it once it is
    submitted. The same holds for the documents about an inspection (reports/access.py)."""
    return not has_no_access(user) and (user.is_admin or user.role in (Role.AGENCY, Role.PROVINCE))


def report_drafts_hidden(user: User, reports: QuerySet[InspectionReport]) -> QuerySet:
    """The reports as the user may read them: without the drafts unless reads_report_drafts."""
    if reads_report_drafts(user):
        return reports
    return reports.exclude(status=InspectionReport.Status.DRAFT)


def inspection_reports_visible_to(user: User) -> QuerySet[InspectionReport]:
    return report_drafts_hidden(
        user, InspectionReport.objects.filter(inspection__in=inspections_visible_to(user))
    )


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
        user.role == Role.PROVINCE
        and writes_in_province(user, inspection.assignment.commune.province_id)
    )


def can_plan_inspections(user: User, assignment: Assignment) -> bool:
    """Ad-hoc inspections: the agency itself, or its province's office."""
    if has_no_access(user):
        return False
    if user.is_admin:
        return True
    if user.role == Role.AGENCY:
        return user.agency_id == assignment.agency_id
    return writes_in_province(user, assignment.commune.province_id)


def can_change_calendar(user: User, assignment: Assignment) -> bool:
    """Cancelling a planned inspection: the province office keeps the calendar (and admins); the
    agency proposes it, with a reason (can_propose_calendar_change)."""
    if has_no_access(user):
        return False
    return user.is_admin or writes_in_province(user, assignment.commune.province_id)


def can_propose_calendar_change(user: User, assignment: Assignment) -> bool:
    return (
        not has_no_access(user)
        and user.role == Role.AGENCY
        and user.agency_id == assignment.agency_id
    )


def get_inspection_or_404(user: User, pk: int) -> Inspection:
    return get_object_or_404(
        inspections_visible_to(user).select_related(
            "assignment__agency", "assignment__commune__district", "assignment__commune__province"
        ),
        pk=pk,
    )


def get_attachment_or_404(user: User, pk: int) -> InspectionAttachment:
    return get_object_or_404(
        InspectionAttachment.objects.filter(report__in=inspection_reports_visible_to(user)),
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
    return writes_in_province(user, agency.province_id)


def can_reorganise_agencies(user: User) -> bool:
    """Province offices and admins look after agencies across the reorganisation."""
    return not has_no_access(user) and (user.is_admin or user.role == Role.PROVINCE)


def agencies_reorganised_by(user: User) -> QuerySet[Agency]:
    """The agencies this user may merge or move: admins' all, an office's its province family's."""
    if not can_reorganise_agencies(user):
        return Agency.objects.none()
    return agencies_visible_to(user)


def can_reorganise_agency(user: User, agency: Agency) -> bool:
    """Merging an agency into another, or moving it to its 2025 province: its province's office
    (the 2025 office carries over the agencies of the 2024 provinces it was formed from), and
    admins."""
    if has_no_access(user):
        return False
    return user.is_admin or keeps_history_of(user, agency.province_id)


def get_agency_to_reorganise_or_404(user: User, pk: int) -> Agency:
    agency = get_agency_or_404(user, pk)
    if not can_reorganise_agency(user, agency):
        raise Http404
    return agency


def transfer_provinces_for(user: User) -> QuerySet[Province]:
    """The 2025 provinces whose transfer page the user opens: their office's, and admins' all."""
    provinces = Province.objects.of_edition(Edition.TWO_TIER_2025)
    if has_no_access(user):
        return provinces.none()
    if user.is_admin:
        return provinces
    if user.role == Role.PROVINCE:
        return provinces.filter(pk__in=users_province_family(user))
    return provinces.none()


def get_transfer_province_or_404(user: User, pk: int) -> Province:
    return get_object_or_404(transfer_provinces_for(user), pk=pk)


# --- Decisions made by the province office (assignment decisions, assignments, steering teams) ---


def sponsorship_provinces_for(user: User) -> QuerySet[Province]:
    """The provinces whose assignment decisions, assignments and agencies' teams the user keeps:
    an office's own province (what its predecessors decided it reads on their communes and
    agencies); admins' all. Nobody else (agencies, districts, communes read them, never write
    them)."""
    provinces = Province.objects.all()
    if has_no_access(user):
        return provinces.none()
    if user.is_admin:
        return provinces
    if user.role == Role.PROVINCE:
        return provinces.filter(pk=user.province_id)
    return provinces.none()


def get_sponsorship_province_or_404(user: User, pk: int) -> Province:
    return get_object_or_404(sponsorship_provinces_for(user), pk=pk)


def get_assignment_decision_or_404(user: User, pk: int):
    from .models import AssignmentDecision

    return get_object_or_404(
        AssignmentDecision.objects.filter(
            province__in=sponsorship_provinces_for(user)
        ).select_related("province"),
        pk=pk,
    )


def get_assignment_to_manage_or_404(user: User, pk: int) -> Assignment:
    """An assignment of an agency or a commune in the user's provinces."""
    provinces = sponsorship_provinces_for(user)
    return get_object_or_404(
        Assignment.objects.filter(
            Q(agency__province__in=provinces) | Q(commune__province__in=provinces)
        ).select_related("agency__province", "commune", "decision__province"),
        pk=pk,
    )


def can_manage_agency_team(user: User, agency: Agency) -> bool:
    """The steering team and former names of an agency: its province's office, and admins."""
    if has_no_access(user):
        return False
    return user.is_admin or writes_in_province(user, agency.province_id)


def get_agency_team_or_404(user: User, pk: int) -> Agency:
    agency = get_agency_or_404(user, pk)
    if not can_manage_agency_team(user, agency):
        raise Http404
    return agency

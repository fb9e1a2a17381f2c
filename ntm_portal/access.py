"""Who may see or change what. Every view starts here; nothing else decides access.

Each `*_visible_to(user)` returns the queryset of objects the user may read; `get_*_or_404`
fetches one of them or answers 404, so that a refused object looks exactly like a missing one.

| role      | reads                                                  | changes                       |
|-----------|--------------------------------------------------------|-------------------------------|
| admin     | everything                                             | everything                    |
| province  | its province: districts, communes, villages, agencies, | reviews its communes'         |
|           | evaluations                                            | evaluations                   |
| district  | its district's communes, villages and evaluations      | reviews them (before 07/2025) |
| commune   | its commune, villages and evaluations                  | its evaluations and evidence  |
| agency    | the communes its agency is assigned to now, the agency | (its reports)                 |
| none      | nothing                                                | nothing                       |
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from communes.models import Commune, CommuneQuerySet, District, Edition, Province, Village
from criteria.models import Evaluation, EvaluationQuerySet, Evidence
from reports.models import Document
from sponsorships.models import Agency, Assignment, Inspection, InspectionAttachment

from .models import Role, RosterImport, User


def _has_no_access(user: User) -> bool:
    return not (user.is_authenticated and user.is_active)


def communes_visible_to(user: User) -> CommuneQuerySet:
    communes = Commune.objects.all()
    if _has_no_access(user):
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
            assigned = Assignment.objects.active_on().filter(agency_id=user.agency_id)
            return communes.filter(pk__in=assigned.values("commune_id"))
    return communes.none()


def districts_visible_to(user: User) -> QuerySet[District]:
    districts = District.objects.all()
    if _has_no_access(user):
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
    if _has_no_access(user):
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


def agencies_visible_to(user: User) -> QuerySet[Agency]:
    agencies = Agency.objects.all()
    if _has_no_access(user):
        return agencies.none()
    if user.is_admin:
        return agencies
    match user.role:
        case Role.PROVINCE:
            return agencies.filter(province_id=user.province_id)
        case Role.AGENCY:
            return agencies.filter(pk=user.agency_id)
    return agencies.none()


def can_change_commune(user: User, commune: Commune) -> bool:
    """Criteria status and villages of a commune: its own officials, and admins."""
    if _has_no_access(user):
        return False
    return user.is_admin or (user.role == Role.COMMUNE and user.commune_id == commune.pk)


def evaluations_visible_to(user: User) -> EvaluationQuerySet:
    return Evaluation.objects.filter(commune__in=communes_visible_to(user))


def can_edit_evaluation(user: User, evaluation: Evaluation) -> bool:
    """Values and evidence: the commune's own officials (and admins), while not locked."""
    return evaluation.is_editable and can_change_commune(user, evaluation.commune)


def can_review_commune(user: User, commune: Commune) -> bool:
    """Province office staff of its province; district staff of its district, before 07/2025."""
    if _has_no_access(user):
        return False
    if user.is_admin:
        return True
    if user.role == Role.PROVINCE:
        return commune.province_id == user.province_id
    if user.role == Role.DISTRICT:
        return (
            commune.edition == Edition.THREE_TIER_2024 and commune.district_id == user.district_id
        )
    return False


def can_review_anything(user: User) -> bool:
    return not _has_no_access(user) and (
        user.is_admin or user.role in (Role.PROVINCE, Role.DISTRICT)
    )


def review_queue_for(user: User) -> EvaluationQuerySet:
    """The evaluations this user may review (whatever their state)."""
    evaluations = Evaluation.objects.all()
    if _has_no_access(user):
        return evaluations.none()
    if user.is_admin:
        return evaluations
    if user.role == Role.PROVINCE:
        return evaluations.filter(commune__province_id=user.province_id)
    if user.role == Role.DISTRICT:
        return evaluations.filter(
            commune__district_id=user.district_id, commune__edition=Edition.THREE_TIER_2024
        )
    return evaluations.none()


def reviewers_of(commune: Commune) -> QuerySet[User]:
    """Who is told when the commune submits an evaluation."""
    rule = Q(role=Role.PROVINCE, province_id=commune.province_id)
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


def inspections_visible_to(user: User) -> QuerySet[Inspection]:
    """An agency sees its own inspections (past assignments too); others follow the communes."""
    inspections = Inspection.objects.all()
    if _has_no_access(user):
        return inspections.none()
    if user.role == Role.AGENCY and not user.is_admin:
        return inspections.filter(assignment__agency_id=user.agency_id)
    return inspections.filter(assignment__commune__in=communes_visible_to(user))


def can_file_report(user: User, inspection: Inspection) -> bool:
    """Only members of the assigned agency write its inspection reports (and admins)."""
    if _has_no_access(user):
        return False
    return user.is_admin or (
        user.role == Role.AGENCY and user.agency_id == inspection.assignment.agency_id
    )


def can_acknowledge_report(user: User, inspection: Inspection) -> bool:
    if _has_no_access(user):
        return False
    return user.is_admin or (
        user.role == Role.PROVINCE and user.province_id == inspection.assignment.commune.province_id
    )


def can_plan_inspections(user: User, assignment: Assignment) -> bool:
    """Ad-hoc inspections and cancellations: the agency itself, or its province's office."""
    if _has_no_access(user):
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


def can_issue_documents(user: User, agency: Agency) -> bool:
    """An agency's own members, its province's office staff, and admins."""
    if _has_no_access(user):
        return False
    if user.is_admin:
        return True
    if user.role == Role.AGENCY:
        return user.agency_id == agency.pk
    return user.role == Role.PROVINCE and user.province_id == agency.province_id


def documents_visible_to(user: User) -> QuerySet[Document]:
    """An agency's documents as its agency; a People's Committee's plan to whoever sees its
    commune, district or province (plans of the levels above are read by those below)."""
    return Document.objects.filter(
        Q(issuer__in=agencies_visible_to(user))
        | Q(issuer_commune__in=communes_visible_to(user))
        | Q(issuer_district__in=districts_visible_to(user))
        | Q(issuer_province__in=provinces_visible_to(user))
    )


def get_document_or_404(user: User, pk: int) -> Document:
    return get_object_or_404(
        documents_visible_to(user).select_related(
            "issuer", "issuer_commune", "issuer_district", "issuer_province"
        ),
        pk=pk,
    )


def can_plan_for_area(user: User, area: Commune | District | Province) -> bool:
    """A People's Committee's plan and targets: its own officials, the officials of the levels
    above it (district staff only while districts exist), and admins."""
    if _has_no_access(user):
        return False
    if user.is_admin:
        return True
    match area:
        case Commune():
            return (
                (user.role == Role.COMMUNE and user.commune_id == area.pk)
                or (user.role == Role.DISTRICT and user.district_id == area.district_id)
                or (user.role == Role.PROVINCE and user.province_id == area.province_id)
            )
        case District():
            return (user.role == Role.DISTRICT and user.district_id == area.pk) or (
                user.role == Role.PROVINCE and user.province_id == area.province_id
            )
        case Province():
            return user.role == Role.PROVINCE and user.province_id == area.pk
    return False


def can_issue_document(user: User, document: Document) -> bool:
    if document.issuer_id:
        return can_issue_documents(user, document.issuer)
    area = document.issuer_commune or document.issuer_district or document.issuer_province
    return can_plan_for_area(user, area)


def get_province_or_404(user: User, pk: int) -> Province:
    return get_object_or_404(provinces_visible_to(user), pk=pk)


def get_district_or_404(user: User, pk: int) -> District:
    return get_object_or_404(districts_visible_to(user).select_related("province"), pk=pk)


def get_commune_or_404(user: User, pk: int) -> Commune:
    return get_object_or_404(communes_visible_to(user).with_places(), pk=pk)


def get_agency_or_404(user: User, pk: int) -> Agency:
    return get_object_or_404(agencies_visible_to(user).select_related("province"), pk=pk)


def can_import_rosters(user: User) -> bool:
    """Excel rosters change data across the whole portal: administrators only (DESIGN.md §9)."""
    return not _has_no_access(user) and user.is_admin


def roster_imports_visible_to(user: User) -> QuerySet[RosterImport]:
    imports = RosterImport.objects.all()
    return imports if can_import_rosters(user) else imports.none()


def get_roster_import_or_404(user: User, pk: int) -> RosterImport:
    return get_object_or_404(
        roster_imports_visible_to(user)
        .select_related("uploaded_by", "confirmed_by")
        .defer("table"),
        pk=pk,
    )


# --- Dashboards (issue 7) -----------------------------------------------------------------------


def can_view_dashboards(user: User) -> bool:
    """Admins (the country), province and district staff (their area), agencies (their communes).
    Commune officials have their commune's own page instead. What the figures cover is always
    `communes_visible_to(user)`."""
    if _has_no_access(user):
        return False
    return user.is_admin or user.role in (Role.PROVINCE, Role.DISTRICT, Role.AGENCY)

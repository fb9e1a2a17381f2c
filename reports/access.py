"""Who issues which documents and plans, who reads them, and who opens the dashboards. The
scopes and the table of roles are in ntm_portal/access.py."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from communes.access import (
    communes_visible_to,
    district_has_ended,
    districts_visible_to,
    get_commune_or_404,
    get_district_or_404,
    get_province_or_404,
    provinces_visible_to,
    writes_in_district,
    writes_in_province,
)
from communes.models import Commune, District, Province
from ntm_portal.access import has_no_access
from ntm_portal.models import Role, User
from sponsorships.access import agencies_visible_to, can_issue_documents, get_agency_or_404

from .dossier import issuer_area, reached
from .issuers import Issuer, of_agency, of_area
from .models import Document, LegalDocument


def documents_visible_to(user: User) -> QuerySet[Document]:
    """An agency's documents as its agency; a People's Committee's plan to whoever sees its
    commune, district or province (plans of the levels above are read by those below). Drafts
    stay with their authors: see drafts_readable_by."""
    return Document.objects.filter(
        Q(issuer__in=agencies_visible_to(user))
        | Q(issuer_commune__in=communes_visible_to(user))
        | Q(issuer_district__in=districts_visible_to(user))
        | Q(issuer_province__in=provinces_visible_to(user)),
        drafts_readable_by(user),
    )


def drafts_readable_by(user: User) -> Q:
    """Which documents of those a user sees may be drafts: a draft (unissued, unnumbered, not yet
    signed) is read by the body that writes it and by the province office (and admins); anyone
    else reads a document once it is issued. For `filter()` on any query of documents."""
    if has_no_access(user) or user.is_admin or user.role == Role.PROVINCE:
        return Q()
    issued = Q(state=Document.State.ISSUED)
    match user.role:
        case Role.AGENCY:
            return issued | Q(issuer__in=agencies_visible_to(user))
        case Role.COMMUNE:
            return issued | Q(issuer_commune_id=user.commune_id)
        case Role.DISTRICT:
            # A district's staff write their district's plans and, before 07/2025, its communes'.
            return (
                issued
                | Q(issuer_district_id=user.district_id)
                | Q(issuer_commune__district_id=user.district_id)
            )
    return issued


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
    if has_no_access(user):
        return False
    if user.is_admin:
        return True
    match area:
        case Commune():
            return (
                (user.role == Role.COMMUNE and user.commune_id == area.pk)
                or writes_in_district(user, area.district_id)
                or (user.role == Role.PROVINCE and user.province_id == area.province_id)
            )
        case District():
            return writes_in_district(user, area.pk) or (
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


def can_view_dashboards(user: User) -> bool:
    """Admins (the country), province and district staff (their area), agencies (their communes).
    Commune officials have their commune's own page instead. What the figures cover is always
    `communes_visible_to(user)`."""
    if has_no_access(user):
        return False
    return user.is_admin or user.role in (Role.PROVINCE, Role.DISTRICT, Role.AGENCY)


def can_manage_issuer(user: User, issuer: Issuer) -> bool:
    """An issuer's profile, signatories, units and register: those who issue its documents."""
    if issuer.agency is not None:
        return can_issue_documents(user, issuer.agency)
    return can_plan_for_area(user, issuer.area)


def get_issuer_or_404(user: User, kind: str, pk: int) -> Issuer:
    """The issuer behind an agency, commune, district or province the user may see."""
    match kind:
        case "agency":
            return of_agency(get_agency_or_404(user, pk))
        case "commune":
            return of_area(get_commune_or_404(user, pk))
        case "district":
            return of_area(get_district_or_404(user, pk))
    return of_area(get_province_or_404(user, pk))


def legal_documents_visible_to(user: User) -> QuerySet[LegalDocument]:
    """National documents, and those of the provinces the user sees (an agency: its own)."""
    documents = LegalDocument.objects.all()
    if has_no_access(user):
        return documents.none()
    if user.is_admin:
        return documents
    provinces = provinces_visible_to(user)
    if user.role == Role.AGENCY:
        provinces = agencies_visible_to(user).values("province_id")
    return documents.filter(Q(province__isnull=True) | Q(province__in=provinces))


def can_register_legal_documents(user: User) -> bool:
    """Whoever issues documents registers what they cite: admins, province, district and
    commune officials, agency members."""
    if has_no_access(user) or district_has_ended(user):
        return False
    return user.is_admin or user.role in (Role.PROVINCE, Role.DISTRICT, Role.COMMUNE, Role.AGENCY)


def legal_document_scope(user: User) -> dict:
    """Where a document this user registers belongs: their province (and commune or district)."""
    if user.role == Role.AGENCY and user.agency_id:
        return {"province_id": user.agency.province_id}
    if user.role == Role.COMMUNE and user.commune_id:
        return {"province_id": user.commune.province_id, "commune_id": user.commune_id}
    if user.role == Role.DISTRICT and user.district_id:
        return {"province_id": user.district.province_id, "district_id": user.district_id}
    if user.role == Role.PROVINCE and user.province_id:
        return {"province_id": user.province_id}
    return {}


def can_draft_dossier_document(user: User, case, kind: str) -> bool:
    """A document of a recognition dossier: those who draft the plans of the People's Committee
    that issues it (the commune's for its self-assessment, the province's for the appraisal and
    the decision), once the case has reached its step."""
    return reached(case, kind) and can_plan_for_area(user, issuer_area(case, kind))


def get_verifiable_document_or_404(code: str) -> Document:
    """An issued document by its verification code, for anyone (signed in or not): what its
    public page shows is what its printed copies carry. A draft has no code."""
    return get_object_or_404(
        Document.objects.select_related(
            "issuer", "issuer_commune", "issuer_district", "issuer_province", "signatory"
        ).filter(state=Document.State.ISSUED, status=Document.Status.DONE),
        verification_code=code,
    )


def get_public_province_or_404(pk: int) -> Province:
    """A province whose office published its public page: anyone may read it, signed in or not;
    an unpublished one answers 404 like a missing one."""
    return get_object_or_404(Province.objects.filter(public_page__is_published=True), pk=pk)


def can_publish_province_page(user: User, province: Province) -> bool:
    """Publishing a province's page and uploading its commune boundaries: its office staff (of
    that province only), and admins. Asks no query."""
    if has_no_access(user):
        return False
    return user.is_admin or writes_in_province(user, province.pk)


def get_publishable_province_or_404(user: User, pk: int) -> Province:
    province = get_province_or_404(user, pk)
    if not can_publish_province_page(user, province):
        raise Http404
    return province


def get_start_province_or_404(user: User, pk: int) -> Province:
    """The province whose "Bắt đầu với tỉnh" page the user may open: its own office's (the office
    that sets it up) and admins'; to anyone else it does not exist."""
    province = get_province_or_404(user, pk)
    if not (user.is_admin or writes_in_province(user, province.pk)):
        raise Http404
    return province

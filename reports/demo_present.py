"""The present in the demo: Quảng Trị from 01/07/2025 (Quảng Bình and Quảng Trị in one province,
no districts), when the two-tier map and the lineage are loaded (`make run` loads both).

Made through the services a province would use, and only what is not there yet, so running
load_demo twice changes nothing:
- Sở Kế hoạch và Đầu tư joins Sở Tài chính on 01/03/2025; both agencies move to the new province;
- the province confirms the transfer of the assignments to the new communes (A Dơi formed from
  Ba Tầng and Xy, Ái Tử from Triệu Long…), resolving the one conflict: two sponsors on A Dơi;
- one agency of Quảng Bình is left to transfer, so the page has something to do;
- the groups of the new xã are decided (QĐ 51/2025/QĐ-TTg); their first half of 2026 is
  evaluated and approved, A Dơi's second half waits for review.

The real lineage of Quảng Trị splits no commune between two new ones; the demo's transfer shows a
conflict instead (issue 12 asked for a split: there is none to show in this province).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from communes.models import Commune, Edition, Province
from communes.services import villages_carry_over
from criteria.demo import demo_evaluation
from criteria.models import CommuneGroupDecision, CriteriaSet
from criteria.services import commune_groups_decide
from ntm_portal.models import User
from sponsorships.demo import PLANNED_FROM
from sponsorships.models import Agency, Assignment, AssignmentDecision
from sponsorships.services import (
    agency_merge,
    agency_rehome,
    assignment_create,
    inspections_backfill,
    inspections_plan,
)
from sponsorships.services import assignments_transfer as transfer_confirm
from sponsorships.transfers import TransferChoices, pending_transfers

QUANG_TRI_2025 = "44"
QUANG_BINH_2024 = "44"
QUANG_TRI_2024 = "45"
MERGER_OF_SKHDT = date(2025, 3, 1)
XY, TAN_THANH, HOA_SON = "19492", "18919", "18937"  # Xã Xy (Hướng Hóa); two of Minh Hóa
# The new xã of the demo's agencies, by official code (2025 edition), and their groups.
A_DOI, AI_TU, NAM_CUA_VIET, LIA = "19483", "19669", "19639", "19489"
CUA_VIET, GIO_LINH, CAM_LO = "19496", "19495", "19597"
GROUPS = {A_DOI: 3, LIA: 3, AI_TU: 2, NAM_CUA_VIET: 2, CUA_VIET: 1, GIO_LINH: 1, CAM_LO: 1}
QD51 = "QD51-2025-XA-NTM"
# The first half of 2026 against QĐ 51 (unmet criteria by short name; illustrative).
UNMET_2026 = {
    A_DOI: {
        "khoa học công nghệ và chuyển đổi số",
        "môi trường và cảnh quan",
        "giảm nghèo và an sinh xã hội",
    },
    LIA: {
        "hạ tầng kinh tế – xã hội",
        "phát triển kinh tế nông thôn",
        "khoa học công nghệ và chuyển đổi số",
        "môi trường và cảnh quan",
    },
    AI_TU: {"khoa học công nghệ và chuyển đổi số"},
    NAM_CUA_VIET: {"môi trường và cảnh quan", "khoa học công nghệ và chuyển đổi số"},
    CUA_VIET: set(),
    GIO_LINH: {"khoa học công nghệ và chuyển đổi số"},
    CAM_LO: set(),
}
# A Dơi's second half: two more criteria met, submitted for review.
UNMET_2026_SECOND_HALF = {"khoa học công nghệ và chuyển đổi số"}
TRANSFER = {"number": "1520/QĐ-UBND", "day": "15/07/2025", "issuer": "UBND tỉnh Quảng Trị"}
GROUP_DECISION = {"number": "245/QĐ-UBND", "day": date(2026, 2, 20)}


@dataclass(frozen=True)
class Present:
    province: Province
    communes: dict[str, Commune]
    agencies: dict[str, Agency]


def present_province() -> Province | None:
    """The 2025 Quảng Trị, when the two-tier map and its lineage are loaded."""
    province = Province.objects.filter(edition=Edition.TWO_TIER_2025, code=QUANG_TRI_2025).first()
    if province is None or not province.predecessors().exists():
        return None
    return province


def present_commune(code: str = A_DOI) -> Commune:
    return Commune.objects.get(edition=Edition.TWO_TIER_2025, code=code)


def demo_reorganisation(
    *, province: Province, agencies: dict[str, Agency], users: dict[str, User]
) -> Present:
    """The agencies and assignments across 01/07/2025 (before the 2026 work)."""
    admin, office = users["admin"], users["vpdp"]
    old_province = Province.objects.get(edition=Edition.THREE_TIER_2024, code=QUANG_TRI_2024)
    stc = Agency.objects.filter(
        province__in=[old_province, province], name="Sở Tài chính Quảng Trị"
    ).first() or Agency.objects.create(
        province=old_province,
        name="Sở Tài chính Quảng Trị",
        short_name="STC",
        kind=Agency.Kind.DEPARTMENT,
    )
    # Before the merger Sở Tài chính also sponsored Xã Xy (illustrative): with the CCB's Ba
    # Tầng it makes two sponsors of the new Xã A Dơi, which the transfer must resolve.
    xy = Commune.objects.get(edition=Edition.THREE_TIER_2024, code=XY)
    if not stc.assignments.filter(commune=xy).exists():
        assignment_create(
            agency=stc,
            commune=xy,
            kind=Assignment.Kind.SPONSORED,
            start=date(2021, 1, 15),
            decision=AssignmentDecision.objects.get(province=old_province, number="1841/QĐ-UBND"),
            actor=admin,
        )
    skhdt = agencies["skhdt"]
    if not skhdt.merged_into_id:
        agency_merge(absorbed=skhdt, into=stc, on=MERGER_OF_SKHDT, actor=admin)
    for agency in (agencies["ccb"], stc):
        agency.refresh_from_db()
        if agency.province_id != province.pk:
            agency_rehome(agency=agency, province=province, actor=admin)
    if not AssignmentDecision.objects.filter(province=province, number=TRANSFER["number"]):
        _transfer(province, agencies["ccb"], office)
    # Left for the user: Hội Nông dân tỉnh Quảng Bình supervised two communes of Quảng Bình,
    # one of them (Tân Thành) merged only in part.
    quang_binh = Province.objects.get(edition=Edition.THREE_TIER_2024, code=QUANG_BINH_2024)
    farmers, _ = Agency.objects.get_or_create(
        province=quang_binh,
        name="Hội Nông dân tỉnh Quảng Bình",
        defaults={"short_name": "HND", "kind": Agency.Kind.MASS_ORGANISATION},
    )
    for code in (TAN_THANH, HOA_SON):
        commune = Commune.objects.get(edition=Edition.THREE_TIER_2024, code=code)
        if not farmers.assignments.filter(commune=commune).exists():
            assignment_create(
                agency=farmers,
                commune=commune,
                kind=Assignment.Kind.SUPERVISED,
                start=date(2022, 3, 1),
                actor=admin,
            )
    villages_carry_over()
    communes = {
        commune.code: commune
        for commune in Commune.objects.filter(edition=Edition.TWO_TIER_2025, code__in=GROUPS)
    }
    return Present(
        province=province,
        communes=communes,
        agencies={**agencies, "stc": Agency.objects.get(pk=stc.pk)},
    )


def _transfer(province: Province, ccb: Agency, office: User) -> None:
    """Carry every pending assignment to its new commune; on A Dơi keep the CCB's sponsorship."""
    pending = list(pending_transfers(province).select_related("commune"))
    choices = TransferChoices(seen={assignment.pk for assignment in pending})
    a_doi = present_commune(A_DOI)
    keep = [a.pk for a in pending if a.agency_id == ccb.pk and a.commune.code == "19477"]
    choices.keep[a_doi.pk] = set(keep)
    transfer_confirm(province=province, choices=choices, actor=office, **TRANSFER)


def demo_present_work(*, present: Present, users: dict[str, User]) -> None:
    """2026: the groups decided, the first half evaluated, A Dơi's second half in review."""
    try:
        qd51 = CriteriaSet.objects.get(code=QD51)
    except CriteriaSet.DoesNotExist:
        raise LookupError("Chưa có bộ tiêu chí QĐ 51: chạy `load_criteria` trước.") from None
    office, admin = users["vpdp"], users["admin"]
    if not CommuneGroupDecision.objects.filter(
        province=present.province, number=GROUP_DECISION["number"]
    ).exists():
        commune_groups_decide(
            province=present.province,
            number=GROUP_DECISION["number"],
            day=GROUP_DECISION["day"],
            groups={present.communes[code].pk: group for code, group in GROUPS.items()},
            actor=office,
        )
    for code, unmet in UNMET_2026.items():
        commune = present.communes[code]
        demo_evaluation(
            commune=commune,
            criteria_set=qd51,
            year=2026,
            half=1,
            unmet_short_names=unmet,
            submitter=users["xa"] if code == A_DOI else admin,
            reviewer=office,
        )
    demo_evaluation(
        commune=present.communes[A_DOI],
        criteria_set=qd51,
        year=2026,
        half=2,
        unmet_short_names=UNMET_2026_SECOND_HALF,
        submitter=users["xa"],
        reviewer=office,
        approve=False,
    )
    # The calendar of the assignments as they are now (the new ones from 01/07/2025), as beat
    # would have planned it: inspections per period, and the six-monthly reports.
    today = timezone.localdate()
    inspections_backfill(
        assignments=Assignment.objects.filter(agency__in=present.agencies.values()),
        since=PLANNED_FROM,
        until=today,
        as_beat_planned=True,
    )
    inspections_plan(today=today)


def merged_agency(agency: Agency, day: date) -> Agency:
    """The agency that works on `day` (Sở KH&ĐT's work is Sở Tài chính's from 01/03/2025)."""
    agency.refresh_from_db()
    return agency.surviving_on(day)

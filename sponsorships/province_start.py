"""What this floor knows of how far a province has set the portal up: its agencies, whether
each has member accounts, and its assignment decisions (reports.province_start gathers it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from communes.models import Province
from ntm_portal.models import Role, User

from .models import Agency, AssignmentDecision


@dataclass(frozen=True)
class SponsorshipFigures:
    agencies: int  # working today: a merged agency lives on in the one it joined
    without_members: int
    decisions: int


def sponsorship_figures(province: Province) -> SponsorshipFigures:
    """Two queries, whatever the number of agencies."""
    members = User.objects.filter(agency_id=OuterRef("pk"), role=Role.AGENCY, is_active=True)
    figures = (
        Agency.objects.filter(province=province, merged_into=None)
        .annotate(has_members=Exists(members))
        .aggregate(
            agencies=Count("pk"),
            without_members=Count("pk", filter=Q(has_members=False)),
        )
    )
    figures["decisions"] = AssignmentDecision.objects.filter(province=province).count()
    return SponsorshipFigures(**figures)

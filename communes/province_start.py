"""What this floor knows of how far a province's office has set the portal up: its xã, their
villages, and the xã whose officials have an account (reports.province_start gathers it with
the other floors' figures for the "Bắt đầu với tỉnh" page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from ntm_portal.models import Role, User

from .models import Commune, Province, Village


@dataclass(frozen=True)
class CommuneFigures:
    xa: int  # the province's xã, the units the programme scores
    without_villages: int
    villages: int
    without_official: int  # xã with no active commune-official account


def commune_figures(province: Province) -> CommuneFigures:
    """Two queries, whatever the number of xã."""
    villages = Village.objects.filter(commune_id=OuterRef("pk"))
    officials = User.objects.filter(commune_id=OuterRef("pk"), role=Role.COMMUNE, is_active=True)
    figures = (
        Commune.objects.xa()
        .filter(province=province)
        .annotate(has_villages=Exists(villages), has_official=Exists(officials))
        .aggregate(
            xa=Count("pk"),
            without_villages=Count("pk", filter=Q(has_villages=False)),
            without_official=Count("pk", filter=Q(has_official=False)),
        )
    )
    # Villages of every unit (a phường's tổ dân phố too): what the villages roster filled.
    figures["villages"] = Village.objects.filter(commune__province=province).count()
    return CommuneFigures(**figures)

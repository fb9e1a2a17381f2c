"""The sponsorship facts of a commune that other floors show: its last inspection (registered
with communes.facts in SponsorshipsConfig.ready)."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext as _

from communes.facts import Fact
from communes.models import Commune
from ntm_portal.models import User

from .access import inspections_visible_to, report_drafts_hidden
from .models import InspectionReport


def inspection_facts(user: User, communes: Sequence[Commune]) -> dict[int, list[Fact]]:
    """The last inspection with a report of each commune: one query, whatever their number."""
    reports = (
        report_drafts_hidden(
            user, InspectionReport.objects.filter(inspection__assignment__commune__in=communes)
        )
        .order_by("inspection__assignment__commune_id", "-inspected_on")
        .values(
            "inspected_on",
            "inspection_id",
            "inspection__assignment__commune_id",
            "inspection__assignment__agency__name",
        )
    )
    visible = set(
        inspections_visible_to(user)
        .filter(assignment__commune__in=communes)
        .values_list("pk", flat=True)
    )
    facts: dict[int, list[Fact]] = {}
    for report in reports:
        commune_id = report["inspection__assignment__commune_id"]
        if commune_id in facts:
            continue
        facts[commune_id] = [
            Fact(
                _("Kiểm tra gần nhất"),
                _("%(date)s – %(agency)s")
                % {
                    "date": report["inspected_on"].strftime("%d/%m/%Y"),
                    "agency": report["inspection__assignment__agency__name"],
                },
                reverse("sponsorships:inspection_detail", args=[report["inspection_id"]])
                if report["inspection_id"] in visible
                else "",
            )
        ]
    return facts

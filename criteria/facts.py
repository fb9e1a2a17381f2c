"""The criteria facts of a commune that other floors show: its last known tally, recognition and
villages met (registered with communes.facts in CriteriaConfig.ready)."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext as _

from communes.facts import Fact
from communes.models import Commune
from ntm_portal.models import User

from .models import CommuneStanding, CommuneSummary, Evaluation, Recognition


def standing_facts(user: User, communes: Sequence[Commune]) -> dict[int, list[Fact]]:
    """Three queries whatever the number of communes (all visible to the user already)."""
    ids = [commune.pk for commune in communes]
    latest: dict[int, CommuneStanding] = {}
    for standing in (
        CommuneStanding.objects.filter(commune_id__in=ids, is_latest=True)
        .select_related("criteria_set")
        .order_by("commune_id", "-period_end")
    ):
        latest.setdefault(standing.commune_id, standing)
    recognised: dict[int, Recognition] = {}
    for recognition in Recognition.objects.filter(commune_id__in=ids, revoked_on=None).order_by(
        "commune_id", "-decision_date"
    ):
        recognised.setdefault(recognition.commune_id, recognition)
    villages = {
        summary.commune_id: summary
        for summary in CommuneSummary.objects.filter(commune_id__in=ids, villages_total__gt=0)
    }
    facts: dict[int, list[Fact]] = {}
    for pk in ids:
        found = facts.setdefault(pk, [])
        if standing := latest.get(pk):
            period = Evaluation(year=standing.year, half=standing.half).period_label()
            found.append(
                Fact(
                    _("Tiêu chí"),
                    _("đạt %(met)s/%(total)s tiêu chí (%(set)s, %(period)s)")
                    % {
                        "met": standing.met_count,
                        "total": standing.criteria_count,
                        "set": standing.criteria_set.legal_basis or standing.criteria_set.code,
                        "period": period,
                    },
                    reverse("criteria:evaluation_detail", args=[standing.evaluation_id]),
                )
            )
        else:
            found.append(Fact(_("Tiêu chí"), _("chưa có kết quả đánh giá được duyệt")))
        if recognition := recognised.get(pk):
            found.append(
                Fact(
                    _("Công nhận"),
                    _("%(level)s – Quyết định số %(number)s ngày %(date)s")
                    % {
                        "level": recognition.get_level_display(),
                        "number": recognition.decision_number,
                        "date": recognition.decision_date.strftime("%d/%m/%Y"),
                    },
                )
            )
        else:
            found.append(Fact(_("Công nhận"), _("chưa được công nhận")))
        if summary := villages.get(pk):
            found.append(
                Fact(
                    _("Thôn đạt chuẩn"),
                    _("%(met)s/%(total)s thôn")
                    % {"met": summary.villages_met, "total": summary.villages_total},
                )
            )
    return facts

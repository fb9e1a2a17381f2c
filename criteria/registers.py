"""What a province's People's Committee decided that criteria keeps — commune groups,
recognitions, inheritance — as entries of its register (ntm_portal.registers)."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

from django.utils.translation import gettext as _

from ntm_portal.registers import Held

from .models import CommuneGroupDecision, InheritanceDecision, Recognition

# What the province's typed-in decisions are in its People's Committee's register.
GROUPS_KIND = "commune_groups"
RECOGNITION_KIND = "recognition"
INHERITANCE_KIND = "inheritance"


def decisions_in_register(
    province_ids: Collection[int], years: Collection[int]
) -> Iterator[tuple[int, int, str, Held]]:
    """The group, recognition and inheritance decisions of these provinces' People's Committees
    recorded for those years (ntm_portal.registers)."""
    groups = CommuneGroupDecision.objects.filter(province_id__in=province_ids, date__year__in=years)
    for province_id, number, day in groups.values_list("province_id", "number", "date"):
        label = _held_label(number, day, _("phân nhóm xã"))
        yield province_id, day.year, number, Held(GROUPS_KIND, day, label)
    recognitions = Recognition.objects.filter(
        commune__province_id__in=province_ids, decision_date__year__in=years
    ).values_list("commune__province_id", "decision_number", "decision_date")
    for province_id, number, day in recognitions.distinct():
        label = _held_label(number, day, _("công nhận xã đạt chuẩn"))
        yield province_id, day.year, number, Held(RECOGNITION_KIND, day, label)
    inheritances = InheritanceDecision.objects.filter(
        commune__province_id__in=province_ids, decision_date__year__in=years
    ).values_list("commune__province_id", "decision_number", "decision_date")
    for province_id, number, day in inheritances.distinct():
        label = _held_label(number, day, _("kế thừa mức công nhận"))
        yield province_id, day.year, number, Held(INHERITANCE_KIND, day, label)


def _held_label(number: str, day: date, subject: str) -> str:
    return _("quyết định %(number)s ngày %(date)s về %(subject)s") % {
        "number": number,
        "date": f"{day:%d/%m/%Y}",
        "subject": subject,
    }

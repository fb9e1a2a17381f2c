"""What a province's People's Committee decided that criteria keeps — commune groups,
recognitions, inheritance — as entries of its register (ntm_portal.registers)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext as _

from ntm_portal.registers import Held

from .models import CommuneGroupDecision, InheritanceDecision, Recognition

# What the province's typed-in decisions are in its People's Committee's register.
GROUPS_KIND = "commune_groups"
RECOGNITION_KIND = "recognition"
INHERITANCE_KIND = "inheritance"


def decisions_in_register(province_id: int, year: int) -> Iterator[tuple[str, Held]]:
    """The group, recognition and inheritance decisions of a province's People's Committee
    recorded for a year (ntm_portal.registers)."""
    groups = CommuneGroupDecision.objects.filter(province_id=province_id, date__year=year)
    for number, day in groups.values_list("number", "date"):
        yield number, Held(GROUPS_KIND, day, _held_label(number, day, _("phân nhóm xã")))
    recognitions = Recognition.objects.filter(
        commune__province_id=province_id, decision_date__year=year
    )
    for number, day in recognitions.values_list("decision_number", "decision_date").distinct():
        yield (
            number,
            Held(RECOGNITION_KIND, day, _held_label(number, day, _("công nhận xã đạt chuẩn"))),
        )
    inheritances = InheritanceDecision.objects.filter(
        commune__province_id=province_id, decision_date__year=year
    )
    for number, day in inheritances.values_list("decision_number", "decision_date").distinct():
        yield (
            number,
            Held(INHERITANCE_KIND, day, _held_label(number, day, _("kế thừa mức công nhận"))),
        )


def _held_label(number: str, day: date, subject: str) -> str:
    return _("quyết định %(number)s ngày %(date)s về %(subject)s") % {
        "number": number,
        "date": f"{day:%d/%m/%Y}",
        "subject": subject,
    }

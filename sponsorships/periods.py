"""Period arithmetic for inspections and reports: quarters and half-years, and which applies.

The inspection regime (seed 000 §V): a sponsored (đỡ đầu) commune is inspected once a quarter,
a supervised (phụ trách) one once every six months. This module is the one place that says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.translation import gettext as _


class Frequency(StrEnum):
    QUARTER = "quarter"
    HALF_YEAR = "half_year"


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    @classmethod
    def containing(cls, day: date, frequency: Frequency) -> Period:
        months = 3 if frequency == Frequency.QUARTER else 6
        first_month = (day.month - 1) // months * months + 1
        start = date(day.year, first_month, 1)
        return cls(start, _last_day(start, months))

    def following(self) -> Period:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        start = self.end + timedelta(days=1)
        return Period(start, _last_day(start, months))

    def display_label(self) -> str:
        """The label in the reader's language, for screens ("Quý 1/2026", "Quarter 1/2026");
        `label` stays Vietnamese, for documents."""
        months = (self.end.month - self.start.month) + 1
        if months == 3:
            return _("Quý %(quarter)s/%(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.start.month == 1:
            return _("6 tháng đầu năm %(year)s") % {"year": self.start.year}
        return _("6 tháng cuối năm %(year)s") % {"year": self.start.year}

    def label(self) -> str:
        months = (self.end.month - self.start.month) + 1
        if months == 3:
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"
        half = "I" if self.start.month == 1 else "II"
        return f"6 tháng {'đầu' if half == 'I' else 'cuối'} năm {self.start.year}"

    def document_label(self) -> str:
        """As an official document writes it: quarters and halves in Roman numerals or words,
        the year spelt out ("quý IV năm 2026", "6 tháng đầu năm 2026"), never "quý 4/2026"
        (issue 26). Lower case: it stands inside a sentence or a title after its first word."""
        months = (self.end.month - self.start.month) + 1
        if months == 3:
            quarter = ("I", "II", "III", "IV")[(self.start.month - 1) // 3]
            return f"quý {quarter} năm {self.start.year}"
        if months == 12:
            return f"năm {self.start.year}"
        return f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {self.start.year}"


def _last_day(start: date, months: int) -> date:
    month_after = start.month - 1 + months
    next_start = date(start.year + month_after // 12, month_after % 12 + 1, 1)
    return next_start - timedelta(days=1)


def periods_to_plan(
    *, today: date, frequency: Frequency, active_from: date, active_to: date | None
) -> list[Period]:
    """The current and the next period, trimmed to the assignment's active dates."""
    current = Period.containing(today, frequency)
    return [
        period
        for period in (current, current.following())
        if period.end >= active_from and (active_to is None or period.start <= active_to)
    ]


def periods_between(start: date, end: date, frequency: Frequency) -> list[Period]:
    """Every period touching [start, end]: for the calendar and for back-filling demo data."""
    periods, period = [], Period.containing(start, frequency)
    while period.start <= end:
        periods.append(period)
        period = period.following()
    return periods

"""The ranges a number or a date sent by a user must fall in: what the database columns hold and
what the programme covers. Forms, filters and services read them here, so that they agree.

Out of range is refused with a message (forms) or ignored with a message (filters) — never sent
on to the database, where SQLite stores a number too large for its column (and every page that
shows it fails afterwards) and PostgreSQL refuses it with an error.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

# Primary keys are BigAutoField: a signed 64-bit integer in both databases.
ID_MAX = 2**63 - 1
# The years of the programme's plans, evaluations and inspections.
YEAR_MIN, YEAR_MAX = 2000, 2100


def parse_id(raw: object) -> int | None:
    """A primary key from a form or a query string; None when it cannot name a row."""
    text = str(raw if raw is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 1 <= value <= ID_MAX else None


def parse_year(raw: object) -> int | None:
    """A year from a form or a query string; None when it is not one of the programme's."""
    text = str(raw if raw is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) != 4:
        return None
    value = int(text)
    return value if YEAR_MIN <= value <= YEAR_MAX else None


def day_in_range(day: date) -> bool:
    return YEAR_MIN <= day.year <= YEAR_MAX


def years_message() -> str:
    return _("Năm phải từ %(first)s đến %(last)s.") % {"first": YEAR_MIN, "last": YEAR_MAX}


def decimal_fits(value: Decimal, *, max_digits: int, decimal_places: int) -> bool:
    """Whether a DecimalField(max_digits, decimal_places) stores the value exactly."""
    if not value.is_finite() or abs(value) >= Decimal(10) ** (max_digits - decimal_places):
        return False
    return value == value.quantize(Decimal(1).scaleb(-decimal_places))

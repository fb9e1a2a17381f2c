"""Decision numbers typed by hand, held against the issuer's register (Nghị định 30/2020: a number
is the document's order in its issuer's register for the year; one register per People's
Committee).

A province's People's Committee numbers everything it issues from one register a year: the
documents the portal issues (reports), and the decisions an office types in from paper —
assignments and transfers (sponsorships), commune groups, recognitions and inheritance decisions
(criteria). Each app registers what holds numbers of the province's register
(`register_number_holder`, as Django's admin registers models), and every door that takes a
typed number asks `register_refusal` before writing: a number the register already gave to
another decision that year is refused, naming that decision.

One decision may be typed in more than once (a recognition decision lists several xã; a
transfer's decision carries many assignments): a holder of the same kind and the same date is
that decision, not another.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

LEADING_NUMBER = re.compile(r"\s*0*(\d{1,6})\b")


@dataclass(frozen=True)
class Held:
    """One entry of a register that holds a number: what it is, of what kind, on what day."""

    kind: str
    day: date | None
    label: str


# (province ids, years) → every entry of those registers the app holds: (province_id, year,
# number as written, Held). Many at once, so that a roster of decisions reads each app's
# entries with one query however many provinces and years its rows are about.
NumberHolder = Callable[[Collection[int], Collection[int]], Iterable[tuple[int, int, str, Held]]]
_holders: list[NumberHolder] = []


def register_number_holder(holder: NumberHolder) -> None:
    """`holder(province_ids, years)` yields (province_id, year, number as written, Held) for
    what the app keeps of those provinces' People's Committees' registers in those years."""
    if holder not in _holders:
        _holders.append(holder)


def leading_number(written: str) -> int | None:
    """The register number a decision's number starts with ("2951/QĐ-UBND" → 2951), or None."""
    match = LEADING_NUMBER.match(written or "")
    return int(match.group(1)) if match else None


def numbers_held(*, province_id: int, year: int) -> list[tuple[int, date | None]]:
    """Every number the province's People's Committee's register holds in `year`, from every
    app, with its day: what the register must not give again (reports' `document_issue` takes
    the next number after them)."""
    held = []
    for holder in _holders:
        for _province, _year, written, entry in holder([province_id], [year]):
            if (number := leading_number(written)) is not None:
                held.append((number, entry.day))
    return held


def register_refusal(*, province_id: int, number: str, day: date | None, kind: str) -> str:
    """Why `number` of a `kind` decision dated `day` cannot be the province's People's
    Committee's ("" when it can): the register gave that number to another decision that year."""
    return register_refusals(asked=[(province_id, number, day, kind)])[0]


def register_refusals(*, asked: Sequence[tuple[int, str, date | None, str]]) -> list[str]:
    """`register_refusal` for many (province_id, number, day, kind) at once, in their order: one
    read of each app's entries for every province and year asked about, however many numbers a
    file types in."""
    wanted = list(asked)
    pairs = {(province_id, day.year) for province_id, _n, day, _k in wanted if day is not None}
    registers: dict[tuple[int, int], list[tuple[int | None, Held]]] = {pair: [] for pair in pairs}
    if pairs:
        provinces, years = {pair[0] for pair in pairs}, {pair[1] for pair in pairs}
        for holder in _holders:
            for province_id, year, written, held in holder(provinces, years):
                if (province_id, year) in registers:
                    registers[(province_id, year)].append((leading_number(written), held))
    refusals = []
    for province_id, number, day, kind in wanted:
        number_wanted = leading_number(number)
        if number_wanted is None or day is None:
            refusals.append("")
            continue
        refusals.append(_refusal(registers[(province_id, day.year)], number_wanted, day, kind))
    return refusals


def _refusal(entries: Iterable[tuple[int | None, Held]], wanted: int, day: date, kind: str) -> str:
    for held_number, held in entries:
        if held_number != wanted:
            continue
        if held.kind == kind and held.day == day:
            continue  # the same decision, typed in again for another commune or assignment
        return _(
            "Số quyết định: số %(number)s năm %(year)s trong sổ đăng ký của Ủy ban nhân dân "
            "tỉnh đã dùng cho %(holder)s."
        ) % {"number": wanted, "year": day.year, "holder": held.label}
    return ""

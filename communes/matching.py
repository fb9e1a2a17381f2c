"""Which stored unit is which unit of a new source: the rule that lets a load correct in place.

A unit is known by its name within its parent more than by its code: the draft 2025 codes
(vietnam-provinces 2025.x) gave Phường Cửa Nam 73, the official register gives it 82, and
three communes of Cao Bằng swapped codes among themselves. Matching on the code alone would
rename one commune into another and leave every evaluation, assignment and user pointing at
the wrong place; matching on the name corrects the code of the right row.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ntm_portal.text import fold


@dataclass(frozen=True)
class Stored:
    """A row as the matcher sees it: its id, code, name and its parent's (new) code."""

    id: int
    code: str
    name: str
    parent: str


def loose_name(name: str) -> str:
    """ "Xã Hoà Hội" = "Xã Hòa Hội", "Xã D'Ran" = "Xã D’Ran", "Xã Chân Mây – Lăng Cô" = "… - …"."""
    return re.sub(r"[^a-z0-9]", "", fold(name))


def match_units(stored: list[Stored], units: list[dict]) -> dict[str, int]:
    """Source unit code → stored row id, for the units that already have a row.

    Passes, each only over what earlier passes left: the same code and name; the same name in
    the same parent; the same name spelt loosely in the same parent; last, the same code. A
    name counts only when it is unique on both sides, so that two "Xã Đông Khê" of one city
    (a snapshot can hold both) fall through to their codes.
    """
    matched: dict[str, int] = {}
    free = {row.id: row for row in stored}

    def run(key_of_unit, key_of_row, unique: bool) -> None:
        units_left = [u for u in units if u["code"] not in matched]
        rows_by_key: dict[object, list[Stored]] = {}
        for row in free.values():
            rows_by_key.setdefault(key_of_row(row), []).append(row)
        unit_keys = Counter(key_of_unit(u) for u in units_left)
        for unit in units_left:
            key = key_of_unit(unit)
            rows = [row for row in rows_by_key.get(key, []) if row.id in free]
            if not rows or (unique and (len(rows) > 1 or unit_keys[key] > 1)):
                continue
            matched[unit["code"]] = rows[0].id
            del free[rows[0].id]

    run(lambda u: (u["code"], u["name"]), lambda r: (r.code, r.name), unique=False)
    run(lambda u: (u["parent"], u["name"]), lambda r: (r.parent, r.name), unique=True)
    run(
        lambda u: (u["parent"], loose_name(u["name"])),
        lambda r: (r.parent, loose_name(r.name)),
        unique=True,
    )
    run(lambda u: u["code"], lambda r: r.code, unique=False)
    return matched

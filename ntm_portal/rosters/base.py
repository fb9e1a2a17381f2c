"""What every roster kind shares: its columns, a validation that writes nothing, and the outcome.

A roster kind validates the whole table at once (so lookups are a few queries, not one per row)
and returns one outcome per row: new, updated, unchanged, or error with the reasons. `apply`
writes the validated rows in bulk; it is only called when there is no error at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractUser as User
from django.utils.translation import gettext as _

from .reading import Column, Row, Table

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
STATUSES = (NEW, UPDATED, UNCHANGED, ERROR)

Progress = Callable[[int, int], None]


@dataclass
class CellError:
    column: str  # the header as written in the file
    value: str
    reason: str


@dataclass
class Outcome:
    row: Row
    status: str = NEW
    label: str = ""
    errors: list[CellError] = field(default_factory=list)
    # What `apply` needs; never stored.
    payload: Any = None


@dataclass
class Validation:
    table: Table
    outcomes: list[Outcome]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(outcome.status for outcome in self.outcomes)
        return {status: counted.get(status, 0) for status in STATUSES}

    @property
    def has_errors(self) -> bool:
        return any(outcome.status == ERROR for outcome in self.outcomes)

    def as_json(self) -> dict:
        """What the import record keeps: counts, every row's status, every error."""
        return {
            "counts": self.counts,
            "notices": self.table.notices,
            "header_row": self.table.header_row,
            "rows": [
                {"row": outcome.row.number, "status": outcome.status, "label": outcome.label}
                for outcome in self.outcomes
            ],
            "errors": [
                {
                    "row": outcome.row.number,
                    "column": error.column,
                    "value": error.value,
                    "reason": error.reason,
                }
                for outcome in self.outcomes
                for error in outcome.errors
            ],
        }


class RowChecker:
    """Collects one row's errors against the file's own column headers."""

    def __init__(self, outcome: Outcome, table: Table) -> None:
        self.outcome = outcome
        self.table = table

    def header(self, key: str) -> str:
        found = self.table.columns.get(key)
        return found[1] if found else key

    def value(self, key: str) -> str:
        return self.outcome.row.values.get(key, "")

    def fail(self, key: str, reason: str, value: str | None = None) -> None:
        self.outcome.status = ERROR
        self.outcome.errors.append(
            CellError(self.header(key), self.value(key) if value is None else value, reason)
        )

    def required(self, key: str) -> str:
        text = self.value(key)
        if not text:
            self.fail(key, _("Bắt buộc phải có giá trị."))
        return text


class Roster:
    """One kind of roster. Subclasses declare columns and write `validate_rows` and `apply`, and
    register with `ntm_portal.rosters.register` (see registry.py)."""

    kind: str
    label: str  # short, for lists: "Thôn, bản"
    title: str  # the workbook's: "Danh sách thôn, bản"
    position: int  # where the upload form lists it
    columns: Sequence[Column]
    instructions: Sequence[str] = ()
    examples: Sequence[Sequence[object]] = ()

    def validate(
        self, table: Table, *, actor: User | None, progress: Progress | None = None
    ) -> Validation:
        outcomes = [Outcome(row=row) for row in table.rows]
        checkers = []
        for outcome in outcomes:
            checker = RowChecker(outcome, table)
            for key, formula in outcome.row.formulas.items():
                checker.fail(
                    key,
                    _("Ô chứa công thức, không phải giá trị: hãy sao chép rồi “Dán giá trị”."),
                    formula,
                )
            checkers.append(checker)
        self.validate_rows(checkers, actor=actor, progress=progress or (lambda done, total: None))
        return Validation(table=table, outcomes=outcomes)

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        raise NotImplementedError

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        """Write the validated rows; `reason` goes into the audit history where there is one."""
        raise NotImplementedError


def report_progress(progress: Progress, index: int, total: int, every: int = 500) -> None:
    if index % every == 0 or index == total:
        progress(index, total)


def duplicate_check(keyed: Sequence[tuple[RowChecker, object]], column: str) -> None:
    """The second row with the same key is an error naming the first."""
    seen: dict[object, int] = {}
    for row, key in keyed:
        if row.outcome.status == ERROR:
            continue
        if key in seen:
            row.fail(
                column,
                _("Trùng với dòng %(row)s trong tệp: mỗi đối tượng chỉ ghi một lần.")
                % {"row": seen[key]},
            )
        else:
            seen[key] = row.outcome.row.number

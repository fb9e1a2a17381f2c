"""What every roster kind shares: its columns, a validation that writes nothing, and the outcome.

A roster kind validates the whole table at once (so lookups are a few queries, not one per row)
and returns one outcome per row: new, updated, unchanged, or error with the reasons. `apply`
writes the validated rows in bulk; it is only called when there is no error at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractUser as User
from django.utils.translation import gettext as _

from .reading import Column, Row, Table

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"
# The column of an error about the whole row (a duplicate of another row): the marked file
# fills the row, the preview says «cả dòng».
WHOLE_ROW = ""
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
    # What the row's cells were matched to: (header, as written, what it found), e.g.
    # ("Xã", "triệu phước", "Xã Triệu Phước – Huyện Triệu Phong, mã 19xxx").
    matches: list[tuple[str, str, str]] = field(default_factory=list)
    # For an updated row, what changes: (header, stored value, value of the file).
    changes: list[tuple[str, str, str]] = field(default_factory=list)
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

    def summary(self) -> dict:
        """What the import record keeps of the whole file; each row's outcome is kept apart
        (`detail`), so that the preview reads only the page of rows it shows."""
        return {
            "notices": self.table.notices,
            "header_row": self.table.header_row,
            "error_total": sum(len(outcome.errors) for outcome in self.outcomes),
        }

    def as_json(self) -> dict:
        """The whole check at once (the command line's report): counts, every row's status and
        what was found in it, every error with its row."""
        rows, errors = [], []
        for outcome in self.outcomes:
            shown, number = detail(outcome), outcome.row.number
            rows.append(
                {
                    "row": number,
                    "status": outcome.status,
                    "label": shown["label"],
                    "matches": [list(match) for match in shown["matches"]],
                    "changes": [list(change) for change in shown["changes"]],
                }
            )
            errors.extend({"row": number, **error} for error in shown["errors"])
        return {
            "counts": self.counts,
            "notices": self.table.notices,
            "header_row": self.table.header_row,
            "rows": rows,
            "errors": errors,
        }


def detail(outcome: Outcome) -> dict:
    """A row's outcome as the preview shows it (RosterImportRow.detail)."""
    # The tuples as they are: JSON keeps them as lists.
    return {
        "label": outcome.label,
        "matches": outcome.matches,
        "changes": outcome.changes,
        "errors": [
            {"column": error.column, "value": error.value, "reason": error.reason}
            for error in outcome.errors
        ],
    }


class RowChecker:
    """Collects one row's errors against the file's own column headers."""

    def __init__(
        self,
        outcome: Outcome,
        table: Table,
        columns: Sequence[Column] | Mapping[str, Column] = (),
    ) -> None:
        self.outcome = outcome
        self.table = table
        # A mapping is shared by every row of a file (`Roster.validate`), not built per row.
        self.columns = (
            columns if isinstance(columns, Mapping) else {column.key: column for column in columns}
        )

    def header(self, key: str) -> str:
        """The column as the file heads it; a column the file lacks by the template's header
        (never the key in code: «Ngày quyết định», not «decision_date»)."""
        found = self.table.columns.get(key)
        if found:
            return found[1]
        column = self.columns.get(key)
        return str(column.header) if column else key

    def value(self, key: str) -> str:
        return self.outcome.row.values.get(key, "")

    def fail(self, key: str, reason: str, value: str | None = None) -> None:
        self.outcome.status = ERROR
        self.outcome.errors.append(
            CellError(self.header(key), self.value(key) if value is None else value, reason)
        )

    def fail_row(self, reason: str) -> None:
        """An error about the row as a whole (a duplicate of another row), not one cell."""
        self.outcome.status = ERROR
        self.outcome.errors.append(CellError(WHOLE_ROW, "", reason))

    def matched(self, key: str, found: str) -> None:
        """What the row's cell `key` was found to be, shown in the preview."""
        self.outcome.matches.append((self.header(key), self.value(key), found))

    def compare(
        self, key: str, stored: object, wanted: object, labels: Mapping | None = None
    ) -> bool:
        """Whether the file changes the stored value of `key`; a change is kept for the
        preview (old → new), as people read the values (None and "" as "—", a choice by its
        label from `labels`)."""
        if stored == wanted:
            return False
        labels = labels or {}
        self.outcome.changes.append(
            (
                self.header(key),
                shown(labels.get(stored, stored)),
                shown(labels.get(wanted, wanted)),
            )
        )
        return True

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
    # The kinds whose data this one looks up, imported first (the instructions sheet says so).
    after: Sequence[str] = ()
    # Whether a province office imports this kind for its own province (docs/access.md); a kind
    # that says so names each row's province in `office_rows`.
    office_may_use: bool = False

    def validate(
        self, table: Table, *, actor: User | None, progress: Progress | None = None
    ) -> Validation:
        outcomes = [Outcome(row=row) for row in table.rows]
        checkers = []
        columns = {column.key: column for column in self.columns}
        for outcome in outcomes:
            checker = RowChecker(outcome, table, columns)
            for key, formula in outcome.row.formulas.items():
                checker.fail(
                    key,
                    _("Ô chứa công thức, không phải giá trị: hãy sao chép rồi “Dán giá trị”."),
                    formula,
                )
            checkers.append(checker)
        self.validate_rows(checkers, actor=actor, progress=progress or (lambda done, total: None))
        if actor is not None and not actor.is_admin:
            self._refuse_outside_office(checkers, actor)
        return Validation(table=table, outcomes=outcomes)

    def office_rows(self, rows: list[RowChecker]) -> Iterable[tuple[RowChecker, str, int | None]]:
        """(row, column, province id) for every place a valid row writes in, read in a few
        queries; None for what belongs to no province an office may write in (an
        administrator's account)."""
        raise NotImplementedError

    def _refuse_outside_office(self, rows: list[RowChecker], actor: User) -> None:
        """A province office writes in its own province only: a row reaching another is refused,
        naming the row, and the whole file waits (nothing is written while a row is wrong)."""
        valid = [row for row in rows if row.outcome.status != ERROR]
        if not valid:
            return
        province = actor.province
        for row, column, province_id in self.office_rows(valid):
            if province_id == actor.province_id or row.outcome.status == ERROR:
                continue
            row.fail(
                column,
                _(
                    "Dòng %(row)s: “%(value)s” không thuộc %(province)s; văn phòng điều phối chỉ "
                    "nhập dữ liệu của tỉnh mình."
                )
                % {"row": row.outcome.row.number, "value": row.value(column), "province": province},
            )

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


def shown(value: object) -> str:
    """A stored or read value as the preview shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return str(value)


def duplicate_check(keyed: Sequence[tuple[RowChecker, object]], column: str | None = None) -> None:
    """The second row with the same key is an error naming the first: on the whole row (the
    key spans several cells: no one cell is wrong), or on `column` when the key is that one
    cell (a village code given twice)."""
    seen: dict[object, int] = {}
    for row, key in keyed:
        if row.outcome.status == ERROR:
            continue
        if key in seen:
            reason = _("Trùng với dòng %(row)s trong tệp: mỗi đối tượng chỉ ghi một lần.") % {
                "row": seen[key]
            }
            if column:
                row.fail(column, reason)
            else:
                row.fail_row(reason)
        else:
            seen[key] = row.outcome.row.number

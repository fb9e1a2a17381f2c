"""Workbooks the portal hands out: each roster's template, and a checked file with its bad cells
marked (red fill, the reason in a comment and in a last column)."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ntm_portal.exports import safe_cell

from .base import WHOLE_ROW, Roster
from .reading import Table
from .registry import import_order, roster_for, rosters

BAD = PatternFill("solid", fgColor="FFC7CE")
HEADER = Font(bold=True)


def template_workbook(roster: Roster) -> bytes:
    """Vietnamese headers, example rows, and an instructions sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Danh sách")
    sheet.append(
        [
            f"{column.header} (*)" if column.required else str(column.header)
            for column in roster.columns
        ]
    )
    for cell in sheet[1]:
        cell.font = HEADER
    for example in roster.examples:
        sheet.append([safe_cell(value) for value in example])
    for index, column in enumerate(roster.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            14, len(str(column.header)) + 6
        )
    notes = workbook.create_sheet(_("Hướng dẫn"))
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 100
    notes.append([str(roster.title)])
    notes["A1"].font = Font(bold=True, size=13)
    notes.append([])
    for line in roster.instructions:
        notes.append(["", str(line)])
    notes.append(
        ["", _("Cột có dấu (*) là bắt buộc. Dòng tiêu đề có thể nằm dưới vài dòng tên bảng.")]
    )
    notes.append(
        ["", _("Hai dòng ví dụ ở trang «Danh sách» cần được xóa hoặc thay bằng số liệu thật.")]
    )
    notes.append(["", _("Không dùng công thức: hãy dán giá trị.")])
    notes.append([])
    heading = notes.max_row + 1
    notes.append([_("Cột"), _("Ý nghĩa và cách ghi"), _("Ví dụ")])
    for column in roster.columns:
        meaning = str(column.help) if column.help else ""
        if column.aliases:
            meaning = (meaning + " " if meaning else "") + _("(tiêu đề cũng nhận: %(names)s)") % {
                "names": ", ".join(f"«{alias}»" for alias in column.aliases)
            }
        notes.append(
            [
                str(column.header) + (" (*)" if column.required else ""),
                meaning,
                safe_cell(column.example) if column.example != "" else "",
            ]
        )
    for cell in notes[heading]:
        cell.font = HEADER
    notes.column_dimensions["C"].width = 30
    notes.append([])
    order = import_order()
    notes.append([_("Thứ tự nhập")])
    notes.cell(row=notes.max_row, column=1).font = HEADER
    notes.append(
        [
            "",
            _(
                "Danh sách sau tìm dữ liệu của danh sách trước, nên nhập theo thứ tự này "
                "(xã, phường có sẵn trong cổng):"
            ),
        ]
    )
    for position, other in enumerate(order, start=1):
        needs = [roster_for(kind).label for kind in other.after if kind in rosters()]
        line = f"{position}. {other.label}"
        if needs:
            line += " – " + _("sau: %(kinds)s") % {"kinds": ", ".join(str(n) for n in needs)}
        if other.kind == roster.kind:
            line += " " + _("(danh sách này)")
        notes.append(["", line])
        if other.kind == roster.kind:
            notes.cell(row=notes.max_row, column=2).font = HEADER
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def marked_workbook(table: Table, errors: list[dict]) -> bytes:
    """The rows as read, each bad cell filled red with its reason; a column sums up each row."""
    by_row: dict[int, dict[str, list[str]]] = {}
    for error in errors:
        by_row.setdefault(error["row"], {}).setdefault(error["column"], []).append(error["reason"])
    headers = sorted(
        [(index, label, key) for key, (index, label) in table.columns.items()]
        + [(index, label, label) for index, label in table.extra_headers]
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Kết quả kiểm tra")
    # Headers are the file's own text: escaped like every cell (a header can be a formula).
    sheet.append([_("Dòng"), *[safe_cell(label) for _i, label, _k in headers], _("Lỗi")])
    for cell in sheet[1]:
        cell.font = HEADER
    for row in table.rows:
        row_errors = by_row.get(row.number, {})
        values = [row.formulas.get(key) or row.values.get(key, "") for _i, _l, key in headers]
        summary = "; ".join(
            f"{column}: {reason}" if column != WHOLE_ROW else reason
            for column, reasons in row_errors.items()
            for reason in reasons
        )
        sheet.append([row.number, *[safe_cell(value) for value in values], safe_cell(summary)])
        if not row_errors:
            continue
        excel_row = sheet.max_row
        placed = set()
        for position, (_index, label, _key) in enumerate(headers, start=2):
            if label in row_errors:
                cell = sheet.cell(row=excel_row, column=position)
                cell.fill = BAD
                cell.comment = Comment(str(safe_cell("\n".join(row_errors[label]))), "Cổng NTM")
                placed.add(label)
        # An error about the whole row (a duplicate) fills the row, its reason on the row number;
        # errors about a column the file does not have are shown on the row number.
        if WHOLE_ROW in row_errors:
            for position in range(1, len(headers) + 2):
                sheet.cell(row=excel_row, column=position).fill = BAD
            sheet.cell(row=excel_row, column=1).comment = Comment(
                str(safe_cell("\n".join(row_errors[WHOLE_ROW]))), "Cổng NTM"
            )
        if set(row_errors) - placed:
            sheet.cell(row=excel_row, column=1).fill = BAD
        sheet.cell(row=excel_row, column=len(headers) + 2).fill = BAD
    sheet.column_dimensions[get_column_letter(len(headers) + 2)].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

"""Every table the portal shows can be taken away as .xlsx or .csv, safely.

A cell that a spreadsheet would read as a formula (= + - @, tab, CR at the start) is prefixed
with an apostrophe, and characters that are illegal in XML (and so in .xlsx) are dropped, so an
exported name like "=HYPERLINK(…)" is shown as text and never runs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMATS = ("xlsx", "csv")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: object) -> object:
    """Numbers and dates stay typed; text is cleaned of illegal characters and defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int | float | Decimal | date | datetime):
        return value
    text = ILLEGAL_XML.sub("", str(value))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def requested_format(request: HttpRequest) -> str | None:
    """ "?xuat=xlsx" or "?xuat=csv" on a list page asks for its export; anything else, the page."""
    wanted = request.GET.get("xuat", "")
    return wanted if wanted in FORMATS else None


def table_response(
    *, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """The table as a download. `filename` is without extension; it is slugified for the header."""
    name = f"{slugify(filename) or 'bang'}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        # A BOM so Excel opens the UTF-8 Vietnamese text correctly.
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([safe_cell(h) for h in headers])
        for row in rows:
            writer.writerow([_csv_text(safe_cell(v)) for v in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Dữ liệu"
        widths = [len(str(h)) for h in headers]
        sheet.append([safe_cell(h) for h in headers])
        for row in rows:
            cells = [safe_cell(v) for v in row]
            widths = [max(w, len(str(c))) for w, c in zip(widths, cells, strict=False)]
            sheet.append(cells)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8) + 2, 60)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_text(value: object) -> object:
    if isinstance(value, date | datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    return value

"""Every table the portal shows can be taken away as .xlsx or .csv, safely.

A cell that a spreadsheet would read as a formula (= + - @, tab, CR at the start) is prefixed
with an apostrophe, and characters that are illegal in XML (and so in .xlsx) are dropped, so an
exported name like "=HYPERLINK(…)" is shown as text and never runs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import get_language
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


# Rows per piece of a streamed CSV; rows whose text sets the .xlsx column widths (measuring every
# cell of the country's calendar cost seconds, issue 29).
CSV_CHUNK_ROWS = 500
WIDTH_SAMPLE_ROWS = 200


def table_response(
    *, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse | StreamingHttpResponse:
    """The table as a download. `filename` is without extension; it is slugified for the header.
    A CSV is streamed as `rows` yields (memory flat, the first bytes at once); an .xlsx is
    written row by row by openpyxl's write-only workbook (a zip is whole only at its end)."""
    name = f"{slugify(filename) or 'bang'}.{fmt}"
    # Translated now, in the request's language (a stream is read after the view returns).
    titles = [safe_cell(str(header)) for header in headers]
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_chunks(titles, rows, get_language()), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(_xlsx(titles, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_chunks(
    titles: list[object], rows: Iterable[Sequence[object]], language: str | None
) -> Iterator[bytes]:
    buffer = io.StringIO()
    # A BOM so Excel opens the UTF-8 Vietnamese text correctly.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(titles)
    with translation.override(language):
        for count, row in enumerate(rows, start=1):
            writer.writerow([_csv_text(safe_cell(v)) for v in row])
            if count % CSV_CHUNK_ROWS == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx(titles: list[object], rows: Iterable[Sequence[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dữ liệu")
    rows = iter(rows)
    sample = [[safe_cell(v) for v in row] for row in islice(rows, WIDTH_SAMPLE_ROWS)]
    # Widths from the titles and the first rows: a write-only sheet takes them before its rows.
    widths = [len(str(title)) for title in titles]
    for cells in sample:
        widths = [max(w, len(str(c))) for w, c in zip(widths, cells, strict=False)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8) + 2, 60)
    sheet.append(titles)
    for cells in sample:
        sheet.append(cells)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_text(value: object) -> object:
    if isinstance(value, date | datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    return value

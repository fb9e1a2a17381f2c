"""Large exports (issue 29): a CSV streams as its rows are read, an .xlsx is written row by row
with widths from its first rows; both stay defused and titled."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from ntm_portal.exports import CSV_CHUNK_ROWS, WIDTH_SAMPLE_ROWS, table_response

HEADERS = [gettext_lazy("Mã xã"), "Tên", "Ngày", "Tỷ lệ"]


def _rows(count: int):
    for n in range(count):
        yield (
            f"{n:05}",
            '=HYPERLINK("http://x")' if n % 7 == 0 else f"Xã {n}",
            date(2025, 1, 2),
            Decimal("61.5"),
        )


def test_a_csv_is_streamed_in_pieces_as_its_rows_are_read():
    read = []

    def rows():
        for row in _rows(3 * CSV_CHUNK_ROWS + 1):
            read.append(row)
            yield row

    response = table_response(fmt="csv", filename="Danh sách", headers=HEADERS, rows=rows())
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="danh-sach.csv"'
    assert not read  # nothing is read before the download starts
    pieces = iter(response.streaming_content)
    first = next(pieces)
    assert len(read) == CSV_CHUNK_ROWS  # one piece at a time, never the whole table
    body = first + b"".join(pieces)
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[0] == ["Mã xã", "Tên", "Ngày", "Tỷ lệ"]
    assert len(lines) == 3 * CSV_CHUNK_ROWS + 2
    assert lines[1] == ["00000", '\'=HYPERLINK("http://x")', "02/01/2025", "61,5"]
    assert lines[2][1] == "Xã 1"


def test_a_streamed_csv_keeps_the_language_of_the_request():
    title = gettext_lazy("Mã xã")

    def rows():
        yield (title,)  # translated as the stream is read, after the view has returned

    with translation.override("en"):
        english = str(title)
        response = table_response(fmt="csv", filename="x", headers=[title], rows=rows())
    assert english != "Mã xã"
    with translation.override("vi"):
        body = response.getvalue().decode("utf-8-sig")
    assert body.splitlines() == [english, english]


def test_an_xlsx_takes_its_widths_from_the_titles_and_first_rows():
    long_late = [("1", "x" * 50, date(2025, 1, 2), Decimal(1))]
    rows = list(_rows(WIDTH_SAMPLE_ROWS)) + long_late
    response = table_response(fmt="xlsx", filename="Bảng", headers=HEADERS, rows=iter(rows))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Dữ liệu"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Mã xã", "Tên", "Ngày", "Tỷ lệ")
    assert len(values) == WIDTH_SAMPLE_ROWS + 2
    assert values[1][1] == '\'=HYPERLINK("http://x")'  # defused, as text
    assert values[1][2].date() == date(2025, 1, 2)  # typed, not text
    assert values[-1][1] == "x" * 50  # a row past the sample is written whole
    # "=HYPERLINK("http://x")" with its apostrophe: 23 characters, + 2; the later 50 not seen.
    assert sheet.column_dimensions["B"].width == 25
    assert sheet.column_dimensions["A"].width == 10  # at least 8, + 2


@pytest.mark.django_db
def test_the_calendar_export_names_kinds_and_states_in_words(client, world, personas):
    client.force_login(personas["admin"])
    response = client.get(reverse("sponsorships:calendar"), {"year": 2024, "xuat": "csv"})
    lines = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    inspection = world.inspection_a2
    assignment = inspection.assignment
    assert lines[1] == [
        assignment.agency.name,
        assignment.commune.code,
        assignment.commune.name,
        assignment.commune.district.name,
        assignment.commune.province.name,
        assignment.get_kind_display(),
        inspection.get_kind_display(),
        f"{inspection.period_start:%d/%m/%Y}",
        f"{inspection.period_end:%d/%m/%Y}",
        f"{inspection.due_date:%d/%m/%Y}",
        inspection.get_status_display(),
    ]

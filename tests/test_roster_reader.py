"""The fast .xlsx reader (python-calamine) reads a plain sheet exactly as openpyxl does, and every
sheet it could misread (formulas, error cells, unaddressed cells, a huge extent) goes to openpyxl."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from ntm_portal.rosters import reading, roster_for
from ntm_portal.rosters.reading import RosterFileError

from .roster_files import nfd, two_level_header_workbook, with_blank_rows, workbook_bytes

VILLAGES = roster_for("villages").columns


def read(data: bytes, *, fast: bool, monkeypatch) -> dict:
    """The table as read, each row as [number, values by key, formulas]."""
    monkeypatch.setattr(reading, "FAST_XLSX", fast)
    table = reading.read_table(io.BytesIO(data), filename="a.xlsx", columns=VILLAGES)
    stored = table.as_json()
    assert reading.Table.from_json(stored) == table  # what the import record keeps reads back
    return {**stored, "rows": [[row.number, row.values, row.formulas] for row in table.rows]}


def rewrite_sheet(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(item, content)
    return out.getvalue()


def offset_workbook() -> bytes:
    """A table that starts at C4, with numbers, decimals, dates, booleans and NFD text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet["C2"] = "DANH SÁCH THÔN"
    for offset, row in enumerate(
        [
            ["Tỉnh", "Huyện", "Xã", "Tên thôn", "Mã thôn", "Ghi chú"],
            ["Quảng Trị", "Hướng Hóa", nfd("Ba Tầng"), "Thôn 1", 101, 2.5],
            ["Quảng Trị", "Hướng Hóa", "Ba Tầng", nfd("Thôn Xà Bai"), 12345678901, True],
            ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Thôn 3", "A-3", date(2024, 3, 1)],
            [None, None, None, None, None, None],
            ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Thôn 4", 0.1, datetime(2025, 7, 1, 8, 30)],
        ]
    ):
        for column, value in enumerate(row):
            if value is not None:
                sheet.cell(row=4 + offset, column=3 + column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(offset_workbook(), id="offset-typed-values"),
        pytest.param(
            two_level_header_workbook(
                ["Địa bàn", "", "", "Tên thôn", "Mã thôn"],
                ["Tỉnh", "Huyện", "Xã", "", ""],
                [["Quảng Trị", "Hướng Hóa", "Ba Tầng", " Thôn  A ", "T1"]],
            ),
            id="two-level-merged-header",
        ),
        pytest.param(
            workbook_bytes([["Xã", "Tên thôn"], ["Ba Tầng", "Thôn A"], ["Ba Tầng", ""]]),
            id="title-row",
        ),
    ],
)
def test_calamine_reads_a_plain_sheet_as_openpyxl_does(data, monkeypatch):
    assert reading._plain_sheet(data, "xl/worksheets/sheet1.xml") is not None
    assert read(data, fast=True, monkeypatch=monkeypatch) == read(
        data, fast=False, monkeypatch=monkeypatch
    )


def test_the_plain_sheet_is_read_by_calamine(monkeypatch):
    used = []
    original = reading._calamine_rows
    monkeypatch.setattr(
        reading, "_calamine_rows", lambda *args: used.append(args[1:]) or original(*args)
    )
    table = read(offset_workbook(), fast=True, monkeypatch=monkeypatch)
    assert used == [(0, 9)]
    assert [row[1]["name"] for row in table["rows"]] == [
        "Thôn 1",
        "Thôn Xà Bai",
        "Thôn 3",
        "Thôn 4",
    ]
    assert table["rows"][0][0] == 5  # numbered as the spreadsheet shows it
    assert table["rows"][1][1]["code"] == "12345678901"


def error_cell(data: bytes) -> bytes:
    return rewrite_sheet(
        data,
        lambda xml: re.sub(
            r'<c r="B4" t="inlineStr"><is><t>[^<]*</t></is></c>',
            '<c r="B4" t="e"><v>#N/A</v></c>',
            xml,
        ),
    )


def unaddressed(data: bytes) -> bytes:
    return rewrite_sheet(data, lambda xml: xml.replace('<c r="B4" ', "<c ", 1))


def far_cell(data: bytes) -> bytes:
    return rewrite_sheet(
        data,
        lambda xml: xml.replace(
            "</sheetData>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            "</sheetData>",
        ),
    )


PLAIN = workbook_bytes([["Xã", "Tên thôn"], ["Ba Tầng", "Thôn A"], ["Ba Tầng", "Thôn B"]])


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(workbook_bytes([["Xã", "Tên thôn"], ["Ba Tầng", "=B3"]]), id="formula"),
        pytest.param(error_cell(PLAIN), id="error-cell"),
        pytest.param(unaddressed(PLAIN), id="cell-without-address"),
        pytest.param(far_cell(PLAIN), id="cell-at-XFD1048576"),
    ],
)
def test_a_sheet_calamine_could_misread_goes_to_openpyxl(data, monkeypatch):
    assert reading._plain_sheet(data, "xl/worksheets/sheet1.xml") is None
    monkeypatch.setattr(reading, "_calamine_rows", lambda *args: pytest.fail("calamine used"))
    assert read(data, fast=True, monkeypatch=monkeypatch)["rows"]


def test_an_error_cell_keeps_its_text(monkeypatch):
    table = read(error_cell(PLAIN), fast=True, monkeypatch=monkeypatch)
    assert table["rows"][0][1]["name"] == "#N/A"


@pytest.mark.parametrize("count", [30, 1_048_576])
def test_blank_formatted_rows_and_a_lying_dimension_read_alike(count, monkeypatch):
    data = with_blank_rows(PLAIN, count=count)
    assert reading._plain_sheet(data, "xl/worksheets/sheet1.xml") == count
    fast = read(data, fast=True, monkeypatch=monkeypatch)
    assert fast == read(data, fast=False, monkeypatch=monkeypatch)
    assert [row[1]["name"] for row in fast["rows"]] == ["Thôn A", "Thôn B"]


def test_a_damaged_sheet_is_refused_with_the_same_message(monkeypatch):
    broken = rewrite_sheet(PLAIN, lambda xml: xml.replace("</sheetData>", "<row><c"))
    with pytest.raises(RosterFileError) as refused:
        read(broken, fast=True, monkeypatch=monkeypatch)
    assert str(refused.value) == "Tệp Excel bị hỏng, không đọc được."


def test_decimals_read_alike(monkeypatch):
    data = workbook_bytes(
        [["Xã", "Tên thôn", "Mã thôn"], ["Ba Tầng", "Thôn A", 0.30000000000000004]]
    )
    fast = read(data, fast=True, monkeypatch=monkeypatch)["rows"][0][1]["code"]
    assert fast == read(data, fast=False, monkeypatch=monkeypatch)["rows"][0][1]["code"]
    assert fast == "0.3"  # as openpyxl stored it

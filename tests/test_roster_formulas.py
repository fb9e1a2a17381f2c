"""What a roster file says never runs in the workbooks the portal hands back: the error file's
headers are escaped like every export, and a CSV cell that a spreadsheet would run as a formula
is refused as it is in an .xlsx."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from ntm_portal.exports import FORMULA_STARTS, ILLEGAL_XML, safe_cell
from ntm_portal.models import RosterImport
from ntm_portal.rosters import roster_for
from ntm_portal.rosters.reading import looks_like_formula
from ntm_portal.rosters.services import roster_import_validate, roster_validate_file

from .roster_files import workbook_bytes


def _checked(personas, data: bytes, name: str) -> RosterImport:
    record = RosterImport(kind="villages", original_name=name, size=len(data), sha256="b" * 64)
    record.uploaded_by = personas["admin"]
    record.file.save(name, ContentFile(data), save=False)
    record.save()
    roster_import_validate(record_id=record.pk)
    record.refresh_from_db()
    return record


def _error_sheet(client, record):
    response = client.get(reverse("rosters:import_errors", args=[record.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.parametrize("header", ['=HYPERLINK("http://127.0.0.1/x","Bấm")', "@SUM(A1)", "+1+1"])
def test_a_formula_in_a_header_comes_back_as_text(client, world, personas, header):
    data = workbook_bytes([["Xã", "Tên thôn", header], ["Ba Tầng", "Thôn A", "x"]])
    record = _checked(personas, data, "thon.xlsx")
    client.force_login(personas["admin"])
    sheet = _error_sheet(client, record)
    cell = next(c for c in sheet[1] if header in str(c.value))
    assert cell.data_type == "s"
    assert str(cell.value).startswith("'")


def test_a_control_character_in_a_header_does_not_break_the_error_file(client, world, personas):
    # openpyxl will not even write such a header: a CSV brings it in.
    data = "Xã,Tên\x01 thôn,Ghi\x02chú\nBa Tầng,Thôn A,=1+1\n".encode()
    record = _checked(personas, data, "thon.csv")
    client.force_login(personas["admin"])
    sheet = _error_sheet(client, record)
    headers = [c.value for c in sheet[1]]
    assert "Tênthôn" in headers or "Tên thôn" in headers
    assert "Ghichú" in headers


@pytest.mark.parametrize(
    "cell",
    ["=1+1", '=HYPERLINK("http://127.0.0.1")', "@SUM(A1:A2)", "+A1", "-A1+2", "=cmd|'/C calc'!A0"],
)
def test_a_csv_cell_that_would_run_as_a_formula_is_refused(world, cell):
    data = f"Xã,Tên thôn,Mã thôn\nBa Tầng,Thôn A,{cell}\n".encode()
    validation = roster_validate_file(
        kind="villages", content=io.BytesIO(data), filename="thon.csv", actor=None
    )
    [outcome] = validation.outcomes
    assert outcome.status == "error"
    assert [(e.column, e.reason) for e in outcome.errors] == [
        ("Mã thôn", "Ô chứa công thức, không phải giá trị: hãy sao chép rồi “Dán giá trị”.")
    ]


@pytest.mark.parametrize("cell", ["-5", "+84 912 345 678", "- thôn cũ", "1-2", "Đạt"])
def test_csv_text_that_only_starts_like_a_formula_is_kept(world, cell):
    data = f"Xã,Tên thôn,Mã thôn\nBa Tầng,Thôn A,{cell}\n".encode()
    validation = roster_validate_file(
        kind="villages", content=io.BytesIO(data), filename="thon.csv", actor=None
    )
    assert all("công thức" not in error.reason for o in validation.outcomes for error in o.errors)
    assert roster_for("villages")


@given(st.text())
def test_an_exported_cell_never_runs_and_never_breaks_the_file(text):
    cell = safe_cell(text)
    assert not ILLEGAL_XML.search(cell)
    assert not cell.startswith(FORMULA_STARTS)


@given(st.text())
def test_what_a_spreadsheet_would_run_is_recognised(text):
    if text.strip().startswith(("=", "@")):
        assert looks_like_formula(text)

"""Messy roster files as officials send them: title rows, merged headers, NFD names, stray spaces."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from openpyxl import Workbook


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def workbook_bytes(rows: list[list[object]], *, title: str | None = "DANH SÁCH") -> bytes:
    """A sheet with an optional merged title row and a blank row above the header."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(rows[0]), 2))
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def two_level_header_workbook(top: list[str], sub: list[str], data: list[list[object]]) -> bytes:
    """A header over two rows: a top cell merged vertically when the row below is empty there,
    and a group ("Địa bàn") merged across the columns that have sub-headers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["UBND TỈNH QUẢNG TRỊ"])
    sheet.append(["DANH SÁCH THÔN, BẢN NĂM 2024"])
    sheet.merge_cells("A2:F2")
    sheet.append([])
    sheet.append(top)
    sheet.append(sub)
    first = 4
    column = 1
    while column <= len(top):
        if top[column - 1] and not sub[column - 1]:
            sheet.merge_cells(
                start_row=first, start_column=column, end_row=first + 1, end_column=column
            )
            column += 1
            continue
        end = column
        while end < len(top) and not top[end] and sub[end]:
            end += 1
        if end > column:
            sheet.merge_cells(start_row=first, start_column=column, end_row=first, end_column=end)
        column = end + 1
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_blank_rows(data: bytes, count: int = 1_048_576) -> bytes:
    """The workbook with `count` empty formatted rows after the table, as Excel leaves them when
    someone formats a whole column, and a dimension claiming them all."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                last = max(int(n) for n in re.findall(r'<row r="(\d+)"', text))
                blank = "".join(f'<row r="{n}"/>' for n in range(last + 1, count + 1))
                text = text.replace("</sheetData>", blank + "</sheetData>")
                text = re.sub(
                    r'<dimension ref="A1:([A-Z]+)\d+"', rf'<dimension ref="A1:\g<1>{count}"', text
                )
                content = text.encode()
            target.writestr(item, content)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A valid-looking .xlsx whose sheet inflates to 300 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", "<Types/>")
        target.writestr("xl/workbook.xml", "<workbook/>")
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    return out.getvalue()


def encrypted_workbook() -> bytes:
    """The start of what Excel writes for a password-protected workbook: an OLE compound file
    holding an `EncryptedPackage` stream (named in UTF-16 in the directory)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = (
        "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le")
    )
    return header + directory + b"\x00" * 2048

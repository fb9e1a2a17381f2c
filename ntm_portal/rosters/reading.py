"""Reading a roster file the way officials keep it, refusing what must not be opened.

An .xlsx is checked as a zip before openpyxl sees it (size, members, compression ratio), then
streamed in read-only mode: the header row is found by its Vietnamese headers (title rows above
it are skipped, a header merged over two rows is read as one), and reading stops at a run of
blank rows, so a sheet whose dimension claims 1,048,576 rows costs nothing. Formulas are read
as formulas (not their cached values) so that they can be refused cell by cell.

A plain sheet — no formula, no error cell, every cell addressed, a bounded extent, as nearly
every roster is — is read by python-calamine (Rust's calamine) instead, about ten times faster;
it sees cached values only, so any sheet it could misread goes to openpyxl as before. Every
check on the file comes first and is the same for both readers.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO

from django.utils.translation import gettext as _

from ntm_portal.text import fold, nfc

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# An .xlsx is deflated XML; real rosters inflate 5–20 times. Anything far above is a bomb.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_RATIO = 200
MAX_MEMBERS = 1_000
HEADER_SEARCH_ROWS = 30
# Officials leave blank rows between blocks; this many in a row means the table has ended.
BLANK_RUN_END = 50
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class RosterFileError(ValueError):
    """The whole file is refused; str() is the one reason, in Vietnamese."""


@dataclass(frozen=True)
class Column:
    """A roster column: its key in code, its Vietnamese header, and the other ways people write it.

    Headers are the Vietnamese the offices use, in every language of the interface: a file
    written with an English header would not be one the offices keep.
    """

    key: str
    header: str
    required: bool = False
    aliases: Sequence[str] = ()
    example: object = ""
    help: str = ""

    def names(self) -> set[str]:
        return {header_key(self.header), *(header_key(alias) for alias in self.aliases)}


@dataclass
class Row:
    number: int  # as the spreadsheet shows it (1-based, counting the title rows)
    values: dict[str, str]
    formulas: dict[str, str] = field(default_factory=dict)


@dataclass
class Table:
    header_row: int
    # key → (column index, header as written in the file)
    columns: dict[str, tuple[int, str]]
    rows: list[Row]
    extra_headers: list[tuple[int, str]]  # columns no roster column claims (e.g. indicator numbers)
    notices: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """Kept on the import record: confirming checks these rows again without the file.
        Each row's values in the order of `keys` (not a dict of them): the keys once rather
        than on each of 10,000 rows, 40% smaller, written and read back in half the time."""
        keys = list(dict.fromkeys(key for row in self.rows for key in row.values))
        return {
            "header_row": self.header_row,
            "columns": self.columns,
            "extra_headers": self.extra_headers,
            "notices": self.notices,
            "keys": keys,
            "rows": [
                [row.number, [row.values.get(key, "") for key in keys], row.formulas]
                for row in self.rows
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> Table:
        # Imports checked before the rows were kept by `keys` have each row's values as a dict.
        keys = data.get("keys")
        return cls(
            header_row=data["header_row"],
            columns={key: (index, label) for key, (index, label) in data["columns"].items()},
            extra_headers=[(index, label) for index, label in data["extra_headers"]],
            notices=data["notices"],
            rows=[
                Row(
                    number,
                    values if keys is None else dict(zip(keys, values, strict=True)),
                    formulas,
                )
                for number, values, formulas in data["rows"]
            ],
        )


def header_key(text: str) -> str:
    """ "Tên thôn (*)", "TÊN THÔN", "Ten thon:" all read as the same header."""
    return re.sub(r"[^0-9a-z.]+", " ", fold(text)).strip(" .")


def read_table(
    content: IO[bytes], *, filename: str, columns: Sequence[Column], max_rows: int = MAX_ROWS
) -> Table:
    """The roster table in the uploaded file; RosterFileError when it cannot be used at all."""
    data = content.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise RosterFileError(
            _("Tệp vượt giới hạn %(limit)s MB; hãy chia thành nhiều tệp nhỏ hơn.")
            % {"limit": MAX_BYTES // 1024 // 1024}
        )
    if not data.strip():
        raise RosterFileError(_("Tệp rỗng."))
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise RosterFileError(
                _(
                    "Tệp Excel có đặt mật khẩu: hãy gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc) rồi tải lên lại."
                )
            )
        raise RosterFileError(
            _("Tệp ở định dạng Excel 97–2003 (.xls): hãy mở và lưu lại thành .xlsx rồi tải lên.")
        )
    if data.startswith(ZIP_MAGIC):
        if suffix not in ("xlsx", "xlsm"):
            raise RosterFileError(_("Tệp không phải Excel (.xlsx) hoặc CSV (.csv)."))
        cells = _xlsx_rows(data)
    elif suffix == "csv":
        cells = _csv_rows(data)
    elif suffix in ("xlsx", "xlsm"):
        raise RosterFileError(_("Tệp Excel bị hỏng hoặc không phải Excel thật: không đọc được."))
    else:
        raise RosterFileError(_("Tệp không phải Excel (.xlsx) hoặc CSV (.csv)."))
    return _table(cells, columns, max_rows)


# --- Workbooks ----------------------------------------------------------------------------------

# A cell as read: its text (or typed value) and whether it is a formula.
Cell = tuple[object, bool]


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise RosterFileError(_("Tệp Excel bị hỏng, không đọc được.")) from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise RosterFileError(_("Tệp Excel có cấu trúc bất thường (quá nhiều thành phần)."))
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNCOMPRESSED_BYTES or (
            member.file_size > 1024 * 1024 and ratio > MAX_MEMBER_RATIO
        ):
            raise RosterFileError(
                _("Tệp Excel bị từ chối: khi giải nén lớn bất thường (nghi là “bom zip”).")
            )
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise RosterFileError(_("Tệp .xlsx không chứa bảng tính Excel, không đọc được."))


# Read by calamine when the sheet is plain (see _plain_sheet); False reads every .xlsx with
# openpyxl, as `benchmark_roster` does to compare the two.
FAST_XLSX = True
# calamine builds the sheet as one dense rectangle: bounded so that a stray cell at XFD1048576
# cannot make it allocate billions of cells (openpyxl streams such a sheet instead).
FAST_MAX_CELLS = 2_000_000
FAST_MAX_SHEET_BYTES = 32 * 1024 * 1024
# The address first, as Excel, LibreOffice and openpyxl write it; a cell or row written otherwise
# is not counted, and the sheet goes to openpyxl.
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_NUMBER = re.compile(rb'<row r="([0-9]{1,7})"')
_PREFIXED_TAG = re.compile(rb"<\w+:(?:c|row|sheetData)[\s>/]")


def _xlsx_rows(data: bytes) -> Iterator[list[Cell]]:
    _check_zip(data)
    if FAST_XLSX:
        sheet = _first_sheet(data)
        if sheet is not None and (last_row := _plain_sheet(data, sheet[1])) is not None:
            return _calamine_rows(data, sheet[0], last_row)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds on a damaged workbook; all mean the same
        raise RosterFileError(_("Tệp Excel bị hỏng, không đọc được.")) from None
    path = getattr(sheet, "_worksheet_path", None)
    return _sheet_rows(workbook, sheet, with_formulas=path is None or _has_formulas(data, path))


FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _has_formulas(data: bytes, path: str) -> bool:
    """Whether the sheet's XML holds any formula element, scanned in bounded chunks."""
    with zipfile.ZipFile(io.BytesIO(data)).open(path.lstrip("/")) as member:
        tail = b""
        while chunk := member.read(1024 * 1024):
            if FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")


def _attribute(tag: bytes, name: bytes) -> str | None:
    found = re.search(rb"(?:^|\s)" + name + rb'\s*=\s*"([^"]*)"', tag)
    return found.group(1).decode() if found else None


def _first_sheet(data: bytes) -> tuple[int, str] | None:
    """The first worksheet as openpyxl's `worksheets[0]` finds it: its index among the sheets
    (chart sheets skipped) and its part in the zip; None when the workbook is unusual."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, EOFError):
        return None
    targets = {}
    for tag in _RELATIONSHIP_TAG.findall(rels):
        if (ident := _attribute(tag, b"Id")) and (target := _attribute(tag, b"Target")):
            targets[ident] = (target, _attribute(tag, b"Type") or "")
    for index, tag in enumerate(_SHEET_TAG.findall(workbook)):
        ident = _attribute(tag, rb"[\w]+:id")
        target, kind = targets.get(ident or "", ("", ""))
        if not kind.endswith("/worksheet"):
            continue  # a chart or dialog sheet: openpyxl skips it too
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return index, path
    return None


def _plain_sheet(data: bytes, path: str) -> int | None:
    """The sheet's last row (its last row element, blank or not) when calamine reads it exactly
    as openpyxl would: no formula (calamine gives cached values), no error cell (calamine blanks
    them, openpyxl gives "#N/A"), every row and cell with its address, no namespace prefixes,
    and a rectangle small enough to hold; None otherwise. Byte counts and one pass per pattern:
    a fraction of the read itself."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if archive.getinfo(path).file_size > FAST_MAX_SHEET_BYTES:
            return None
        xml = archive.read(path)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError):
        return None
    # The regular expressions only where a plain substring says they could match (a scan in C).
    could_prefix = b":" in xml and (b":c" in xml or b":row" in xml or b":sheetData" in xml)
    if (
        ((b"<f" in xml or b":f" in xml) and FORMULA_TAG.search(xml))
        or b' t="e"' in xml
        or (could_prefix and _PREFIXED_TAG.search(xml))
    ):
        return None
    references = _CELL_REF.findall(xml)
    cells = xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/>")
    numbers = _ROW_NUMBER.findall(xml)
    if len(references) != cells or len(numbers) != xml.count(b"<row ") + xml.count(b"<row>"):
        return None
    # calamine's rectangle ends at the last cell; blank row elements after it do not count.
    rows = max((int(number) for _letters, number in references), default=0)
    columns = 0
    for name in {letters for letters, _number in references}:
        column = 0
        for letter in name:
            column = column * 26 + letter - 64
        columns = max(columns, column)
    if rows * columns > FAST_MAX_CELLS:
        return None
    return max((int(number) for number in numbers), default=rows)


_WHOLE = 2**53  # floats below this are whole numbers exactly


def _cell(value: object) -> object:
    """calamine's value as openpyxl gives it: None for blank, whole numbers as int."""
    kind = value.__class__
    if kind is str:
        return value or None
    if kind is float and value.is_integer() and -_WHOLE < value < _WHOLE:
        return int(value)
    return value


def _calamine_rows(data: bytes, index: int, last_row: int) -> Iterator[list[Cell]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        values = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False)
        workbook.close()
    except Exception:  # calamine's errors on a damaged workbook all mean the same
        raise RosterFileError(_("Tệp Excel bị hỏng, không đọc được.")) from None
    for row in values:
        yield [(_cell(value), False) for value in row]
    # Blank rows after the cells (formatted, say): openpyxl yields them, and a run of them
    # ends the table with a notice; as many as it takes to say so.
    for _blank in range(min(last_row - len(values), BLANK_RUN_END)):
        yield []


def _sheet_rows(workbook, sheet, *, with_formulas: bool) -> Iterator[list[Cell]]:
    """Rows of (value, is formula). Without formulas in the sheet, the faster values-only read."""
    try:
        if with_formulas:
            for row in sheet.iter_rows():
                yield [(cell.value, getattr(cell, "data_type", None) == "f") for cell in row]
        else:
            for values in sheet.iter_rows(values_only=True):
                yield [(value, False) for value in values]
    except Exception:
        raise RosterFileError(_("Tệp Excel bị hỏng, không đọc được.")) from None
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[list[Cell]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterFileError(
            _("Tệp CSV không ở mã UTF-8: hãy lưu lại bằng “CSV UTF-8 (Comma delimited)”.")
        ) from None
    if "\x00" in text:
        raise RosterFileError(_("Tệp không phải Excel (.xlsx) hoặc CSV (.csv)."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text), dialect):
        # A CSV has no formulas, but the spreadsheet that opens it runs what looks like one: such
        # a cell is refused as a formula in an .xlsx is.
        yield [(value, looks_like_formula(value)) for value in row]


# "=…" or "@…", or a sign before a name or a bracket ("+A1", "-HYPERLINK(…)"). A sign before a
# digit or a space ("-5", "+84 912…", "- ghi chú") is a number or text, as officials type them.
_FORMULA_LIKE = re.compile(r"[=@]|[+-][^\d\s.,]")


def looks_like_formula(text: str) -> bool:
    return bool(_FORMULA_LIKE.match(text.strip()))


# --- Finding the table --------------------------------------------------------------------------


def _text(value: object) -> str:
    """A cell as the text the roster rules read; numbers and dates as Vietnamese officials write."""
    if value is None:
        return ""
    kind = value.__class__
    if kind is str:
        return nfc(value)
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f") if value == value else ""
    if isinstance(value, int | Decimal):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    return nfc(str(value))


def _table(cells: Iterator[list[Cell]], columns: Sequence[Column], max_rows: int) -> Table:
    head: list[list[Cell]] = []
    for row in cells:
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    header_index, labels = _find_header(head, columns)
    if header_index is None:
        wanted = ", ".join(f"«{column.header}»" for column in columns if column.required)
        raise RosterFileError(
            _("Không tìm thấy dòng tiêu đề của bảng (cần các cột %(columns)s); hãy dùng tệp mẫu.")
            % {"columns": wanted}
        )
    by_name = {name: column for column in columns for name in column.names()}
    found: dict[str, tuple[int, str]] = {}
    extra: list[tuple[int, str]] = []
    for index, label in enumerate(labels):
        if not label:
            continue
        column = by_name.get(header_key(label))
        if column is None:
            extra.append((index, label))
        elif column.key in found:
            raise RosterFileError(
                _("Cột «%(header)s» xuất hiện hai lần trong dòng tiêu đề.") % {"header": label}
            )
        else:
            found[column.key] = (index, label)
    missing = [column.header for column in columns if column.required and column.key not in found]
    if missing:
        raise RosterFileError(
            _("Thiếu cột bắt buộc: %(columns)s.")
            % {"columns": ", ".join(f"«{name}»" for name in missing)}
        )
    table = Table(header_row=header_index + 1, columns=found, rows=[], extra_headers=extra)
    wanted_indexes = [index for index, _label in found.values()] + [index for index, _ in extra]

    def data_rows() -> Iterator[tuple[int, list[Cell]]]:
        yield from enumerate(head[header_index + 1 :], start=header_index + 2)
        yield from enumerate(cells, start=len(head) + 1)

    # A roster repeats its cells (the province, the set, the period on every row): each
    # distinct value is made text once. By type too: True and 1 are equal keys, not one text.
    texts: dict[tuple[type, object], str] = {}

    def text(value: object) -> str:
        key = (value.__class__, value)
        found = texts.get(key)
        if found is None:
            found = texts[key] = _text(value)
        return found

    blank_run = 0
    for number, row in data_rows():
        if not any(text(row[i][0]) for i in wanted_indexes if i < len(row)):
            blank_run += 1
            if blank_run >= BLANK_RUN_END:
                table.notices.append(
                    _("Bảng kết thúc ở dòng %(row)s; các dòng trống phía sau được bỏ qua.")
                    % {"row": number - blank_run}
                )
                break
            continue
        blank_run = 0
        if len(table.rows) >= max_rows:
            raise RosterFileError(
                _("Tệp có hơn %(limit)s dòng dữ liệu; hãy chia thành nhiều tệp.")
                % {"limit": f"{max_rows:,}".replace(",", ".")}
            )
        values, formulas = {}, {}
        for key, (index, _label) in found.items():
            value, is_formula = row[index] if index < len(row) else (None, False)
            if is_formula:
                formulas[key] = str(value)
            values[key] = text(value)
        for index, label in extra:
            value, is_formula = row[index] if index < len(row) else (None, False)
            if is_formula:
                formulas[label] = str(value)
            values[label] = text(value)
        table.rows.append(Row(number=number, values=values, formulas=formulas))
    if not table.rows:
        raise RosterFileError(_("Bảng không có dòng dữ liệu nào dưới dòng tiêu đề."))
    return table


def _find_header(head: list[list[Cell]], columns: Sequence[Column]) -> tuple[int | None, list[str]]:
    """The row with the most known headers; a blank cell takes the text above it (merged cells)."""
    by_name = {name: column.key for column in columns for name in column.names()}
    best: tuple[int, int | None, list[str]] = (0, None, [])
    for index, row in enumerate(head):
        above = head[index - 1] if index else []
        labels = []
        for position, (value, _formula) in enumerate(row):
            text = _text(value)
            if not text and position < len(above):
                text = _text(above[position][0])
            labels.append(text)
        score = len({by_name[key] for label in labels if (key := header_key(label)) in by_name})
        if score > best[0]:
            best = (score, index, labels)
    return best[1], best[2]

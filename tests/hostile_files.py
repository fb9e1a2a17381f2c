"""Files for the upload tests, built here (small): good ones of each accepted kind, and the
hostile ones a probe sent as evidence — each starts with the right magic bytes."""

from __future__ import annotations

import io
import zipfile

import docx
from openpyxl import Workbook
from PIL import Image

from .conftest import PDF_BYTES

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">'
        % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<si><t>&lol9;</t></si></sst>"
)


def image_bytes(kind: str, size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 60)).save(buffer, format=kind)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    book = Workbook()
    book.active.append(["Thôn", "Số hộ"])
    book.active.append(["Thôn 1", 120])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Biên bản kiểm tra")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _package(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, content in members:
            package.writestr(name, content)
    return buffer.getvalue()


def zip_bomb_xlsx() -> bytes:
    """A workbook whose one sheet unzips to 300 MB of zeros (about 300 KB of file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("xl/workbook.xml", WORKBOOK)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            zeros = b"0" * 2**20
            for _ in range(300):
                sheet.write(zeros)
    return buffer.getvalue()


def billion_laughs_xlsx() -> bytes:
    return _package(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/sharedStrings.xml", BILLION_LAUGHS),
        ]
    )


def truncated_xlsx() -> bytes:
    whole = xlsx_bytes()
    return whole[: len(whole) * 2 // 3]


HTML_AS_PDF = (
    b"%PDF-1.4\n<!DOCTYPE html><html><body><script>document.location='https://x.example/'"
    b"</script><p>Bi\xc3\xaan b\xe1\xba\xa3n</p></body></html>\n"
)

GOOD = {
    "bien-ban.pdf": PDF_BYTES,
    "anh.png": lambda: image_bytes("PNG"),
    "anh.jpg": lambda: image_bytes("JPEG"),
    "so-lieu.xlsx": xlsx_bytes,
    "bao-cao.docx": docx_bytes,
}


def good_files() -> dict[str, bytes]:
    return {name: made() if callable(made) else made for name, made in GOOD.items()}


def hostile_files() -> dict[str, tuple[bytes, str]]:
    """name → (content, the reason the refusal gives)."""
    jpeg, png = image_bytes("JPEG", (400, 300)), image_bytes("PNG", (400, 300))
    return {
        "bien-ban.pdf": (HTML_AS_PDF, "là một trang HTML mang đuôi .pdf"),
        "bom-nen.xlsx": (zip_bomb_xlsx(), "tệp nén bất thường"),
        "cat-cut.xlsx": (truncated_xlsx(), "bị hỏng hoặc bị cắt cụt"),
        "billion-laughs.xlsx": (
            billion_laughs_xlsx(),
            "“xl/sharedStrings.xml” khai báo DTD hoặc thực thể",
        ),
        "cat-cut.pdf": (PDF_BYTES[:-12], "tệp PDF bị cắt cụt"),
        "cat-cut.jpg": (jpeg[: len(jpeg) // 2], "ảnh JPEG bị cắt cụt"),
        "cat-cut.png": (png[: len(png) // 2], "không đọc được như một tệp .png"),
        "bom-anh.png": (_png_bomb(), "ảnh quá lớn"),
    }


def _png_bomb() -> bytes:
    """A PNG whose header says 30,000 × 30,000 pixels (900 million): refused from the header."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 30_001 * 10, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )

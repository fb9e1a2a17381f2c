"""Uploaded files (evidence, inspection attachments): what is accepted, and how it is served.

Files are checked by content as well as by name, stored under a name the user did not choose,
and served only as attachments through views that check access first.

The rule for content: the first bytes must be those of the type the extension names (filetype),
and then the file must open as that type, checked with bounded time and memory. What cannot be
verified is refused, never accepted:
- PDF: the header, `%%EOF` in the last KB, a `startxref` or `trailer`, and no HTML markup
  (`<html`, `<script`, …) in the first 64 KB — a web page renamed .pdf starts with `%PDF` too.
- JPEG, PNG: Pillow opens it as that format, at most MAX_PIXELS pixels (a decompression bomb
  is refused from its header), and reads it through (a PNG's chunks and checksums; a JPEG's
  end-of-image marker, then decoded at 1/8 scale): a truncated image is refused.
- DOCX, XLSX: a zip whose central directory opens, at most MAX_MEMBERS members, at most
  MAX_UNZIPPED_BYTES in all once unzipped and no member unzipping more than MAX_RATIO times its
  size (a zip bomb), `[Content_Types].xml` and the main part present; every member is unzipped
  in chunks (checksums verified, never past its declared size) and no XML part may declare a DTD
  or an entity (`<!DOCTYPE`, `<!ENTITY`: the "billion laughs") or be in another encoding than
  UTF-8, where such a declaration could hide.
Every refusal names the file and the reason; nothing is written.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image

from ntm_portal.choices import ChoiceLabels

MAX_BYTES = 10 * 1024 * 1024
# Extension → MIME type the content must have: scans, photos and office documents.
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in ALLOWED)
# Bounds of the content check (see the module docstring): a phone's 50-megapixel photo fits.
MAX_PIXELS = 80_000_000
MAX_MEMBERS = 5000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # office XML compresses 5–20 times; a zip bomb a thousand
CHUNK = 64 * 1024
# The part every Office Open XML package of the kind has besides [Content_Types].xml.
MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
HTML_MARKUP = re.compile(rb"<\s*(?:!doctype\s+html|html|body|script|iframe)[\s>/]", re.I)
# An XML part's start up to its root element: declaration, comments and processing instructions
# only; a DTD (<!DOCTYPE, <!ENTITY) is where entities are declared, so anything else is refused.
# Each alternative stops at its own end marker: linear, whatever the part holds.
XML_PROLOG = re.compile(
    rb"(?:\xef\xbb\xbf)?\s*"
    rb"(?:(?:<\?(?:[^?]|\?(?!>))*\?>|<!--(?:[^-]|-(?!->))*-->)\s*)*"
    rb"<[A-Za-z_]"
)
logger = logging.getLogger(__name__)


class UploadRejected(ValueError):
    """An upload refused; str() is the reason in Vietnamese."""


@dataclass(frozen=True)
class AcceptedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def accept_upload(upload: UploadedFile | None) -> AcceptedUpload:
    """Check size, extension and content; UploadRejected names the file and the reason."""
    if upload is None:
        raise UploadRejected(_("Chưa chọn tệp minh chứng."))
    if upload.size > MAX_BYTES:
        raise UploadRejected(
            _("Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn 10 MB.")
            % {"name": upload.name, "size": round(upload.size / 1024 / 1024, 1)}
        )
    extension = file_suffix(upload.name).lstrip(".")
    if extension not in ALLOWED:
        raise UploadRejected(
            _("Tệp “%(name)s” không được nhận: chỉ nhận PDF, JPG, PNG, DOCX, XLSX.")
            % {"name": upload.name}
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime != ALLOWED[extension]:
        raise UploadRejected(
            _("Nội dung tệp “%(name)s” không khớp đuôi .%(extension)s.")
            % {"name": upload.name, "extension": extension}
        )
    reason = _content_problem(upload, extension)
    upload.seek(0)
    if reason:
        raise UploadRejected(
            _("Tệp “%(name)s” không được nhận: %(reason)s")
            % {"name": upload.name, "reason": reason}
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return AcceptedUpload(
        name=upload.name[:200],
        content_type=ALLOWED[extension],
        size=upload.size,
        sha256=digest.hexdigest(),
    )


def _content_problem(upload: UploadedFile, extension: str) -> str:
    """Why the file does not open as what its extension says, or "" when it does."""
    upload.seek(0)
    try:
        if extension == "pdf":
            return _pdf_problem(upload)
        if extension in ("jpg", "jpeg", "png"):
            return _image_problem(upload, "PNG" if extension == "png" else "JPEG")
        return _office_problem(upload, extension)
    except Image.DecompressionBombError:  # Pillow's own ceiling, far above ours
        return _pixels_problem()
    except Exception:  # a parser's own error on a hostile file, of any kind: not verified
        logger.info("Upload %r refused: its content could not be verified", upload.name)
        return _("nội dung không đọc được như một tệp .%(extension)s.") % {"extension": extension}


def _pdf_problem(upload: UploadedFile) -> str:
    head = upload.read(CHUNK)
    size = upload.size
    upload.seek(max(size - 1024, 0))
    tail = upload.read(1024)
    if not head.startswith(b"%PDF-"):
        return _("không bắt đầu bằng tiêu đề PDF.")
    if HTML_MARKUP.search(head):
        return _("là một trang HTML mang đuôi .pdf, không phải PDF.")
    if b"%%EOF" not in tail:
        return _("tệp PDF bị cắt cụt (không có dấu kết thúc %%EOF).")
    if b"startxref" in tail:
        return ""
    # No startxref at the end: an old-style trailer somewhere, read in chunks that overlap.
    upload.seek(0)
    previous = b""
    while chunk := upload.read(CHUNK):
        if b"trailer" in previous[-8:] + chunk:
            return ""
        previous = chunk
    return _("tệp PDF không có bảng tham chiếu (xref/trailer).")


def _image_problem(upload: UploadedFile, expected: str) -> str:
    with Image.open(upload, formats=[expected]) as image:
        if image.width * image.height > MAX_PIXELS:
            return _(
                "ảnh %(width)s×%(height)s điểm ảnh, vượt giới hạn %(limit)s triệu điểm ảnh."
            ) % {
                "width": image.width,
                "height": image.height,
                "limit": MAX_PIXELS // 1_000_000,
            }
        if expected == "JPEG":
            # Its end-of-image marker first: Pillow pads a truncated JPEG silently once
            # WeasyPrint has set ImageFile.LOAD_TRUNCATED_IMAGES (a process-wide switch).
            upload.seek(max(upload.size - 1024, 0))
            if b"\xff\xd9" not in upload.read(1024):
                return _("ảnh JPEG bị cắt cụt (không có dấu kết thúc ảnh).")
            # Then decoded at 1/8 scale: every byte read, little memory.
            image.draft("RGB", (max(image.width // 8, 1), max(image.height // 8, 1)))
            image.load()
        else:
            image.verify()  # every chunk and its checksum, without decoding the pixels
    return ""


def _pixels_problem() -> str:
    return _("ảnh quá lớn: tối đa %(limit)s triệu điểm ảnh.") % {"limit": MAX_PIXELS // 1_000_000}


def _office_problem(upload: UploadedFile, extension: str) -> str:
    try:
        package = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        return _("tệp bị hỏng hoặc bị cắt cụt (không mở được như tệp nén Office).")
    with package:
        members = package.infolist()
        if len(members) > MAX_MEMBERS:
            return _("tệp có quá nhiều thành phần.")
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or MAIN_PART[extension] not in names:
            return _("thiếu thành phần bắt buộc của tệp .%(extension)s.") % {"extension": extension}
        declared = sum(member.file_size for member in members)
        if declared > MAX_UNZIPPED_BYTES or any(
            member.file_size > MAX_RATIO * max(member.compress_size, 1) + CHUNK
            for member in members
        ):
            return _("tệp nén bất thường (giải nén ra quá lớn so với kích thước tệp).")
        for member in members:
            if member.flag_bits & 0x1:
                return _("tệp có thành phần được mã hóa.")
            with package.open(member) as part:
                first = part.read(CHUNK)
                if _is_xml(member.filename) and not XML_PROLOG.match(first):
                    return _(
                        "phần XML “%(part)s” khai báo DTD hoặc thực thể (<!DOCTYPE, <!ENTITY) "
                        "hoặc không mã hóa UTF-8."
                    ) % {"part": member.filename[:100]}
                # Read through: zipfile stops at the declared size and checks the CRC.
                while part.read(CHUNK):
                    pass
    return ""


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def store_with_file(instance: models.Model, field: str, name: str, content) -> None:
    """Write the file, then save the row: nothing half-stored. A file the media volume cannot
    take (read-only, full, gone) is UploadRejected with a clear message and no row; a row that
    cannot be saved takes its new file away again."""
    file = getattr(instance, field)
    target = file.field.generate_filename(instance, name)
    existed = file.storage.exists(target)
    try:
        file.save(name, content, save=False)
    except OSError:
        logger.exception("Could not write %s to the media storage", target)
        if not existed:
            _remove_quietly(file.storage, target)
        raise UploadRejected(
            _(
                "Máy chủ chưa lưu được tệp “%(name)s” (nơi lưu tệp đang không ghi được): chưa có gì "
                "được lưu. Hãy thử lại sau hoặc báo quản trị viên."
            )
            % {"name": name}
        ) from None
    try:
        instance.save()
    except Exception:
        if not existed:
            _remove_quietly(file.storage, file.name)
        raise


def _remove_quietly(storage, name: str) -> None:
    try:
        if storage.exists(name):
            storage.delete(name)
    except OSError:
        logger.warning("Could not remove the partial file %s", name)


def file_suffix(filename: str) -> str:
    return ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""


def download_response(file: FieldFile, *, name: str, content_type: str) -> FileResponse:
    """Always an attachment, never sniffed: an uploaded file is never shown inline."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class StoredUpload(ChoiceLabels, models.Model):
    """What every stored upload records besides its file and what it belongs to."""

    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def record(self, accepted: AcceptedUpload) -> None:
        self.original_name = accepted.name
        self.content_type = accepted.content_type
        self.size = accepted.size
        self.sha256 = accepted.sha256

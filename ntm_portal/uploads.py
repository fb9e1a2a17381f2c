"""Uploaded files (evidence, inspection attachments): what is accepted, and how it is served.

Files are checked by content as well as by name, stored under a name the user did not choose,
and served only as attachments through views that check access first.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

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
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return AcceptedUpload(
        name=upload.name[:200],
        content_type=ALLOWED[extension],
        size=upload.size,
        sha256=digest.hexdigest(),
    )


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

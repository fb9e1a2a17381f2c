"""Evidence files: what may be uploaded, checked by content as well as by name."""

from __future__ import annotations

import hashlib

import filetype
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ntm_portal.models import User

from .models import Evaluation, EvaluationLog, Evidence, Indicator

MAX_BYTES = 10 * 1024 * 1024
# Extension → MIME type the content must have. Scans, photos and office documents.
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in ALLOWED)


class EvidenceRejected(ValueError):
    """An upload refused; str() is the reason in Vietnamese."""


def check_upload(upload: UploadedFile | None) -> str:
    """The MIME type of an acceptable upload, or EvidenceRejected."""
    if upload is None:
        raise EvidenceRejected(_("Chưa chọn tệp minh chứng."))
    if upload.size > MAX_BYTES:
        raise EvidenceRejected(
            _("Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn 10 MB.")
            % {"name": upload.name, "size": round(upload.size / 1024 / 1024, 1)}
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ALLOWED:
        raise EvidenceRejected(
            _("Tệp “%(name)s” không được nhận: chỉ nhận PDF, JPG, PNG, DOCX, XLSX.")
            % {"name": upload.name}
        )
    upload.seek(0)
    kind = filetype.guess(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime != ALLOWED[extension]:
        raise EvidenceRejected(
            _("Nội dung tệp “%(name)s” không khớp đuôi .%(extension)s.")
            % {"name": upload.name, "extension": extension}
        )
    return ALLOWED[extension]


@transaction.atomic
def evidence_add(
    *,
    evaluation: Evaluation,
    upload: UploadedFile | None,
    indicator_id: str | None,
    note: str,
    actor: User,
) -> Evidence:
    content_type = check_upload(upload)
    indicator = None
    if indicator_id:
        indicator = Indicator.objects.filter(
            pk=indicator_id, criterion__criteria_set=evaluation.criteria_set
        ).first()
        if indicator is None:
            raise EvidenceRejected(_("Chỉ tiêu đã chọn không thuộc bộ tiêu chí này."))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    evidence = Evidence(
        evaluation=evaluation,
        indicator=indicator,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        note=note.strip()[:300],
        uploaded_by=actor,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    EvaluationLog.objects.create(
        evaluation=evaluation,
        actor=actor,
        action=EvaluationLog.Action.EVIDENCE_ADDED,
        indicator=indicator,
        new_value=evidence.original_name[:100],
    )
    return evidence

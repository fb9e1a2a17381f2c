"""Evidence files of an evaluation (the rules for any upload are in ntm_portal/uploads.py)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ntm_portal.limits import parse_id
from ntm_portal.models import User
from ntm_portal.uploads import UploadRejected, accept_upload, store_with_file

from .models import Evaluation, EvaluationLog, Evidence, Indicator


@transaction.atomic
def evidence_add(
    *,
    evaluation: Evaluation,
    upload: UploadedFile | None,
    indicator_id: str | None,
    note: str,
    actor: User,
) -> Evidence:
    accepted = accept_upload(upload)
    indicator = None
    if indicator_id:
        pk = parse_id(indicator_id)
        indicator = (
            Indicator.objects.filter(pk=pk, criterion__criteria_set=evaluation.criteria_set).first()
            if pk
            else None
        )
        if indicator is None:
            raise UploadRejected(_("Chỉ tiêu đã chọn không thuộc bộ tiêu chí này."))
    evidence = Evidence(
        evaluation=evaluation, indicator=indicator, note=note.strip()[:300], uploaded_by=actor
    )
    evidence.record(accepted)
    store_with_file(evidence, "file", upload.name, upload)
    EvaluationLog.objects.create(
        evaluation=evaluation,
        actor=actor,
        action=EvaluationLog.Action.EVIDENCE_ADDED,
        indicator=indicator,
        new_value=evidence.original_name[:100],
    )
    return evidence

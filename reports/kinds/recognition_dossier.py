"""The documents of a recognition dossier (QĐ 18/2022/QĐ-TTg), each drafted from its case at its
step (reports/dossier.py): the commune's request, report and minutes, the review, the appraisal
and the Chủ tịch's decision, which is signed in the Chủ tịch's own name."""

from __future__ import annotations

from .. import dossier
from ..models import Document
from .registry import DocumentKind, register

Kind = Document.Kind


def _body(document: Document):
    body = dossier.dossier_content(document, on=document.as_of)
    return body, {"d": body, "f": body.facts}


for position, kind, symbol, template in (
    (100, Kind.RECOGNITION_REQUEST, "TTr", "recognition_request"),
    (110, Kind.RECOGNITION_RESULTS, "BC", "recognition_results"),
    (120, Kind.RECOGNITION_COMMENTS, "BC", "recognition_comments"),
    (130, Kind.RECOGNITION_COMMUNE_MINUTES, "BB", "recognition_minutes"),
    (140, Kind.RECOGNITION_REVIEW, "BC", "recognition_review"),
    (150, Kind.RECOGNITION_COUNCIL_MINUTES, "BB", "recognition_minutes"),
    (160, Kind.RECOGNITION_APPRAISAL, "BC", "recognition_appraisal"),
    (170, Kind.RECOGNITION_DECISION, "QĐ", "recognition_decision"),
):
    register(
        DocumentKind(
            code=kind.value,
            label=kind.label,
            type_symbol=symbol,
            template=f"reports/print/{template}.html",
            body=_body,
            sections=("subject",),
            own_name=kind == Kind.RECOGNITION_DECISION,
            position=position,
        )
    )

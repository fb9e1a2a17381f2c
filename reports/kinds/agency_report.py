"""BÁO CÁO 6 tháng of a sponsoring agency: its communes' progress over the half-year."""

from __future__ import annotations

from .. import content
from ..models import Document
from .registry import DocumentKind, register


def _body(document: Document):
    body = content.agency_report(
        document.issuer, document.period_start, document.period_end, on=document.as_of
    )
    return body, {"plan": body}


register(
    DocumentKind(
        code=Document.Kind.AGENCY_REPORT.value,
        label=Document.Kind.AGENCY_REPORT.label,
        type_symbol="BC",
        template="reports/print/agency_report.html",
        body=_body,
        narrative=content.plan_narrative,
        sections=("difficulties", "tasks"),
        position=40,
    )
)

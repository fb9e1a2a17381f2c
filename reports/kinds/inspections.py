"""An agency's inspections: the KẾ HOẠCH kiểm tra of a period and the BÁO CÁO kết quả kiểm tra
of one inspection (which cites the plan it carries out, not căn cứ)."""

from __future__ import annotations

from .. import content
from ..models import Document
from .registry import DocumentKind, register


def _report_body(document: Document):
    body = content.inspection_report(document.inspection, on=document.as_of)
    return body, {"report": body}


def _plan_body(document: Document):
    body = content.inspection_plan(
        document.issuer, document.period_start, document.period_end, on=document.as_of
    )
    return body, {"inspections": body}


register(
    DocumentKind(
        code=Document.Kind.INSPECTION_REPORT.value,
        label=Document.Kind.INSPECTION_REPORT.label,
        type_symbol="BC",
        template="reports/print/inspection_report.html",
        body=_report_body,
        cites=False,
        position=20,
    )
)
register(
    DocumentKind(
        code=Document.Kind.INSPECTION_PLAN.value,
        label=Document.Kind.INSPECTION_PLAN.label,
        type_symbol="KH",
        template="reports/print/inspection_plan.html",
        body=_plan_body,
        cites=False,
        position=30,
    )
)

"""KẾ HOẠCH đỡ đầu, phụ trách xây dựng nông thôn mới: an agency's plan for the communes assigned
to it, citing the assignment decisions behind them."""

from __future__ import annotations

from datetime import date

from .. import content, services
from ..models import Document
from .registry import DocumentKind, register


def _body(document: Document):
    body = content.sponsorship_plan(document.issuer, document.as_of, document.period_start)
    return body, {"plan": body}


def _citations(issuer, day: date, year: int):
    """The assignment decisions behind the agency's communes that day, and for a plan of
    2026–2030 the criteria set in force (QĐ 51/2025/QĐ-TTg)."""
    cited = []
    if issuer.agency is not None:
        decisions = {
            a.decision
            for a in issuer.agency.assignments.active_on(day).select_related("decision")
            if a.decision and a.decision.date <= day
        }
        cited += [
            services.legal_document_of_decision(d) for d in sorted(decisions, key=lambda d: d.date)
        ]
    return cited + services.national_set_citation(issuer, day, year)


register(
    DocumentKind(
        code=Document.Kind.SPONSORSHIP_PLAN.value,
        label=Document.Kind.SPONSORSHIP_PLAN.label,
        type_symbol="KH",
        template="reports/print/sponsorship_plan.html",
        body=_body,
        narrative=content.plan_narrative,
        sections=("subject", "purposes", "general_objective", "tasks", "closing"),
        responsibilities=True,
        citations=_citations,
        position=10,
    )
)

"""The yearly plans of a People's Committee: a commune's (its NTM plan, its village plan, its
nâng cao plan) and a district's or province's (its NTM plan, the campaign's plan)."""

from __future__ import annotations

from datetime import date

from .. import content, issuers, services
from ..models import Document
from .registry import DocumentKind, register

Kind = Document.Kind


def _body(document: Document):
    as_of = document.as_of
    year = document.period_start.year if document.period_start else as_of.year
    body = content.area_plan(issuers.area_of(document), year, as_of, document.kind)
    return body, {"plan": body}


def _village_set(issuer, day: date, year: int):
    """A village plan is measured by the province's village criteria set."""
    village_set = content.village_set_of(issuer.province)
    return (
        []
        if village_set is None
        else [services.legal_document_of_set(village_set, issuer.province)]
    )


COMMUNE_SECTIONS = ("subject", "general_objective", "tasks", "organisation", "closing")
AREA_SECTIONS = ("subject", "purposes", "requirements", "tasks", "closing")

for position, kind, template, sections, citations, level in (
    (50, Kind.COMMUNE_PLAN, "commune_plan", COMMUNE_SECTIONS, None, ("commune",)),
    (60, Kind.VILLAGE_PLAN, "commune_plan", COMMUNE_SECTIONS, _village_set, ("commune",)),
    (70, Kind.ADVANCED_PLAN, "commune_plan", COMMUNE_SECTIONS, None, ("commune",)),
    (80, Kind.AREA_PLAN, "area_plan", AREA_SECTIONS, None, ("district", "province")),
    (
        90,
        Kind.CAMPAIGN_PLAN,
        "area_plan",
        (*AREA_SECTIONS[:-1], "solutions", "closing"),
        None,
        ("district", "province"),
    ),
):
    register(
        DocumentKind(
            code=kind.value,
            label=kind.label,
            type_symbol="KH",
            template=f"reports/print/{template}.html",
            body=_body,
            narrative=content.plan_narrative,
            sections=sections,
            responsibilities=True,
            # A plan of 2026–2030 is measured by the set in force then (QĐ 51/2025/QĐ-TTg).
            citations=citations or services.national_set_citation,
            planned_by=level,
            position=position,
        )
    )

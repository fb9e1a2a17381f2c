"""Every list of the API answers in the same number of queries for a few rows and for many:
measured as an administrator and as a province office, before and after the world grows."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import CommuneLineage, LineageKind, ProvinceLineage
from criteria.models import Recognition
from criteria.services import evaluation_create, evaluation_save_values
from reports.models import Document
from sponsorships.models import Inspection, InspectionAttachment, InspectionFinding
from sponsorships.services import report_start

from .api_helpers import add_foreign_and_own, approve, auth, tokens_for
from .conftest import PDF_BYTES
from .factories import (
    AgencyFactory,
    AssignmentFactory,
    CommuneFactory,
    ProvinceFactory,
    small_catalogue,
)

ENDPOINTS = [
    "api:province_list",
    "api:commune_list",
    "api:criteria_set_list",
    "api:evaluation_list",
    "api:standing_list",
    "api:recognition_list",
    "api:agency_list",
    "api:assignment_list",
    "api:inspection_list",
    "api:document_list",
    "api:dashboard",
]
MEASURED: dict[tuple[str, str], str] = {}


def grow(world, count: int, start: int) -> None:
    """`count` more of everything in province A (and a criteria set), linked as in real data."""
    successor = ProvinceFactory(edition=2025, short_name=f"Mới {start}", name=f"Tỉnh Mới {start}")
    ProvinceLineage.objects.create(
        predecessor=world.province_a,
        successor=successor,
        kind=LineageKind.WHOLE,
        effective_on=date(2025, 7, 1),
    )
    small_catalogue(code=f"THEM-{start}")
    for n in range(start, start + count):
        commune = CommuneFactory(
            district=world.district_a1, name=f"Xã Thêm {n}", short_name=f"Thêm {n}"
        )
        new = CommuneFactory(district=None, province=successor, edition=2025, name=f"Xã Sau {n}")
        CommuneLineage.objects.create(
            predecessor=commune,
            successor=new,
            kind=LineageKind.WHOLE,
            effective_on=date(2025, 7, 1),
            source="test",
        )
        evaluation = evaluation_create(
            commune=commune, criteria_set=world.criteria_set, year=2024, half=2, actor=None
        )
        indicators = {
            i.number: i.pk for c in world.criteria_set.criteria.all() for i in c.indicators.all()
        }
        evaluation_save_values(
            evaluation=evaluation,
            raw_values={indicators["1.1"]: "Đạt", indicators["2.1"]: "80", indicators["3.1"]: "3"},
            notes={},
            version=evaluation.version,
            actor=world.evidence_a1.uploaded_by,
        )
        approve(evaluation)
        Recognition.objects.create(
            commune=commune,
            level=Recognition.Level.NTM,
            decision_number=f"{n}/QĐ-UBND",
            decision_date=date(2024, 1, 1),
        )
        agency = AgencyFactory(province=world.province_a)
        assignment = AssignmentFactory(agency=agency, commune=commune)
        assignment.criteria_to_support.set(world.criteria_set.criteria.all())
        inspection = Inspection.objects.create(
            assignment=assignment,
            period_start=date(2024, 10, 1),
            period_end=date(2024, 12, 31),
            due_date=date(2024, 12, 31),
        )
        report = report_start(inspection=inspection, actor=world.evidence_a1.uploaded_by)
        for criterion in world.criteria_set.criteria.all():
            InspectionFinding.objects.get_or_create(report=report, criterion=criterion)
        InspectionAttachment.objects.create(
            report=report,
            file=ContentFile(PDF_BYTES, name="bb.pdf"),
            original_name="bb.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="4" * 64,
            uploaded_by=world.evidence_a1.uploaded_by,
        )
        Document.objects.create(
            kind=Document.Kind.SPONSORSHIP_PLAN,
            issuer=agency,
            series=f"agency:{agency.pk}",
            year=2026,
            symbol="KH-X",
            status=Document.Status.DONE,
            pdf=ContentFile(PDF_BYTES, name="kh.pdf"),
        )


def _count(client, name: str, key: str) -> tuple[int, int]:
    params = {"edition": 2024} if name == "api:dashboard" else {}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name), params, **auth(key))
    assert response.status_code == 200, response.content
    body = response.json()
    rows = len(body.get("results", body.get("breakdown", [])))
    return len(queries), rows


@pytest.mark.parametrize("role", ["admin", "province"])
def test_each_list_costs_the_same_queries_at_two_sizes(client, world, personas, role):
    add_foreign_and_own(world)  # at least one row of every kind in the small world
    keys = tokens_for(personas)
    small = {}
    for name in ENDPOINTS:
        _count(client, name, keys[role])  # the first request warms what is read once per process
        small[name] = _count(client, name, keys[role])
    grow(world, 8, start=100)
    for name in ENDPOINTS:
        large = _count(client, name, keys[role])
        MEASURED[(role, name)] = f"{large[0]} queries for {small[name][1]} and {large[1]} rows"
        assert large[1] > small[name][1] or name in ("api:dashboard", "api:province_list"), name
        assert large[0] == small[name][0], f"{name}: {small[name]} → {large} (queries, rows)"
    print("\n" + "\n".join(f"{r} {n}: {text}" for (r, n), text in MEASURED.items() if r == role))

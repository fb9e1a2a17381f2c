"""Shared by the API tests: a token per persona, and a world with something of every kind on
both sides of the border between province A and province B."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile

from criteria.models import Evaluation, Recognition
from criteria.services import evaluation_create
from criteria.standings import standings_refresh
from ntm_portal.api_tokens import api_token_create
from reports.models import Document
from sponsorships.models import Inspection

from .conftest import PDF_BYTES


def tokens_for(personas: dict) -> dict[str, str]:
    """One key per persona (made through the service, as the profile page does)."""
    keys = {}
    for role, user in personas.items():
        _token, keys[role] = api_token_create(user=user, name=f"BI {role}", days=90, actor=user)
    return keys


def auth(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@dataclass
class Foreign:
    """Province B's objects, which only admins may see."""

    evaluation: Evaluation
    recognition: Recognition
    inspection: Inspection
    document: Document


def approve(evaluation: Evaluation) -> None:
    """Approved without the workflow's steps (the workflow has its own tests): a standing."""
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.APPROVED)
    standings_refresh(commune_ids=[evaluation.commune_id])


def add_foreign_and_own(world) -> Foreign:
    Recognition.objects.create(
        commune=world.commune_a1,
        level=Recognition.Level.NTM,
        decision_number="12/QĐ-UBND",
        decision_date=date(2024, 3, 1),
        signer="Nguyễn Văn Ký",
    )
    evaluation_b1 = evaluation_create(
        commune=world.commune_b1, criteria_set=world.criteria_set, year=2024, half=2, actor=None
    )
    approve(evaluation_b1)
    evaluation_a3 = evaluation_create(
        commune=world.commune_a3, criteria_set=world.criteria_set, year=2024, half=2, actor=None
    )
    approve(evaluation_a3)
    recognition_b1 = Recognition.objects.create(
        commune=world.commune_b1,
        level=Recognition.Level.NTM,
        decision_number="99/QĐ-UBND",
        decision_date=date(2024, 5, 1),
    )
    inspection_b1 = Inspection.objects.create(
        assignment=world.agency_b.assignments.get(),
        period_start=date(2024, 10, 1),
        period_end=date(2024, 12, 31),
        due_date=date(2024, 12, 31),
    )
    document_b = Document.objects.create(
        kind=Document.Kind.SPONSORSHIP_PLAN,
        issuer=world.agency_b,
        series=f"agency:{world.agency_b.pk}",
        year=2026,
        number=1,
        symbol="KH-HND",
        issued_on=date(2026, 1, 5),
        status=Document.Status.DONE,
        pdf=ContentFile(PDF_BYTES, name="b.pdf"),
    )
    return Foreign(evaluation_b1, recognition_b1, inspection_b1, document_b)

"""Drafts stay with their authors: an inspection report being written is read by its agency and
the province office, the inspected commune reads it once submitted; a draft plan is read by the
body that writes it and the province office, everyone else once it is issued."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ntm_portal.models import Role
from reports import issuers
from reports.models import Document
from reports.services import (
    document_create,
    document_issue,
    document_render,
    issuer_profile_save,
    signatory_add,
)
from sponsorships.services import report_submit

from .api_helpers import auth, tokens_for
from .factories import UserFactory


@pytest.fixture
def inspected(world):
    """The official of the commune the world's draft report is about (Xã a2)."""
    return UserFactory(role=Role.COMMUNE, commune=world.commune_a2)


def _inspection_page(client, user, world) -> str:
    client.force_login(user)
    page = client.get(reverse("sponsorships:inspection_detail", args=[world.inspection_a2.pk]))
    assert page.status_code == 200
    return page.content.decode()


def test_the_inspected_commune_does_not_read_the_agencys_draft_report(
    client, world, personas, inspected
):
    attachment = reverse("sponsorships:attachment_download", args=[world.attachment_a2.pk])
    assert "Biên bản kiểm tra.pdf" not in _inspection_page(client, inspected, world)
    assert client.get(attachment).status_code == 404
    listed = client.get(reverse("api:inspection_list"), **auth(tokens_for({"x": inspected})["x"]))
    (row,) = [r for r in listed.json()["results"] if r["id"] == world.inspection_a2.pk]
    assert row["report"] is None
    # The agency that writes it and the province office read it.
    for author in (personas["agency"], personas["province"]):
        assert "Biên bản kiểm tra.pdf" in _inspection_page(client, author, world)
        assert client.get(attachment).status_code == 200


def test_the_commune_reads_the_report_once_submitted(client, world, personas, inspected):
    report = world.inspection_a2.report
    report_submit(report=report, version=report.version, actor=personas["agency"])
    assert "Biên bản kiểm tra.pdf" in _inspection_page(client, inspected, world)
    attachment = reverse("sponsorships:attachment_download", args=[world.attachment_a2.pk])
    assert client.get(attachment).status_code == 200
    listed = client.get(reverse("api:inspection_list"), **auth(tokens_for({"x": inspected})["x"]))
    (row,) = [r for r in listed.json()["results"] if r["id"] == world.inspection_a2.pk]
    assert row["report"]["status"] == "submitted"


@pytest.fixture
def province_draft(world):
    issuer_profile_save(
        issuer=issuers.of_area(world.province_a),
        data={"abbreviation": "UBND", "place": "Quảng Trị"},
        actor=None,
    )
    signatory_add(
        issuer=issuers.of_area(world.province_a),
        full_name="Võ Văn Hưng",
        title="Chủ tịch",
        authority="TM. Ủy ban nhân dân",
        actor=None,
    )
    draft = document_create(
        kind=Document.Kind.AREA_PLAN,
        issuer=issuers.of_area(world.province_a),
        actor=None,
        year=2026,
    )
    return document_render(document_id=draft.pk)


def test_a_draft_plan_of_the_province_is_read_by_its_office_only(
    client, world, personas, province_draft
):
    urls = [
        reverse("reports:document_detail", args=[province_draft.pk]),
        reverse("reports:document_pdf", args=[province_draft.pk]),
    ]
    for reader in ("commune", "agency", "district"):
        client.force_login(personas[reader])
        assert [client.get(url).status_code for url in urls] == [404, 404], reader
        plans = client.get(reverse("reports:province_plans", args=[world.province_a.pk]))
        assert f"/van-ban/{province_draft.pk}/" not in plans.content.decode()
    client.force_login(personas["province"])
    assert [client.get(url).status_code for url in urls] == [200, 200]


def test_an_issued_plan_is_read_by_everyone_below_the_province(
    client, world, personas, province_draft
):
    issued = document_issue(document=province_draft, actor=None, issued_on=date(2026, 12, 1))
    client.force_login(personas["commune"])
    page = client.get(reverse("reports:document_detail", args=[issued.pk]))
    assert page.status_code == 200
    # Its draft versions stay with the province office.
    assert reverse("reports:document_detail", args=[province_draft.pk]) not in (
        page.content.decode()
    )
    assert (
        client.get(reverse("reports:document_detail", args=[province_draft.pk])).status_code == 404
    )

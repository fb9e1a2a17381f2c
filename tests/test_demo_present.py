"""load_demo with the two-tier map loaded (as `make run` does): the merged Quảng Trị of today,
with its history visible, its agencies and assignments carried across 01/07/2025, its xã in
groups and evaluated against QĐ 51/2025/QĐ-TTg, and the 2026 plan issued by the new bodies."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from communes.models import Commune, Edition
from criteria.groups import group_on
from criteria.models import Evaluation
from ntm_portal.models import Role, User
from reports.demo import DEMO_PASSWORD
from reports.models import Document
from reports.services import render_html
from sponsorships.models import Agency, AssignmentTransfer
from sponsorships.transfers import pending_transfers

LOGIN = "/tai-khoan/login/"


def _present(code: str) -> Commune:
    return Commune.objects.get(edition=Edition.TWO_TIER_2025, code=code)


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("communes", "criteria", "sponsorships", "reports", "ntm_portal")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def present(db, settings):
    settings.ALLOW_DEMO_DATA = True
    for command, options in (
        ("load_divisions", {"edition": 2024}),
        ("load_divisions", {"edition": 2025}),
        ("load_lineage", {}),
        ("load_criteria", {}),
        ("load_demo", {}),
    ):
        call_command(command, stdout=StringIO(), **options)


def test_the_demo_lives_in_todays_quang_tri(client, present):
    # Today's office and commune official, reading their history.
    office = User.objects.get(username="vpdp")
    assert (office.role, office.province.edition, office.province.name) == (
        Role.PROVINCE,
        Edition.TWO_TIER_2025,
        "Tỉnh Quảng Trị",
    )
    a_doi = _present("19483")
    assert User.objects.get(username="xa").commune == a_doi
    assert User.objects.get(username="skhdt").agency.name == "Sở Tài chính Quảng Trị"

    # A Dơi was formed from Ba Tầng (9/19 in 2020, seed 000) and Xy; its villages came along.
    client.post(LOGIN, {"username": "xa", "password": DEMO_PASSWORD})
    page = client.get(reverse("communes:commune_detail", args=[a_doi.pk])).content.decode()
    assert "Hình thành từ" in page
    assert "Xã Ba Tầng" in page
    assert "Xã Xy" in page
    assert "đạt 9/19 tiêu chí" in page
    assert a_doi.villages.filter(name="Bản Xa Doan").exists()

    # Groups decided; the first half of 2026 approved against QĐ 51, the second in review.
    assert group_on(a_doi.pk, date(2026, 6, 30)) == 3
    evaluations = {
        e.half: e
        for e in Evaluation.objects.filter(commune=a_doi, criteria_set__code="QD51-2025-XA-NTM")
    }
    assert (evaluations[1].status, evaluations[1].met_count, evaluations[1].criteria_count) == (
        Evaluation.Status.APPROVED,
        7,
        10,
    )
    assert evaluations[2].status == Evaluation.Status.SUBMITTED
    status = client.get(reverse("criteria:commune_status", args=[a_doi.pk])).content.decode()
    assert "7/10" in status

    # The agencies and their assignments across 01/07/2025.
    ccb = Agency.objects.get(name="Hội Cựu chiến binh tỉnh Quảng Trị")
    assert ccb.province == office.province
    assert set(
        ccb.assignments.active_on(date(2026, 12, 1)).values_list("commune__code", flat=True)
    ) == {
        "19483",
        "19669",
        "19639",
    }
    stc = Agency.objects.get(name="Sở Tài chính Quảng Trị")
    assert set(
        stc.assignments.active_on(date(2026, 12, 1)).values_list("commune__code", flat=True)
    ) == {
        "19489",
        "19495",
        "19496",
        "19597",
    }
    assert Agency.objects.get(name="Sở Kế hoạch và Đầu tư Quảng Trị").merged_into == stc
    # The conflict on A Dơi (two sponsors) was resolved for the CCB; Xy's sponsorship ended.
    xy = AssignmentTransfer.objects.get(previous__commune__code="19492")
    assert xy.outcome == AssignmentTransfer.Outcome.ENDED
    assert "Hội Cựu chiến binh" in xy.reason
    # One agency of Quảng Bình is left for the office to transfer.
    assert {a.commune.name for a in pending_transfers(office.province)} == {
        "Xã Tân Thành",
        "Xã Hóa Sơn",
    }

    # The CCB's 2026 plan: issued by the new body, about the new communes, on QĐ 51.
    plan = Document.objects.get(
        issuer=ccb, kind=Document.Kind.SPONSORSHIP_PLAN, year=2026, state=Document.State.ISSUED
    )
    html = render_html(plan)
    assert "Xã A Dơi - tỉnh Quảng Trị đạt 7/10 tiêu chí" in html
    assert "huyện" not in html.lower()
    assert "51/2025/QĐ-TTg" in html


def test_the_present_demo_runs_twice_without_change(present):
    before = _counts()
    call_command("load_demo", stdout=StringIO())
    assert _counts() == before

"""Every link a page shows opens for the person it is shown to, and signed-in pages are never
kept by a cache.

The crawl starts at each role's home and follows the links of every page it reaches (bounded),
so a link added later to any template is checked without touching this file."""

from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from criteria.models import Evaluation
from criteria.services import evaluation_approve, evaluation_save_values, evaluation_submit
from criteria.standings import standings_refresh
from sponsorships.models import Inspection

from .conftest import PDF_BYTES, PERSONAS

HREF = re.compile(r'href="([^"#]*)"')
PAGES_PER_ROLE = 150
VARIANTS_PER_PATH = 2
NOT_FOLLOWED = ("/admin/", "/static/", "/media/", "/tai-khoan/")


def _links(page: str) -> list[str]:
    return [unescape(link) for link in HREF.findall(page) if link.startswith("/")]


@pytest.fixture
def approved_world(world, personas):
    """An approved evaluation, so that the dashboards have figures (and links) to show."""
    evaluation = world.evaluation_a1
    values = {
        indicator.pk: value
        for indicator, value in zip(
            [i for c in world.criteria_set.criteria.all() for i in c.indicators.all()],
            ["Đạt", "80", "3"],
            strict=True,
        )
    }
    evaluation_save_values(
        evaluation=evaluation,
        raw_values=values,
        notes={},
        version=evaluation.version,
        actor=personas["commune"],
    )
    evaluation = evaluation_submit(
        evaluation=Evaluation.objects.get(pk=evaluation.pk),
        version=evaluation.version + 1,
        actor=personas["commune"],
    )
    evaluation_approve(
        evaluation=evaluation, version=evaluation.version, actor=personas["province"]
    )
    standings_refresh(commune_ids=[world.commune_a1.pk])
    world.inspection_a2.report.attachments.first().file.save(
        "x.pdf", ContentFile(PDF_BYTES), save=True
    )
    # An inspection due now: the dashboards list the agency.
    today = timezone.localdate()
    Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        kind=Inspection.Kind.AD_HOC,
        period_start=today,
        period_end=today,
        due_date=today,
    )
    return world


@pytest.mark.parametrize("role", [p for p in PERSONAS if p != "norole"])
def test_every_link_shown_opens_for_its_reader(client, approved_world, personas, role):
    client.force_login(personas[role])
    queue = deque([(reverse("home"), "")])
    seen: set[str] = set()
    per_path: Counter[str] = Counter()
    broken = []
    while queue and len(seen) < PAGES_PER_ROLE:
        url, source = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(NOT_FOLLOWED) or per_path[path] >= VARIANTS_PER_PATH:
            continue
        seen.add(url)
        per_path[path] += 1
        response = client.get(url)
        if "default-src 'self'" not in response.get("Content-Security-Policy", ""):
            broken.append((url, "no Content-Security-Policy", f"linked from {source}"))
        if response.status_code in (301, 302):
            queue.append((response["Location"], source))
            continue
        if response.status_code != 200:
            broken.append((url, response.status_code, f"linked from {source}"))
            continue
        if "text/html" in response.get("Content-Type", ""):
            for link in _links(response.content.decode()):
                if link not in seen:
                    queue.append((link, url))
    assert len(seen) > 5
    assert broken == []


def test_district_staff_see_no_link_to_an_agency_page(client, approved_world, personas):
    client.force_login(personas["district"])
    page = client.get(reverse("dashboards:overview")).content.decode()
    assert approved_world.agency_a.name in page  # the agency's figures are there…
    agency_page = reverse("sponsorships:agency_detail", args=[approved_world.agency_a.pk])
    assert f'href="{agency_page}"' not in page  # …but not a link it may not open


@pytest.mark.parametrize(
    ("name", "target", "params"),
    [
        ("communes:commune_detail", "commune_a1", {}),
        ("communes:commune_list", None, {"xuat": "xlsx"}),
        ("criteria:review_queue", None, {"xuat": "csv"}),
        ("criteria:evidence_download", "evidence_a1", {}),
        ("reports:document_pdf", "document_a", {}),
        ("dashboards:overview", None, {}),
    ],
)
def test_signed_in_pages_and_exports_are_never_cached(
    client, approved_world, personas, name, target, params
):
    client.force_login(personas["admin"])
    args = [getattr(approved_world, target).pk] if target else []
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control

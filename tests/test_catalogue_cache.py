"""A criteria set's catalogue is built once per set and version, not on every page (issue 29),
and whatever writes the catalogue (the admin, the loader, the catalogue roster) shows at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.admin import IndicatorAdmin
from criteria.catalogue import catalogue_load
from criteria.catalogue_cache import catalogue_version, set_catalogue
from criteria.models import Indicator, Threshold

CATALOGUE_TABLES = ("criteria_criterion", "criteria_indicator", "criteria_threshold")


def _catalogue_queries(client, url: str) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    reads = [
        q["sql"]
        for q in captured
        if any(f'FROM "{table}"' in q["sql"] for table in CATALOGUE_TABLES)
    ]
    # The page less its CSRF token (masked afresh on each response).
    return reads, re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_the_evaluation_page_reads_the_catalogue_once(client, world, personas):
    client.force_login(personas["commune"])
    url = reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk])
    first, page = _catalogue_queries(client, url)
    assert len(first) == 3  # criteria, indicators, thresholds
    again, same = _catalogue_queries(client, url)
    assert again == []
    assert same == page
    status, _ = _catalogue_queries(
        client, reverse("criteria:commune_status", args=[world.commune_a1.pk])
    )
    assert status == []  # the commune's page shares it


def test_an_admin_edit_of_a_threshold_shows_at_once(client, world, personas):
    client.force_login(personas["commune"])
    url = reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk])
    _, page = _catalogue_queries(client, url)
    assert "≥ 70 %" in page
    indicator = Indicator.objects.get(criterion__criteria_set=world.criteria_set, number="2.1")
    version = catalogue_version()
    Threshold.objects.filter(indicator=indicator, region="").update(value=75)
    request = RequestFactory().post("/")
    request.user = personas["admin"]
    IndicatorAdmin(Indicator, admin.site).save_related(request, _NoForm(), [], change=True)
    assert catalogue_version() != version
    _, page = _catalogue_queries(client, url)
    assert "≥ 75 %" in page
    assert "≥ 70 %" not in page


class _NoForm:
    """What save_related needs of a form when no field changed."""

    def save_m2m(self) -> None:
        pass


@pytest.mark.django_db
def test_loading_the_catalogue_changes_its_version():
    version = catalogue_version()
    catalogue_load(directory=Path(settings.BASE_DIR) / "fixtures" / "criteria")
    assert catalogue_version() != version


def test_a_catalogue_is_kept_per_set_and_version(world):
    built = set_catalogue(world.criteria_set.pk)
    assert set_catalogue(world.criteria_set.pk) is built
    numbers = [(c.number, [i.number for i, _t in indicators]) for c, indicators in built]
    assert numbers == [(1, ["1.1"]), (2, ["2.1"]), (3, ["3.1"])]
    thresholds = {i.number: [t.value for t in found] for _c, ind in built for i, found in ind}
    assert sorted(thresholds["2.1"]) == [50, 70]
    from criteria.catalogue_cache import catalogue_changed

    catalogue_changed()
    assert set_catalogue(world.criteria_set.pk) is not built

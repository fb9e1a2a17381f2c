"""A province office's family of provinces across 01/07/2025, read from the cache (issue 17):
the same reach as the subquery, no query once cached, and never older than the lineage."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from communes.access import communes_visible_to, province_family
from communes.models import ProvinceLineage
from ntm_portal.models import Role
from sponsorships.access import inspections_visible_to

from .conftest import REORGANISED_ON
from .factories import ProvinceFactory, UserFactory


@pytest.fixture
def cached(settings):
    settings.PROVINCE_FAMILY_CACHE_SECONDS = 3600


@pytest.mark.django_db
def test_the_cached_family_reaches_what_the_subquery_reaches(world, reorganised, settings):
    office = UserFactory(username="vp_qt25", role=Role.PROVINCE, province=reorganised.province)
    uncached = set(communes_visible_to(office).values_list("pk", flat=True))
    inspections = set(inspections_visible_to(office).values_list("pk", flat=True))
    settings.PROVINCE_FAMILY_CACHE_SECONDS = 3600
    family = province_family(reorganised.province.pk)
    assert family == sorted(
        [reorganised.province.pk, world.province_a.pk, reorganised.neighbour.pk]
    )
    assert set(communes_visible_to(office).values_list("pk", flat=True)) == uncached
    assert reorganised.quang_phu_2024.pk in uncached  # the 2024 neighbour's history
    assert set(inspections_visible_to(office).values_list("pk", flat=True)) == inspections
    with CaptureQueriesContext(connection) as queries:
        assert province_family(reorganised.province.pk) == family
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_lineage_change_in_the_admin_reaches_the_cached_family_at_once(
    reorganised, cached, personas
):
    family = province_family(reorganised.province.pk)
    other = ProvinceFactory(short_name="Thừa Thiên Huế", name="Tỉnh Thừa Thiên Huế")
    assert other.pk not in family
    link = ProvinceLineage(
        predecessor=other, successor=reorganised.province, kind="part", effective_on=REORGANISED_ON
    )
    admin = site._registry[ProvinceLineage]
    request = RequestFactory().post("/")
    request.user = personas["admin"]
    admin.save_model(request, link, form=None, change=False)
    assert other.pk in province_family(reorganised.province.pk)
    admin.delete_model(request, link)
    assert other.pk not in province_family(reorganised.province.pk)

"""The dashboard's agencies (the national dashboard's costliest figure, issue 29) are cached like
the other figures, and a written inspection shows at once: the key holds the sponsorships'
version and the day overdue is counted on."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Commune
from reports.dashboards import Filters, Scope, top_agencies
from sponsorships.services import inspection_cancel
from sponsorships.versions import inspections_version

from .test_dashboards import OVERVIEW, data  # noqa: F401 (fixture)

HALF = {"ky": "2024-2"}


@pytest.fixture(autouse=True)
def _caching_on(settings) -> None:
    settings.DASHBOARD_CACHE_SECONDS = 7200


def _look(client, **params) -> tuple[list[str], dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(OVERVIEW, params)
    assert response.status_code == 200
    agencies = {row.pk: row for row in response.context["agencies"]}
    return [query["sql"] for query in captured], agencies


def test_a_second_look_reads_the_agencies_from_the_cache(client, data, personas):  # noqa: F811 (the fixture)
    client.force_login(personas["province"])
    first, agencies = _look(client, **HALF)
    assert [q for q in first if "sponsorships_inspection" in q]
    second, again = _look(client, **HALF)
    assert not [q for q in second if "sponsorships_inspection" in q]
    assert not [q for q in second if "sponsorships_agencyreport" in q]
    assert again == agencies
    assert agencies[data.agency_a.pk].overdue == 1


def test_a_cancelled_inspection_changes_the_agencies_at_once(client, data, personas):  # noqa: F811 (the fixture)
    client.force_login(personas["province"])
    _, before = _look(client, **HALF)
    version = inspections_version()
    inspection_cancel(inspection=data.inspection_a2, reason="Trùng lịch", actor=personas["admin"])
    assert inspections_version() != version
    _, after = _look(client, **HALF)
    row, was = after[data.agency_a.pk], before[data.agency_a.pk]
    assert (row.overdue, row.due) == (was.overdue - 1, was.due - 1)


def test_the_agencies_are_counted_again_on_another_day(data):  # noqa: F811 (the fixture)
    filters = Filters(criteria_sets=[], criteria_set=data.criteria_set, period=(2024, 2))
    scope = Scope(level="national", title="", communes=Commune.objects.all(), filters=filters)
    before_due, _ = top_agencies(scope, 20, today=date(2024, 11, 1))
    after_due, _ = top_agencies(scope, 20, today=date(2025, 1, 2))
    overdue = {row.pk: row.overdue for row in before_due}
    assert overdue[data.agency_a.pk] == 0  # due on 31/12/2024: not yet overdue in November
    assert {row.pk: row.overdue for row in after_due}[data.agency_a.pk] == 1

"""Dashboard figures cached under the standings' version, never stale; the menu's unread count
cached per user, dropped on every change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.standings import standings_version
from ntm_portal.models import Notification
from ntm_portal.notifications import notify

from .test_dashboards import ALL_MET, OVERVIEW, _approved, _get, data  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _caching_on(settings) -> None:
    settings.DASHBOARD_CACHE_SECONDS = 7200
    settings.UNREAD_COUNT_CACHE_SECONDS = 600


def _queries(client, url: str, **params) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return [query["sql"] for query in captured], response


def test_a_second_look_reads_the_figures_from_the_cache(client, data, personas):  # noqa: F811 (the fixture)
    client.force_login(personas["province"])
    first, _ = _queries(client, OVERVIEW)
    second, response = _queries(client, OVERVIEW)
    standing_queries = [q for q in second if "criteria_communestanding" in q]
    assert len(second) < len(first)
    # Only the list of xã at risk still reads the table; the counts come from the cache.
    assert len(standing_queries) == 1, standing_queries
    assert "số liệu tính đến" in response.content.decode()  # each figure says how fresh it is


def test_an_approval_changes_the_figures_at_once(client, data, personas):  # noqa: F811 (the fixture)
    client.force_login(personas["province"])
    before = _get(client, personas["province"], OVERVIEW).context["total"]
    version = standings_version()
    _approved(data, data.commune_a3, 2025, 1, ALL_MET)
    assert standings_version() != version
    after = _get(client, personas["province"], OVERVIEW).context["total"]
    assert after.all_met == before.all_met + 1
    assert after.at_risk == before.at_risk - 1


def test_each_scope_has_its_own_figures(client, data, personas):  # noqa: F811 (the fixture)
    province = _get(client, personas["province"], OVERVIEW).context["total"]
    district = _get(client, personas["district"], OVERVIEW).context["total"]
    country = _get(client, personas["admin"], OVERVIEW, phien_ban=2024).context["total"]
    assert (province.total, district.total, country.total) == (3, 2, 4)
    filtered = _get(client, personas["province"], OVERVIEW, huyen=data.district_a2.pk).context[
        "total"
    ]
    assert filtered.total == 1


@pytest.mark.django_db
def test_the_unread_count_follows_every_change(client, personas):
    user = personas["province"]
    client.force_login(user)
    home = reverse("dashboards:overview")

    def menu() -> str:
        return client.get(home).content.decode()

    assert "Thông báo (" not in menu()
    notify(users=[user], template="Hồ sơ mới", params={}, url="/")
    assert "Thông báo (1)" in menu()
    queries, _ = _queries(client, home)
    assert not [q for q in queries if "ntm_portal_notification" in q]  # from the cache
    Notification.objects.create(user=user, message="Một việc nữa", url="/")
    assert "Thông báo (2)" in menu()
    client.get(reverse("notification_list"))  # opening the list reads them
    assert "Thông báo (" not in menu()

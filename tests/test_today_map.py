"""Issue 28: a December-2026 day in a merged province, without the old map in today's pages.

Filters and tables follow the edition of what is shown: a district filter only for a period
(or scope) of the 2024 edition, no "Theo huyện" table for a 2025 province, and a province of
2024 told apart from today's province of the same name."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from criteria.models import CriteriaSet, Evaluation
from ntm_portal.models import Role
from sponsorships.models import AgencyChange

from .factories import CriteriaSetFactory, UserFactory

pytestmark = pytest.mark.django_db

REVIEW = reverse("criteria:review_queue")
CALENDAR = reverse("sponsorships:calendar")
OVERVIEW = reverse("dashboards:overview")


@pytest.fixture
def office_2025(reorganised):
    return UserFactory(username="vpdp_2025", role=Role.PROVINCE, province=reorganised.province)


def _district_select(html: str) -> list[str]:
    """The district options offered, or [] when there is no district filter."""
    found = re.search(r'<select name="district">(.*?)</select>', html, re.S)
    return (
        re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", found.group(1)) if found else []
    )


def test_review_queue_of_todays_province_offers_no_abolished_district(
    client, world, reorganised, office_2025
):
    client.force_login(office_2025)
    assert _district_select(client.get(REVIEW).content.decode()) == []
    # Looking at a year of the three-tier era, its districts are what the filter offers.
    old = _district_select(client.get(REVIEW, {"year": 2024}).content.decode())
    assert "Huyện Hướng Hóa" in old
    # A 2024 province's office keeps its districts.
    client.force_login(
        UserFactory(username="vpdp_cu", role=Role.PROVINCE, province=world.province_a)
    )
    assert "Huyện Hướng Hóa" in _district_select(client.get(REVIEW).content.decode())


def test_calendar_of_todays_province_offers_districts_only_for_a_year_before_the_merger(
    client, world, reorganised, office_2025
):
    client.force_login(office_2025)
    assert _district_select(client.get(CALENDAR, {"year": 2026}).content.decode()) == []
    assert "Huyện Hướng Hóa" in _district_select(
        client.get(CALENDAR, {"year": 2024}).content.decode()
    )


def test_the_2025_province_dashboard_has_no_table_by_district(client, two_tier):
    client.force_login(two_tier.staff)
    html = client.get(OVERVIEW).content.decode()
    assert html.count('id="kpi-') > 0  # the figures are there
    assert "Theo huyện" not in html
    assert 'id="breakdown"' not in html


def test_a_2024_province_dashboard_keeps_its_table_by_district(client, world, personas):
    client.force_login(personas["province"])
    html = client.get(OVERVIEW, {"bo": world.criteria_set.pk}).content.decode()
    assert "Theo huyện" in html


def test_an_agency_moved_to_the_province_of_the_same_name_says_which_is_which(
    client, world, reorganised, office_2025
):
    AgencyChange.objects.create(
        kind=AgencyChange.Kind.REHOME,
        agency=world.agency_a,
        from_province=world.province_a,
        to_province=reorganised.province,
        on=date(2025, 7, 1),
        actor=office_2025,
    )
    admin = UserFactory(username="qt", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("sponsorships:agency_detail", args=[world.agency_a.pk]))
    text = html.content.decode()
    assert "chuyển từ Tỉnh Quảng Trị (trước 01/07/2025) sang Tỉnh Quảng Trị" in text
    assert "chuyển từ Tỉnh Quảng Trị sang Tỉnh Quảng Trị" not in text


# --- Point 4: the set's name, and only the sets of the user's scope -----------------------------


def test_review_queue_names_sets_and_offers_only_those_used_in_scope(client, world, personas):
    village_set = CriteriaSetFactory(
        code="BG741", name="Bộ tiêu chí thôn NTM Bắc Giang", level=CriteriaSet.Level.THON
    )
    Evaluation.objects.create(
        commune=world.commune_b1,
        criteria_set=village_set,
        year=2024,
        half=2,
        period_end=date(2024, 12, 31),
    )
    client.force_login(personas["province"])
    html = client.get(REVIEW, {"status": ""}).content.decode()
    offered = re.search(r'<select name="set">(.*?)</select>', html, re.S).group(1)
    assert world.criteria_set.name in offered
    assert "Bắc Giang" not in offered
    assert world.criteria_set.code not in html  # people read the name, not the code


# --- Point 5: defaults and links ----------------------------------------------------------------


def test_the_new_period_form_proposes_a_period_the_commune_does_not_have(client, two_tier):
    from criteria.selectors import new_period_for
    from criteria.services import evaluation_create

    xa, today = two_tier.xa_1, date(2026, 12, 7)
    assert (new_period_for(xa, today).year, new_period_for(xa, today).half) == (2026, 2)
    for half in (1, 2):
        evaluation_create(commune=xa, criteria_set=two_tier.qd51, year=2026, half=half, actor=None)
    proposed = new_period_for(xa, today)
    # II/2026 exists already (issue 28): the first half-year without an evaluation.
    assert (proposed.criteria_set, proposed.year, proposed.half) == (two_tier.qd51, 2027, 1)
    client.force_login(two_tier.official)
    html = client.get(reverse("criteria:commune_status", args=[xa.pk])).content.decode()
    form = html[html.index('id="year"') :]
    assert 'value="2026"' not in form[: form.index(">")]


def test_villages_met_on_the_dashboard_open_the_communes_that_have_villages(
    client, world, personas
):
    from django.utils import timezone

    from criteria.models import CommuneSummary

    CommuneSummary.objects.update_or_create(
        commune=world.commune_a1,
        defaults={"villages_total": 8, "villages_met": 0, "refreshed_at": timezone.now()},
    )
    client.force_login(personas["province"])
    html = client.get(OVERVIEW, {"bo": world.criteria_set.pk}).content.decode()
    link = re.search(r'<a class="kpi" href="([^"]+)" id="kpi-villages">', html).group(1)
    assert "nhom=co-thon" in link
    listed = client.get(link.replace("&amp;", "&"))
    assert [c.name for c in listed.context["page"].object_list] == ["Xã Ba Tầng"]
    assert "0/8" in listed.content.decode()

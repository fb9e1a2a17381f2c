"""Browsing pages: what each role sees, search, and query counts independent of data size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Commune
from sponsorships.models import Assignment

from .factories import CommuneFactory, VillageFactory


def test_commune_official_sees_their_commune_and_villages(client, world, personas):
    client.force_login(personas["commune"])
    response = client.get(reverse("communes:commune_detail", args=[world.commune_a1.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Xã Ba Tầng" in page
    assert "Bản Xa Doan" in page
    assert "Bản Vầng" in page
    assert "Thôn, bản (2)" in page


def test_commune_official_cannot_open_other_commune(client, world, personas):
    client.force_login(personas["commune"])
    response = client.get(reverse("communes:commune_detail", args=[world.commune_a2.pk]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_home_sends_each_role_to_its_scope(client, world, personas):
    expected = {
        "admin": reverse("communes:province_list"),
        # Province and district staff land on their dashboard (issue 14.7).
        "province": reverse("dashboards:overview"),
        "district": reverse("dashboards:overview"),
        "commune": reverse("criteria:commune_status", args=[world.commune_a1.pk]),
        "agency": reverse("sponsorships:agency_detail", args=[world.agency_a.pk]),
    }
    for role, url in expected.items():
        client.force_login(personas[role])
        assert client.get("/")["Location"] == url, role


def test_user_without_role_is_told_to_ask_for_access(client, personas):
    client.force_login(personas["norole"])
    response = client.get("/")
    assert response.status_code == 403
    assert "chưa được phân quyền" in response.content.decode()


def test_province_list_shows_only_the_province_in_scope(client, world, personas):
    client.force_login(personas["province"])
    page = client.get(reverse("communes:province_list") + "?edition=2024").content.decode()
    assert "Tỉnh Quảng Trị" in page
    assert "Tỉnh Lai Châu" not in page


def test_unknown_edition_parameter_falls_back_instead_of_failing(client, world, personas):
    client.force_login(personas["admin"])
    for value in ("1999", "abc", ""):
        response = client.get(reverse("communes:province_list"), {"edition": value})
        assert response.status_code == 200, value


def test_district_staff_sees_only_their_district_in_the_province(client, world, personas):
    client.force_login(personas["district"])
    page = client.get(
        reverse("communes:province_detail", args=[world.province_a.pk])
    ).content.decode()
    assert "Huyện Hướng Hóa" in page
    assert "Huyện Triệu Phong" not in page


def test_search_ignores_diacritics_and_case(client, world, personas):
    client.force_login(personas["province"])
    for query in ("ba tang", "BA TẦNG", "Ba Tầng", world.commune_a1.code):
        page = client.get(reverse("communes:commune_list"), {"q": query}).content.decode()
        assert "Xã Ba Tầng" in page, query
        assert "Xã Triệu Long" not in page, query


def test_search_never_reaches_outside_scope(client, world, personas):
    client.force_login(personas["commune"])
    page = client.get(reverse("communes:commune_list"), {"q": "xa"}).content.decode()
    assert "Xã Ba Tầng" in page
    assert "Xã Thuận" not in page
    assert "Xã Bình Lư" not in page


def test_agency_member_sees_only_active_assignments(client, world, personas):
    client.force_login(personas["agency"])
    url = reverse("communes:commune_detail", args=[world.commune_a2.pk])
    assert client.get(url).status_code == 200
    Assignment.objects.filter(commune=world.commune_a2).update(end="2021-12-31")
    assert client.get(url).status_code == 404


def test_inactive_user_sees_nothing(client, world, personas):
    user = personas["province"]
    client.force_login(user)
    user.is_active = False
    user.save()
    response = client.get(reverse("communes:province_detail", args=[world.province_a.pk]))
    assert response.status_code in (302, 404)


def _grow(world, communes: int) -> None:
    """Add communes (with a village each) to district_a1 until it holds `communes`."""
    existing = Commune.objects.filter(district=world.district_a1).count()
    for _ in range(communes - existing):
        VillageFactory(commune=CommuneFactory(district=world.district_a1))


def _query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("admin", "province_list"),
        ("province", "province_detail"),
        ("province", "province_search"),
        ("district", "district_detail"),
        ("province", "commune_list"),
        ("agency", "agency_detail"),
    ],
)
def test_list_pages_keep_a_constant_query_count(client, world, personas, role, page):
    urls = {
        "province_list": reverse("communes:province_list") + "?edition=2024",
        "province_detail": reverse("communes:province_detail", args=[world.province_a.pk]),
        "province_search": reverse("communes:province_detail", args=[world.province_a.pk])
        + "?q=xa",
        "district_detail": reverse("communes:district_detail", args=[world.district_a1.pk]),
        "commune_list": reverse("communes:commune_list"),
        "agency_detail": reverse("sponsorships:agency_detail", args=[world.agency_a.pk]),
    }
    client.force_login(personas[role])
    _grow(world, 10)
    small = _query_count(client, urls[page])
    _grow(world, 1000)
    for commune in Commune.objects.filter(district=world.district_a1)[:200]:
        Assignment.objects.get_or_create(
            agency=world.agency_a,
            commune=commune,
            defaults={"kind": "phu_trach", "start": "2020-07-14"},
        )
    assert _query_count(client, urls[page]) == small


def test_commune_page_query_count_does_not_grow_with_villages(client, world, personas):
    client.force_login(personas["commune"])
    url = reverse("communes:commune_detail", args=[world.commune_a1.pk])
    small = _query_count(client, url)
    for _ in range(60):
        VillageFactory(commune=world.commune_a1)
    assert _query_count(client, url) == small


def test_pages_render_in_english_when_asked(client, world, personas):
    client.force_login(personas["commune"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("communes:commune_detail", args=[world.commune_a1.pk]))
    assert "Villages" in page.content.decode()
    assert page["Content-Language"] == "en"


def test_village_count_column_counts_villages(client, world, personas):
    client.force_login(personas["province"])
    page = client.get(reverse("communes:district_detail", args=[world.district_a1.pk]))
    rows = {c.name: c.village_count for c in page.context["page"].object_list}
    assert rows["Xã Ba Tầng"] == 2
    assert rows["Xã Thuận"] == 0


def test_browser_language_does_not_override_vietnamese(client, world, personas):
    client.force_login(personas["commune"])
    url = reverse("communes:commune_detail", args=[world.commune_a1.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "vi"
    assert "Thôn, bản" in page.content.decode()


def test_lists_sort_the_vietnamese_way(client, world, personas):
    CommuneFactory(district=world.district_a1, name="Xã Đa Lộc", short_name="Đa Lộc")
    CommuneFactory(district=world.district_a1, name="Xã Ân Phú", short_name="Ân Phú")
    client.force_login(personas["province"])
    page = client.get(reverse("communes:district_detail", args=[world.district_a1.pk]))
    names = [c.name for c in page.context["page"].object_list]
    assert names == ["Xã Ân Phú", "Xã Ba Tầng", "Xã Đa Lộc", "Xã Thuận"]

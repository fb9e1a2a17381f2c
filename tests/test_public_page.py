"""A province's public page: off until its office publishes it; then anyone reads it without
signing in, and it shows aggregates and official decisions only — no person's name, no
evidence, no inspection report. Cached, and it says how fresh it is."""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Edition, LineageKind, ProvinceLineage
from criteria.models import Recognition
from criteria.standings import standings_refresh
from ntm_portal.security import security_log
from reports.boundaries import commune_boundaries_process
from reports.models import CommuneBoundarySet, CommuneBoundaryUpload, PublicProvincePage
from reports.public import public_page_forget

from .api_helpers import add_foreign_and_own
from .boundary_files import communes_file, upload
from .factories import CommuneFactory, ProvinceFactory, UserFactory
from .test_demo import demo  # noqa: F401 (the fixture)


@pytest.fixture
def published(world, personas):
    add_foreign_and_own(world)  # a recognition with its signer, approved evaluations
    standings_refresh()  # what beat does hourly: the recognitions entered into the summaries
    PublicProvincePage.objects.create(province=world.province_a, is_published=True)
    public_page_forget(world.province_a.pk)
    return world


def test_an_unpublished_page_is_missing_for_everyone(client, world, personas):
    url = reverse("public:province", args=[world.province_a.pk])
    assert client.get(url).status_code == 404
    client.force_login(personas["province"])
    assert client.get(url).status_code == 404
    PublicProvincePage.objects.create(province=world.province_a, is_published=False)
    assert client.get(url).status_code == 404


def test_anyone_reads_a_published_page_and_shared_caches_may_keep_it(client, published, personas):
    url = reverse("public:province", args=[published.province_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "max-age=600" in response["Cache-Control"]
    page = response.content.decode()
    assert "Tỉnh Quảng Trị" in page
    assert "Số liệu tổng hợp lúc" in page
    for name in ("Xã Ba Tầng", "Xã Thuận", "Xã Triệu Long"):
        assert name in page
    assert "12/QĐ-UBND" in page  # the recognition decision of Ba Tầng
    assert "Đạt chuẩn nông thôn mới: 1" in page
    assert "Xã Bình Lư" not in page
    assert "99/QĐ-UBND" not in page
    client.force_login(personas["district"])
    signed_in = client.get(url)
    assert signed_in.status_code == 200
    assert "no-store" in signed_in["Cache-Control"]


def test_the_page_shows_no_names_evidence_or_inspection_reports(client, published, personas):
    world = published
    report = world.inspection_a2.report
    report.participants = "Trần Thị Kiểm Tra, Lê Văn Đoàn"
    report.save()
    UserFactory(username="ong_ba", first_name="Hoàng", last_name="Văn Bí Mật")
    page = client.get(reverse("public:province", args=[world.province_a.pk])).content.decode()
    forbidden = [
        "Nguyễn Văn Ký",  # the recognition's signer
        "Trần Thị Kiểm Tra",  # the inspection's members
        "Văn Bí Mật",
        "nguoi_tai_len",  # who uploaded the evidence
        "vpdp_p",
        "xa_p",
        world.evidence_a1.original_name,
        world.attachment_a2.original_name,
        reverse("criteria:evidence_download", args=[world.evidence_a1.pk]),
        reverse("sponsorships:attachment_download", args=[world.attachment_a2.pk]),
        reverse("sponsorships:inspection_detail", args=[world.inspection_a2.pk]),
        reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk]),
        world.agency_a.name,
        "/minh-chung/",
        "/kiem-tra/",
    ]
    assert [text for text in forbidden if text in page] == []


def test_the_page_is_built_once_then_served_from_the_cache(client, published):
    url = reverse("public:province", args=[published.province_a.pk])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    with CaptureQueriesContext(connection) as second:
        again = client.get(url)
    assert len(second) < len(first)
    assert len(second) <= 3  # the session-less request: the province, and nothing to build
    assert "12/QĐ-UBND" in again.content.decode()
    Recognition.objects.create(
        commune=published.commune_a2,
        level="ntm",
        decision_number="77/QĐ-UBND",
        decision_date="2025-01-02",
    )
    assert "77/QĐ-UBND" not in client.get(url).content.decode()  # until the cache expires
    public_page_forget(published.province_a.pk)
    assert "77/QĐ-UBND" in client.get(url).content.decode()


def test_without_boundaries_the_page_says_so_and_with_them_draws_the_communes(
    client, published, personas, django_capture_on_commit_callbacks
):
    url = reverse("public:province", args=[published.province_a.pk])
    # The commune map's section (the province's place on the country map is drawn always).
    page = client.get(url).content.decode().split('id="map-title"')[1]
    assert "chưa tải lên ranh giới" in page
    assert 'class="chart map"' not in page
    client.force_login(personas["province"])
    communes = [published.commune_a1, published.commune_a2, published.commune_a3]
    settings_url = reverse("public:province_settings", args=[published.province_a.pk])
    response = client.post(
        settings_url, {"action": "boundaries", "file": upload(communes_file(communes))}
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):  # the worker's part, as it runs it
        commune_boundaries_process(upload_id=CommuneBoundaryUpload.objects.get().pk)
    client.logout()
    page = client.get(url).content.decode().split('id="map-title"')[1]
    assert 'class="chart map"' in page
    assert page.count("<path ") >= 3


def test_the_office_publishes_and_withdraws_its_page(
    client, world, personas, django_capture_on_commit_callbacks, caplog
):
    settings_url = reverse("public:province_settings", args=[world.province_a.pk])
    client.force_login(personas["province"])
    with caplog.at_level(logging.INFO, logger=security_log.name):
        assert client.post(settings_url, {"action": "publish"}).status_code == 302
    page = PublicProvincePage.objects.get(province=world.province_a)
    assert page.is_published
    assert page.changed_by == personas["province"]
    assert (
        f"Public page of province {world.province_a.pk} published by user={personas['province'].pk}"
        in caplog.text
    )
    client.logout()
    login = client.get(reverse("login")).content.decode()
    assert reverse("public:province", args=[world.province_a.pk]) in login
    assert client.get(reverse("public:province", args=[world.province_a.pk])).status_code == 200
    client.force_login(personas["province"])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(settings_url, {"action": "unpublish"}).status_code == 302
    client.logout()
    assert client.get(reverse("public:province", args=[world.province_a.pk])).status_code == 404
    assert (
        reverse("public:province", args=[world.province_a.pk])
        not in client.get(reverse("login")).content.decode()
    )


@pytest.mark.parametrize("role", ["district", "commune", "agency", "norole"])
def test_only_its_office_and_admins_publish(client, world, personas, role):
    client.force_login(personas[role])
    url = reverse("public:province_settings", args=[world.province_a.pk])
    assert client.post(url, {"action": "publish"}).status_code in (403, 404)
    assert not PublicProvincePage.objects.exists()
    assert not CommuneBoundarySet.objects.exists()


def test_an_unknown_action_is_named_and_writes_nothing(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("public:province_settings", args=[world.province_a.pk])
    response = client.post(url, {"action": "xoa-het"})
    assert response.status_code == 200
    assert "Thao tác không hợp lệ." in response.content.decode()
    assert not PublicProvincePage.objects.exists()


@pytest.mark.usefixtures("demo")
def test_the_demo_publishes_quang_tri_and_the_sign_in_page_links_it(client):
    page = PublicProvincePage.objects.select_related("province").get(is_published=True)
    assert page.province.name == "Tỉnh Quảng Trị"
    url = reverse("public:province", args=[page.province.pk])
    assert url in client.get(reverse("login")).content.decode()
    public = client.get(url).content.decode()
    assert "Xã Ba Tầng" in public
    assert "vpdp" not in public


@pytest.fixture
def merged(world, personas):
    """Quảng Trị (2024) went into today's Quảng Trị; both publish their page."""
    today = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, code="44", short_name="Quảng Trị", name="Tỉnh Quảng Trị"
    )
    ProvinceLineage.objects.create(
        predecessor=world.province_a,
        successor=today,
        kind=LineageKind.WHOLE,
        effective_on=date(2025, 7, 1),
    )
    CommuneFactory(district=None, province=today, name="Xã Hướng Lập")
    CommuneFactory(district=None, province=today, name="Xã Lìa")
    for province in (world.province_a, today):
        PublicProvincePage.objects.create(
            province=province, is_published=True, changed_by=personas["province"]
        )
    return today


def test_the_sign_in_page_lists_todays_provinces_once(client, world, merged):
    login = client.get(reverse("login")).content.decode()
    links = re.findall(r'<a href="(/cong-khai/[^"]+)">([^<]+)</a>', login)
    assert len(links) == len(set(links))
    assert len({label for _url, label in links}) == len(links)
    assert reverse("public:province", args=[merged.pk]) in login
    assert reverse("public:province", args=[world.province_a.pk]) not in login


def test_the_former_province_is_reached_from_its_successor(client, world, merged):
    today = client.get(reverse("public:province", args=[merged.pk])).content.decode()
    former = reverse("public:province", args=[world.province_a.pk])
    assert f'<a href="{former}">Tỉnh Quảng Trị (đến 30/06/2025)</a>' in today
    page = client.get(former).content.decode()
    assert "Kết quả xây dựng nông thôn mới – Tỉnh Quảng Trị (đến 30/06/2025)" in page
    back = reverse("public:province", args=[merged.pk])
    assert f'<a href="{back}">Tỉnh Quảng Trị (từ 01/07/2025)</a>' in page


def test_the_page_draws_its_figures_and_the_province_on_the_map(client, world, merged):
    page = client.get(reverse("public:province", args=[merged.pk])).content.decode()
    chart = page[page.index('id="public-levels-chart"') :]
    assert chart.index('<svg class="chart"') < 200
    assert "<title>Chưa đạt chuẩn: 2/2</title>" in chart
    assert "<title>Đạt chuẩn nông thôn mới: 0/2</title>" in chart
    province_map = page[page.index('id="public-province-map"') :]
    assert province_map.index('<svg class="chart map"') < 200
    # Today's Quảng Trị (code 44) is drawn with its figure, the 33 other provinces pale.
    assert "<title>Tỉnh Quảng Trị: 0/2 xã" in province_map
    assert province_map.count(": tỉnh khác</title>") == 33

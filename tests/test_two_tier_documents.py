"""Documents in the two-tier era: no district named after 30/06/2025, no district plan issued
after it, and plans for 2026–2030 citing QĐ 51/2025/QĐ-TTg."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from reports import issuers
from reports.models import Document
from reports.services import DocumentError, document_create, document_regenerate, render_html

from .conftest import load_qd51


def test_place_labels_name_the_district_only_while_districts_exist(world, two_tier):
    commune = world.commune_a1
    assert commune.place_label() == "Xã Ba Tầng - huyện Hướng Hóa"
    assert commune.place_label(on=date(2025, 6, 30)) == "Xã Ba Tầng - huyện Hướng Hóa"
    assert commune.place_label(on=date(2025, 7, 1)) == "Xã Ba Tầng - tỉnh Quảng Trị"
    assert two_tier.xa_1.place_label() == "Xã Ba Tầng - tỉnh Quảng Trị"
    assert two_tier.xa_1.place_label(on=date(2026, 12, 1)) == "Xã Ba Tầng - tỉnh Quảng Trị"


def test_a_plan_dated_after_june_2025_names_no_district(world):
    document = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN, issuer=world.agency_a, actor=None
    )
    assert document.as_of > date(2025, 6, 30)
    html = render_html(document)
    assert "Xã Thuận - tỉnh Quảng Trị" in html
    assert "huyện" not in html.lower()
    # The same plan dated in 2024 still reads as it did then.
    dated = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN,
        issuer=world.agency_a,
        actor=None,
        dated_for=date(2024, 11, 10),
    )
    assert "Xã Thuận - huyện Hướng Hóa" in render_html(dated)


def test_no_district_plan_is_issued_after_the_districts_ended(client, world, personas):
    with pytest.raises(DocumentError, match="Từ 01/07/2025 không còn Ủy ban nhân dân cấp huyện"):
        document_create(
            kind=Document.Kind.AREA_PLAN,
            issuer=issuers.of_area(world.district_a1),
            actor=None,
            year=2026,
        )
    url = reverse("reports:district_plans", args=[world.district_a1.pk])
    client.force_login(personas["province"])
    page = client.get(url).content.decode()
    assert "Từ 01/07/2025 không còn Ủy ban nhân dân cấp huyện" in page
    assert 'value="new_plan"' not in page
    response = client.post(url, {"action": "new_plan", "year": "2026"}, follow=True)
    assert "Huyện Hướng Hóa không ban hành văn bản ngày" in response.content.decode()
    assert not Document.objects.filter(issuer_district=world.district_a1).exists()
    # The province and the commune still plan.
    assert (
        'value="new_plan"'
        in client.get(
            reverse("reports:province_plans", args=[world.province_a.pk])
        ).content.decode()
    )


def test_an_old_district_plan_is_kept_but_not_redrafted(client, world, personas):
    issuer = issuers.of_area(world.district_a1)
    old = document_create(
        kind=Document.Kind.AREA_PLAN,
        issuer=issuer,
        actor=None,
        year=2025,
        dated_for=date(2025, 3, 1),
    )
    # A draft left undated speaks for today, when the district no longer exists.
    Document.objects.filter(pk=old.pk).update(dated_for=None)
    old.refresh_from_db()
    with pytest.raises(DocumentError, match="Từ 01/07/2025 không còn Ủy ban nhân dân cấp huyện"):
        document_regenerate(document=old, actor=None)
    client.force_login(personas["province"])
    response = client.post(
        reverse("reports:document_regenerate", args=[old.pk]), {"version": old.version}, follow=True
    )
    assert "không còn Ủy ban nhân dân cấp huyện" in response.content.decode()
    assert Document.objects.filter(series=issuer.series).count() == 1
    assert client.get(reverse("reports:document_detail", args=[old.pk])).status_code == 200


@pytest.mark.parametrize(("year", "cites_qd51"), [(2025, False), (2026, True), (2030, True)])
def test_plans_of_2026_2030_cite_the_set_in_force(world, tmp_path, year, cites_qd51):
    load_qd51(tmp_path)
    for kind, area in (
        (Document.Kind.COMMUNE_PLAN, world.commune_a1),
        (Document.Kind.AREA_PLAN, world.province_a),
    ):
        document = document_create(
            kind=kind,
            issuer=issuers.of_area(area),
            actor=None,
            year=year,
            dated_for=date(2025, 6, 1)
            if kind == Document.Kind.AREA_PLAN and year == 2025
            else None,
        )
        cited = [row.legal_document.citation() for row in document.citation_rows.all()]
        expected = "Căn cứ Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025"
        assert any(line.startswith(expected) for line in cited) == cites_qd51, (kind, year, cited)

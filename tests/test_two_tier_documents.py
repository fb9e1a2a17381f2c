"""Documents in the two-tier era: no district named after 30/06/2025, no district plan issued
after it, and plans for 2026–2030 citing QĐ 51/2025/QĐ-TTg."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from reports import content, issuers
from reports.models import Document
from reports.services import (
    DocumentRefused,
    document_create,
    document_regenerate,
    render_html,
)


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
    assert document.issued_on > date(2025, 6, 30)
    html = render_html(document)
    assert "Xã Thuận - tỉnh Quảng Trị" in html
    assert "huyện" not in html.lower()
    # The same plan dated in 2024 still reads as it did then.
    document.issued_on = date(2024, 11, 10)
    assert "Xã Thuận - huyện Hướng Hóa" in render_html(document)


def test_no_district_plan_is_issued_after_the_districts_ended(client, world, personas):
    with pytest.raises(DocumentRefused, match="không còn từ 01/07/2025"):
        document_create(
            kind=Document.Kind.AREA_PLAN,
            issuer=issuers.of_area(world.district_a1),
            actor=None,
            year=2026,
        )
    url = reverse("reports:district_plans", args=[world.district_a1.pk])
    client.force_login(personas["province"])
    page = client.get(url).content.decode()
    assert "Cấp huyện kết thúc hoạt động ngày 30/06/2025" in page
    assert 'value="new_plan"' not in page
    response = client.post(url, {"action": "new_plan", "year": "2026"}, follow=True)
    assert "Ủy ban nhân dân huyện Hướng Hóa không còn từ 01/07/2025" in response.content.decode()
    assert not Document.objects.filter(issuer_district=world.district_a1).exists()
    # The province and the commune still plan.
    assert (
        'value="new_plan"'
        in client.get(
            reverse("reports:province_plans", args=[world.province_a.pk])
        ).content.decode()
    )


def test_an_old_district_plan_is_kept_but_not_reissued(client, world, personas):
    issuer = issuers.of_area(world.district_a1)
    old = Document.objects.create(
        kind=Document.Kind.AREA_PLAN,
        **issuer.fields,
        series=issuer.series,
        year=2025,
        number=1,
        symbol="KH-UBND",
        issued_on=date(2025, 3, 1),
        narrative=content.default_narrative(issuer, Document.Kind.AREA_PLAN, year=2025),
    )
    with pytest.raises(DocumentRefused):
        document_regenerate(document=old, actor=None)
    client.force_login(personas["province"])
    response = client.post(reverse("reports:document_regenerate", args=[old.pk]), follow=True)
    assert "không còn từ 01/07/2025" in response.content.decode()
    assert Document.objects.filter(series=issuer.series).count() == 1


@pytest.mark.parametrize(
    ("year", "cited", "not_cited"),
    [
        (2025, ["Quyết định số 263/QĐ-TTg", "Quyết định số 318/QĐ-TTg"], "51/2025/QĐ-TTg"),
        (2026, ["Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025"], "318/QĐ-TTg"),
        (2030, ["Quyết định số 51/2025/QĐ-TTg ngày 29/12/2025"], "263/QĐ-TTg"),
    ],
)
def test_plans_cite_the_criteria_of_their_period(world, year, cited, not_cited):
    for kind, area in (
        (Document.Kind.COMMUNE_PLAN, world.commune_a1),
        (Document.Kind.AREA_PLAN, world.province_a),
    ):
        bases = content.default_narrative(issuers.of_area(area), kind, year=year)["bases"]
        for text in cited:
            assert any(text in line for line in bases), (kind, year, text)
        assert not any(not_cited in line for line in bases), (kind, year)
    document = document_create(
        kind=Document.Kind.COMMUNE_PLAN,
        issuer=issuers.of_area(world.commune_a1),
        actor=None,
        year=year,
    )
    assert any(cited[0] in line for line in document.narrative["bases"])

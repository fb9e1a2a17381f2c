"""The "Bắt đầu với tỉnh" page in Chromium, on a desk and on a phone (issue 25)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communes.models import Edition
from ntm_portal.models import Role

from .factories import CommuneFactory, ProvinceFactory, UserFactory, VillageFactory
from .test_browser import _shot, _sign_in, page  # noqa: F401 (the fixture)


@pytest.mark.browser
def test_the_office_reads_its_steps_on_a_desk_and_on_a_phone(live_server, page):  # noqa: F811
    province = ProvinceFactory(edition=Edition.TWO_TIER_2025)
    xa = [CommuneFactory(district=None, province=province) for _ in range(5)]
    VillageFactory(commune=xa[0])
    UserFactory(role=Role.COMMUNE, commune=xa[0])
    UserFactory(username="vpdp_batdau", role=Role.PROVINCE, province=province)
    _sign_in(page, live_server.url, "vpdp_batdau")
    page.get_by_role("link", name="Bắt đầu với tỉnh").first.click()
    page.wait_for_url(f"**{reverse('reports:province_start', args=[province.pk])}")
    assert page.locator("h1").inner_text().startswith("Bắt đầu với tỉnh")
    assert page.get_by_text("4/5 xã chưa có tài khoản").is_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        # Nothing wider than the screen: the steps wrap on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=_shot(f"province-start-{width}.png"), full_page=True)

"""axe-core over the twenty most used pages (issue 28): each role's start page, the lists, a
commune's page, the evaluation form, the calendar, the review queue, the public page and the
sign-in page; no critical and no serious violation. axe-core is vendored (tests/vendor/, `make
vendor-axe`): nothing is fetched while the tests run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from reports.models import PublicProvincePage

from .test_browser import _sign_in, page  # noqa: F401 (the fixture)

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text("utf-8")
BLOCKING = {"critical", "serious"}


def _run_axe(page) -> dict:  # noqa: F811 (the fixture's name)
    # Evaluated through the browser's protocol, not as a <script>: the page's CSP stays as it is.
    page.evaluate(AXE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert result["testEngine"]["version"] == "4.10.3"
    return result


def _violations(page, url: str) -> list[str]:  # noqa: F811 (the fixture's name)
    response = page.goto(url)
    assert response.status == 200, url
    result = _run_axe(page)
    return [
        f"{url}: {v['id']} ({v['impact']}) {v['help']} — "
        + json.dumps([node["target"] for node in v["nodes"][:3]], ensure_ascii=False)
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.browser
def test_the_most_used_pages_have_no_serious_accessibility_violation(
    live_server,
    world,
    personas,
    page,  # noqa: F811 (the fixture)
):
    PublicProvincePage.objects.create(province=world.province_a, is_published=True)
    base = live_server.url
    pages = {
        None: [reverse("login"), reverse("public:province", args=[world.province_a.pk])],
        "vpdp_p": [
            reverse("dashboards:overview"),
            reverse("dashboards:heatmap"),
            reverse("dashboards:commune_list"),
            reverse("communes:province_detail", args=[world.province_a.pk]),
            reverse("communes:commune_list"),
            reverse("communes:commune_detail", args=[world.commune_a1.pk]),
            reverse("criteria:review_queue"),
            reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk]),
            reverse("criteria:case_list"),
            reverse("sponsorships:calendar"),
            reverse("sponsorships:agency_list"),
            reverse("reports:province_start", args=[world.province_a.pk]),
        ],
        "huyen_p": [reverse("dashboards:overview")],
        "xa_p": [
            reverse("criteria:commune_status", args=[world.commune_a1.pk]),
            reverse("criteria:evaluation_edit", args=[world.evaluation_a1.pk]),
        ],
        "skhdt_p": [
            reverse("sponsorships:agency_detail", args=[world.agency_a.pk]),
            reverse("sponsorships:inspection_detail", args=[world.inspection_a2.pk]),
            reverse("sponsorships:calendar"),
        ],
    }
    assert sum(len(urls) for urls in pages.values()) == 20
    found = []
    for username, urls in pages.items():
        if username:
            page.context.clear_cookies()
            _sign_in(page, base, username)
        for url in urls:
            found += _violations(page, base + url)
    assert found == [], "\n".join(found)


@pytest.mark.browser
def test_axe_finds_what_it_must(page):  # noqa: F811 (the fixture)
    """The check can fail: an image without a text alternative and a nameless button are."""
    page.set_content('<html lang="vi"><main><img src="a.png"><button></button></main></html>')
    found = {v["id"]: v["impact"] for v in _run_axe(page)["violations"]}
    assert found["image-alt"] == "critical"
    assert found["button-name"] == "critical"

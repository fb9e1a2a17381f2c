"""Under the Content-Security-Policy, in Chromium: the API docs (Swagger UI) and a dashboard's
charts still render, and the console reports no violation."""

from __future__ import annotations

import pytest

from .test_browser import _sign_in, page  # noqa: F401 (the fixture)


def _watch(page) -> list[str]:  # noqa: F811 (the fixture's name)
    """Everything the page reports that the policy refused, or that failed."""
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


@pytest.mark.browser
def test_the_api_docs_render_under_the_policy(live_server, world, personas, page):  # noqa: F811
    problems = _watch(page)
    _sign_in(page, live_server.url, "vpdp_p")
    response = page.goto(f"{live_server.url}/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".swagger-ui .info .title").wait_for()
    assert "NTM Portal API" in page.locator(".swagger-ui .info .title").inner_text()
    # The operations came from the schema, fetched by the init script.
    page.locator(".opblock").first.wait_for()
    assert problems == []


@pytest.mark.browser
def test_a_dashboard_with_charts_renders_under_the_policy(
    live_server,
    world,
    personas,
    page,  # noqa: F811
):
    problems = _watch(page)
    _sign_in(page, live_server.url, "vpdp_p")
    page.goto(f"{live_server.url}/tong-quan/")
    assert page.locator("svg").count() > 0
    # The language switch is static/js/portal.js's now: it still submits by itself.
    with page.expect_navigation():
        page.select_option("#language", "en")
    assert page.locator("h1").inner_text().startswith("Overview")
    assert problems == []

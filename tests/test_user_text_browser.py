"""User text on a phone (static/css/portal.css): a name of 200 unbroken letters (the longest an agency takes) does not widen
the page, and a right-to-left override (U+202E) in a name reverses that name only — the words
after it keep their place."""

from __future__ import annotations

import pytest

from .factories import AgencyFactory
from .test_browser import _sign_in, page  # noqa: F401 (the fixture)

PHONE_WIDTH = 390  # the `page` fixture's viewport


@pytest.mark.browser
def test_long_and_right_to_left_names_keep_a_phone_page_narrow_and_in_order(
    live_server,
    world,
    personas,
    page,  # noqa: F811
):
    long_name = "Đ" + "a" * 199  # the longest name an agency takes, unbroken
    AgencyFactory(province=world.province_a, name=long_name, short_name="DAI")
    AgencyFactory(province=world.province_a, name="Hội \u202eNông dân tỉnh", short_name="HND")
    _sign_in(page, live_server.url, personas["province"].username)
    page.goto(f"{live_server.url}/co-quan/")
    assert page.get_by_text("(DAI)").is_visible()

    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= PHONE_WIDTH, widths
    assert widths[1] <= PHONE_WIDTH, widths

    link = page.locator("td a", has_text="Nông dân")
    after = page.locator("td .meta", has_text="(HND)")
    link_box, after_box = link.bounding_box(), after.bounding_box()
    # Left to right as written: the short name stays after the name, not pulled before it.
    assert after_box["x"] >= link_box["x"] + link_box["width"] - 1, (link_box, after_box)
    assert link.evaluate("element => getComputedStyle(element).unicodeBidi") == "isolate"
    assert link.evaluate("element => getComputedStyle(element.parentElement).overflowWrap") == (
        "anywhere"
    )

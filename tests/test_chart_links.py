"""Charts whose bars are links (issue 28): axe-core's serious rule nested-interactive failed on
the dashboard, each bar a link inside an SVG marked as one image. A bar is now one link with an
accessible name, and no focusable element sits inside another or inside an image."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from reports.charts import Bar, columns, horizontal_bars

from .factories import UserFactory

# Roles whose children are presentational: a focusable element inside one is nested-interactive.
PRESENTATIONAL_CHILDREN = {"img", "button", "link", "checkbox", "progressbar", "slider", "tab"}


class _NestedInteractive(HTMLParser):
    """What axe's nested-interactive looks for, over the markup: every focusable element (a link
    with href) inside another focusable one or inside an element whose children are presentational."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []  # (tag, interactive or presentational-children)
        self.problems: list[str] = []
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        focusable = tag == "a" and attributes.get("href") is not None
        container = focusable or attributes.get("role") in PRESENTATIONAL_CHILDREN
        if focusable:
            self.links.append(attributes)
            if any(flag for _tag, flag in self.stack):
                self.problems.append(attributes.get("href") or "")
        if tag not in self.VOID and not tag.endswith("/"):
            self.stack.append((tag, container))

    def handle_startendtag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href") and any(flag for _t, flag in self.stack):
            self.problems.append(attributes["href"])

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break


def _check(markup: str) -> _NestedInteractive:
    parser = _NestedInteractive()
    parser.feed(markup)
    return parser


def test_a_bar_chart_with_links_has_one_named_link_per_bar_and_nothing_nested():
    chart = horizontal_bars(
        title="Xã theo mức công nhận",
        bars=[Bar("Đạt chuẩn NTM", 1, 3, "/tong-quan/xa/?nhom=ntm"), Bar("Chưa", 2, 3, "/x?a=1")],
        summary="1/3 xã đã được công nhận",
    )
    svg = str(chart)
    found = _check(svg)
    assert found.problems == []
    assert [link["aria-label"] for link in found.links] == ["Đạt chuẩn NTM: 1/3", "Chưa: 2/3"]
    assert 'role="img"' not in svg  # an image's children are presentational
    assert 'role="group" aria-label="1/3 xã đã được công nhận"' in svg
    assert "<title>Đạt chuẩn NTM: 1/3</title>" in svg  # the tooltip stays


def test_a_column_chart_with_links_too_and_a_chart_without_links_stays_one_image():
    linked = str(columns(title="Tiến độ", bars=[Bar("I/2026", 50, None, "/x?ky=2026-1")]))
    assert _check(linked).problems == []
    assert 'aria-label="I/2026: 50"' in linked
    paper = str(horizontal_bars(title="Trên giấy", bars=[Bar("A", 1, 2)]))
    assert 'role="img"' in paper
    assert "<a " not in paper


@pytest.mark.django_db
def test_the_dashboard_has_no_link_nested_in_an_image_or_another_link(client, world):
    client.force_login(UserFactory(username="vpdp_c", role="province", province=world.province_a))
    page = client.get(reverse("dashboards:overview")).content.decode()
    found = _check(page)
    assert found.problems == []
    chart_links = [link for link in found.links if "aria-label" in link]
    assert chart_links, "the recognition chart's bars are links"

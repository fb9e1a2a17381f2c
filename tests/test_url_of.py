"""ntm_portal.links.url_of: reverse() kept, under the URL configuration and prefix in force."""

from __future__ import annotations

from django.test import override_settings
from django.urls import clear_script_prefix, reverse, set_script_prefix

from ntm_portal.links import url_of


def test_url_of_is_reverse_and_follows_the_script_prefix_and_the_urlconf():
    for name in ("dashboards:commune_list", "dashboards:overview", "criteria:case_list"):
        assert url_of(name) == reverse(name)
    try:
        set_script_prefix("/ntm/")
        assert url_of("dashboards:overview") == reverse("dashboards:overview")
        assert url_of("dashboards:overview").startswith("/ntm/")
    finally:
        clear_script_prefix()
    assert not url_of("dashboards:overview").startswith("/ntm/")
    with override_settings(ROOT_URLCONF="reports.benchmark_urls"):
        assert url_of("benchmark_floor") == reverse("benchmark_floor")

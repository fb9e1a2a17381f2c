"""The portal's URLs plus one page for `manage.py benchmark`: the framework floor.

An authenticated page through the same middleware, session, user, context processors and base
layout, with no data of its own: what every page costs before it reads anything. Used only
through override_settings(ROOT_URLCONF=...) while the benchmark runs; never served.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ntm_portal.urls import urlpatterns as portal

FLOOR_PATH = "__khung__/"


def framework_floor(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html", {})


urlpatterns = [path(FLOOR_PATH, framework_floor, name="benchmark_floor"), *portal]

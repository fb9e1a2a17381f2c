"""A named URL without arguments, reversed once.

Django reverses a name on every call (40 µs here): a dashboard makes the same link to the list
behind a figure once per criterion and state, 40 to 80 times a page. The answer depends only on
the URL configuration and the script prefix in force, so it is kept under both.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=128)
def _reversed(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


def url_of(name: str) -> str:
    """reverse(name), for a URL that takes no argument."""
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())

"""Versions that cached figures are keyed by: a value in the shared cache that changes whenever
what the figures count changes, so no figure outlives a change (the standings, the sponsorship
facts, a criteria set's catalogue). Each app names its own key."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction


def version_of(key: str) -> str:
    version = cache.get(key)
    if version is None:
        cache.add(key, str(time.time_ns()), None)
        version = cache.get(key) or "0"
    return version


def version_changed(key: str) -> None:
    # Now (the writing transaction's own requests see its rows), and once it commits: a figure
    # computed in between, from the rows before the commit, is then keyed by a dead version.
    cache.set(key, str(time.time_ns()), None)
    transaction.on_commit(lambda: cache.set(key, str(time.time_ns()), None))

"""A criteria set's catalogue (criteria, their indicators, each indicator's thresholds), built
once per set and catalogue version in each process, not on every request: the commune and
evaluation pages read the same ~320 rows each time (issue 29).

The version lives in the shared cache, so every process sees a change at once. Whatever writes
the catalogue changes it: the fixtures' loader, the catalogue roster and the admin. Objects
handed out are shared between requests: read them, never change them."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, defaultdict

from django.core.cache import cache
from django.db import transaction

from .models import Criterion, Indicator, Threshold

VERSION_KEY = "criteria:catalogue-version"
KEPT_SETS = 32  # a country has a few national sets and one village set per province

SetCatalogue = tuple[tuple[Criterion, tuple[tuple[Indicator, tuple[Threshold, ...]], ...]], ...]

_built: OrderedDict[tuple[int, str], SetCatalogue] = OrderedDict()
_lock = threading.Lock()


def catalogue_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, str(time.time_ns()), None)
        version = cache.get(VERSION_KEY) or "0"
    return version


def catalogue_changed() -> None:
    """Now (the writing transaction's own requests) and once it commits (a catalogue built in
    between, from the rows before the commit, is then kept under a dead version)."""
    cache.set(VERSION_KEY, str(time.time_ns()), None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, str(time.time_ns()), None))


def set_catalogue(criteria_set_id: int) -> SetCatalogue:
    """The set's criteria by number, each with its indicators by position and each indicator's
    thresholds (region, group, years): three queries the first time, none after."""
    key = (criteria_set_id, catalogue_version())
    with _lock:
        if key in _built:
            _built.move_to_end(key)
            return _built[key]
    catalogue = _build(criteria_set_id)
    with _lock:
        _built[key] = catalogue
        while len(_built) > KEPT_SETS:
            _built.popitem(last=False)
    return catalogue


def _build(criteria_set_id: int) -> SetCatalogue:
    # Ordered within the set only and grouped here: the models' own orderings join up to the
    # set (for nothing, within one set), and a prefetch builds a queryset per criterion.
    criteria = list(Criterion.objects.filter(criteria_set_id=criteria_set_id).order_by("number"))
    indicators = list(
        Indicator.objects.filter(criterion_id__in=[c.pk for c in criteria]).order_by(
            "criterion_id", "position"
        )
    )
    thresholds: dict[int, list[Threshold]] = defaultdict(list)
    for threshold in Threshold.objects.filter(
        indicator_id__in=[indicator.pk for indicator in indicators]
    ).order_by("indicator_id", "region", "commune_group", "year_from", "pk"):
        thresholds[threshold.indicator_id].append(threshold)
    by_criterion: dict[int, list[tuple[Indicator, tuple[Threshold, ...]]]] = defaultdict(list)
    for indicator in indicators:
        by_criterion[indicator.criterion_id].append((indicator, tuple(thresholds[indicator.pk])))
    return tuple((criterion, tuple(by_criterion[criterion.pk])) for criterion in criteria)

"""A criteria set's catalogue (criteria, their indicators, each indicator's thresholds), built
once per set and catalogue version in each process, not on every request: the commune and
evaluation pages read the same ~320 rows each time (issue 29).

The version lives in the shared cache, so every process sees a change at once. Whatever writes
the catalogue changes it: the fixtures' loader, the catalogue roster and the admin. Objects
handed out are shared between requests: read them, never change them."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict

from ntm_portal.versions import version_changed, version_of

from .models import Criterion, Indicator, Threshold

VERSION_KEY = "criteria:catalogue-version"
KEPT_SETS = 32  # a country has a few national sets and one village set per province

SetCatalogue = tuple[tuple[Criterion, tuple[tuple[Indicator, tuple[Threshold, ...]], ...]], ...]

_built: OrderedDict[tuple[int, str], SetCatalogue] = OrderedDict()
_lock = threading.Lock()


def catalogue_version() -> str:
    return version_of(VERSION_KEY)


def catalogue_changed() -> None:
    """Now and once the writing transaction commits (ntm_portal.versions)."""
    version_changed(VERSION_KEY)


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

"""What the apps above know about a commune, for the pages of this floor that show it.

A 2025 commune's page lists the communes it was formed from with their last known standing:
criteria tally and set, recognition, villages met (criteria), last inspection (sponsorships). This
floor cannot import those apps, so each registers a source of facts here, the way apps register
with the admin (`register` in its AppConfig.ready), and the page asks for them all at once.

A source takes the user and the communes (all of which the user may see) and answers, in a
fixed number of queries whatever their count, the facts of each commune it knows about.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ntm_portal.models import User

from .models import Commune


@dataclass(frozen=True)
class Fact:
    label: str
    text: str
    url: str = ""


FactSource = Callable[[User, Sequence[Commune]], Mapping[int, Sequence[Fact]]]
_sources: list[tuple[int, FactSource]] = []


def register(position: int, source: FactSource) -> None:
    """`position` orders the facts of every source on the page (criteria 10–19, inspections 30)."""
    if all(known is not source for _position, known in _sources):
        _sources.append((position, source))
        _sources.sort(key=lambda item: item[0])


def facts_of(user: User, communes: Sequence[Commune]) -> dict[int, list[Fact]]:
    """Every registered fact of each commune, by primary key, in the sources' order."""
    found: dict[int, list[Fact]] = {commune.pk: [] for commune in communes}
    if not communes:
        return found
    for _position, source in _sources:
        for pk, facts in source(user, communes).items():
            found.setdefault(pk, []).extend(facts)
    return found

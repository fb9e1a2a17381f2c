"""A version of the sponsorship facts that the dashboards count (assignments, inspections and
their reports, agencies): cached figures are keyed by it, so none outlives a change.

Every service that writes them is marked `@changes_inspections`; the version changes after it
runs and again when its transaction commits (a figure computed in between, from the rows before
the commit, is then keyed by a dead version), as the standings' version does."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from ntm_portal.versions import version_changed, version_of

VERSION_KEY = "sponsorships:inspections-version"

P = ParamSpec("P")
R = TypeVar("R")


def inspections_version() -> str:
    return version_of(VERSION_KEY)


def inspections_changed() -> None:
    version_changed(VERSION_KEY)


def changes_inspections(function: Callable[P, R]) -> Callable[P, R]:
    """Marks a service that writes what the dashboards' agency figures count."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        result = function(*args, **kwargs)
        inspections_changed()
        return result

    return wrapper

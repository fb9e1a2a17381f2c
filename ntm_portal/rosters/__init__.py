"""Excel rosters: reading (reading.py), matching (matching.py), one module per kind, and the
import flow (services.py). `ROSTERS` maps each kind to its roster."""

from __future__ import annotations

from .base import Roster


def rosters() -> dict[str, Roster]:
    # Imported on first use: the kinds reach into the domain apps' models.
    from .agencies import AgencyRoster
    from .assignments import AssignmentRoster
    from .criteria import CriteriaRoster
    from .evaluations import EvaluationRoster
    from .users import UserRoster
    from .villages import VillageRoster

    kinds = (
        VillageRoster(),
        AgencyRoster(),
        AssignmentRoster(),
        UserRoster(),
        EvaluationRoster(),
        CriteriaRoster(),
    )
    return {roster.kind: roster for roster in kinds}


def roster_for(kind: str) -> Roster:
    try:
        return rosters()[kind]
    except KeyError:
        raise LookupError(kind) from None

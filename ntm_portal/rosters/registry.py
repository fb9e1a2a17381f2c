"""Which roster kinds exist: each app registers the ones that write its data, the way each app
registers its models with the admin.

    from ntm_portal import rosters

    @rosters.register
    class VillageRoster(Roster):
        kind = "villages"
        ...

The engine imports every installed app's `rosters` module when Django starts
(`NtmPortalConfig.ready`), so a kind is known to the upload form, the command line and the
import records as soon as its app is installed. This module imports no model: the import record's
`kind` field takes its choices from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_noop

if TYPE_CHECKING:
    from .base import Roster

_registry: dict[str, Roster] = {}

# Why a roster wrote what it wrote, as histories keep it: in Vietnamese, a catalogue sentence
# each history model lists among the ones it reads back in the reader's language.
IMPORTED_FROM = gettext_noop("Nhập từ tệp “%(name)s” (lần nhập số %(id)s)")


def register(roster_class: type[Roster]) -> type[Roster]:
    """Class decorator: one instance of the roster serves every import of its kind."""
    roster = roster_class()
    known = _registry.get(roster.kind)
    if known is not None and type(known) is not roster_class:
        raise ImproperlyConfigured(f"Roster kind {roster.kind!r} is registered twice.")
    _registry[roster.kind] = roster
    return roster_class


def autodiscover() -> None:
    autodiscover_modules("rosters")


def rosters() -> dict[str, Roster]:
    """Every registered kind, in the order the upload form lists them."""
    return {roster.kind: roster for roster in sorted(_registry.values(), key=_position)}


def _position(roster: Roster) -> tuple[int, str]:
    return roster.position, roster.kind


def roster_for(kind: str) -> Roster:
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(kind) from None


def import_order() -> list[Roster]:
    """The kinds in the order they are imported: each after the kinds it looks up (its
    `after`), otherwise as the upload form lists them."""
    pending = list(rosters().values())
    done: list[Roster] = []
    while pending:
        ready = next(
            (
                roster
                for roster in pending
                if all(
                    kind in {d.kind for d in done} or kind not in _registry for kind in roster.after
                )
            ),
            pending[0],  # a cycle would be a bug in the kinds; never loop for it
        )
        pending.remove(ready)
        done.append(ready)
    return done


def kind_choices() -> list[tuple[str, str]]:
    """The choices of `RosterImport.kind`: (kind, short label)."""
    return [(roster.kind, roster.label) for roster in rosters().values()]

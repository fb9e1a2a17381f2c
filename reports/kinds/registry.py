"""Which kinds of document exist: each is declared once, in its own module of this package, the
way each app registers its roster kinds (ntm_portal/rosters/registry.py).

    from reports.kinds.registry import DocumentKind, register

    register(DocumentKind(code="inspection_plan", label=..., type_symbol="KH",
                          template="reports/print/inspection_plan.html", body=...))

The documents engine (reports/services.py: drafting, numbering, rendering the PDF and the .docx,
signing, verification) knows no kind by name: it asks this registry for the kind's print
template, symbol, content, editable sections and căn cứ. `ReportsConfig.ready` imports every
module of this package, so a kind is known as soon as its module exists. This module imports no
model: `Document.kind` takes its choices from here (docs/documents.md, "How to add a document kind").
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from datetime import date

    from ..issuers import Issuer
    from ..models import Document, LegalDocument


def _no_citations(issuer: Issuer, day: date, year: int) -> list[LegalDocument]:
    return []


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document and everything the engine needs to know of it."""

    code: str  # stored in Document.kind (at most 30 characters), never changed once used
    label: Any  # the kind's name, in Vietnamese (a lazy translation)
    type_symbol: (
        str  # the kind's part of the symbol: "KH" in "05/KH-CCB" (Nghị định 30, Phụ lục III)
    )
    template: str  # the print template, from which the PDF and the .docx are rendered
    # (document) → (content, extra template context): the figures from data, as of document.as_of.
    body: Callable[[Document], tuple[Any, dict]]
    # (issuer, kind code, plan year) → the editable sections' default text; None: none.
    narrative: Callable[[Issuer, str, int], dict] | None = None
    # The sections a user may edit on the document's page, beyond signer, date and recipients.
    sections: tuple[str, ...] = ()
    # Whether the plan carries "tasks by responsible unit" (proposed from the previous plan).
    responsibilities: bool = False
    # Whether its căn cứ are shown and edited (an inspection's report cites its plan instead).
    cites: bool = True
    # The kind's own căn cứ rule: (issuer, day, plan year) → legal documents, proposed before
    # the documents the province registered as a basis for this kind.
    citations: Callable[[Issuer, date, int], list[LegalDocument]] = _no_citations
    # Signed in the signer's own name ("CHỦ TỊCH"), not on behalf of the body ("TM. ỦY BAN …").
    own_name: bool = False
    # The People's Committees whose plans page offers it: "commune", "district", "province".
    planned_by: tuple[str, ...] = ()
    position: int = 100  # order in lists and choices

    def __post_init__(self) -> None:
        if len(self.code) > 30:
            raise ImproperlyConfigured(f"Document kind {self.code!r} is longer than 30 characters.")


_registry: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    known = _registry.get(kind.code)
    if known is not None and known != kind:
        raise ImproperlyConfigured(f"Document kind {kind.code!r} is registered twice.")
    _registry[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    """For tests that register a kind of their own."""
    _registry.pop(code, None)


def autodiscover() -> None:
    """Import every module of this package: each registers its kinds."""
    package = __name__.rpartition(".")[0]
    for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if module.name != "registry":
            importlib.import_module(f"{package}.{module.name}")


def kinds() -> list[DocumentKind]:
    """Every registered kind, in the order lists show them."""
    return sorted(_registry.values(), key=lambda kind: (kind.position, kind.code))


def kind_for(code: str) -> DocumentKind:
    try:
        return _registry[code]
    except KeyError:
        raise LookupError(f"Unknown document kind {code!r}") from None


def kind_choices() -> list[tuple[str, Any]]:
    """The choices of `Document.kind`: (code, label)."""
    return [(kind.code, kind.label) for kind in kinds()]


def plan_kinds(level: str) -> tuple[str, ...]:
    """The kinds of plan a commune's, district's or province's People's Committee drafts."""
    return tuple(kind.code for kind in kinds() if level in kind.planned_by)


def kind_label(code: str) -> Any:
    """The kind's name; the code itself for a kind no longer registered."""
    kind = _registry.get(code)
    return kind.label if kind is not None else code

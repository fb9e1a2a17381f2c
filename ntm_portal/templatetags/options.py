"""`{% options items selected %}`: the <option>s of a long <select>, in one piece.

A filter's list of agencies or districts runs to a hundred options or more on every dashboard
page; in the template language each one is a loop turn, a comparison of two model objects and
two looked-up values (about 20 µs each, a few ms a page). Here each is one escaped format.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _pair(item, label: str) -> tuple[object, object]:
    # A (value, label) pair as choices are, or a model object: its key and the attribute named
    # by `label`, or its name when that is empty.
    if isinstance(item, tuple):
        return item
    return item.pk, getattr(item, label, "") or getattr(item, "name", item)


@register.simple_tag
def options(items: Iterable, selected=None, label: str = "name") -> SafeString:
    """Each item as <option value="…">label</option>, the selected one marked; `selected` is a
    value or a model object (compared by key)."""
    chosen = "" if selected is None else str(getattr(selected, "pk", selected))
    html = []
    for item in items:
        value, text = _pair(item, label)
        value = "" if value is None else str(value)
        mark = " selected" if value == chosen and selected is not None else ""
        html.append(f'<option value="{escape(value)}"{mark}>{escape(text)}</option>')
    return mark_safe("".join(html))  # noqa: S308 (every value and label escaped)

"""`{% labelled_tables %}…{% endlabelled_tables %}`: every list table inside can become cards.

On a phone (below 576 px) a table of four or five columns does not fit; hiding a column hid the
very value a user came to check (the "Nay" of a change just saved). Instead each row becomes a
card and each cell says what it is. The label of a cell is its column's header, so the base
layout wraps the page's content in this tag once: it reads each `table.list`'s header row and
writes it into the cells of the body as `data-label="…"` (the stylesheet shows it before the
value), and marks the table `cards`. Templates keep writing plain tables; a cell that already
has a data-label keeps it, and a table with no header row is left as it is.

Only tags are scanned (a regular expression over table, row and cell tags), not the whole page
parsed: the page's markup is Django's, whose attribute values are escaped.
"""

from __future__ import annotations

import html
import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

TAG = re.compile(r"<(/?)(table|thead|tbody|tfoot|tr|th|td)\b([^>]*)>", re.IGNORECASE)
MARKUP = re.compile(r"<[^>]*>")
CLASS = re.compile(r'\bclass="([^"]*)"')
EMPTY = re.compile(r'\bclass="(?:[^"]* )?empty[ "]')
COLSPAN = re.compile(r'\bcolspan="?(\d+)')


def _text(fragment: str) -> str:
    return " ".join(html.unescape(MARKUP.sub(" ", fragment)).split())


class _Table:
    """One table being read: its header labels and where the reading is."""

    def __init__(self, labelled: bool, mark_at: int | None):
        self.labelled = labelled
        self.mark_at = mark_at  # the piece of output after its class value, to add " cards"
        self.labels: list[str] = []
        self.in_head = False
        self.column = 0
        self.head_cell_start: int | None = None
        self.head_cell_span = 1


def label_cells(markup: str) -> str:
    """The markup with each body cell of a headed `table.list` labelled by its column, and the
    table marked `cards`."""
    out: list[str] = []
    done = 0
    stack: list[_Table] = []

    def cut(at: int) -> None:
        nonlocal done
        out.append(markup[done:at])
        done = at

    for match in TAG.finditer(markup):
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        table = stack[-1] if stack else None
        if name == "table":
            if closing:
                if stack:
                    stack.pop()
                continue
            classes = CLASS.search(attrs)
            labelled = bool(classes and "list" in classes.group(1).split())
            mark_at = None
            if labelled:
                cut(match.start(3) + classes.end(1))
                out.append("")  # becomes " cards" once the header is read
                mark_at = len(out) - 1
            stack.append(_Table(labelled, mark_at))
            continue
        if table is None or not table.labelled:
            continue
        if name == "thead":
            table.in_head = not closing
            if closing and table.labels and table.mark_at is not None:
                out[table.mark_at] = " cards"
        elif name == "tr" and not closing:
            table.column = 0
        elif table.in_head and name == "th":
            if not closing:
                table.head_cell_start = match.end()
                span = COLSPAN.search(attrs)
                table.head_cell_span = int(span.group(1)) if span else 1
            elif table.head_cell_start is not None:
                label = _text(markup[table.head_cell_start : match.start()])
                table.labels.extend([label] * table.head_cell_span)
                table.head_cell_start = None
        elif not table.in_head and name in ("td", "th") and not closing:
            column = table.column
            span = COLSPAN.search(attrs)
            table.column += int(span.group(1)) if span else 1
            # A row saying the list is empty is not a value of the first column.
            empty = EMPTY.search(attrs)
            if (
                column < len(table.labels)
                and table.labels[column]
                and not empty
                and "data-label" not in attrs
            ):
                cut(match.end(3))
                out.append(f' data-label="{html.escape(table.labels[column], quote=True)}"')
    out.append(markup[done:])
    return "".join(out)


class LabelledTablesNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist

    def render(self, context) -> str:
        # The content was rendered (and escaped) by the templates inside; only attributes made of
        # escaped header text are added.
        return mark_safe(label_cells(self.nodelist.render(context)))  # noqa: S308


@register.tag
def labelled_tables(parser, token):
    nodelist = parser.parse(("endlabelled_tables",))
    parser.delete_first_token()
    return LabelledTablesNode(nodelist)

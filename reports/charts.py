"""Charts drawn once, as inline SVG, for both the dashboards and the PDF documents.

WeasyPrint draws inline SVG, and browsers do too, so one function serves the screen and the
paper. Every chart carries its text alternative (a sentence plus the table of its figures): the
SVG is marked `role="img"` with that sentence (a named group when its bars are links), and the page or document prints the table next to
it, so nothing is only in the picture. All text is escaped here; callers pass plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ntm_portal.text import format_number

# Sizes are in SVG user units; the SVG scales to the width of its container.
WIDTH = 640
LABEL_WIDTH = 220
VALUE_WIDTH = 70
BAR_HEIGHT = 18
ROW_GAP = 8
TOP = 8
COLOURS = ("#1f5fa8", "#c8d6e8")  # the value, and the rest of the total
# The rest of the total is an outline, not a pale bar: "0/1" must read as empty, not as full.
REMAINDER = f'fill="#f4f7fb" stroke="{COLOURS[1]}" stroke-width="1"'
# What fits left of the bars at 13 units per character's height (about 7 units per character);
# a longer label is shortened with "…", whole in the tooltip and in the table beside the chart.
LABEL_CHARACTERS = 30
# The document's font for the PDF; on screen the portal's stylesheet overrides it with the page's
# font (a CSS rule outranks an SVG presentation attribute).
FONT = 'font-size="13" font-family="Liberation Serif, Times New Roman, serif"'


def fitted(label: str, limit: int = LABEL_CHARACTERS) -> str:
    """The label, or its start cut at a word and ended with "…", to fit left of the bars."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.–-") + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | float
    # The bar's whole ("9 of 19 criteria"); without it, bars are scaled to the largest value.
    total: Decimal | int | float | None = None
    # A link behind the bar (the list of communes behind a figure); screen only.
    url: str = ""


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString
    summary: str
    rows: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.svg


def _item(shapes: str, name: str, url: str) -> str:
    """One bar (or area): with a link, the link itself wraps the shapes and is named, so the
    bar is one focusable thing with an accessible name; without, a group with its tooltip."""
    if url:
        return (
            f'<a href="{escape(url)}" aria-label="{escape(name)}">'
            f"<title>{escape(name)}</title>{shapes}</a>"
        )
    return f"<g><title>{escape(name)}</title>{shapes}</g>"


def _svg_role(linked: bool, summary: str) -> str:
    """A chart without links is one image with its sentence. With links it cannot be: an image's
    children are presentational, and a link inside one is a focusable thing nested in another
    (axe's nested-interactive); it is a named group of links instead."""
    return f'role="{"group" if linked else "img"}" aria-label="{escape(summary)}"'


def _figure(bar: Bar, unit: str) -> str:
    value = format_number(Decimal(str(bar.value)))
    if bar.total is not None:
        return f"{value}/{format_number(Decimal(str(bar.total)))}"
    return f"{value}{unit}"


def horizontal_bars(*, title: str, bars: list[Bar], unit: str = "", summary: str = "") -> Chart:
    """One horizontal bar per row: label on the left, figure on the right. Bars with a total
    are drawn against it (a pale remainder); others are scaled to the largest value."""
    scale = max((float(b.total or b.value) for b in bars), default=0) or 1
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 12
    height = TOP * 2 + len(bars) * (BAR_HEIGHT + ROW_GAP)
    parts = []
    for index, bar in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + ROW_GAP)
        text_y = y + BAR_HEIGHT - 4
        whole = float(bar.total) if bar.total is not None else scale
        filled = track * (float(bar.value) / whole if whole else 0) * (whole / scale)
        remainder = track * (whole / scale) - filled
        figure = _figure(bar, unit)
        shapes = [
            f'<text x="{LABEL_WIDTH - 6}" y="{text_y}" text-anchor="end">'
            f"{escape(fitted(bar.label))}</text>",
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{filled:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{COLOURS[0]}"/>',
        ]
        if bar.total is not None and remainder > 0:
            shapes.append(
                f'<rect x="{LABEL_WIDTH + filled:.1f}" y="{y + 0.5}" '
                f'width="{remainder - 0.5:.1f}" height="{BAR_HEIGHT - 1}" {REMAINDER}/>'
            )
        shapes.append(f'<text x="{LABEL_WIDTH + track + 8}" y="{text_y}">{escape(figure)}</text>')
        parts.append(_item("".join(shapes), f"{bar.label}: {figure}", bar.url))
    summary = summary or title
    svg = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" {_svg_role(any(b.url for b in bars), summary)} '
        f"{FONT}>"
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
    rows = [(bar.label, _figure(bar, unit)) for bar in bars]
    return Chart(title=title, svg=mark_safe(svg), summary=summary, rows=rows)  # noqa: S308 (every text above is escaped)


# Column chart sizes: one column per period, the figure above it, the label below.
COLUMN_HEIGHT = 160
COLUMN_TOP = 22
COLUMN_LABEL = 24


def columns(
    *,
    title: str,
    bars: list[Bar],
    unit: str = "",
    summary: str = "",
    maximum: Decimal | int | float | None = None,
) -> Chart:
    """Vertical columns side by side (progress over half-years), scaled to `maximum` (e.g. 100
    for a share) or the largest value; bars with a total are drawn against it, as above."""
    scale = float(maximum or 0) or max((float(b.total or b.value) for b in bars), default=0) or 1
    slot = (WIDTH - 16) / max(len(bars), 1)
    width = min(slot * 0.7, 60)
    parts = []
    for index, bar in enumerate(bars):
        x = 8 + index * slot + (slot - width) / 2
        centre = x + width / 2
        whole = float(bar.total) if bar.total is not None else scale
        full = COLUMN_HEIGHT * whole / scale
        filled = COLUMN_HEIGHT * float(bar.value) / scale
        base = COLUMN_TOP + COLUMN_HEIGHT
        figure = _figure(bar, unit)
        shapes = []
        if bar.total is not None and full > filled:
            shapes.append(
                f'<rect x="{x:.1f}" y="{base - full:.1f}" width="{width:.1f}" '
                f'height="{full - filled:.1f}" {REMAINDER}/>'
            )
        shapes += [
            f'<rect x="{x:.1f}" y="{base - filled:.1f}" width="{width:.1f}" height="{filled:.1f}" '
            f'fill="{COLOURS[0]}"/>',
            f'<text x="{centre:.1f}" y="{base - max(filled, full if bar.total else 0) - 5:.1f}" '
            f'text-anchor="middle" font-size="11">{escape(figure)}</text>',
            f'<text x="{centre:.1f}" y="{base + 16}" text-anchor="middle" font-size="11">'
            f"{escape(bar.label)}</text>",
        ]
        parts.append(_item("".join(shapes), f"{bar.label}: {figure}", bar.url))
    height = COLUMN_TOP + COLUMN_HEIGHT + COLUMN_LABEL
    summary = summary or title
    svg = (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" {_svg_role(any(b.url for b in bars), summary)} '
        f"{FONT}>"
        f"<title>{escape(title)}</title>"
        f'<line x1="4" y1="{COLUMN_TOP + COLUMN_HEIGHT}" x2="{WIDTH - 4}" '
        f'y2="{COLUMN_TOP + COLUMN_HEIGHT}" stroke="#888"/>{"".join(parts)}</svg>'
    )
    rows = [(bar.label, _figure(bar, unit)) for bar in bars]
    return Chart(title=title, svg=mark_safe(svg), summary=summary, rows=rows)  # noqa: S308 (every text above is escaped)


# --- Maps ---------------------------------------------------------------------------------------

# Classes of a share (%): the lightest for the lowest; grey where there is nothing to count.
MAP_CLASSES = ((20, "#e3edf7"), (40, "#b9d0ea"), (60, "#7fa9d6"), (80, "#3f78b8"), (101, "#1f4f8a"))
MAP_NO_DATA = "#e6e6e6"
MAP_STROKE = "#ffffff"


@dataclass(frozen=True)
class Area:
    """One shape of a choropleth: its SVG path (from a fixture or an upload), its label, its
    share (None: nothing to count) and the figure said in its tooltip and table."""

    key: str
    label: str
    path: str
    share: Decimal | int | float | None
    figure: str = ""
    url: str = ""


def map_colour(share: Decimal | int | float | None) -> str:
    if share is None:
        return MAP_NO_DATA
    return next(colour for limit, colour in MAP_CLASSES if float(share) < limit)


def map_legend() -> list[tuple[str, str]]:
    """(colour, label) for each class, then "no data": the same in the page and the PDF."""
    legend, low = [], 0
    for limit, colour in MAP_CLASSES:
        high = min(limit, 100)
        legend.append((colour, f"{low}–{high} %" if high < 100 else f"{low}–100 %"))
        low = limit
    return legend


def choropleth(
    *,
    title: str,
    areas: list[Area],
    width: int,
    height: int,
    summary: str = "",
    insets: list[dict] | None = None,
    no_data: str = "",
    legend_top: int = 16,
) -> Chart:
    """Each area filled by its share's class, with a legend; insets (the archipelagos) framed
    and labelled. The table beside it carries every figure, so the map is never the only
    place a number is."""
    parts = []
    for inset in insets or []:
        parts.append(
            f'<rect x="{inset["x"]}" y="{inset["y"]}" width="{inset["width"]}" '
            f'height="{inset["height"]}" fill="none" stroke="#9aa7b4" stroke-dasharray="4 3"/>'
            f'<text x="{inset["x"] + 4}" y="{inset["y"] + inset["height"] + 14}" '
            f'font-size="12" fill="#44515e">{escape(inset["label"])}</text>'
        )
    for area in areas:
        figure = f"{area.label}: {area.figure or no_data}"
        shape = (
            f'<path d="{escape(area.path)}" fill="{map_colour(area.share)}" '
            f'stroke="{MAP_STROKE}" stroke-width="0.8" stroke-linejoin="round"/>'
        )
        parts.append(_item(shape, figure, area.url))
    legend_y = legend_top
    for colour, label in [*map_legend(), (MAP_NO_DATA, no_data)]:
        if not label:
            continue
        parts.append(
            f'<rect x="8" y="{legend_y}" width="14" height="14" fill="{colour}" stroke="#9aa7b4" '
            f'stroke-width="0.5"/><text x="28" y="{legend_y + 12}" font-size="13">'
            f"{escape(label)}</text>"
        )
        legend_y += 20
    summary = summary or title
    svg = (
        f'<svg class="chart map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" {_svg_role(any(a.url for a in areas), summary)} '
        f'font-family="Liberation Serif, Times New Roman, serif">'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
    rows = [(area.label, area.figure or no_data) for area in areas]
    return Chart(title=title, svg=mark_safe(svg), summary=summary, rows=rows)  # noqa: S308 (every text above is escaped)

"""The same document as .docx, for officials who edit in Word before signing.

It walks the HTML that the PDF is rendered from — our own print templates, a small, known set of
elements — so the two files always say the same thing. It also lays the text out as the PDF
does, so that Word or LibreOffice breaks the pages where the PDF breaks them (issue 26):

- the page and text width are the PDF's (document.css's @page margins plus the body's default
  8px margin, which WeasyPrint keeps), every line is 1.3 × its font size high, as the PDF's
  `line-height: 1.3`, and vertical margins collapse as CSS collapses them (Word adds a
  paragraph's space after to the next one's space before; here only the larger is written);
- tables get the column widths WeasyPrint's automatic table layout gives them, measured with
  the bundled Liberation Serif (metric-compatible with Times New Roman, which the .docx names);
- the CSS's page-break rules become Word's: headings keep with the next paragraph, the last
  paragraph and the signature block (`.closing`) keep together, table rows never split, a
  forced page break (the decision's annex) starts a new page;
- the header's two columns are NĐ 30's: the national name bold 12 pt and the motto bold 13 pt
  underlined, each on one line, the short rule under the issuer's name and under the title.

`tests/test_docx_parity.py` converts the .docx of every kind with LibreOffice and checks its
pages and headings against the PDF's.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import lxml.html
from docx import Document as WordDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from fontTools.ttLib import TTFont

FONT = "Times New Roman"
FONTS = Path(__file__).resolve().parent / "print_assets" / "fonts"

MM = 72 / 25.4  # points in a millimetre
PX = 0.75  # points in a CSS pixel
# document.css: `@page { size: A4; margin: 20mm 15mm 20mm 30mm }`; WeasyPrint keeps the HTML
# body's default 8px margin inside it (left, right, and above the first page's text).
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT = 20 * MM, 15 * MM, 20 * MM, 30 * MM
BODY_MARGIN = 8 * PX
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT - 2 * BODY_MARGIN
LINE_HEIGHT = 1.3  # document.css: `body { line-height: 1.3 }`
RULE = 0.6  # pt, the width of every rule and table border in document.css
# The float "DỰ THẢO" (`.draft-mark`: margin -6mm 0 2mm, padding 0.5mm 3mm, border 0.8pt, 12pt)
# pushes the header table down by the part of its margin box below the body's top edge.
DRAFT_BOX = 12 * LINE_HEIGHT + 2 * 0.5 * MM + 2 * 0.8
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


@dataclass(frozen=True)
class Style:
    """The few CSS properties of our print templates that shape a paragraph."""

    size: float = 14
    bold: bool = False
    italic: bool = False
    upper: bool = False
    align: str = "left"
    indent: float = 0  # first line, pt
    top: float = 0  # margins, pt
    bottom: float = 0
    keep: bool = False  # break-after: avoid (headings)


BODY = Style()
P = replace(BODY, align="justify", indent=10 * MM, bottom=2 * MM)
BLOCKS = {
    "h1": replace(BODY, bold=True, align="center", top=6 * MM, keep=True),
    "h2": replace(
        BODY, bold=True, upper=True, indent=10 * MM, top=4 * MM, bottom=2 * MM, keep=True
    ),
    "h3": replace(BODY, bold=True, indent=10 * MM, top=3 * MM, bottom=2 * MM, keep=True),
    "p": P,
}


def html_to_docx(html: str) -> bytes:
    tree = lxml.html.fromstring(html)
    word = WordDocument()
    _defaults(word)
    _page_setup(word)
    flow = _Flow(word, pending=[BODY_MARGIN])
    _blocks(flow, tree.body)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


# --- Paragraphs and the margins between them ---------------------------------------------------


class _Flow:
    """Blocks one under another in the body (tables included) or in a table cell (paragraphs),
    with CSS's collapsing margins:
    the space between two blocks is the larger of the first's bottom and the second's top
    margin (and of any empty block's between them)."""

    def __init__(self, container, *, pending=(), width: float = TEXT_WIDTH) -> None:
        self.container = container
        self.pending = list(pending)
        self.width = width
        self.last = None  # the last paragraph, while no table came after it
        self.first_in_cell = hasattr(container, "_tc")
        self.break_before = False
        self.keep = False  # inside `.closing`: keep with what follows

    def _gap(self, top: float) -> float:
        return max([0, top, *self.pending])

    def paragraph(self, style: Style, *, top: float | None = None):
        if self.first_in_cell:
            paragraph = self.container.paragraphs[0]
            self.first_in_cell = False
        else:
            paragraph = self.container.add_paragraph()
        fmt = paragraph.paragraph_format
        before = self._gap(style.top if top is None else top)
        if self.break_before:
            fmt.page_break_before = True
            before, self.break_before = style.top, False
        fmt.space_before, fmt.space_after = Pt(before), Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(style.size * LINE_HEIGHT)
        fmt.alignment = ALIGN[style.align]
        fmt.first_line_indent = Pt(style.indent) if style.indent else None
        if style.keep or self.keep:
            fmt.keep_with_next = fmt.keep_together = True
        self.pending, self.last = [style.bottom], paragraph
        return paragraph

    def skip(self, style: Style) -> None:
        """An empty block: no line, but its margins collapse with its neighbours'."""
        self.pending += [style.top, style.bottom]

    def table(self, rows: int, columns: int, *, top: float):
        """A table `top` below the previous block: the previous paragraph's space after, or an
        empty line that high when a table or the page's top comes before."""
        gap = self._gap(top)
        if self.last is not None and not self.break_before:
            self.last.paragraph_format.space_after = Pt(gap)
        elif gap > 0.1 or self.break_before:
            self.pending = []
            spacer = self.paragraph(replace(BODY, size=1), top=0)
            spacer.paragraph_format.line_spacing = Pt(max(gap, 0.5))
        self.pending, self.last = [], None
        return self.container.add_table(rows, columns)

    def after_table(self, bottom: float) -> None:
        self.pending = [bottom]


def _tiny(paragraph) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(0.5)
    _mark_size(paragraph, 1)


def _mark_size(paragraph, size: float) -> None:
    """The size of the paragraph mark (an empty paragraph's line is as tall as its mark)."""
    properties = paragraph._p.get_or_add_pPr()
    marks = properties.find(qn("w:rPr"))
    if marks is None:
        marks = OxmlElement("w:rPr")
        properties.append(marks)
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(round(size * 2)))
        marks.append(element)


def _blocks(flow: _Flow, parent) -> None:
    for element in parent:
        if not isinstance(element.tag, str):
            continue
        classes = set(element.get("class", "").split())
        inline = _inline_style(element.get("style", ""))
        if "draft-mark" in classes:
            _draft_mark(flow, element)
        elif element.tag == "div" and "closing" in classes:
            # The last paragraph and the signature share a page, as `.closing` in the CSS.
            flow.keep = True
            _blocks(flow, element)
            flow.keep = False
        elif element.tag == "table" and "header" in classes:
            _header(flow, element)
        elif element.tag == "table" and "signature" in classes:
            _signature(flow, element)
        elif element.tag == "table" and "list" in classes:
            _grid(flow, element)
        elif "chart-box" in classes:
            _chart(flow, element)
        elif "subject-rule" in classes:
            _rule(flow, share=0.25, top=1 * MM, bottom=5 * MM)
        elif "subject" in classes:
            _paragraph(flow, element, replace(BODY, bold=True, align="center", bottom=5 * MM))
        elif element.tag in BLOCKS:
            style = BLOCKS[element.tag]
            style = replace(style, italic=bool(classes & {"basis", "missing"}))
            _paragraph(flow, element, _apply(style, inline))
        elif element.tag == "div" and inline.get("page-break-before") == "always":
            flow.break_before = True
        elif element.tag == "div":
            _blocks(flow, element)


def _apply(style: Style, inline: dict[str, str]) -> Style:
    """The inline `style` attributes our templates use."""
    changes = {}
    if "margin" in inline:
        values = [_length(v) for v in inline["margin"].split()]
        top, *rest = values
        changes["top"] = top
        changes["bottom"] = rest[1] if len(rest) >= 2 else top
    if "margin-top" in inline:
        changes["top"] = _length(inline["margin-top"])
    if "margin-bottom" in inline:
        changes["bottom"] = _length(inline["margin-bottom"])
    if inline.get("text-align") in ALIGN:
        changes["align"] = inline["text-align"]
    if "text-indent" in inline:
        changes["indent"] = _length(inline["text-indent"])
    if inline.get("font-style") == "italic":
        changes["italic"] = True
    return replace(style, **changes)


def _inline_style(text: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in text.split(";") if ":" in part)
    return {key.strip().lower(): value.strip().lower() for key, value in pairs}


def _length(value: str) -> float:
    """A CSS length in points (our templates use mm, cm, pt and 0)."""
    match = re.fullmatch(r"(-?[\d.]+)(mm|cm|pt|px)?", value.strip())
    if not match:
        return 0
    number, unit = float(match[1]), match[2]
    return number * {"mm": MM, "cm": 10 * MM, "pt": 1, "px": PX, None: 1}[unit]


def _segments(element, style: Style) -> list[tuple[str, bool, bool]]:
    """The element's text as (text, bold, italic) runs, white space collapsed as HTML does;
    "\n" for a <br>."""
    raw: list[tuple[str, bool, bool]] = []

    def walk(node, bold: bool, italic: bool) -> None:
        if node.text:
            raw.append((node.text, bold, italic))
        for child in node:
            if isinstance(child.tag, str):
                if child.tag == "br":
                    raw.append(("\n", bold, italic))
                elif child.tag not in ("svg", "script", "style"):
                    walk(
                        child,
                        bold or child.tag in ("b", "strong"),
                        italic or child.tag in ("i", "em"),
                    )
            if child.tail:
                raw.append((child.tail, bold, italic))

    walk(element, style.bold, style.italic)
    out: list[tuple[str, bool, bool]] = []
    space = True  # at the start of a line, white space is dropped
    for text, bold, italic in raw:
        if text == "\n":
            if out and out[-1][0].endswith(" "):
                out[-1] = (out[-1][0][:-1], *out[-1][1:])
            out.append(("\n", bold, italic))
            space = True
            continue
        text = re.sub(r"[ \t\r\n\f]+", " ", text)
        if space:
            text = text.lstrip(" ")
        if not text:
            continue
        space = text.endswith(" ")
        if style.upper:
            text = text.upper()
        if out and out[-1][1:] == (bold, italic) and out[-1][0] != "\n":
            out[-1] = (out[-1][0] + text, bold, italic)
        else:
            out.append((text, bold, italic))
    if out and out[-1][0].endswith(" "):
        out[-1] = (out[-1][0][:-1], *out[-1][1:])
    return [segment for segment in out if segment[0]]


def _paragraph(flow: _Flow, element, style: Style):
    segments = _segments(element, style)
    if not segments:
        flow.skip(style)
        return None
    paragraph = flow.paragraph(style)
    _runs(paragraph, segments, style)
    return paragraph


def _runs(
    paragraph, segments, style: Style, *, fit: float | None = None, tighter: bool = False
) -> None:
    """The runs; with `fit`, a line that must not wrap (CSS `white-space: nowrap`) is set
    a little tighter when Word's column would be too narrow for it; `tighter`, a little tighter
    anyway."""
    spacing = -0.1 if tighter else 0.0
    if fit is not None:
        text = "".join(s[0] for s in segments)
        excess = _width(text, style.size, style.bold, style.italic) - fit
        if excess > 0:
            spacing = -(excess / max(len(text) - 1, 1)) - 0.05
    for text, bold, italic in segments:
        if text == "\n":
            paragraph.add_run().add_break(WD_BREAK.LINE)
            continue
        run = paragraph.add_run(text)
        # Only what differs from the paragraph mark's defaults (python-docx is slow to add
        # properties); an explicit "not bold" where the block around is bold (the signer's).
        if bold or style.bold:
            run.bold = bold
        if italic:
            run.italic = True
        run.font.size = Pt(style.size)
        if spacing:
            element = OxmlElement("w:spacing")
            element.set(qn("w:val"), str(round(spacing * 20)))
            run._r.get_or_add_rPr().insert_element_before(element, *RPR_AFTER_SPACING)


def _rule(flow: _Flow, *, share: float, top: float, bottom: float) -> None:
    """A centred horizontal rule `share` of the column wide: an empty paragraph's top border
    between equal indents, as thin as the PDF's."""
    paragraph = flow.paragraph(replace(BODY, size=1, top=top, bottom=bottom, align="center"))
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(RULE)
    fmt.left_indent = fmt.right_indent = Pt(flow.width * (1 - share) / 2)
    _mark_size(paragraph, 1)
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
        edge.set(qn(key), value)
    borders.append(edge)
    _insert_ppr(paragraph, borders)


# Word requires the children of <w:rPr> and <w:pPr> in its schema's order.
RPR_AFTER_SPACING = tuple(
    f"w:{name}"
    for name in [
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ]
)
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]


def _insert_ppr(paragraph, element) -> None:
    properties = paragraph._p.get_or_add_pPr()
    rank = PPR_ORDER.index(element.tag.split("}")[1])
    for index, child in enumerate(properties):
        name = child.tag.split("}")[1]
        if name in PPR_ORDER and PPR_ORDER.index(name) > rank:
            properties.insert(index, element)
            return
    properties.append(element)


def _draft_mark(flow: _Flow, element) -> None:
    """ "DỰ THẢO" boxed at the top right, where the PDF floats it: a framed paragraph above the
    text, which takes no room; the header table starts as far down as the PDF's does."""
    style = replace(BODY, size=12, bold=True, align="right")
    paragraph = flow.paragraph(style, top=0)
    _runs(paragraph, [(_text(element), True, False)], style)
    frame = OxmlElement("w:framePr")
    for key, value in (
        ("w:wrap", "through"),
        ("w:vAnchor", "page"),
        ("w:hAnchor", "margin"),
        ("w:xAlign", "right"),
        ("w:y", str(_twips(MARGIN_TOP + BODY_MARGIN - 6 * MM - 8))),
    ):
        frame.set(qn(key), value)
    _insert_ppr(paragraph, frame)
    borders = OxmlElement("w:pBdr")
    for side, space in (("top", 1), ("left", 8), ("bottom", 1), ("right", 8)):
        edge = OxmlElement(f"w:{side}")
        for key, value in (
            ("w:val", "single"),
            ("w:sz", "6"),
            ("w:space", str(space)),
            ("w:color", "000000"),
        ):
            edge.set(qn(key), value)
        borders.append(edge)
    _insert_ppr(paragraph, borders)
    flow.last = None
    flow.pending = [BODY_MARGIN + DRAFT_BOX - 6 * MM + 2 * MM]


def _text(element, upper: bool = False) -> str:
    text = " ".join(element.text_content().split())
    return text.upper() if upper else text


# --- Tables ------------------------------------------------------------------------------------


def _table_properties(table, widths: list[float], *, margins=(0, 0, 0, 0), borders=False, indent=0):
    """Fixed column widths (pt), cell margins (top, right, bottom, left; pt), borders."""
    properties = table._tbl.tblPr
    for tag in ("w:tblW", "w:tblInd", "w:tblBorders", "w:tblLayout", "w:tblCellMar", "w:jc"):
        for old in properties.findall(qn(tag)):
            properties.remove(old)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(_twips(sum(widths))))
    width.set(qn("w:type"), "dxa")
    justification = OxmlElement("w:jc")
    justification.set(qn("w:val"), "left")
    shift = OxmlElement("w:tblInd")
    shift.set(qn("w:w"), str(_twips(indent)))
    shift.set(qn("w:type"), "dxa")
    lines = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        if borders:
            for key, value in (
                ("w:val", "single"),
                ("w:sz", "5"),
                ("w:space", "0"),
                ("w:color", "000000"),
            ):
                edge.set(qn(key), value)
        else:
            edge.set(qn("w:val"), "nil")
        lines.append(edge)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    cell_margins = OxmlElement("w:tblCellMar")
    for side, value in zip(("top", "right", "bottom", "left"), margins, strict=True):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(_twips(value)))
        edge.set(qn("w:type"), "dxa")
        cell_margins.append(edge)
    # Schema order: tblStyle, tblpPr, tblOverlap, bidiVisual, tblStyleRowBandSize,
    # tblStyleColBandSize, tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, tblCellMar.
    anchor = properties.find(qn("w:tblStyle"))
    position = 0 if anchor is None else list(properties).index(anchor) + 1
    for offset, element in enumerate((width, justification, shift, lines, layout, cell_margins)):
        properties.insert(position + offset, element)
    for column, value in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(_twips(value)))
    for row in table.rows:
        for cell, value in zip(row.cells, widths, strict=False):
            cell.width = Pt(value)


def _twips(points: float) -> int:
    return round(points * 20)


def _keep_row_together(row, *, header: bool = False) -> None:
    """A table row never splits across pages; header rows repeat on each page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _cell_flow(cell, width: float) -> _Flow:
    """The blocks of a cell (its row never splits: they need no keeping together)."""
    return _Flow(cell, width=width)


def _header(flow: _Flow, table_element) -> None:
    """Nghị định 30's header: the issuer on the left (42 %), the national name and the motto on
    the right, each on one line, and the place and date."""
    cells = table_element.findall("./tr/td") or table_element.findall(".//td")
    widths = [TEXT_WIDTH * 0.42, TEXT_WIDTH * 0.58][: len(cells)]
    table = flow.table(1, len(cells), top=0)
    _table_properties(table, widths)
    _keep_row_together(table.rows[0])
    base = replace(BODY, size=12, align="center")
    for cell, element, width in zip(table.rows[0].cells, cells, widths, strict=False):
        cell_flow = _cell_flow(cell, width)
        for block in element:
            if not isinstance(block.tag, str):
                continue
            classes = set(block.get("class", "").split())
            if "rule" in classes:
                _rule(cell_flow, share=0.35, top=1 * MM, bottom=2 * MM)
                continue
            style = replace(
                base,
                bold="bold" in classes,
                upper="upper" in classes,
                italic="dateline" in classes,
                size=13 if classes & {"motto", "dateline"} else 10.5 if "long" in classes else 12,
                top=3 * MM if "dateline" in classes else 2 * MM if "number" in classes else 0,
            )
            segments = _segments(block, style)
            if not segments:
                cell_flow.skip(style)
                continue
            paragraph = cell_flow.paragraph(style)
            one_line = "very-long" not in classes and ("upper" in classes or "motto" in classes)
            _runs(paragraph, segments, style, fit=width if one_line else None)
            if "motto" in classes:
                # The rule under the motto is as long as the motto: its underline.
                for run in paragraph.runs:
                    run.underline = True
                # The underlined box (padding 1pt, border 0.6pt) makes the PDF's line taller.
                paragraph.paragraph_format.line_spacing = Pt(13 * LINE_HEIGHT + 1 + RULE)
    flow.after_table(6 * MM)


def _signature(flow: _Flow, table_element) -> None:
    """Nơi nhận on the left, the signer's block on the right, in a row that never splits."""
    cells = table_element.findall("./tr/td") or table_element.findall(".//td")
    widths = [TEXT_WIDTH / len(cells)] * len(cells)
    table = flow.table(1, len(cells), top=6 * MM)
    _table_properties(table, widths)
    _keep_row_together(table.rows[0])
    for cell, element, width in zip(table.rows[0].cells, cells, widths, strict=False):
        cell_flow = _cell_flow(cell, width)
        recipients = "recipients" in element.get("class", "")
        for block in element:
            if not isinstance(block.tag, str):
                continue
            classes = set(block.get("class", "").split())
            if recipients:
                label = "label" in classes
                style = replace(BODY, size=12 if label else 11, bold=label, italic=label)
            elif classes & {"name", "unsigned"}:
                unsigned = "unsigned" in classes
                style = replace(
                    BODY,
                    align="center",
                    bold=not unsigned,
                    italic=unsigned,
                    size=12 if unsigned else 14,
                    top=22 * MM,
                )
            else:
                style = replace(BODY, align="center", bold=True, upper="upper" in classes)
            paragraph = _paragraph(cell_flow, block, style)
            if paragraph is not None and "unsigned" in classes:
                # A note, not a name: said so in the runs, in a bold column.
                for run in paragraph.runs:
                    run.bold = False
    flow.after_table(0)


# --- Tables of figures: WeasyPrint's automatic layout --------------------------------------------

LIST_SIZE = 13  # table.list { font-size: 13pt }
# Word measures a little differently: a word as wide as its column, such as 30/09/2026, is set
# this much tighter so that it is not broken inside.
WORD_ROOM = 1.0  # pt
LIST_PADDING = (1 * MM, 2 * MM, 1 * MM, 2 * MM)  # top, right, bottom, left


@cache
def _font(bold: bool, italic: bool):
    name = "LiberationSerif-" + (
        "BoldItalic" if bold and italic else "Bold" if bold else "Italic" if italic else "Regular"
    )
    font = TTFont(FONTS / f"{name}.ttf", lazy=True)
    return font.getBestCmap(), font["hmtx"].metrics, font["head"].unitsPerEm


def _width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """The advance width of `text` in points, in the bundled Liberation Serif."""
    cmap, metrics, units = _font(bold, italic)
    total = 0
    for character in text:
        glyph = cmap.get(ord(character)) or cmap.get(ord("?"))
        total += metrics[glyph][0]
    return total * size / units


def _content_widths(element) -> tuple[float, float]:
    """A cell's min-content (its widest word) and max-content (its text on one line) widths."""
    style = replace(BODY, size=LIST_SIZE, bold=element.tag == "th")
    widest = whole = 0.0
    for text, bold, italic in _segments(element, style):
        for line in text.split("\n"):
            whole += _width(line, LIST_SIZE, bold, italic)
            for word in line.split():
                widest = max(widest, _width(word, LIST_SIZE, bold, italic))
    return widest, whole


def _column_widths(table_element, columns: int, available: float):
    """The CSS 2.1 / css-tables-3 automatic table layout of a `width: 100%` table, as WeasyPrint
    does it: percentage columns (a <colgroup>) get their share, the rest is given by min- and
    max-content widths. The widths, and the min-content widths."""
    extra = LIST_PADDING[1] + LIST_PADDING[3] + RULE
    low, high = [0.0] * columns, [0.0] * columns
    for row in table_element.iter("tr"):
        for index, cell in enumerate(c for c in row if c.tag in ("td", "th")):
            if index < columns:
                widest, whole = _content_widths(cell)
                low[index] = max(low[index], widest + extra)
                high[index] = max(high[index], whole + extra)
    percents = [None] * columns
    for index, col in enumerate(table_element.iter("col")):
        match = re.search(r"width:\s*([\d.]+)%", col.get("style", ""))
        if match and index < columns:
            percents[index] = float(match[1])
    percent_guess = [
        max(p / 100 * available, low[i]) if p is not None else low[i]
        for i, p in enumerate(percents)
    ]
    max_guess = [percent_guess[i] if p is not None else high[i] for i, p in enumerate(percents)]
    guesses = [low, percent_guess, percent_guess, max_guess]
    if available < sum(max_guess):
        lower = next((g for g in reversed(guesses) if sum(g) <= available), low)
        upper = next((g for g in guesses if sum(g) >= available), max_guess)
        added = [u - w for u, w in zip(upper, lower, strict=True)]
        if sum(added) <= 0:
            return upper, low
        ratio = (available - sum(lower)) / sum(added)
        return [w + a * ratio for w, a in zip(lower, added, strict=True)], low
    widths = list(max_guess)
    excess = available - sum(widths)
    free = [i for i, p in enumerate(percents) if p is None and high[i] > 0]
    if free:
        total = sum(high[i] for i in free)
        for i in free:
            widths[i] += excess * high[i] / total
    else:
        share = sum(widths) or 1
        widths = [w + excess * w / share for w in widths]
    return widths, low


def _grid(flow: _Flow, table_element) -> None:
    rows = table_element.findall(".//tr")
    width = max(len([c for c in row if c.tag in ("td", "th")]) for row in rows)
    widths, _ = _column_widths(table_element, width, flow.width)
    table = flow.table(len(rows), width, top=2 * MM)
    # Word's borders take no room from the text; the PDF's collapsed borders take half their
    # width from each cell: the same text width needs that half more margin.
    top, right, bottom, left = LIST_PADDING
    right, left = right + RULE / 2, left + RULE / 2
    _table_properties(table, widths, margins=(top, right, bottom, left), borders=True, indent=left)
    for row, element in zip(table.rows, rows, strict=True):
        _keep_row_together(row, header=element.getparent().tag == "thead")
        sources = [c for c in element if c.tag in ("td", "th")]
        for cell, source, column in zip(row.cells, sources, widths, strict=False):
            head = source.tag == "th"
            style = replace(BODY, size=LIST_SIZE, bold=head, align="center" if head else "left")
            cell_flow = _cell_flow(cell, 0)
            segments = _segments(source, style)
            paragraph = cell_flow.paragraph(style)
            if segments:
                widest = _content_widths(source)[0] + LIST_PADDING[1] + LIST_PADDING[3] + RULE
                _runs(paragraph, segments, style, tighter=widest + WORD_ROOM > column)
            else:
                _mark_size(paragraph, LIST_SIZE)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    flow.after_table(3 * MM)


# --- Charts: the horizontal bars of reports/charts.py as a table of shaded cells ---------------

SVG_DESCENT = 3.4  # pt, measured on the PDF: from the chart's bottom edge to its line's bottom


def _chart(flow: _Flow, element) -> None:
    svg = next((e for e in element.iter() if isinstance(e.tag, str) and e.tag == "svg"), None)
    bars = _bars(svg) if svg is not None else None
    if not bars:
        # A chart this exporter cannot draw: its text alternative.
        label = svg.get("aria-label", "") if svg is not None else _text(element)
        paragraph = flow.paragraph(replace(P, italic=True, top=2 * MM, bottom=3 * MM))
        paragraph.add_run(label).italic = True
        return
    view = [float(v) for v in svg.get("viewbox", svg.get("viewBox", "0 0 640 100")).split()]
    scale = flow.width / view[2]  # points per SVG unit: the SVG is as wide as the text
    label_width, track, gap = 220.0, 640 - 220 - 70 - 12.0, 8.0
    figure_width = view[2] - label_width - track
    # Column boundaries at every bar's ends: each part of a bar is a shaded cell.
    cuts = {0.0, track}
    for _, filled, remainder, _ in bars:
        cuts |= {round(min(filled, track), 1), round(min(filled + remainder, track), 1)}
    edges = sorted(cuts)
    spans = [b - a for a, b in itertools.pairwise(edges)]
    widths = [label_width, *spans, figure_width]
    size = 13 * scale
    table = flow.table(2 * len(bars) + 1, len(widths), top=2 * MM)
    _table_properties(table, [w * scale for w in widths])
    grid_after = len(widths)
    for index, row in enumerate(table.rows):
        _keep_row_together(row)
        bar = None if index % 2 == 0 else bars[index // 2]
        height = 8 if index == 0 else 18 if bar else 16 if index == len(table.rows) - 1 else 8
        row.height, row.height_rule = Pt(height * scale), WD_ROW_HEIGHT_RULE.EXACTLY
        for cell in row.cells:
            _tiny(cell.paragraphs[0])
        if bar is None:
            continue
        label, filled, remainder, figure = bar
        cells = row.cells
        first = cells[0].paragraphs[0]
        _cell_text(first, label, size, WD_ALIGN_PARAGRAPH.RIGHT, right=6 * scale)
        cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        last = cells[grid_after - 1].paragraphs[0]
        _cell_text(last, figure, size, WD_ALIGN_PARAGRAPH.LEFT, left=gap * scale)
        cells[grid_after - 1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        fill_end = min(filled, track)
        whole_end = min(filled + remainder, track)
        for position, cell in enumerate(cells[1:-1]):
            end = edges[position + 1]
            if end <= fill_end + 0.05:
                _shade(cell, "1F5FA8")
            elif end <= whole_end + 0.05 and remainder > 0:
                _shade(cell, "F4F7FB")
    # The SVG is an inline image on the line's baseline: the line's descent stays under it.
    flow.after_table(3 * MM + SVG_DESCENT)


def _bars(svg) -> list[tuple[str, float, float, str]] | None:
    """(label, filled, remainder, figure) per bar of a horizontal_bars() chart, in SVG units
    of the bars' track; None for another kind of chart."""
    bars = []
    for group in svg:
        if not isinstance(group.tag, str) or group.tag not in ("g", "a"):
            continue
        texts = [t for t in group.iter() if isinstance(t.tag, str) and t.tag == "text"]
        rects = [r for r in group.iter() if isinstance(r.tag, str) and r.tag == "rect"]
        if len(texts) != 2 or not rects or texts[0].get("text-anchor") != "end":
            return None
        widths = [float(r.get("width", 0)) for r in rects]
        bars.append(
            (
                " ".join(texts[0].text_content().split()),
                widths[0],
                widths[1] + 0.5 if len(widths) > 1 else 0.0,
                " ".join(texts[1].text_content().split()),
            )
        )
    return bars or None


def _cell_text(paragraph, text: str, size: float, align, *, left: float = 0, right: float = 0):
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(size * 1.15)
    fmt.alignment = align
    fmt.left_indent, fmt.right_indent = Pt(left), Pt(right)
    _mark_size(paragraph, size)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)


def _shade(cell, colour: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    properties.append(shading)


# --- The document's defaults and page ----------------------------------------------------------


def _defaults(word: WordDocument) -> None:
    """Times New Roman 14 pt for every script (Vietnamese letters included), kerning as the PDF
    has it, Vietnamese as the language, no spacing around paragraphs but what we write."""
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(run):
        run.remove(child)
    fonts = OxmlElement("w:rFonts")
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), FONT)
    kern = OxmlElement("w:kern")
    kern.set(qn("w:val"), "2")
    size, size_cs = OxmlElement("w:sz"), OxmlElement("w:szCs")
    size.set(qn("w:val"), "28")
    size_cs.set(qn("w:val"), "28")
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    language.set(qn("w:eastAsia"), "vi-VN")
    language.set(qn("w:bidi"), "ar-SA")
    for element in (fonts, kern, size, size_cs, language):
        run.append(element)
    paragraph = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(paragraph):
        paragraph.remove(child)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    paragraph.append(spacing)
    normal = word.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.widow_control = True  # CSS's orphans and widows: 2


def _page_setup(word: WordDocument) -> None:
    """A4 and the PDF's margins (Nghị định 30/2020/NĐ-CP: top and bottom 20–25 mm, left
    30–35 mm, right 15–20 mm), and the page number centred at the top from page 2 (the first
    page's header stays empty), in the top margin as the PDF's."""
    section = word.sections[0]
    section.page_width, section.page_height = Pt(PAGE_WIDTH), Pt(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Pt(MARGIN_TOP), Pt(MARGIN_BOTTOM)
    section.left_margin = Pt(MARGIN_LEFT + BODY_MARGIN)
    # LibreOffice measures a line a hair wider than WeasyPrint (no kerning when it breaks
    # lines): a tenth of a point more keeps a line that just fits in the PDF whole.
    section.right_margin = Pt(MARGIN_RIGHT + BODY_MARGIN - 0.1)
    line = 13 * LINE_HEIGHT
    section.header_distance = Pt((MARGIN_TOP - line) / 2)
    section.footer_distance = Emu(0)
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(line)
    _page_field(paragraph.add_run())
    first = section.first_page_header.paragraphs[0]
    first.paragraph_format.space_after = Pt(0)


def _page_field(run) -> None:
    """A PAGE field: Word writes the page's own number."""
    for kind, text in (
        ("begin", None),
        (None, "PAGE"),
        ("separate", None),
        (None, "2"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)
    run.font.size = Pt(13)

"""The same document as .docx, for officials who edit in Word before signing.

It walks the HTML that the PDF is rendered from — our own print templates, a small, known set of
elements — so the two files always say the same thing.
"""

from __future__ import annotations

import io

import lxml.html
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "Times New Roman"


def html_to_docx(html: str) -> bytes:
    tree = lxml.html.fromstring(html)
    word = WordDocument()
    _page_setup(word)
    _blocks(word, tree.body)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _blocks(word: WordDocument, parent) -> None:
    for element in parent:
        classes = set(element.get("class", "").split())
        if element.tag == "div" and "closing" in classes:
            # The last paragraph and the signature: Word keeps them together too.
            _blocks(word, element)
            continue
        if "draft-mark" in classes:
            _paragraph(word, element, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT, size=12)
        elif element.tag == "table" and "header" in classes:
            _two_columns(word, element, header=True)
        elif element.tag == "table" and "signature" in classes:
            _two_columns(word, element, header=False)
        elif element.tag == "table" and "list" in classes:
            _grid(word, element)
        elif element.tag == "h1" or "subject" in classes:
            _paragraph(word, element, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif element.tag in ("h2", "h3"):
            _paragraph(word, element, bold=True, upper=element.tag == "h2", indent=True)
        elif element.tag == "p":
            paragraph = _paragraph(
                word,
                element,
                italic=bool(classes & {"basis", "missing"}),
                indent=True,
                align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            )
            if element.getparent().get("class") == "closing":
                paragraph.paragraph_format.keep_with_next = True


def _grid(word: WordDocument, table_element) -> None:
    rows = table_element.findall(".//tr")
    width = max(len(row.findall("./th") + row.findall("./td")) for row in rows)
    table = word.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for row, element in zip(table.rows, rows, strict=True):
        _keep_row_together(row, header=element.getparent().tag == "thead")
        for cell, source in zip(
            row.cells, element.findall("./th") + element.findall("./td"), strict=False
        ):
            cell.text = _text(source)
            if source.tag == "th":
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _page_setup(word: WordDocument) -> None:
    """A4, the margins of Nghị định 30/2020/NĐ-CP, and the page number centred at the top from
    page 2 (the first page's header stays empty)."""
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = word.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph.add_run())


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


def _keep_row_together(row, *, header: bool = False) -> None:
    """A table row never splits across pages; header rows repeat on each page."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        properties.append(OxmlElement("w:tblHeader"))


def _bottom_rule(paragraph, *, width_share: float, cell_cm: float) -> None:
    """A centred rule `width_share` of the column wide: the paragraph's bottom border between
    equal indents."""
    indent = Cm(cell_cm * (1 - width_share) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    paragraph.paragraph_format.space_after = Pt(2)


def _text(element, upper: bool = False) -> str:
    text = " ".join(element.text_content().split())
    return text.upper() if upper else text


def _paragraph(
    container,
    element,
    *,
    bold=False,
    italic=False,
    upper=False,
    indent=False,
    align=None,
    size: int | None = None,
):
    paragraph = container.add_paragraph()
    run = paragraph.add_run(_text(element, upper or "upper" in element.get("class", "")))
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _two_columns(word: WordDocument, table_element, *, header: bool) -> None:
    cells = table_element.findall(".//td")
    table = word.add_table(rows=1, cols=len(cells))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _keep_row_together(table.rows[0])
    # Text width is 16.5 cm; the header's left column 42 % of it.
    widths = [6.9, 9.6] if header else [8.25, 8.25]
    for cell, element, width in zip(table.rows[0].cells, cells, widths, strict=False):
        cell.width = Cm(width)
        cell.paragraphs[0].text = ""
        first = True
        recipients = "recipients" in element.get("class", "")
        for block in element:
            classes = set(block.get("class", "").split())
            if "rule" in classes:
                if header:
                    paragraph = cell.add_paragraph()
                    _bottom_rule(paragraph, width_share=0.35, cell_cm=width)
                continue
            if not _text(block):
                continue
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            run = paragraph.add_run(_text(block, upper="upper" in classes))
            run.bold = "bold" in classes or "label" in classes or (not header and "name" in classes)
            run.italic = bool(classes & {"dateline", "label", "missing", "unsigned"})
            # Nghị định 30: the rule under the motto is as long as the motto.
            run.underline = "motto" in classes
            if recipients:
                run.font.size = Pt(12 if "label" in classes else 11)
            else:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run.font.size = (
                    Pt(13 if classes & {"motto", "dateline"} else 10.5 if "long" in classes else 12)
                    if header
                    else Pt(14)
                )
                if not header and "unsigned" not in classes:
                    run.bold = True
                if "unsigned" in classes:
                    run.font.size = Pt(12)
                if "name" in classes or "unsigned" in classes:
                    paragraph.paragraph_format.space_before = Pt(60)

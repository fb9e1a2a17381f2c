"""Issue 26 §1: the .docx is the PDF's twin. Every kind of document the portal issues is
rendered (PDF by WeasyPrint, .docx by python-docx), the .docx files are converted to PDF by
LibreOffice headless in one call, and the two PDFs must agree: the same number of pages, each
heading (the title, I., II. …, Điều 1., the annex, Nơi nhận, the signer's name) on the same page,
and the national name and the motto each on one line of the first page."""

from __future__ import annotations

import re
import shutil
import subprocess
import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import lxml.html
import pytest
from django.utils import timezone
from docx import Document as WordDocument

from reports import issuers
from reports.dossier import DOSSIER_KINDS
from reports.models import Document
from reports.rendering import render_pdf
from reports.services import (
    document_create,
    document_edit,
    document_issue,
    document_render,
    dossier_document_create,
    issuer_profile_save,
    render_html,
    signatory_add,
)
from sponsorships.periods import Frequency, Period

pytestmark = pytest.mark.libreoffice

Kind = Document.Kind
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _one_day(monkeypatch):
    """Every run writes the same text (dates, years), so the same lines: a line that just
    fits is found once, not on some days of the year."""
    moment = datetime.combine(DAY, time(9), tzinfo=timezone.get_current_timezone())
    monkeypatch.setattr(timezone, "now", lambda: moment)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DAY)


@dataclass
class Pair:
    """One document: its HTML (where the headings come from), its PDF and its .docx."""

    name: str
    document: Document
    html: str
    pdf: Path
    docx: Path


def _sign(issuer, *, abbreviation: str, place: str, name: str, title: str, authority: str):
    issuer_profile_save(
        issuer=issuer, data={"abbreviation": abbreviation, "place": place}, actor=None
    )
    issuer = _again(issuer)
    signatory_add(issuer=issuer, full_name=name, title=title, authority=authority, actor=None)
    return _again(issuer)


def _again(issuer):
    return issuers.of_agency(issuer.agency) if issuer.agency else issuers.of_area(issuer.area)


def _agency(world):
    return _sign(
        issuers.of_agency(world.agency_a),
        abbreviation="SKHĐT",
        place="Quảng Trị",
        name="Trương Chí Trung",
        title="Phó Giám đốc",
        authority="KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
    )


def _documents(world, personas, cases, folder: Path) -> list[tuple[str, Document]]:
    """A document of every kind, drafts and issued ones, as the portal makes them."""
    agency = _agency(world)
    commune = _sign(
        issuers.of_area(world.commune_a1),
        abbreviation="UBND",
        place="Ba Tầng",
        name="Hồ Văn Bình",
        title="Chủ tịch",
        authority="TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
    )
    province = _sign(
        issuers.of_area(world.province_a),
        abbreviation="UBND",
        place="Quảng Trị",
        name="Võ Văn Hưng",
        title="Chủ tịch",
        authority="TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
    )
    half = Period.containing(DAY, Frequency.HALF_YEAR)
    quarter = Period.containing(DAY, Frequency.QUARTER)
    made = [
        (
            Kind.SPONSORSHIP_PLAN,
            document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=agency, actor=None),
        ),
        (
            Kind.INSPECTION_PLAN,
            document_create(kind=Kind.INSPECTION_PLAN, issuer=agency, actor=None, period=quarter),
        ),
        (
            Kind.AGENCY_REPORT,
            document_create(kind=Kind.AGENCY_REPORT, issuer=agency, actor=None, period=half),
        ),
        (
            Kind.INSPECTION_REPORT,
            document_create(
                kind=Kind.INSPECTION_REPORT,
                issuer=agency,
                actor=None,
                inspection=world.inspection_a2,
            ),
        ),
    ]
    for kind in (Kind.COMMUNE_PLAN, Kind.VILLAGE_PLAN, Kind.ADVANCED_PLAN):
        made.append((kind, document_create(kind=kind, issuer=commune, actor=None, year=2026)))
    for kind in (Kind.AREA_PLAN, Kind.CAMPAIGN_PLAN):
        made.append((kind, document_create(kind=kind, issuer=province, actor=None, year=2026)))
    for kind in DOSSIER_KINDS:
        made.append(
            (kind, dossier_document_create(case=cases.decision, kind=kind, actor=personas["admin"]))
        )
    # Issued versions: a number, a date, no "DỰ THẢO".
    issued = []
    for kind, document in made[:2]:
        document_render(document_id=document.pk)
        issued.append((f"{kind} (issued)", document_issue(document=document, actor=None)))
    return (
        [(str(kind), document) for kind, document in made]
        + issued
        + [(CLOSING_OVER, _closing_over_a_page(agency, folder))]
    )


CLOSING_OVER = "closing over a page"
BEFORE_CLOSING = "Định kỳ 6 tháng, hằng năm"  # the sponsorship plan's paragraph before its closing


def _closing_over_a_page(agency, folder: Path) -> Document:
    """A sponsorship plan with just enough more tasks that its closing paragraph and signature
    no longer fit on the page: the fewest tasks that make the PDF a page longer (a binary
    search, rendering only in memory)."""
    document = document_create(kind=Kind.SPONSORSHIP_PLAN, issuer=agency, actor=None)
    tasks = list(document.narrative["tasks"])

    def pages(extra: int) -> int:
        document.narrative["tasks"] = tasks + [
            f"Nhiệm vụ bổ sung số {n + 1}." for n in range(extra)
        ]
        trial = folder / "trial.pdf"
        trial.write_bytes(render_pdf(render_html(document)))
        return len(_pages(trial))

    low, high = 0, 64
    start = pages(0)
    assert pages(high) > start
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if pages(middle) > start else (middle, high)
    document.refresh_from_db()
    return document_edit(
        document=document,
        narrative={"tasks": tasks + [f"Nhiệm vụ bổ sung số {n + 1}." for n in range(high)]},
        actor=None,
    )


def _render(made: list[tuple[str, Document]], folder: Path) -> list[Pair]:
    pairs = []
    for index, (name, document) in enumerate(made):
        document = document_render(document_id=document.pk)
        assert document.status == Document.Status.DONE, (name, document.error)
        pdf, docx = folder / f"{index:02d}.pdf", folder / f"{index:02d}.docx"
        shutil.copyfile(document.pdf.path, pdf)
        shutil.copyfile(document.docx.path, docx)
        pairs.append(Pair(name, document, render_html(document), pdf, docx))
    return pairs


def _convert(files: list[Path], folder: Path) -> float:
    """Every .docx to PDF in one LibreOffice run, with a profile of this test's own (two runs
    at once would otherwise share and lock ~/.config/libreoffice). The seconds it took."""
    started = clock.monotonic()
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "lo"),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return clock.monotonic() - started


def _pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed), white space
    collapsed."""
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def _first_page_lines(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [" ".join(line.split()) for line in text.splitlines()]


def _headings(html: str) -> list[str]:
    """What a reader looks for on a page: the headings, the articles of a decision (Điều 1.),
    the start of the closing paragraph, Nơi nhận and the signer's name (or the note standing
    in for it)."""
    tree = lxml.html.fromstring(html)
    found = []
    for element in tree.iter("h1", "h2", "h3", "b", "div"):
        text = " ".join(element.text_content().split())
        classes = set(element.get("class", "").split())
        if "closing" in classes:
            closing = next(element.iter("p"))
            found.append(" ".join(closing.text_content().split())[:40])
        elif element.tag in ("h1", "h2", "h3"):
            found.append((text.upper() if element.tag == "h2" else text)[:40])
        elif (element.tag == "b" and re.fullmatch(r"Điều \d+\.", text)) or classes & {
            "label",
            "name",
            "unsigned",
        }:
            found.append(text)
    return found


def _page_of(pages: list[str], text: str, after: int = 0) -> int | None:
    for number, page in enumerate(pages[after:], start=after + 1):
        if text in page:
            return number
    return None


def _mismatches(pair: Pair, converted: Path) -> list[str]:
    wanted, got = _pages(pair.pdf), _pages(converted)
    problems = []
    if len(wanted) != len(got):
        problems.append(f"{len(wanted)} pages in the PDF, {len(got)} from the .docx")
    # In reading order: a heading is looked for from the page of the one before it (the title
    # "QUYẾT ĐỊNH" is on page 1, "QUYẾT ĐỊNH:" too; the annex's title is not).
    at_pdf = at_docx = 0
    for heading in _headings(pair.html):
        page_pdf, page_docx = _page_of(wanted, heading, at_pdf), _page_of(got, heading, at_docx)
        assert page_pdf is not None, (pair.name, heading, "not in the PDF")
        if page_pdf != page_docx:
            problems.append(f"“{heading}” on page {page_pdf} of the PDF, {page_docx} of the .docx")
        at_pdf, at_docx = page_pdf - 1, (page_docx or 1) - 1
    for line in (NATIONAL_NAME, MOTTO):
        assert line in _first_page_lines(pair.pdf), (pair.name, line, "not one line in the PDF")
        if line not in _first_page_lines(converted):
            problems.append(f"“{line}” is not one line")
    return problems


def test_every_kind_of_document_has_the_pdfs_pages_in_word(world, personas, cases, tmp_path):
    pairs = _render(_documents(world, personas, cases, tmp_path), tmp_path)
    # Every kind the portal issues is here: a new kind joins this test.
    assert {pair.document.kind for pair in pairs} == set(Kind.values)
    seconds = _convert([pair.docx for pair in pairs], tmp_path)
    print(
        f"\nLibreOffice: {len(pairs)} .docx in {seconds:.1f} s ({seconds / len(pairs):.2f} s each)"
    )
    report, failures = [], []
    for pair in pairs:
        converted = tmp_path / "lo" / pair.pdf.name
        assert converted.exists(), (pair.name, "not converted")
        problems = _mismatches(pair, converted)
        report.append(f"{pair.name:40} {len(_pages(pair.pdf))} / {len(_pages(converted))} pages")
        failures += [f"{pair.name}: {problem}" for problem in problems]
    print("\n".join(report))
    assert not failures, "\n".join(failures)


def test_the_premises_hold(world, personas, cases, tmp_path):
    """What the comparison above rests on, in the files themselves: the long plan's closing
    went over to a new page in the PDF, the decision's annex starts a new page, the articles
    are bold, the title has its rule, and the .docx's page is the PDF's."""
    long, decision = _render(
        [
            (CLOSING_OVER, _closing_over_a_page(_agency(world), tmp_path)),
            ("decision", cases.decision.documents.get(kind=Kind.RECOGNITION_DECISION)),
        ],
        tmp_path,
    )
    long_pages = _pages(long.pdf)
    assert _page_of(long_pages, BEFORE_CLOSING) == _page_of(long_pages, "Nơi nhận:") - 1
    decision_pages = _pages(decision.pdf)
    assert _page_of(decision_pages, "DANH SÁCH XÃ") == 2
    assert decision_pages[1].startswith("2 DANH SÁCH XÃ")  # the page number, then the annex
    word = WordDocument(decision.docx)
    annex = next(p for p in word.paragraphs if p.text.startswith("DANH SÁCH XÃ"))
    assert annex.paragraph_format.page_break_before
    articles = [r for p in word.paragraphs for r in p.runs if re.fullmatch(r"Điều \d\.", r.text)]
    assert len(articles) == 3
    assert all(run.bold for run in articles)
    subject = next(i for i, p in enumerate(word.paragraphs) if p.text.startswith("Về việc"))
    assert "w:pBdr" in word.paragraphs[subject + 1]._p.xml  # the rule under the title
    section = word.sections[0]
    assert round(section.left_margin.mm, 1) == 32.1  # 30 mm and the PDF's 8px body margin
    assert round(section.right_margin.mm, 1) == 17.1
    assert round(section.top_margin.mm) == round(section.bottom_margin.mm) == 20
    assert word.styles["Normal"].font.name == "Times New Roman"

"""Generated documents: the sponsorship plan from demo data, its layout, numbering, safety."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from reports.models import Document
from reports.rendering import BundledAssetsOnly, FetchRefused, render_pdf
from reports.services import (
    DocumentError,
    document_create,
    document_edit,
    document_issue,
    document_regenerate,
    document_render,
    issuer_profile_save,
    render_html,
    signatory_add,
)
from sponsorships.models import Agency


def _text(pdf_path: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", pdf_path, "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def _month(month: int) -> str:
    """Nghị định 30: "tháng 02" but "tháng 7"."""
    return f"{month:02d}" if month < 3 else str(month)


def signed_issuer(agency: Agency):
    """The agency's issuer with a profile and one signatory, entered through the services."""
    from reports import issuers

    issuer = issuers.of_agency(agency)
    issuer_profile_save(
        issuer=issuer, data={"abbreviation": "SKH", "place": "Quảng Trị"}, actor=None
    )
    issuer = issuers.of_agency(agency)
    signatory_add(
        issuer=issuer,
        full_name="Trương Chí Trung",
        title="Phó Giám đốc",
        authority="KT. Giám đốc",
        actor=None,
    )
    return issuers.of_agency(agency)


@pytest.fixture
def demo(db, settings):
    settings.ALLOW_DEMO_DATA = True
    call_command("load_divisions", edition=2024)
    call_command("load_criteria")
    call_command("load_demo")


def test_load_demo_creates_each_agencys_plan(demo):
    issued = Document.objects.filter(kind=Document.Kind.SPONSORSHIP_PLAN, state="issued")
    # Seeds 000 and 004 in 2020, and the CCB's plan of this year.
    assert sorted(issued.values_list("year", "number")) == [(2020, 1), (2020, 2071), (2026, 1)]
    # Both agencies have inspections this quarter: beat's plan (a draft) for it exists too.
    assert Document.objects.filter(kind=Document.Kind.INSPECTION_PLAN, number=None).count() == 2


def test_the_pdf_is_a4_with_the_bundled_fonts_embedded(demo):
    document = document_render(
        document_id=Document.objects.filter(kind=Document.Kind.SPONSORSHIP_PLAN).first().pk
    )
    info = subprocess.run(
        ["pdfinfo", document.pdf.path], capture_output=True, text=True, check=True
    )
    assert "595.276 x 841.89 pts (A4)" in info.stdout
    fonts = subprocess.run(
        ["pdffonts", document.pdf.path], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "no fonts"
    assert all("Liberation-Serif" in line and " yes yes yes " in line for line in fonts), fonts


def test_missing_data_is_written_and_listed(db, world):
    document = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN, issuer=world.agency_b, actor=None
    )
    document = document_render(document_id=document.pk)
    assert document.status == Document.Status.DONE
    assert "Xã Bình Lư: chưa có đánh giá đã duyệt" in document.missing
    assert "Chưa có người ký" in document.missing
    assert "chưa có số liệu" in _text(document.pdf.path)
    # The missing signer is a note, not a name: not bold, in the PDF's CSS and the .docx.
    assert '<div class="unsigned">(chưa chọn người ký)</div>' in render_html(document)
    import docx

    runs = [
        run
        for table in docx.Document(document.docx.path).tables
        for cell in table.rows[0].cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
        if run.text == "(chưa chọn người ký)"
    ]
    assert [(run.bold, run.italic) for run in runs] == [(False, True)]


def test_user_text_with_html_and_file_urls_renders_as_text_and_fetches_nothing(db, world):
    document = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN, issuer=world.agency_a, actor=None
    )
    document.narrative["signer_name"] = '<img src="file:///etc/passwd"> http://example.com/x.png'
    document.save()
    document = document_render(document_id=document.pk)
    assert document.status == Document.Status.DONE
    text = _text(document.pdf.path)
    assert '<img src="file:///etc/passwd">' in text
    assert "example.com/x.png" in text
    assert "root:" not in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1/x.png",
        "data:text/plain,hello",
        "ntm-asset:../ntm_portal/settings.py",
        "ntm-asset:fonts/../../manage.py",
    ],
)
def test_the_renderer_refuses_every_url_but_bundled_assets(url):
    with pytest.raises(FetchRefused):
        BundledAssetsOnly().fetch(url)
    # And a document that asks for one still renders, without it.
    assert render_pdf(f'<p>x</p><img src="{url}">').startswith(b"%PDF")


def test_draft_versions_share_a_lineage_and_take_no_number(db, world):
    first = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=world.agency_b, actor=None)
    again = document_regenerate(document=first, actor=None)
    assert (first.number, again.number, again.version) == (None, None, 2)
    assert again.lineage == first.lineage
    assert again.number_label == f"…/{first.symbol}"


def test_a_failed_render_leaves_a_failed_row_and_no_file(db, world, monkeypatch):
    def broken(html: str) -> bytes:
        raise RuntimeError("Pango đã hỏng")

    monkeypatch.setattr("reports.services.render_pdf", broken)
    document = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN, issuer=world.agency_b, actor=None
    )
    document = document_render(document_id=document.pk)
    assert document.status == Document.Status.FAILED
    assert document.error == "RuntimeError: Pango đã hỏng"
    assert not document.pdf


def test_document_page_and_download(client, world, personas):
    client.force_login(personas["agency"])
    response = client.post(reverse("reports:document_new", args=[world.agency_a.pk]), follow=True)
    assert "Đang tạo dự thảo" in response.content.decode()
    document = Document.objects.latest("pk")
    document = document_render(document_id=document.pk)
    page = client.get(reverse("reports:document_detail", args=[document.pk])).content.decode()
    assert "Tải PDF" in page
    assert "Chưa có người ký" in page
    download = client.get(reverse("reports:document_pdf", args=[document.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert Path(document.pdf.path).exists()


@pytest.mark.parametrize(
    ("issued_on", "expected"),
    [
        (date(2026, 7, 5), "ngày 05 tháng 7 năm 2026"),
        (date(2026, 2, 14), "ngày 14 tháng 02 năm 2026"),
    ],
)
def test_the_date_line_follows_nghi_dinh_30(db, world, issued_on, expected):
    issuer = signed_issuer(world.agency_a)
    draft = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    draft = document_render(document_id=draft.pk)
    assert "Quảng Trị, ngày … tháng … năm" in _text(draft.pdf.path)
    document = document_issue(document=draft, actor=None, issued_on=issued_on)
    document = document_render(document_id=document.pk)
    assert f"Quảng Trị, {expected}" in _text(document.pdf.path)


def test_the_inspection_report_reads_like_a_bao_cao(client, world, personas):
    from sponsorships.services import report_save, report_submit

    inspection = world.inspection_a2
    report = inspection.report
    report = report_save(
        report=report,
        data={
            "inspected_on": "20/12/2024",
            "participants": "Đ/c Giám đốc Sở; đại diện UBND xã",
            "difficulties": "Thiếu vốn đối ứng",
            "proposals": "Hỗ trợ xi măng",
            "resources_vnd": "150.000.000",
            "resources_in_kind": "20 tấn xi măng",
        },
        findings={},
        version=report.version,
        actor=personas["agency"],
    )
    report_submit(report=report, version=report.version, actor=personas["agency"])
    client.force_login(personas["agency"])
    client.post(reverse("reports:inspection_document_new", args=[inspection.pk]))
    document = Document.objects.get(kind=Document.Kind.INSPECTION_REPORT)
    document = document_render(document_id=document.pk)
    text = _text(document.pdf.path)
    for expected in [
        "BÁO CÁO",
        # A draft speaks for today, after 30/06/2025: the province, not the district.
        "Kết quả kiểm tra xây dựng nông thôn mới tại xã Thuận - tỉnh",
        "Số: …/BC-",
        "Thời gian kiểm tra: ngày 20/12/2024",
        "Đ/c Giám đốc Sở; đại diện UBND xã",
        "Thiếu vốn đối ứng",
        "150.000.000 đồng; 20 tấn xi măng./.",
        "UBND xã Thuận;",
    ]:
        assert expected in text, expected


def test_the_docx_holds_the_same_text_as_the_pdf(demo):
    import docx

    document = document_render(
        document_id=Document.objects.filter(kind=Document.Kind.SPONSORSHIP_PLAN).first().pk
    )
    word = docx.Document(document.docx.path)
    paragraphs = [p.text for p in word.paragraphs]
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    text = " ".join(" ".join(paragraphs + cells).split())
    pdf_text = _text(document.pdf.path)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {document.number_label}",
        "KẾ HOẠCH",
        "Hàng quý kiểm tra xã đỡ đầu 1 lần",
        "Nơi nhận:",
    ]:
        assert expected in text, expected
        assert expected in pdf_text, expected
    section = word.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    # Page numbers centred at the top from page 2; table rows never split across pages.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert not section.first_page_header.paragraphs[0].text
    rows = [row for table in word.tables for row in table.rows]
    assert rows
    assert all("w:cantSplit" in row._tr.xml for row in rows)
    # The motto's rule is its underline, as long as the motto.
    motto = [run for run in word.tables[0].rows[0].cells[1].paragraphs[1].runs]
    assert [run.text for run in motto] == ["Độc lập - Tự do - Hạnh phúc"]
    assert motto[0].underline


def test_edited_sections_make_a_new_version_and_bad_input_is_named(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("reports:document_detail", args=[world.document_a.pk])
    page = client.post(url, {"subject": ""}).content.decode()
    assert "Trích yếu: Trường này là bắt buộc." in page
    assert Document.objects.filter(issuer=world.agency_a).count() == 1
    data = {
        "subject": "Đỡ đầu, phụ trách xây dựng nông thôn mới năm 2026",
        "purposes": "Mục đích một\n\nMục đích hai",
        "tasks": "Nhiệm vụ một",
        "responsibilities": "Phòng Kinh tế ngành: chủ trì",
        "recipients": "VPĐP NTM tỉnh\nUBND tỉnh (b/c)",
        "version": "1",
    }
    page = client.post(url, {**data, "responsibilities": "không có dấu hai chấm"}).content.decode()
    assert "Nhiệm vụ theo đơn vị, dòng 1: ghi “Tên đơn vị: nhiệm vụ”." in page
    response = client.post(url, data)
    new = Document.objects.get(issuer=world.agency_a, version=2)
    assert response["Location"] == reverse("reports:document_detail", args=[new.pk])
    assert new.lineage == world.document_a.lineage
    assert new.narrative["purposes"] == ["Mục đích một", "Mục đích hai"]
    assert new.narrative["responsibilities"] == [["Phòng Kinh tế ngành", "chủ trì"]]
    new = document_render(document_id=new.pk)
    assert "Chưa có người ký" in new.missing
    text = _text(new.pdf.path)
    assert "Mục đích hai" in text
    assert "- UBND tỉnh (b/c);" in text
    assert "1. Phòng Kinh tế ngành: chủ trì" in text


def test_beat_makes_the_quarters_inspection_plan_once(db, world):
    from datetime import date

    from reports.services import documents_plan_period

    assert documents_plan_period(today=date(2024, 11, 2)) == 1  # agency_a's Q4 2024 inspection
    assert documents_plan_period(today=date(2024, 11, 3)) == 0
    plan = Document.objects.get(kind=Document.Kind.INSPECTION_PLAN)
    assert (plan.period_start, plan.period_end) == (date(2024, 10, 1), date(2024, 12, 31))
    plan = document_render(document_id=plan.pk)
    text = _text(plan.pdf.path)
    assert "Kiểm tra xây dựng nông thôn mới tại các xã đỡ đầu, phụ trách quý IV năm 2024" in text
    assert "31/12/2024 Xã Thuận - huyện Hướng Hóa" in text
    assert "Cơ quan chưa khai báo ban chỉ đạo" in plan.missing

    import docx

    word = docx.Document(plan.docx.path)
    assert any(
        "Xã Thuận" in cell.text for table in word.tables for row in table.rows for cell in row.cells
    )


def test_the_render_benchmark_reports_each_type_and_memory(demo):
    from io import StringIO

    out = StringIO()
    call_command("benchmark_documents", count=12, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["document", "type", "renders", "median", "ms", "max", "ms"]
    kinds = {line.split()[0] for line in lines[1:-1]}
    assert kinds == {
        "sponsorship_plan",
        "inspection_plan",
        "agency_report",
        "village_plan",
        "advanced_plan",
        "campaign_plan",
    }
    assert lines[-1].startswith("12 renders in a row: peak RSS")


def test_a_stale_tab_cannot_regenerate_an_older_version(client, world, personas):
    """Tạo lại on version 1 after version 2 was saved would copy version 1's text and drop the
    later edits: refused, naming version 2, and nothing is written."""
    client.force_login(personas["province"])
    first = world.document_a
    second = document_edit(
        document=first,
        narrative={"subject": "Sửa ở tab khác"},
        version=1,
        actor=personas["province"],
    )
    regenerate = reverse("reports:document_regenerate", args=[first.pk])
    rows = Document.objects.count()
    page = client.post(regenerate, {"version": "1"}, follow=True).content.decode()
    assert "Văn bản đã có phiên bản mới hơn: bản 2" in page
    assert "Chưa ghi gì" in page
    assert Document.objects.count() == rows
    # The same form posted from version 2's page makes version 3, with version 2's text.
    response = client.post(
        reverse("reports:document_regenerate", args=[second.pk]), {"version": "2"}
    )
    third = Document.objects.get(lineage=first.lineage, version=3)
    assert response["Location"] == reverse("reports:document_detail", args=[third.pk])
    assert third.narrative["subject"] == "Sửa ở tab khác"


def test_a_stale_edit_form_is_refused_and_writes_nothing(client, world, personas):
    client.force_login(personas["province"])
    first = world.document_a
    document_edit(document=first, narrative={"subject": "Bản 2"}, actor=personas["province"])
    rows = Document.objects.count()
    url = reverse("reports:document_detail", args=[first.pk])
    data = {
        "subject": "Bản cũ sửa lại",
        "responsibilities": "Phòng Kinh tế ngành: chủ trì",
        "version": "1",
    }
    page = client.post(url, data).content.decode()
    assert "Văn bản đã có phiên bản mới hơn: bản 2" in page
    assert Document.objects.count() == rows


def test_the_service_refuses_a_version_that_is_not_the_latest(world, personas):
    first = world.document_a
    second = document_regenerate(document=first, version=1, actor=None)
    with pytest.raises(DocumentError, match="bản 2"):
        document_regenerate(document=first, version=1, actor=None)
    # A version posted to a newer page than the one it was shown is refused too.
    with pytest.raises(DocumentError, match="bản 2"):
        document_edit(document=second, narrative={}, version=1, actor=None)
    assert Document.objects.filter(lineage=first.lineage).count() == 2

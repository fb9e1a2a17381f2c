"""The six-monthly agency report, the commune's annual plan and the district/province plan with
targets against actuals: generated from demo data, checked as text, A4, fonts and .docx."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from criteria.models import Evaluation, Recognition
from criteria.services import evaluation_create
from reports import targets
from reports.models import Document, PlanTarget
from reports.services import document_render, documents_report_half_year
from sponsorships.models import Agency

from .test_documents import _month, _text


@pytest.fixture
def demo(db, settings):
    settings.ALLOW_DEMO_DATA = True
    call_command("load_divisions", edition=2024)
    call_command("load_criteria")
    call_command("load_demo")


def _rendered(document: Document) -> tuple[Document, str]:
    document.narrative = {**document.narrative, "signer_name": "Đỗ Đình Dũng"}
    document.save()
    document = document_render(document_id=document.pk)
    assert document.status == Document.Status.DONE, document.error
    return document, _text(document.pdf.path)


def _check_layout(document: Document, place: str) -> None:
    """A4, every font embedded, and the .docx holds the same text."""
    info = subprocess.run(["pdfinfo", document.pdf.path], capture_output=True, text=True)
    assert "595.276 x 841.89 pts (A4)" in info.stdout
    fonts = subprocess.run(
        ["pdffonts", document.pdf.path], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    assert all(" yes yes yes " in line for line in fonts), fonts
    word = WordDocument(io.BytesIO(document.docx.read()))
    words = " ".join(p.text for p in word.paragraphs)
    words += " ".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    pdf = _text(document.pdf.path)
    day = document.issued_on
    date_line = (
        f"{place}, ngày {day:%d} tháng {_month(day.month)} năm {day:%Y}"
        if day
        else f"{place}, ngày … tháng … năm"
    )
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        date_line,
        "./.",
        "Nơi nhận:",
        "Lưu: VT",
        "Đỗ Đình Dũng",
    ]:
        assert expected in pdf, expected
        assert expected in " ".join(words.split()), expected


def test_the_six_monthly_report_lists_inspections_progress_and_a_chart(demo):
    ccb = Agency.objects.get(short_name="Hội CCB tỉnh")
    document, text = _rendered(ccb.documents.filter(kind=Document.Kind.AGENCY_REPORT).latest("pk"))
    half = "6 tháng đầu năm" if timezone.localdate().month <= 6 else "6 tháng cuối năm"
    for expected in [
        "HỘI CỰU CHIẾN BINH VIỆT NAM",
        # Broken before "tỉnh", never inside the place's name (issue 26).
        "TỈNH QUẢNG TRỊ",
        "DỰ THẢO",
        "Số: …/BC-CCB",
        "BÁO CÁO",
        f"Kết quả đỡ đầu, phụ trách xây dựng nông thôn mới {half}",
        "I. KẾT QUẢ KIỂM TRA",
        "đợt kiểm tra theo kế hoạch",
        "II. KẾT QUẢ THỰC HIỆN TIÊU CHÍ CỦA CÁC XÃ",
        # The chart's labels and figures are text in the PDF, not a picture.
        "Xã Ba Tầng 9/19",
        "Còn 10 tiêu chí chưa đạt gồm: giao thông",
        "Xã Triệu Phước 19/19",
        "III. NGUỒN LỰC HUY ĐỘNG",
        "Văn phòng Điều phối nông thôn mới tỉnh;",
        "UBND các xã: Ba Tầng, Triệu Long, Triệu Phước;",
    ]:
        assert expected in text, expected
    _check_layout(document, "Quảng Trị")
    assert document.missing == []


def test_area_figures_match_a_hand_computed_district(world):
    """Hướng Hóa in the test world: two xã; Ba Tầng 7/10, Thuận 9/10 and recognised; two
    villages without an evaluation."""
    Evaluation.objects.filter(pk=world.evaluation_a1.pk).update(
        status=Evaluation.Status.APPROVED, met_count=7, undecided_count=0, criteria_count=10
    )
    thuan = evaluation_create(
        commune=world.commune_a2,
        criteria_set=world.evaluation_a1.criteria_set,
        year=2024,
        half=2,
        actor=None,
    )
    Evaluation.objects.filter(pk=thuan.pk).update(
        status=Evaluation.Status.APPROVED, met_count=9, undecided_count=0, criteria_count=10
    )
    Recognition.objects.create(
        commune=world.commune_a2,
        level=Recognition.Level.NTM,
        decision_number="12/QĐ-UBND",
        decision_date=date(2024, 12, 30),
    )
    figures = targets.area_figures(world.district_a1)
    assert (figures.communes, figures.recognised) == (2, 1)
    assert figures.recognised_share == Decimal("50.0")
    assert figures.average_criteria == Decimal("8.0")
    assert (figures.villages, figures.villages_met) == (2, 0)
    assert figures.unmet_villages == ["Bản Vầng", "Bản Xa Doan"]
    share = PlanTarget.objects.create(
        district=world.district_a1,
        year=2025,
        measure=PlanTarget.Measure.XA_NTM_SHARE,
        target=Decimal("61.5"),
        unit="%",
    )
    assert targets.actual_of(share, figures) == Decimal("50.0")
    # The province counts its other district's xã too: 1 of 3.
    assert targets.area_figures(world.province_a).recognised_share == Decimal("33.3")


def test_beat_writes_each_agencys_six_monthly_report_once_after_the_half(world):
    # The assignments of the test world start before 2026.
    made = documents_report_half_year(today=date(2026, 7, 2))
    reports = Document.objects.filter(kind=Document.Kind.AGENCY_REPORT)
    assert made == reports.count() == 2
    assert {d.period_start for d in reports} == {date(2026, 1, 1)}
    assert {d.symbol[:3] for d in reports} == {"BC-"}
    assert documents_report_half_year(today=date(2026, 7, 3)) == 0
    # Long after the half ended (a new deployment), nothing is back-filled.
    assert documents_report_half_year(today=date(2026, 10, 1)) == 0


def test_targets_are_entered_with_comma_decimals_and_bad_input_is_named(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("reports:province_plans", args=[world.province_a.pk])
    data = {
        "action": "add_target",
        "year": "2026",
        "measure": PlanTarget.Measure.XA_NTM_SHARE,
        "label": "Có 61,5% số xã đạt chuẩn nông thôn mới",
        "target": "61,5",
        "unit": "%",
    }
    response = client.post(url, {**data, "target": "sáu mươi"})
    assert response.status_code == 200
    assert "“sáu mươi” không phải là số (ví dụ: 61,5)." in response.content.decode()
    assert not PlanTarget.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    target = PlanTarget.objects.get()
    assert (target.province, target.target, target.created_by) == (
        world.province_a,
        Decimal("61.5"),
        personas["province"],
    )
    page = client.get(url, {"nam": "2026"}).content.decode()
    assert "Có 61,5% số xã đạt chuẩn nông thôn mới" in page
    # A malformed year is this year, not an error.
    assert client.get(url, {"nam": "20x6"}).status_code == 200
    response = client.post(url, {"action": "new_plan", "year": "2026"})
    document = Document.objects.get(kind=Document.Kind.AREA_PLAN)
    assert response["Location"] == reverse("reports:document_detail", args=[document.pk])
    assert (document.issuer_province, document.symbol) == (world.province_a, "KH-UBND")
    assert (
        document.narrative["subject"]
        == "Xây dựng nông thôn mới năm 2026 trên địa bàn tỉnh Quảng Trị"
    )


def test_a_commune_official_plans_only_their_own_commune(client, world, personas):
    client.force_login(personas["commune"])
    own = reverse("reports:commune_plans", args=[world.commune_a1.pk])
    other = reverse("reports:commune_plans", args=[world.commune_a2.pk])
    assert client.post(own, {"action": "new_plan", "year": "2026"}).status_code == 302
    assert client.post(other, {"action": "new_plan", "year": "2026"}).status_code == 404
    document = Document.objects.get(kind=Document.Kind.COMMUNE_PLAN)
    assert document.issuer_commune == world.commune_a1
    # A draft takes no number; the commune's own series is its People's Committee's.
    assert (document.number, document.series) == (None, f"commune:{world.commune_a1.pk}")
    assert client.get(reverse("reports:document_detail", args=[document.pk])).status_code == 200


def test_the_area_plans_page_has_a_constant_number_of_queries(
    client, world, personas, django_assert_max_num_queries
):
    client.force_login(personas["province"])
    url = reverse("reports:province_plans", args=[world.province_a.pk])

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"nam": "2026"}).status_code == 200
        return len(queries)

    for _ in range(2):
        PlanTarget.objects.create(
            province=world.province_a, year=2026, measure="other", target=5, unit="xã"
        )
    few = count()
    for _ in range(8):
        PlanTarget.objects.create(
            province=world.province_a, year=2026, measure="other", target=5, unit="xã"
        )
    assert count() == few
    assert few <= 15

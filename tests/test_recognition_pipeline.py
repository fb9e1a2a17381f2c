"""The documents of a recognition dossier rendered from the case (NĐ 30 layout, PDF and .docx),
the recognition pipeline of the province dashboard (every figure links to its list) and the
query counts of the case list and the pipeline."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from criteria.models import Recognition, RecognitionCase
from criteria.recognition import recognition_case_open
from ntm_portal.models import Role
from reports.dossier import DOSSIER_KINDS
from reports.models import Document, PlanTarget
from reports.services import document_render, dossier_document_create

from .conftest import ALL_MET, approved_evaluation
from .factories import CommuneFactory, UserFactory


def _pdf_text(path: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


@pytest.mark.parametrize("kind", DOSSIER_KINDS)
def test_every_dossier_document_renders_from_the_case(world, personas, cases, kind):
    """The decision case has passed every step, so each document of its dossier can be drafted;
    each renders to a PDF and a .docx naming the commune, in the NĐ 30 layout (quốc hiệu)."""
    import docx

    document = dossier_document_create(case=cases.decision, kind=kind, actor=personas["admin"])
    document = document_render(document_id=document.pk)
    assert document.status == Document.Status.DONE, document.error
    text = _pdf_text(document.pdf.path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Hướng Tân" in text
    paragraphs = "\n".join(p.text for p in docx.Document(document.docx.path).paragraphs)
    assert "Hướng Tân" in paragraphs or any(
        "Hướng Tân" in cell.text
        for table in docx.Document(document.docx.path).tables
        for row in table.rows
        for cell in row.cells
    )
    if kind == Document.Kind.RECOGNITION_RESULTS:
        # The criteria table comes from the evaluation the case rests on.
        for criterion in world.criteria_set.criteria.all():
            assert criterion.short_name.lower() in text.lower()
    if kind == Document.Kind.RECOGNITION_DECISION:
        assert "QĐ-TTg" in text  # căn cứ: the procedure's own decision


def test_a_document_of_a_step_not_reached_is_refused(personas, cases):
    from reports.services import DocumentError

    before = Document.objects.count()
    with pytest.raises(DocumentError, match="hồ sơ chưa đến bước"):
        dossier_document_create(
            case=cases.draft, kind=Document.Kind.RECOGNITION_APPRAISAL, actor=personas["admin"]
        )
    assert Document.objects.count() == before


OVERVIEW = "dashboards:overview"


def _overview(client, user):
    client.force_login(user)
    response = client.get(reverse(OVERVIEW))
    assert response.status_code == 200
    return response


def test_the_dashboard_shows_the_pipeline_and_each_figure_opens_its_list(
    client, world, personas, cases
):
    year = timezone.localdate().year
    PlanTarget.objects.create(
        province=world.province_a,
        year=year,
        measure=PlanTarget.Measure.XA_NTM_COUNT,
        target=Decimal(5),
        unit="xã",
    )
    Recognition.objects.create(
        commune=world.commune_a3,
        level=Recognition.Level.NTM,
        decision_number="12/QĐ-UBND",
        decision_date=timezone.localdate() - timedelta(days=3),
    )
    # One case waits past its step's time.
    RecognitionCase.objects.filter(pk=cases.review.pk).update(
        step_due=timezone.localdate() - timedelta(days=1),
        step_since=timezone.now() - timedelta(days=20),
    )
    response = _overview(client, personas["province"])
    rows = {
        step.kind: (step, link, late) for step, link, late, _ in response.context["pipeline_rows"]
    }
    assert {kind: rows[kind][0].open for kind in rows} == {
        "self_assessment": 1,
        "review": 1,
        "appraisal": 1,
        "decision": 1,
    }
    assert rows["review"][0].overdue == 1
    assert rows["review"][0].average_days == 20
    pipeline = response.context["pipeline"]
    assert (pipeline.open, pipeline.overdue, pipeline.recognised, pipeline.target) == (
        4,
        1,
        1,
        Decimal(5),
    )
    page = response.content.decode()
    assert 'id="pipeline"' in page
    assert "1/5" in page

    # Every figure opens the list of exactly the cases it counts.
    listed = client.get(rows["review"][1])
    assert [c.pk for c, *_ in listed.context["rows"]] == [cases.review.pk]
    late = client.get(rows["review"][2])
    assert [c.pk for c, *_ in late.context["rows"]] == [cases.review.pk]
    overdue = client.get(response.context["pipeline_overdue_link"])
    assert [c.pk for c, *_ in overdue.context["rows"]] == [cases.review.pk]
    recognised = client.get(response.context["pipeline_recognised_link"])
    assert "12/QĐ-UBND" in recognised.content.decode()


def _more_cases(world, n: int) -> None:
    reviewer = UserFactory(username="duyet_them_hs", role=Role.PROVINCE, province=world.province_a)
    year = timezone.localdate().year
    for index in range(n):
        commune = CommuneFactory(district=world.district_a2)
        official = UserFactory(username=f"xa_them_hs_{index}", role=Role.COMMUNE, commune=commune)
        approved_evaluation(
            commune, world.criteria_set, year, 1, ALL_MET, submitter=official, reviewer=reviewer
        )
        recognition_case_open(
            commune=commune, kind="recognition", level="ntm", year=year, actor=official
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_case_list_and_pipeline_cost_the_same_queries_for_more_cases(
    client, world, personas, cases
):
    client.force_login(personas["province"])
    urls = [
        reverse("criteria:case_list"),
        reverse("criteria:case_list") + "?buoc=self_assessment",
        reverse(OVERVIEW),
    ]
    small = [_queries(client, url) for url in urls]
    _more_cases(world, 5)
    large = [_queries(client, url) for url in urls]
    assert small == large
    assert max(large[:2]) <= 12, large


def test_attachments_keep_the_upload_limits(client, personas, cases):
    """Photos and scanned signed pages on the case: accepted within the limits that exist
    (ntm_portal.uploads), refused by name otherwise, nothing written."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from criteria.models import RecognitionAttachment, RecognitionCaseLog

    from .conftest import PDF_BYTES

    client.force_login(personas["commune"])
    url = reverse("criteria:case_attach", args=[cases.draft.pk])
    before = (RecognitionAttachment.objects.count(), RecognitionCaseLog.objects.count())
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf"),
            "kind": "signed_scan",
        },
        follow=True,
    )
    assert "Nội dung tệp “bien-ban.pdf” không khớp đuôi .pdf." in response.content.decode()
    response = client.post(
        url,
        {"file": SimpleUploadedFile("cai-dat.exe", PDF_BYTES), "kind": "signed_scan"},
        follow=True,
    )
    assert "chỉ nhận PDF, JPG, PNG, DOCX, XLSX" in response.content.decode()
    assert (RecognitionAttachment.objects.count(), RecognitionCaseLog.objects.count()) == before
    response = client.post(
        url,
        {"file": SimpleUploadedFile("Biên bản họp xã.pdf", PDF_BYTES), "kind": "signed_scan"},
        follow=True,
    )
    assert "Biên bản họp xã.pdf" in response.content.decode()
    assert RecognitionCaseLog.objects.filter(case=cases.draft, action="attached").exists()

"""Criteria pages: the form, bad input, refusals, evidence, and constant query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.catalogue_cache import catalogue_changed
from criteria.models import CriteriaSet, Evaluation, Evidence, Indicator, Recognition
from criteria.services import evaluation_create

from .conftest import PDF_BYTES
from .factories import CommuneFactory, CriteriaSetFactory, CriterionFactory, IndicatorFactory


def _form_data(evaluation: Evaluation, **by_number) -> dict:
    ids = dict(
        Indicator.objects.filter(criterion__criteria_set=evaluation.criteria_set).values_list(
            "number", "pk"
        )
    )
    data = {"version": evaluation.version}
    for number, raw in by_number.items():
        data[f"value_{ids[number[1:].replace('_', '.')]}"] = raw
    return data


def test_commune_official_fills_values_with_comma_decimals(client, world, personas):
    client.force_login(personas["commune"])
    evaluation = world.evaluation_a1
    url = reverse("criteria:evaluation_edit", args=[evaluation.pk])
    page = client.get(url).content.decode()
    assert 'inputmode="decimal"' in page
    assert ">Đạt</option>" in page
    assert "Chưa đạt" in page
    response = client.post(url, _form_data(evaluation, i1_1="1", i2_1="72,5", i3_1="3"))
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Đạt 3/3 tiêu chí" in detail
    assert "72,5 %" in detail
    assert "Đạt tất cả các tiêu chí" in detail


def test_a_bad_value_is_named_and_nothing_typed_is_lost(client, world, personas):
    client.force_login(personas["commune"])
    evaluation = world.evaluation_a1
    url = reverse("criteria:evaluation_edit", args=[evaluation.pk])
    response = client.post(url, _form_data(evaluation, i1_1="1", i2_1="72,5", i3_1="năm"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chỉ tiêu 3.1:" in page
    assert "«năm» không phải là số (ví dụ: 61,5)." in page
    assert 'value="72,5"' in page
    assert 'value="năm"' in page
    assert not evaluation.values.exists()


def test_a_stale_form_is_refused_with_a_conflict_message(client, world, personas):
    client.force_login(personas["commune"])
    evaluation = world.evaluation_a1
    url = reverse("criteria:evaluation_edit", args=[evaluation.pk])
    stale = _form_data(evaluation, i2_1="80")
    client.post(url, _form_data(evaluation, i2_1="75"))
    response = client.post(url, stale, follow=True)
    assert "vừa được người khác thay đổi" in response.content.decode()
    assert evaluation.values.get().value == 75


def test_posting_to_another_communes_evaluation_is_refused_and_logged(
    client, world, personas, caplog
):
    other = evaluation_create(
        commune=world.commune_a2, criteria_set=world.criteria_set, year=2024, half=2, actor=None
    )
    client.force_login(personas["commune"])
    history = list(other.log.values_list("pk", flat=True))
    with caplog.at_level("WARNING", logger="ntm_portal.security"):
        response = client.post(
            reverse("criteria:evaluation_edit", args=[other.pk]), _form_data(other, i2_1="99")
        )
    assert response.status_code == 404
    assert not other.values.exists()
    # The security log has it; the other commune's history does not (tests/test_refusals.py).
    assert f"evaluation {other.pk}" in caplog.text
    assert list(other.log.values_list("pk", flat=True)) == history


def test_reviewer_sees_return_and_approve_but_not_the_edit_form(client, world, personas):
    client.force_login(personas["province"])
    evaluation = world.evaluation_a1
    assert client.get(reverse("criteria:evaluation_edit", args=[evaluation.pk])).status_code == 403
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.SUBMITTED)
    page = client.get(reverse("criteria:evaluation_detail", args=[evaluation.pk])).content.decode()
    assert "Trả lại cho xã" in page
    assert "Duyệt" in page


def _upload(client, evaluation, name: str, content: bytes, content_type: str):
    return client.post(
        reverse("criteria:evidence_upload", args=[evaluation.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type), "note": "Biên bản"},
        follow=True,
    )


def test_evidence_upload_and_permission_checked_download(client, world, personas):
    client.force_login(personas["commune"])
    evaluation = world.evaluation_a1
    page = _upload(client, evaluation, "Biên bản nghiệm thu.pdf", PDF_BYTES, "application/pdf")
    assert "Đã tải lên minh chứng." in page.content.decode()
    evidence = Evidence.objects.get(original_name="Biên bản nghiệm thu.pdf")
    download = client.get(reverse("criteria:evidence_download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "attachment" in download["Content-Disposition"]
    client.force_login(personas["agency"])
    assert client.get(reverse("criteria:evidence_download", args=[evidence.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("virus.exe", b"MZ\x90\x00", "chỉ nhận PDF, JPG, PNG, DOCX, XLSX"),
        ("gia-mao.pdf", b"MZ\x90\x00" * 10, "không khớp đuôi .pdf"),
        ("qua-lon.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024), "vượt giới hạn 10 MB"),
    ],
)
def test_bad_evidence_is_refused_with_the_reason(client, world, personas, name, content, reason):
    client.force_login(personas["commune"])
    page = _upload(client, world.evaluation_a1, name, content, "application/octet-stream")
    assert reason in page.content.decode()
    assert not Evidence.objects.filter(original_name=name).exists()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow_catalogue_and_evaluations(world, personas) -> None:
    """More criteria, indicators, communes and evaluations in the reviewer's province."""
    for number in range(4, 12):
        criterion = CriterionFactory(criteria_set=world.criteria_set, number=number)
        for _ in range(3):
            IndicatorFactory(criterion=criterion)
    for half in (1, 2):
        for year in (2021, 2022, 2023):
            evaluation_create(
                commune=world.commune_a1,
                criteria_set=world.criteria_set,
                year=year,
                half=half,
                actor=personas["commune"],
            )
    for _ in range(30):
        commune = CommuneFactory(district=world.district_a1)
        evaluation = evaluation_create(
            commune=commune, criteria_set=world.criteria_set, year=2024, half=2, actor=None
        )
        Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.SUBMITTED)


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("commune", "commune_status"),
        ("commune", "evaluation_detail"),
        ("commune", "evaluation_edit"),
        ("province", "review_queue"),
        ("province", "criteria_set_detail"),
    ],
)
def test_criteria_pages_keep_a_constant_query_count(client, world, personas, role, page):
    urls = {
        "commune_status": reverse("criteria:commune_status", args=[world.commune_a1.pk]),
        "evaluation_detail": reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk]),
        "evaluation_edit": reverse("criteria:evaluation_edit", args=[world.evaluation_a1.pk]),
        "review_queue": reverse("criteria:review_queue"),
        "criteria_set_detail": reverse(
            "criteria:criteria_set_detail", args=[world.criteria_set.pk]
        ),
    }
    client.force_login(personas[role])
    # One earlier period already, so that "changes since the previous evaluation" shows in both.
    evaluation_create(
        commune=world.commune_a1, criteria_set=world.criteria_set, year=2024, half=1, actor=None
    )
    if page == "review_queue":
        Evaluation.objects.filter(pk=world.evaluation_a1.pk).update(
            status=Evaluation.Status.SUBMITTED
        )
    small = _queries(client, urls[page])  # the set's catalogue built (criteria/catalogue_cache.py)
    warm = _queries(client, urls[page])  # and kept
    _grow_catalogue_and_evaluations(world, personas)
    catalogue_changed()  # as the admin, the loader and the catalogue roster do
    assert _queries(client, urls[page]) == small
    assert _queries(client, urls[page]) == warm


def test_the_page_shows_what_changed_since_the_previous_evaluation(client, world, personas):
    client.force_login(personas["commune"])
    first = world.evaluation_a1
    url = reverse("criteria:evaluation_edit", args=[first.pk])
    client.post(url, _form_data(first, i1_1="1", i2_1="65", i3_1="3"))
    later = evaluation_create(
        commune=world.commune_a1,
        criteria_set=world.criteria_set,
        year=2025,
        half=1,
        actor=personas["commune"],
    )
    client.post(reverse("criteria:evaluation_edit", args=[later.pk]), _form_data(later, i2_1="75"))
    page = client.get(reverse("criteria:evaluation_detail", args=[later.pk])).content.decode()
    assert "Thay đổi so với kỳ trước" in page
    assert "So với 6 tháng cuối năm 2024, cùng bộ tiêu chí" in page
    # Each cell names its column (a phone shows the table as cards: tests/test_phone_tables.py).
    assert (
        '<td data-label="Mục">2. Giao thông</td><td data-label="Trước">Chưa đạt</td>'
        '<td data-label="Nay">Đạt</td>'
    ) in page
    assert '<td data-label="Trước">65 %</td><td data-label="Nay">75 %</td>' in page


def test_a_village_is_evaluated_against_its_provinces_village_set(client, world, personas):
    village_set = CriteriaSetFactory(
        code="THON-QT", level=CriteriaSet.Level.THON, province_name="Quảng Trị"
    )
    IndicatorFactory(criterion=CriterionFactory(criteria_set=village_set, number=1))
    other_province_set = CriteriaSetFactory(
        code="THON-LC", level=CriteriaSet.Level.THON, province_name="Lai Châu"
    )
    village = world.commune_a1.villages.get(name="Bản Vầng")
    client.force_login(personas["commune"])
    url = reverse("criteria:evaluation_create", args=[world.commune_a1.pk])
    page = client.post(url, {"criteria_set": village_set.pk, "year": 2024, "half": 0}, follow=True)
    assert "hãy chọn thôn" in page.content.decode()
    page = client.post(
        url,
        {"criteria_set": other_province_set.pk, "year": 2024, "half": 0, "village": village.pk},
        follow=True,
    )
    assert "Chọn bộ tiêu chí" in page.content.decode()
    client.post(
        url, {"criteria_set": village_set.pk, "year": 2024, "half": 0, "village": village.pk}
    )
    evaluation = Evaluation.objects.get(village=village)
    assert (evaluation.commune, evaluation.criteria_set) == (world.commune_a1, village_set)
    status = client.get(reverse("criteria:commune_status", args=[world.commune_a1.pk]))
    assert "Đánh giá thôn" in status.content.decode()
    assert "0/2 thôn đạt chuẩn" in status.content.decode()


def test_a_recognised_commune_failing_half_its_criteria_is_flagged(client, world, personas):
    Recognition.objects.create(
        commune=world.commune_a1,
        level=Recognition.Level.NTM,
        decision_number="12/QĐ-UBND",
        decision_date="2019-12-30",
    )
    evaluation = world.evaluation_a1
    client.force_login(personas["commune"])
    client.post(
        reverse("criteria:evaluation_edit", args=[evaluation.pk]),
        _form_data(evaluation, i1_1="0", i2_1="40", i3_1="3"),
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.APPROVED)
    page = client.get(reverse("criteria:commune_status", args=[world.commune_a1.pk]))
    text = page.content.decode()
    assert "Đạt chuẩn nông thôn mới" in text
    assert "12/QĐ-UBND" in text
    assert "Có nguy cơ bị thu hồi công nhận: 2/3 tiêu chí không đạt (từ 50% trở lên)" in text


def test_a_recognised_commune_costs_no_extra_query(client, world, personas):
    """The revocation-risk check reads the grid already on the page, not the database."""
    client.force_login(personas["commune"])
    url = reverse("criteria:commune_status", args=[world.commune_a1.pk])
    Evaluation.objects.filter(pk=world.evaluation_a1.pk).update(status=Evaluation.Status.APPROVED)
    _queries(client, url)  # the set's catalogue built once (criteria/catalogue_cache.py)
    before = _queries(client, url)
    Recognition.objects.create(
        commune=world.commune_a1,
        level=Recognition.Level.NTM,
        decision_number="1/QĐ-UBND",
        decision_date=date(2023, 12, 30),
    )
    assert _queries(client, url) == before

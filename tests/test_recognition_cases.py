"""Recognition cases (QĐ 18/2022/QĐ-TTg), end to end through the pages: open, self-assessment,
review (return and fix), appraisal, the decision through the province's register; the refusals
with their Vietnamese messages, each writing nothing; revocation; decisions entered from paper."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria.models import (
    CommuneSummary,
    Recognition,
    RecognitionCase,
    RecognitionCaseLog,
    RecognitionCriterionCheck,
)
from criteria.recognition import recognition_case_open
from ntm_portal.models import Role
from reports.models import Document, IssuerProfile, Signatory
from reports.services import DocumentError, document_issue

from .conftest import ALL_MET, approved_evaluation, fill_assessment
from .factories import CommuneFactory, UserFactory


def _rows() -> tuple:
    """What a refused request must leave as it was."""
    return (
        RecognitionCase.objects.count(),
        RecognitionCaseLog.objects.count(),
        RecognitionCriterionCheck.objects.count(),
        Recognition.objects.count(),
        Document.objects.count(),
        list(RecognitionCase.objects.order_by("pk").values_list("version", "status", "step")),
    )


def _signer(province) -> None:
    """The province's People's Committee can sign (its decisions take its register's numbers)."""
    profile, _ = IssuerProfile.objects.get_or_create(
        province=province, defaults={"abbreviation": "UBND", "place": "Quảng Trị"}
    )
    Signatory.objects.get_or_create(
        profile=profile,
        full_name="Nguyễn Văn Chủ",
        title="Chủ tịch",
        authority="TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
    )


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture
def reviewer(world):
    return UserFactory(username="tham_tra", role=Role.PROVINCE, province=world.province_a)


def test_a_case_goes_from_the_commune_through_review_appraisal_and_decision(
    client, world, personas, reviewer
):
    official, staff = personas["commune"], personas["province"]
    year = timezone.localdate().year
    approved_evaluation(
        world.commune_a1,
        world.criteria_set,
        year,
        1,
        ALL_MET,
        submitter=official,
        reviewer=reviewer,
    )
    _signer(world.province_a)

    # The commune's page offers the case, and opening it starts the self-assessment.
    client.force_login(official)
    page = _text(client.get(reverse("criteria:commune_status", args=[world.commune_a1.pk])))
    assert "xã có thể lập hồ sơ đề nghị xét công nhận" in page
    response = client.post(
        reverse("criteria:case_open", args=[world.commune_a1.pk]),
        {"kind": "recognition", "level": "ntm", "year": year},
    )
    case = RecognitionCase.objects.get(commune=world.commune_a1)
    assert response["Location"] == reverse("criteria:case_detail", args=[case.pk])
    assert case.step.kind == "self_assessment"

    url = reverse("criteria:case_assessment", args=[case.pk])
    today = timezone.localdate()
    form = {
        "version": case.version,
        "satisfaction_percent": "95,5",
        "satisfaction_surveyed_on": f"{today - timedelta(days=40):%d/%m/%Y}",
        "debt_vnd": "0",
        "security_stable": "1",
        "posted_from": f"{today - timedelta(days=60):%d/%m/%Y}",
        "posted_to": f"{today - timedelta(days=45):%d/%m/%Y}",
        "posted_where": "Trụ sở UBND xã",
        "comments_count": "8",
        "comments_summary": "Các ý kiến đồng thuận.",
        "meeting_on": f"{today - timedelta(days=30):%d/%m/%Y}",
        "meeting_participants": "Chủ tịch UBND xã",
    }
    assert client.post(url, form).status_code == 302
    case.refresh_from_db()
    assert str(case.satisfaction_percent) == "95.50"
    client.post(reverse("criteria:case_submit", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert (case.step.kind, case.status, case.submitted_by) == ("review", "in_progress", official)

    # The province returns one criterion with its reason.
    client.force_login(staff)
    criteria = list(world.criteria_set.criteria.order_by("number"))
    verdicts = {f"verdict_{c.pk}": "1" for c in criteria}
    verdicts[f"verdict_{criteria[1].pk}"] = "0"
    verdicts[f"reason_{criteria[1].pk}"] = "Thiếu biên bản nghiệm thu đường trục thôn"
    client.post(
        reverse("criteria:case_review", args=[case.pk]), {"version": case.version, **verdicts}
    )
    case.refresh_from_db()
    assert (case.step.kind, case.status) == ("self_assessment", "returned")
    assert "Thiếu biên bản nghiệm thu" in case.return_reason

    # The commune answers it and sends the case again.
    client.force_login(official)
    page = _text(client.get(reverse("criteria:case_detail", args=[case.pk])))
    assert "Thiếu biên bản nghiệm thu đường trục thôn" in page
    client.post(
        url,
        {
            **form,
            "version": case.version,
            f"response_{criteria[1].pk}": "Đã bổ sung biên bản nghiệm thu (tệp đính kèm).",
        },
    )
    case.refresh_from_db()
    client.post(reverse("criteria:case_submit", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.step.kind == "review"

    # Review passes, then the appraisal council.
    client.force_login(staff)
    verdicts = {f"verdict_{c.pk}": "1" for c in criteria}
    client.post(
        reverse("criteria:case_review", args=[case.pk]), {"version": case.version, **verdicts}
    )
    case.refresh_from_db()
    assert case.step.kind == "appraisal"
    client.post(
        reverse("criteria:case_appraise", args=[case.pk]),
        {
            "version": case.version,
            "lead_department": "Sở Nông nghiệp và Môi trường",
            "council_met_on": f"{today:%d/%m/%Y}",
            "council_members": "Giám đốc Sở\nĐại diện Sở Tài chính",
            "council_size": "9",
            "votes_for": "9",
            "votes_against": "0",
        },
    )
    case.refresh_from_db()
    assert case.step.kind == "decision"

    # The decision: drafted from the case, issued through the register, the case decided.
    client.post(reverse("reports:case_dossier", args=[case.pk]), {"kind": "recognition_decision"})
    draft = Document.objects.get(kind="recognition_decision")
    assert draft.issuer_province == world.province_a
    response = client.post(
        reverse("reports:case_decide", args=[case.pk]),
        {"issued_on": f"{today:%d/%m/%Y}", "published_where": "Cổng Thông tin điện tử tỉnh"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "decided"
    assert case.decision_number == "01/QĐ-UBND"
    recognition = Recognition.objects.get(commune=world.commune_a1)
    assert (recognition.level, recognition.decision_number, recognition.source) == (
        "ntm",
        "01/QĐ-UBND",
        "case",
    )
    assert CommuneSummary.objects.get(commune=world.commune_a1).recognition_level == "ntm"
    issued = Document.objects.get(kind="recognition_decision", state="issued")
    assert "Xã Ba Tầng" in issued.html
    assert "DANH SÁCH XÃ" in issued.html

    # The commune now shows as recognised, with the decision number; every step is in the history.
    client.force_login(official)
    page = _text(client.get(reverse("criteria:commune_status", args=[world.commune_a1.pk])))
    assert "Đạt chuẩn nông thôn mới — Quyết định số 01/QĐ-UBND" in page
    actions = list(case.log.order_by("at", "pk").values_list("action", flat=True))
    assert actions[:2] == ["opened", "saved"]
    assert {"submitted", "returned", "responded", "reviewed", "appraised", "decided"} <= set(
        actions
    )


def test_opening_on_an_evaluation_with_an_unmet_criterion_is_refused(
    client, world, personas, reviewer
):
    year = timezone.localdate().year
    approved_evaluation(
        world.commune_a1,
        world.criteria_set,
        year,
        1,
        {**ALL_MET, "2.1": "60"},
        submitter=personas["commune"],
        reviewer=reviewer,
    )
    client.force_login(personas["commune"])
    page = _text(client.get(reverse("criteria:commune_status", args=[world.commune_a1.pk])))
    assert "Còn chưa đạt: giao thông." in page  # the page says which criteria block it
    before = _rows()
    response = client.post(
        reverse("criteria:case_open", args=[world.commune_a1.pk]),
        {"kind": "recognition", "level": "ntm", "year": year},
        follow=True,
    )
    assert "Chưa mở được hồ sơ: đánh giá 6 tháng đầu năm" in _text(response)
    assert "mới đạt 2/3 tiêu chí. Còn chưa đạt: giao thông." in _text(response)
    assert _rows() == before


def test_satisfaction_below_the_threshold_is_refused_at_submission(client, world, personas, cases):
    case = fill_assessment(cases.draft, personas["commune"], satisfaction_percent=Decimal(85))
    client.force_login(personas["commune"])
    before = _rows()
    response = client.post(
        reverse("criteria:case_submit", args=[case.pk]), {"version": case.version}
    )
    assert response.status_code == 200
    assert (
        "Tỷ lệ người dân hài lòng: 85% thấp hơn mức tối thiểu 90% của đạt chuẩn nông thôn mới"
        in _text(response)
    )
    assert _rows() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"debt_vnd": Decimal(1_500_000)}, "Nợ đọng xây dựng cơ bản: còn 1.500.000 đồng"),
        ({"security_stable": False}, "An ninh, trật tự: xã phải ổn định"),
        ({"posted_to": None}, "Công khai lấy ý kiến: ghi ngày bắt đầu và ngày kết thúc."),
    ],
)
def test_each_condition_is_named_when_it_fails(client, personas, cases, change, message):
    case = fill_assessment(cases.draft, personas["commune"], **change)
    client.force_login(personas["commune"])
    before = _rows()
    response = client.post(
        reverse("criteria:case_submit", args=[case.pk]), {"version": case.version}
    )
    assert message in _text(response)
    assert _rows() == before


def test_nobody_reviews_appraises_or_decides_a_case_they_submitted(client, world, cases):
    # An administrator who submitted a case may act on any step, except on that case.
    admin = UserFactory(username="qt_nop", role=Role.ADMIN, is_staff=True, is_superuser=True)
    case = cases.review
    case.submitted_by = admin
    case.save(update_fields=["submitted_by"])
    client.force_login(admin)
    before = _rows()
    verdicts = {f"verdict_{c.pk}": "1" for c in world.criteria_set.criteria.all()}
    response = client.post(
        reverse("criteria:case_review", args=[case.pk]), {"version": case.version, **verdicts}
    )
    assert "Không ai được thẩm tra, thẩm định hay quyết định hồ sơ do chính mình gửi." in _text(
        response
    )
    assert _rows() == before


def test_a_decision_is_refused_to_its_submitter_and_takes_no_number(client, world, cases):
    _signer(world.province_a)
    admin = UserFactory(username="qt_qd", role=Role.ADMIN, is_staff=True, is_superuser=True)
    case = cases.decision
    client.force_login(admin)
    client.post(reverse("reports:case_dossier", args=[case.pk]), {"kind": "recognition_decision"})
    case.submitted_by = admin
    case.save(update_fields=["submitted_by"])
    before = _rows()
    response = client.post(
        reverse("reports:case_decide", args=[case.pk]),
        {"issued_on": f"{timezone.localdate():%d/%m/%Y}"},
    )
    assert "do chính mình gửi" in _text(response)
    assert _rows() == before
    assert not Document.objects.filter(state="issued").exists()


def test_a_decision_is_never_issued_outside_its_case(world, personas, cases):
    _signer(world.province_a)
    from reports.services import dossier_document_create

    draft = dossier_document_create(
        case=cases.decision, kind="recognition_decision", actor=personas["province"]
    )
    with pytest.raises(DocumentError, match="ban hành ở bước Quyết định của hồ sơ"):
        document_issue(document=draft, actor=personas["province"])


def test_a_case_on_a_unit_that_no_longer_exists_is_refused(client, world, personas, reorganised):
    reviewer = UserFactory(username="tham_tra_cu", role=Role.PROVINCE, province=world.province_a)
    approved_evaluation(
        world.commune_a1,
        world.criteria_set,
        2025,
        1,
        ALL_MET,
        submitter=personas["commune"],
        reviewer=reviewer,
    )
    client.force_login(personas["commune"])
    before = _rows()
    response = client.post(
        reverse("criteria:case_open", args=[world.commune_a1.pk]),
        {"kind": "recognition", "level": "ntm", "year": 2025},
        follow=True,
    )
    assert "Xã Ba Tầng đã sáp nhập vào Xã Lìa từ 01/07/2025" in _text(response)
    assert _rows() == before


def test_a_decision_from_paper_without_a_number_is_refused(client, world, personas):
    client.force_login(personas["province"])
    url = reverse("criteria:recognitions", args=[world.province_a.pk])
    before = _rows()
    response = client.post(
        url,
        {
            "action": "record",
            "commune": world.commune_a2.pk,
            "level": "ntm",
            "decision_number": "",
            "decision_date": "20/12/2021",
        },
    )
    assert response.status_code == 200
    assert "Số quyết định: không được để trống." in _text(response)
    assert _rows() == before
    client.post(
        url,
        {
            "action": "record",
            "commune": world.commune_a2.pk,
            "level": "ntm",
            "decision_number": "2534/QĐ-UBND",
            "decision_date": "20/12/2021",
            "signer": "Phó Chủ tịch UBND tỉnh",
        },
    )
    recognition = Recognition.objects.get(commune=world.commune_a2)
    assert (recognition.source, recognition.recorded_by) == ("paper", personas["province"])
    assert CommuneSummary.objects.get(commune=world.commune_a2).recognition_level == "ntm"


def test_a_revocation_case_starts_from_a_commune_at_risk(client, world, personas, reviewer):
    official, staff = personas["commune"], personas["province"]
    Recognition.objects.create(
        commune=world.commune_a1,
        level="ntm",
        decision_number="100/QĐ-UBND",
        decision_date=timezone.localdate().replace(year=2021),
    )
    year = timezone.localdate().year
    approved_evaluation(
        world.commune_a1,
        world.criteria_set,
        year,
        1,
        {"1.1": "0", "2.1": "10", "3.1": "9"},
        submitter=official,
        reviewer=reviewer,
    )
    client.force_login(staff)
    page = _text(client.get(reverse("criteria:commune_status", args=[world.commune_a1.pk])))
    assert "Mở hồ sơ xét thu hồi" in page
    client.post(
        reverse("criteria:case_open", args=[world.commune_a1.pk]),
        {"kind": "revocation", "level": "", "year": year},
    )
    case = RecognitionCase.objects.get(kind="revocation")
    assert case.recognition.decision_number == "100/QĐ-UBND"
    fill_assessment(case, official, satisfaction_percent=None, debt_vnd=None, security_stable=None)
    client.force_login(official)
    client.post(reverse("criteria:case_submit", args=[case.pk]), {"version": case.version})
    case.refresh_from_db()
    assert case.step.kind == "review"
    verdicts = {f"verdict_{c.pk}": "1" for c in world.criteria_set.criteria.all()}
    client.force_login(staff)
    client.post(
        reverse("criteria:case_review", args=[case.pk]), {"version": case.version, **verdicts}
    )
    case.refresh_from_db()
    client.post(
        reverse("criteria:case_appraise", args=[case.pk]),
        {
            "version": case.version,
            "lead_department": "Sở Nông nghiệp và Môi trường",
            "council_met_on": f"{timezone.localdate():%d/%m/%Y}",
            "council_members": "Giám đốc Sở",
            "council_size": "5",
            "votes_for": "5",
            "votes_against": "0",
        },
    )
    _signer(world.province_a)
    client.post(reverse("reports:case_dossier", args=[case.pk]), {"kind": "recognition_decision"})
    client.post(
        reverse("reports:case_decide", args=[case.pk]),
        {"issued_on": f"{timezone.localdate():%d/%m/%Y}"},
    )
    recognition = Recognition.objects.get(commune=world.commune_a1)
    assert recognition.revoked_on == timezone.localdate()
    assert recognition.revocation_decision == "01/QĐ-UBND"
    assert CommuneSummary.objects.get(commune=world.commune_a1).recognition_level == ""


def test_one_decision_decides_every_case_of_its_annex(client, world, personas, cases):
    """Two communes at the decision step: one decision, one number, two recognitions."""
    from criteria.recognition import recognition_case_appraise

    second = cases.appraisal
    reviewer = UserFactory(username="tham_dinh_2", role=Role.PROVINCE, province=world.province_a)
    recognition_case_appraise(
        case=second,
        data={
            "lead_department": "Sở Nông nghiệp và Môi trường",
            "council_met_on": timezone.localdate(),
            "council_members": "Giám đốc Sở",
            "council_size": 10,
            "votes_for": 9,
            "votes_against": 1,
            "appraisal_conclusion": "",
        },
        version=second.version,
        actor=reviewer,
    )
    _signer(world.province_a)
    client.force_login(personas["province"])
    client.post(
        reverse("reports:case_dossier", args=[cases.decision.pk]), {"kind": "recognition_decision"}
    )
    page = _text(client.get(reverse("reports:case_dossier", args=[cases.decision.pk])))
    assert "Xã Hướng Tân" in page
    assert "Xã Triệu Long" in page
    client.post(
        reverse("reports:case_decide", args=[cases.decision.pk]),
        {"issued_on": f"{timezone.localdate():%d/%m/%Y}"},
    )
    numbers = set(Recognition.objects.values_list("commune__name", "decision_number"))
    assert numbers == {("Xã Hướng Tân", "01/QĐ-UBND"), ("Xã Triệu Long", "01/QĐ-UBND")}


def test_a_commune_official_of_another_commune_sees_no_case(client, world, cases):
    other = CommuneFactory(district=world.district_b1)
    stranger = UserFactory(username="xa_khac", role=Role.COMMUNE, commune=other)
    client.force_login(stranger)
    before = _rows()
    assert client.get(reverse("criteria:case_detail", args=[cases.draft.pk])).status_code == 404
    response = client.post(
        reverse("criteria:case_submit", args=[cases.draft.pk]), {"version": cases.draft.version}
    )
    assert response.status_code == 404
    assert _rows() == before


def test_two_openings_of_the_same_case_make_one(world, personas, reviewer):
    year = timezone.localdate().year
    approved_evaluation(
        world.commune_a1,
        world.criteria_set,
        year,
        1,
        ALL_MET,
        submitter=personas["commune"],
        reviewer=reviewer,
    )
    recognition_case_open(
        commune=world.commune_a1, kind="recognition", level="ntm", year=year, actor=reviewer
    )
    from criteria.recognition import CaseRejected

    with pytest.raises(CaseRejected, match="đã có hồ sơ xét công nhận"):
        recognition_case_open(
            commune=world.commune_a1,
            kind="recognition",
            level="ntm",
            year=year,
            actor=personas["commune"],
        )


@pytest.mark.django_db
def test_in_force_on_a_day_reads_the_same_in_sql_and_on_a_row(world):
    """The commune page decides from the recognitions it shows (no query of its own): the row's
    test must keep the queryset's rule, on either side of each date."""
    day = timezone.localdate()
    for number, (decided, revoked) in enumerate(
        [
            (day, None),
            (day + timedelta(days=1), None),
            (day - timedelta(days=9), day),
            (day - timedelta(days=9), day + timedelta(days=1)),
            (day - timedelta(days=9), day - timedelta(days=1)),
        ]
    ):
        Recognition.objects.create(
            commune=world.commune_a1,
            level="ntm",
            decision_number=f"{number + 1}/QĐ-UBND",
            decision_date=decided,
            revoked_on=revoked,
        )
    for on in (day - timedelta(days=1), day, day + timedelta(days=1)):
        in_sql = set(Recognition.objects.in_force_on(on).values_list("pk", flat=True))
        on_rows = {r.pk for r in Recognition.objects.all() if r.is_in_force_on(on)}
        assert on_rows == in_sql, on
    assert len(set(Recognition.objects.in_force_on(day).values_list("pk", flat=True))) == 2

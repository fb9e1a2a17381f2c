"""Inspection reports: pre-filled findings, who may file them, bad input, the workflow."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria.services import evaluation_create, evaluation_save_values
from ntm_portal.models import Notification
from sponsorships.models import Inspection, InspectionReport
from sponsorships.services import report_start

from .conftest import PDF_BYTES
from .factories import AgencyFactory, AssignmentFactory, UserFactory


def _report_data(report: InspectionReport, **overrides) -> dict:
    data = {
        "version": report.version,
        "inspected_on": "20/12/2024",
        "participants": "Đ/c Nguyễn Văn A, Phó Chủ tịch Hội; Đ/c Trần Thị B",
        "difficulties": "Kinh phí làm đường còn thiếu",
        "proposals": "Đề nghị tỉnh hỗ trợ xi măng",
        "resources_vnd": "150.000.000",
        "resources_in_kind": "20 tấn xi măng",
    }
    return {**data, **overrides}


def test_findings_are_prefilled_from_the_communes_latest_evaluation(world, personas):
    evaluation = evaluation_create(
        commune=world.commune_a2, criteria_set=world.criteria_set, year=2024, half=1, actor=None
    )
    indicators = evaluation.criteria_set.criteria.values_list("indicators", flat=True)
    evaluation_save_values(
        evaluation=evaluation,
        raw_values=dict.fromkeys(indicators, "1"),
        notes={},
        version=evaluation.version,
        actor=personas["admin"],
    )
    inspection = Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        period_start="2025-01-01",
        period_end="2025-03-31",
        due_date="2025-03-31",
    )
    report = report_start(inspection=inspection, actor=personas["agency"])
    # 1.1 "Đạt"; 2.1 at 1% < 70%; 3.1 poverty at 1% ≤ 5%.
    assert list(report.findings.values_list("criterion__number", "met")) == [
        (1, True),
        (2, False),
        (3, True),
    ]
    # No steering team recorded: the member who starts the report is the participant, by the
    # name people read, never the login (issue 28: "skhdt" in an official report).
    member = personas["agency"]
    assert member.username not in report.participants
    expected = f"{member.get_full_name()} – {world.agency_a.name}"
    if not member.get_full_name():
        expected = f"Đại diện {world.agency_a.name}"
    assert report.participants == expected


def test_a_member_with_a_name_is_named_in_the_reports_participants(world, personas):
    member = personas["agency"]
    member.first_name = "Nguyễn Văn A"  # the users roster keeps the whole name here
    member.save(update_fields=["first_name"])
    inspection = Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        period_start="2025-04-01",
        period_end="2025-06-30",
        due_date="2025-06-30",
    )
    report = report_start(inspection=inspection, actor=member)
    assert report.participants == f"Nguyễn Văn A – {world.agency_a.name}"


def test_agency_member_files_and_submits_and_province_acknowledges(client, world, personas):
    inspection = world.inspection_a2
    report = inspection.report
    client.force_login(personas["agency"])
    url = reverse("sponsorships:report_edit", args=[inspection.pk])
    response = client.post(url, _report_data(report))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resources_vnd == 150_000_000
    assert report.inspected_on.isoformat() == "2024-12-20"
    client.post(
        reverse("sponsorships:report_submit", args=[inspection.pk]), {"version": report.version}
    )
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.DONE
    assert Notification.objects.filter(user=personas["province"]).exists()

    client.force_login(personas["province"])
    report.refresh_from_db()
    client.post(
        reverse("sponsorships:report_acknowledge", args=[inspection.pk]),
        {"version": report.version},
    )
    report.refresh_from_db()
    assert report.status == InspectionReport.Status.ACKNOWLEDGED
    page = client.get(reverse("sponsorships:inspection_detail", args=[inspection.pk]))
    assert "Tỉnh đã ghi nhận" in page.content.decode()
    actions = list(inspection.log.order_by("at", "pk").values_list("action", flat=True))
    assert actions[-2:] == ["submitted", "acknowledged"]


def test_bad_report_fields_are_named_and_nothing_is_saved(client, world, personas):
    inspection = world.inspection_a2
    report = inspection.report
    client.force_login(personas["agency"])
    response = client.post(
        reverse("sponsorships:report_edit", args=[inspection.pk]),
        _report_data(report, inspected_on="32/13/2024", participants=" ", resources_vnd="-5"),
    )
    page = response.content.decode()
    assert "Ngày kiểm tra phải có dạng dd/mm/yyyy." in page
    assert "Hãy ghi thành phần tham gia đoàn kiểm tra." in page
    assert "Nguồn lực huy động phải là số đồng, không âm" in page
    assert "Kinh phí làm đường còn thiếu" in page  # what was typed is kept
    report.refresh_from_db()
    assert report.difficulties == ""


def test_a_member_of_another_agency_cannot_file_the_report(client, world):
    other_agency = AgencyFactory(province=world.province_a)
    AssignmentFactory(agency=other_agency, commune=world.commune_a2, start="2021-01-01")
    outsider = UserFactory(username="cq_khac", role="agency", agency=other_agency)
    client.force_login(outsider)
    inspection = world.inspection_a2
    response = client.post(
        reverse("sponsorships:report_edit", args=[inspection.pk]), _report_data(inspection.report)
    )
    assert response.status_code == 404
    assert inspection.report.participants != "Đ/c Nguyễn Văn A, Phó Chủ tịch Hội; Đ/c Trần Thị B"


def test_no_report_for_a_cancelled_inspection(client, world, personas):
    inspection = Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        period_start="2025-01-01",
        period_end="2025-03-31",
        due_date="2025-03-31",
        status=Inspection.Status.CANCELLED,
    )
    client.force_login(personas["agency"])
    page = client.post(reverse("sponsorships:report_begin", args=[inspection.pk]), follow=True)
    assert "Đợt kiểm tra đã bị hủy: không lập báo cáo được." in page.content.decode()
    assert not InspectionReport.objects.filter(inspection=inspection).exists()


def test_a_disallowed_attachment_is_refused(client, world, personas):
    client.force_login(personas["agency"])
    inspection = world.inspection_a2
    page = client.post(
        reverse("sponsorships:attachment_upload", args=[inspection.pk]),
        {"file": SimpleUploadedFile("ghi-chu.html", b"<script>alert(1)</script>")},
        follow=True,
    )
    assert "chỉ nhận PDF, JPG, PNG, DOCX, XLSX" in page.content.decode()
    assert inspection.report.attachments.count() == 1  # only the fixture's
    ok = client.post(
        reverse("sponsorships:attachment_upload", args=[inspection.pk]),
        {"file": SimpleUploadedFile("Biên bản.pdf", PDF_BYTES)},
        follow=True,
    )
    assert "Đã tải lên tệp đính kèm." in ok.content.decode()


def test_ad_hoc_inspection_and_cancellation(client, world, personas):
    client.force_login(personas["province"])
    inspection = world.inspection_a2
    page = client.post(
        reverse("sponsorships:inspection_ad_hoc", args=[inspection.pk]),
        {"due_date": "31/02/2025"},
        follow=True,
    )
    assert "Ngày kiểm tra đột xuất phải có dạng dd/mm/yyyy." in page.content.decode()
    assert not Inspection.objects.filter(kind=Inspection.Kind.AD_HOC).exists()
    page = client.post(
        reverse("sponsorships:inspection_ad_hoc", args=[inspection.pk]),
        {"due_date": "15/01/2025"},
        follow=True,
    )
    assert "Đã tạo đợt kiểm tra đột xuất." in page.content.decode()
    ad_hoc = Inspection.objects.get(kind=Inspection.Kind.AD_HOC)
    assert ad_hoc.due_date.isoformat() == "2025-01-15"
    page = client.post(
        reverse("sponsorships:inspection_cancel", args=[ad_hoc.pk]), {"reason": ""}, follow=True
    )
    assert "Hãy ghi lý do hủy" in page.content.decode()
    client.post(
        reverse("sponsorships:inspection_cancel", args=[ad_hoc.pk]),
        {"reason": "Trùng lịch họp tỉnh"},
    )
    ad_hoc.refresh_from_db()
    assert ad_hoc.status == Inspection.Status.CANCELLED


def test_an_agency_proposes_a_cancellation_and_the_office_decides(client, world, personas):
    """Only the province office moves or cancels the calendar; the agency proposes, with a
    reason, and the office is told."""
    inspection = Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        period_start=date(2027, 1, 1),
        period_end=date(2027, 3, 31),
        due_date=date(2027, 3, 31),
    )
    url = reverse("sponsorships:inspection_cancel", args=[inspection.pk])
    client.force_login(personas["agency"])
    page = client.get(reverse("sponsorships:inspection_detail", args=[inspection.pk]))
    assert "Đề nghị hủy đợt kiểm tra" in page.content.decode()
    assert (
        "Hãy ghi lý do đề nghị hủy"
        in client.post(url, {"reason": ""}, follow=True).content.decode()
    )
    assert not Notification.objects.filter(user=personas["province"]).exists()
    answer = client.post(url, {"reason": "Trùng lịch họp Hội"}, follow=True).content.decode()
    assert "Đã gửi đề nghị hủy tới Văn phòng Điều phối NTM tỉnh." in answer
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.PLANNED
    told = Notification.objects.get(user=personas["province"])
    assert "đề nghị hủy đợt kiểm tra" in told.message
    assert inspection.log.filter(action="cancel_proposed", detail="Trùng lịch họp Hội").exists()
    client.force_login(personas["province"])
    client.post(url, {"reason": "Theo đề nghị của cơ quan"})
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.CANCELLED

"""Every number and date a user can send has a range that matches its column and the programme
(years 2000–2100, money within the column): out of range is a Vietnamese message naming the
field and nothing written, never a 500 — then or later, for anyone who opens the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from criteria.models import Evidence
from ntm_portal.limits import ID_MAX, YEAR_MAX, YEAR_MIN, decimal_fits, parse_id, parse_year
from sponsorships.models import Inspection, InspectionReport

from .conftest import PDF_BYTES


def _report_form(report: InspectionReport, **changes: str) -> dict[str, str]:
    data = {
        "version": str(report.version),
        "inspected_on": "05/12/2024",
        "participants": "Đoàn kiểm tra",
        "difficulties": "",
        "proposals": "",
        "resources_vnd": "150.000.000",
        "resources_in_kind": "",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    "amount", ["99999999999999999999999", "10.000.000.000.000.000", "1e30", "-5"]
)
def test_inspection_report_refuses_money_beyond_its_column(client, world, personas, amount):
    report = world.inspection_a2.report
    client.force_login(personas["agency"])
    url = reverse("sponsorships:report_edit", args=[world.inspection_a2.pk])
    response = client.post(url, _report_form(report, resources_vnd=amount))
    assert response.status_code == 200
    assert "Nguồn lực huy động phải là số đồng, không âm, dưới 10.000.000.000.000.000" in (
        response.content.decode()
    )
    report.refresh_from_db()
    assert report.version == 1
    assert report.resources_vnd == 0


def test_inspection_report_takes_the_largest_amount_its_column_holds(client, world, personas):
    client.force_login(personas["agency"])
    url = reverse("sponsorships:report_edit", args=[world.inspection_a2.pk])
    report = world.inspection_a2.report
    response = client.post(url, _report_form(report, resources_vnd="9" * 16))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.resources_vnd == Decimal("9" * 16)
    # …and every page that shows it still opens.
    for name in ("sponsorships:inspection_detail", "sponsorships:report_edit"):
        assert client.get(reverse(name, args=[world.inspection_a2.pk])).status_code == 200


@pytest.mark.parametrize("day", ["31/12/1999", "01/01/0001"])
def test_inspection_report_refuses_a_date_outside_the_programme(client, world, personas, day):
    client.force_login(personas["agency"])
    url = reverse("sponsorships:report_edit", args=[world.inspection_a2.pk])
    response = client.post(url, _report_form(world.inspection_a2.report, inspected_on=day))
    assert response.status_code == 200
    assert "Ngày kiểm tra phải từ năm 2000 đến năm 2100" in response.content.decode()


@pytest.mark.parametrize("day", ["31/12/9999", "01/01/2101", "31/12/1999"])
def test_an_ad_hoc_inspection_outside_the_programme_is_refused(client, world, personas, day):
    client.force_login(personas["agency"])
    before = Inspection.objects.count()
    response = client.post(
        reverse("sponsorships:inspection_ad_hoc", args=[world.inspection_a2.pk]),
        {"due_date": day},
        follow=True,
    )
    assert "Ngày kiểm tra đột xuất phải từ năm 2000 đến năm 2100" in response.content.decode()
    assert Inspection.objects.count() == before


def test_the_agency_feed_survives_the_last_day_there_is(client, world):
    # Written before the ad-hoc form had a range (or by hand in the admin).
    Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        kind=Inspection.Kind.AD_HOC,
        period_start=date(9999, 12, 31),
        period_end=date(9999, 12, 31),
        due_date=date(9999, 12, 31),
    )
    response = client.get(
        reverse("sponsorships:calendar_ics", args=[world.agency_a.calendar_token])
    )
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content


@pytest.mark.parametrize("year", ["10000", "-1", str(2**64), "1999", "2101", "abc"])
def test_the_calendar_answers_a_year_out_of_range_with_this_year(client, world, personas, year):
    client.force_login(personas["province"])
    for params in ({"year": year}, {"year": year, "xuat": "xlsx"}, {"year": year, "quarter": "4"}):
        response = client.get(reverse("sponsorships:calendar"), params)
        assert response.status_code == 200
    page = client.get(reverse("sponsorships:calendar"), {"year": year}).content.decode()
    assert "Năm phải từ 2000 đến 2100" in page


@pytest.mark.parametrize("indicator", ["abc", "-1", str(2**64), "1.5"])
def test_evidence_with_an_indicator_that_is_no_number_is_refused(
    client, world, personas, indicator
):
    client.force_login(personas["commune"])
    before = Evidence.objects.count()
    response = client.post(
        reverse("criteria:evidence_upload", args=[world.evaluation_a1.pk]),
        {"file": SimpleUploadedFile("bien-ban.pdf", PDF_BYTES), "indicator": indicator},
        follow=True,
    )
    assert response.status_code == 200
    assert "Chỉ tiêu đã chọn không thuộc bộ tiêu chí này." in response.content.decode()
    assert Evidence.objects.count() == before


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("sponsorships:calendar", {"agency": str(2**64), "district": "9" * 30, "commune": "-1"}),
        ("criteria:review_queue", {"district": str(2**64), "set": "9" * 30, "year": str(2**63)}),
        ("dashboards:overview", {"tinh": str(2**64), "huyen": "9" * 30, "co_quan": str(2**63)}),
    ],
)
def test_ids_beyond_every_database_are_no_match(client, world, personas, name, params):
    client.force_login(personas["admin"])
    assert client.get(reverse(name), params).status_code == 200


def test_an_evaluation_for_a_village_that_is_no_number_is_refused(client, world, personas):
    from criteria.models import CriteriaSet, Evaluation

    village_set = CriteriaSet.objects.create(
        code="THON-BG",
        name="Thôn NTM",
        level=CriteriaSet.Level.THON,
        province_name=world.commune_a1.province.short_name,
        valid_from=date(2022, 7, 26),
    )
    client.force_login(personas["commune"])
    before = Evaluation.objects.count()
    response = client.post(
        reverse("criteria:evaluation_create", args=[world.commune_a1.pk]),
        {"criteria_set": village_set.pk, "year": "2024", "half": "0", "village": "abc"},
        follow=True,
    )
    assert "hãy chọn thôn được đánh giá" in response.content.decode()
    assert Evaluation.objects.count() == before


@given(st.one_of(st.text(), st.integers().map(str), st.floats().map(str)))
def test_an_id_from_a_request_is_none_or_fits_a_bigint(raw):
    parsed = parse_id(raw)
    assert parsed is None or 1 <= parsed <= ID_MAX


@given(st.one_of(st.text(), st.integers().map(str)))
def test_a_year_from_a_request_is_none_or_within_the_programme(raw):
    parsed = parse_year(raw)
    assert parsed is None or YEAR_MIN <= parsed <= YEAR_MAX


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_a_decimal_that_fits_is_stored_unchanged(value):
    if decimal_fits(value, max_digits=16, decimal_places=0):
        assert abs(value) < Decimal(10) ** 16
        assert value == value.to_integral_value()


@pytest.mark.parametrize("target", ["99999999999999999999999", "61,555"])
def test_a_plan_target_beyond_its_column_is_refused(client, world, personas, target):
    from reports.models import PlanTarget

    client.force_login(personas["province"])
    response = client.post(
        reverse("reports:province_plans", args=[world.province_a.pk]),
        {
            "action": "add_target",
            "year": "2026",
            "measure": PlanTarget.Measure.OTHER,
            "label": "Quỹ Vì người nghèo",
            "target": target,
            "unit": "đồng",
        },
    )
    assert response.status_code == 200
    assert "Số quá lớn hoặc quá nhiều chữ số thập phân (tối đa 2)" in response.content.decode()
    assert not PlanTarget.objects.exists()

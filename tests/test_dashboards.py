"""Dashboards: every figure against a small hand-computed dataset, scope, bad input, exports,
query counts at two data sizes, and the summary tables kept fresh on write.

The dataset (small catalogue: 1 quy hoạch, 2 giao thông ≥ 70%, 3 nghèo đa chiều ≤ 5%, a key
criterion), province A unless said:
    Ba Tầng (Hướng Hóa)     I/2024 2/3 (giao thông unmet) · II/2024 3/3 · villages 1/2 met
    Thuận (Hướng Hóa)       II/2024 0/3 · recognised NTM 2020 → at risk (≥ 50% failed)
    Triệu Long (Triệu Phong) II/2024 2/3 (nghèo unmet) · recognised NTM → at risk (key, 33%)
    Bình Lư (province B)    II/2024 3/3 · recognised nâng cao
Agency A (Thuận), inspections due in II/2024: one done on time, one done late, one overdue;
its six-monthly report for II/2024 filed.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from criteria.models import CommuneStanding, CommuneSummary, Evaluation, Indicator, Recognition
from criteria.services import (
    evaluation_approve,
    evaluation_create,
    evaluation_reopen,
    evaluation_save_values,
    evaluation_submit,
)
from criteria.standings import standings_refresh
from ntm_portal.models import Role
from reports.dashboards import Filters, Scope, agency_performance, parse_period, top_agencies
from sponsorships.models import AgencyReport, Inspection, InspectionReport

from .factories import AgencyFactory, AssignmentFactory, CommuneFactory, UserFactory

OVERVIEW = reverse("dashboards:overview")
HEATMAP = reverse("dashboards:heatmap")
LIST = reverse("dashboards:commune_list")


def _approved(world, commune, year, half, values, village=None, submitter=None, reviewer=None):
    """An evaluation filled with values by indicator number, submitted and approved."""
    submitter = submitter or UserFactory(username="xa_nop", role=Role.COMMUNE, commune=commune)
    reviewer = reviewer or UserFactory(
        username=f"duyet_{commune.province_id}", role=Role.PROVINCE, province=commune.province
    )
    evaluation = Evaluation.objects.filter(
        commune=commune, village=village, criteria_set=world.criteria_set, year=year, half=half
    ).first() or evaluation_create(
        commune=commune,
        criteria_set=world.criteria_set,
        year=year,
        half=half,
        actor=None,
        village=village,
    )
    indicators = dict(
        Indicator.objects.filter(criterion__criteria_set=world.criteria_set).values_list(
            "number", "pk"
        )
    )
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={indicators[number]: raw for number, raw in values.items()},
        notes={},
        version=evaluation.version,
        actor=submitter,
    )
    evaluation.refresh_from_db()
    evaluation_submit(evaluation=evaluation, version=evaluation.version, actor=submitter)
    evaluation.refresh_from_db()
    return evaluation_approve(evaluation=evaluation, version=evaluation.version, actor=reviewer)


ALL_MET = {"1.1": "1", "2.1": "80", "3.1": "3"}


@pytest.fixture
def data(world):
    Recognition.objects.create(
        commune=world.commune_a2,
        level="ntm",
        decision_number="1/QĐ-UBND",
        decision_date=date(2020, 1, 1),
    )
    Recognition.objects.create(
        commune=world.commune_a3,
        level="ntm",
        decision_number="2/QĐ-UBND",
        decision_date=date(2020, 1, 1),
    )
    Recognition.objects.create(
        commune=world.commune_b1,
        level="nang_cao",
        decision_number="3/QĐ-UBND",
        decision_date=date(2023, 1, 1),
    )
    _approved(world, world.commune_a1, 2024, 1, {"1.1": "1", "2.1": "60", "3.1": "3"})
    _approved(world, world.commune_a1, 2024, 2, ALL_MET)
    _approved(world, world.commune_a2, 2024, 2, {"1.1": "0", "2.1": "60", "3.1": "10"})
    _approved(world, world.commune_a3, 2024, 2, {"1.1": "1", "2.1": "80", "3.1": "10"})
    _approved(world, world.commune_b1, 2024, 2, ALL_MET)
    village = world.commune_a1.villages.get(name="Bản Xa Doan")
    _approved(world, world.commune_a1, 2024, 2, ALL_MET, village=village)

    assignment = world.inspection_a2.assignment  # agency A → Thuận; inspection_a2 is overdue
    reporter = UserFactory(username="bao_cao")
    on_time = Inspection.objects.create(
        assignment=assignment,
        period_start=date(2024, 7, 1),
        period_end=date(2024, 9, 30),
        due_date=date(2024, 9, 30),
        status=Inspection.Status.DONE,
    )
    late = Inspection.objects.create(
        assignment=assignment,
        kind=Inspection.Kind.AD_HOC,
        period_start=date(2024, 8, 1),
        period_end=date(2024, 8, 15),
        due_date=date(2024, 8, 15),
        status=Inspection.Status.DONE,
    )
    for inspection, day in ((on_time, date(2024, 9, 15)), (late, date(2024, 8, 20))):
        InspectionReport.objects.create(
            inspection=inspection, inspected_on=day, participants="Đoàn", created_by=reporter
        )
    AgencyReport.objects.create(
        agency=world.agency_a,
        period_start=date(2024, 7, 1),
        period_end=date(2024, 12, 31),
        due_date=date(2024, 12, 31),
        submitted_at=timezone.now(),
    )
    # Recognitions come from the admin, outside the services: beat's sweep counts them.
    standings_refresh()
    return world


def _get(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


# --- Figures ------------------------------------------------------------------------------------


def test_province_figures_match_the_hand_computed_dataset(client, data, personas):
    context = _get(client, personas["province"], OVERVIEW).context
    total = context["total"]
    assert (total.total, total.evaluated, total.all_met, total.at_risk) == (3, 3, 1, 2)
    assert str(total.average_met) == "1.7"  # (3 + 0 + 2) / 3
    assert (total.ntm, total.nang_cao, total.kieu_mau, total.recognised) == (2, 0, 0, 2)
    assert str(total.recognised_share) == "66.7"
    assert (total.villages_met, total.villages_total) == (1, 2)
    assert context["target"] is None

    by_criterion = {c.criterion.number: (c.met, c.unmet, c.undecided) for c in context["ranking"]}
    assert by_criterion == {1: (2, 1, 0), 2: (2, 1, 0), 3: (1, 2, 0)}
    assert [c.criterion.number for c in context["ranking"]] == [3, 1, 2]

    periods = [(p.key, p.evaluated, p.all_met, str(p.average_met)) for p in context["period_rows"]]
    assert periods == [("2024-1", 1, 0, "2.0"), ("2024-2", 3, 1, "1.7")]

    groups = {g.name: (g.total, g.evaluated, g.all_met, g.at_risk) for g in context["groups"].rows}
    assert groups == {"Huyện Hướng Hóa": (2, 2, 1, 1), "Huyện Triệu Phong": (1, 1, 0, 1)}
    assert {s.commune.short_name for s in context["risky"]} == {"Thuận", "Triệu Long"}
    reasons = {s.commune.short_name: s.risk_reason for s in context["risky"]}
    assert "nghèo đa chiều" in reasons["Triệu Long"]


def test_page_shows_figures_freshness_target_and_text_alternatives(client, data, personas):
    page = _get(client, personas["province"], OVERVIEW).content.decode()
    assert "chưa có chỉ tiêu" in page
    assert "số liệu tính đến" in page
    # Charts whose bars are links are named groups of named links (not one image: issue 28).
    assert re.search(r'<svg class="chart"[^>]* role="group" aria-label="[^"]+"', page)
    assert "aria-label=" in page
    assert "Bảng số liệu của biểu đồ" in page


@pytest.mark.parametrize("listed", [300, 0], ids=["by-agency-ids", "whole-window"])
def test_agency_performance_counts_due_on_time_late_overdue_and_reports(
    client, data, personas, monkeypatch, listed
):
    # The country's 2,000 agencies count every agency's reports of the window: the same figures.
    monkeypatch.setattr("reports.dashboards.AGENCY_IDS_LISTED", listed)
    context = _get(client, personas["province"], OVERVIEW, ky="2024-2").context
    (row,) = context["agencies"]
    assert row.pk == data.agency_a.pk
    assert (row.due, row.done_on_time, row.done_late, row.overdue, row.upcoming) == (3, 1, 1, 1, 0)
    assert (row.reports_due, row.reports_filed) == (1, 1)


def test_period_filter_shows_that_period(client, data, personas):
    context = _get(client, personas["province"], OVERVIEW, ky="2024-1").context
    total = context["total"]
    assert (total.evaluated, total.all_met, total.at_risk) == (1, 0, 0)
    assert str(total.average_met) == "2.0"
    by_criterion = {c.criterion.number: c.unmet for c in context["ranking"]}
    assert by_criterion == {1: 0, 2: 1, 3: 0}


def test_district_filter_narrows_every_figure(client, data, personas):
    context = _get(client, personas["province"], OVERVIEW, huyen=data.district_a1.pk).context
    total = context["total"]
    assert (total.total, total.evaluated, total.all_met, total.at_risk) == (2, 2, 1, 1)


def test_agency_filter_narrows_to_its_communes(client, data, personas):
    context = _get(client, personas["province"], OVERVIEW, co_quan=data.agency_a.pk).context
    assert (context["total"].total, context["total"].at_risk) == (1, 1)


def test_national_dashboard_counts_every_province(client, data, personas):
    # The world is of the 2024 edition; the country opens on the current one (2025).
    context = _get(client, personas["admin"], OVERVIEW, phien_ban=2024).context
    total = context["total"]
    assert (total.total, total.all_met, total.nang_cao, total.ntm) == (4, 2, 1, 2)
    assert {g.name for g in context["groups"].rows} == {"Tỉnh Quảng Trị", "Tỉnh Lai Châu"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"nhom": "dat-du"}, {"Xã Ba Tầng"}),
        ({"nhom": "rui-ro"}, {"Xã Thuận", "Xã Triệu Long"}),
        ({"nhom": "ntm"}, {"Xã Thuận", "Xã Triệu Long"}),
        ({"nhom": "chua-cong-nhan"}, {"Xã Ba Tầng"}),
        ({"nhom": "chua-danh-gia"}, set()),
        ({"tieu_chi": "3", "trang_thai": "chua-dat"}, {"Xã Thuận", "Xã Triệu Long"}),
        ({"tieu_chi": "3", "trang_thai": "dat"}, {"Xã Ba Tầng"}),
        ({"tieu_chi": "2", "trang_thai": "chua-dat", "ky": "2024-1"}, {"Xã Ba Tầng"}),
    ],
)
def test_the_list_behind_a_figure(client, data, personas, params, expected):
    if "tieu_chi" in params:
        params["tieu_chi"] = data.criteria_set.criteria.get(number=params["tieu_chi"]).pk
    page = _get(client, personas["province"], LIST, **params).context["page"]
    assert {c.name for c in page.object_list} == expected


def test_heat_map_cells_and_columns(client, data, personas):
    context = _get(client, personas["province"], HEATMAP).context
    states = {"met": True, "unmet": False, "unknown": None}
    cells = {
        commune["short_name"]: [states[css] for css in re.findall(r'class="cell (\w+)"', html)]
        for commune, html in context["table"]
    }
    assert cells == {
        "Ba Tầng": [True, True, True],
        "Thuận": [False, False, False],
        "Triệu Long": [True, True, False],
    }
    poverty = data.criteria_set.criteria.get(number=3)
    links = re.findall(r'href="([^"]+)"', context["table"][0][1])
    assert f"tieu_chi={poverty.pk}" in links[2]
    assert "trang_thai=dat" in links[2]
    page = _get(client, personas["province"], HEATMAP).content.decode()
    assert 'title="Ba Tầng – 3. ' in page
    assert '✗<span class="visually-hidden">Chưa đạt</span>' in page  # read out, not only drawn


def _heat_names(client, user, **params) -> list[str]:
    table = _get(client, user, HEATMAP, **params).context["table"]
    return [commune["short_name"] for commune, _cells in table]


def test_heat_map_shows_every_xa_in_scope_those_not_evaluated_labelled(client, data, personas):
    # Issue 28: only the evaluated xã were rows; the ones to chase were invisible.
    CommuneFactory(district=data.district_a1, short_name="Hướng Tân", name="Xã Hướng Tân")
    context = _get(client, personas["province"], HEATMAP).context
    rows = {commune["short_name"]: cells for commune, cells in context["table"]}
    assert set(rows) == {"Ba Tầng", "Thuận", "Triệu Long", "Hướng Tân"}
    assert "Chưa đánh giá" in rows["Hướng Tân"]
    assert f'colspan="{len(context["criteria"])}"' in rows["Hướng Tân"]
    assert "nhom=chua-danh-gia" in rows["Hướng Tân"]  # the list of the xã to chase
    assert "Chưa đánh giá" not in rows["Ba Tầng"]


def test_heat_map_headers_name_each_criterion(client, data, personas):
    page = _get(client, personas["province"], HEATMAP).content.decode()
    for criterion in data.criteria_set.criteria.all():
        label = f"{criterion.number}. {criterion.short_name}"
        assert f">{label}</a>" in page
        assert f'title="{criterion.number}. {criterion.name}"' in page
        assert f'aria-label="{label} – sắp xếp theo tiêu chí {criterion.number}.' in page


def test_heat_map_sorts_by_any_column_with_links_keeping_the_filters(client, data, personas):
    CommuneFactory(district=data.district_a1, short_name="Hướng Tân", name="Xã Hướng Tân")
    user = personas["province"]
    poverty = data.criteria_set.criteria.get(number=3)
    by_name = ["Ba Tầng", "Hướng Tân", "Thuận", "Triệu Long"]
    assert _heat_names(client, user) == by_name
    assert _heat_names(client, user, sap_xep="-ten") == by_name[::-1]
    # Unmet first, then met; a xã without an evaluation last in either direction.
    assert _heat_names(client, user, sap_xep=f"tc-{poverty.number}") == [
        "Thuận",
        "Triệu Long",
        "Ba Tầng",
        "Hướng Tân",
    ]
    assert _heat_names(client, user, sap_xep=f"-tc-{poverty.number}") == [
        "Ba Tầng",
        "Thuận",
        "Triệu Long",
        "Hướng Tân",
    ]
    assert _heat_names(client, user, sap_xep="dat") == [
        "Thuận",
        "Triệu Long",
        "Ba Tầng",
        "Hướng Tân",
    ]
    assert _heat_names(client, user, sap_xep="-dat") == [
        "Ba Tầng",
        "Triệu Long",
        "Thuận",
        "Hướng Tân",
    ]
    assert _heat_names(client, user, sap_xep="tc-99") == by_name  # unknown column: by name

    # The header links keep the district and period chosen, and flip the column sorted.
    page = _get(
        client, user, HEATMAP, huyen=data.district_a1.pk, ky="2024-2", sap_xep="tc-3"
    ).content.decode()
    links = re.findall(r'<a class="sort" href="\?([^"]+)"', page)
    assert len(links) == 2 + data.criteria_set.criteria.count()
    for link in links:
        assert f"huyen={data.district_a1.pk}" in link
        assert "ky=2024-2" in link
    assert "sap_xep=-tc-3" in links[4].replace("%2D", "-")
    assert 'aria-sort="ascending"' in page
    assert "<script" not in page.split("<main", 1)[-1]  # no JavaScript needed to sort


# --- Scope and bad input ------------------------------------------------------------------------


def test_scope_of_each_role(client, data, personas):
    expected = {"admin": 4, "province": 3, "district": 2, "agency": 1}
    for role, total in expected.items():
        # Province, district and agency see their own edition; the country picks one.
        params = {"phien_ban": 2024} if role == "admin" else {}
        context = _get(client, personas[role], OVERVIEW, **params).context
        assert context["total"].total == total, role


@pytest.mark.parametrize("role", ["commune", "norole"])
def test_commune_officials_and_users_without_role_get_no_dashboard(client, data, personas, role):
    client.force_login(personas[role])
    for url in (OVERVIEW, HEATMAP, LIST):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"huyen": "abc"},
        {"huyen": "999999"},
        {"tinh": "-3"},
        {"co_quan": "1e9"},
        {"bo": "xyz"},
        {"bo": "999999"},
        {"ky": "2025-7"},
        {"ky": "abcd"},
        {"ky": "99999999999999999999-1"},
        {"page": "zzz"},
        {"nhom": "<script>"},
        {"tieu_chi": "x", "trang_thai": "y"},
        {"xuat": "pdf"},
        {"phien_ban": "2019"},
        {"phien_ban": "hai"},
        {"phien_ban": "99999999999999999999"},
    ],
)
def test_bad_input_gets_a_message_or_an_empty_result_never_a_500(client, data, personas, params):
    for url in (OVERVIEW, HEATMAP, LIST):
        response = _get(client, personas["province"], url, **params)
        assert "Xã Bình Lư" not in response.content.decode()


def test_an_unknown_edition_is_named_and_the_current_one_shown(client, data, personas):
    context = _get(client, personas["admin"], OVERVIEW, phien_ban="2019").context
    assert (
        "Phiên bản đơn vị hành chính không hợp lệ: bỏ qua bộ lọc này." in context["filters"].errors
    )
    assert context["filters"].edition == 2025
    # Chosen on purpose, it stays in every link.
    context = _get(client, personas["admin"], OVERVIEW, phien_ban="2024").context
    assert "phien_ban=2024" in context["filters"].query()


def test_out_of_scope_filters_are_named_and_dropped(client, data, personas):
    response = _get(
        client,
        personas["province"],
        OVERVIEW,
        tinh=data.province_b.pk,
        huyen=data.district_b1.pk,
        co_quan=data.agency_b.pk,
    )
    page = response.content.decode()
    assert "Không tìm thấy huyện đã chọn trong phạm vi của bạn." in page
    assert "Không tìm thấy cơ quan đã chọn trong phạm vi của bạn." in page
    assert response.context["total"].total == 3
    assert "Lai Châu" not in page


def test_exports_stay_in_scope(client, data, personas):
    client.force_login(personas["province"])
    for url, params in [
        (LIST, {"xuat": "csv"}),
        (LIST, {"xuat": "csv", "tinh": data.province_b.pk}),
        (OVERVIEW, {"xuat": "csv", "bang": "dia-ban"}),
        (OVERVIEW, {"xuat": "csv", "bang": "rui-ro"}),
        (OVERVIEW, {"xuat": "csv", "bang": "co-quan", "ky": "2024-2"}),
    ]:
        response = client.get(url, params)
        text = response.getvalue().decode("utf-8-sig")
        assert response["Content-Type"].startswith("text/csv")
        assert "Bình Lư" not in text, (url, params)
        assert "Lai Châu" not in text, (url, params)
    rows = list(
        csv.reader(io.StringIO(client.get(LIST, {"xuat": "csv"}).getvalue().decode("utf-8-sig")))
    )
    assert sorted(row[1] for row in rows[1:]) == ["Xã Ba Tầng", "Xã Thuận", "Xã Triệu Long"]
    response = client.get(OVERVIEW, {"xuat": "xlsx", "bang": "tieu-chi"})
    assert response.content[:2] == b"PK"


def test_period_parsing():
    assert parse_period("2025-1") == (2025, 1)
    assert parse_period("2025") == (2025, 0)
    for bad in ("2025-3", "1999-1", "x", "2025-a"):
        with pytest.raises(ValueError, match=r"."):
            parse_period(bad)


# --- Fresh on write ----------------------------------------------------------------------------


def test_approval_and_reopening_refresh_the_summary_at_once(data, personas):
    commune = data.commune_a3
    assert CommuneStanding.objects.get(commune=commune, is_latest=True).met_count == 2
    evaluation = _approved(data, commune, 2025, 1, ALL_MET)
    latest = CommuneStanding.objects.get(commune=commune, is_latest=True)
    assert (latest.year, latest.half, latest.all_met, latest.at_risk) == (2025, 1, True, False)
    evaluation.refresh_from_db()
    evaluation_reopen(
        evaluation=evaluation,
        version=evaluation.version,
        reason="Sai số liệu",
        actor=personas["province"],
    )
    latest = CommuneStanding.objects.get(commune=commune, is_latest=True)
    assert (latest.year, latest.half) == (2024, 2)
    assert CommuneSummary.objects.get(commune=commune).recognition_level == "ntm"


def test_refresh_is_idempotent(data):
    before = sorted(
        CommuneStanding.objects.values_list("evaluation_id", "met_mask", "unmet_mask", "is_latest")
    )
    standings_refresh()
    after = sorted(
        CommuneStanding.objects.values_list("evaluation_id", "met_mask", "unmet_mask", "is_latest")
    )
    assert before == after


# --- Query counts -------------------------------------------------------------------------------


def _count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def _grow(world, n: int) -> None:
    """n more xã in both districts, each with an approved evaluation, assignment, inspection."""
    reviewer = UserFactory(username="duyet_them", role=Role.PROVINCE, province=world.province_a)
    for index in range(n):
        district = world.district_a1 if index % 2 else world.district_a2
        commune = CommuneFactory(district=district)
        submitter = UserFactory(username=f"xa_them_{index}", role=Role.COMMUNE, commune=commune)
        _approved(world, commune, 2024, 2, ALL_MET, submitter=submitter, reviewer=reviewer)
        assignment = AssignmentFactory(agency=world.agency_a, commune=commune)
        Inspection.objects.create(
            assignment=assignment,
            period_start=date(2024, 10, 1),
            period_end=date(2024, 12, 31),
            due_date=date(2024, 12, 31),
        )


@pytest.mark.parametrize("role", ["admin", "province", "district", "agency"])
def test_query_count_is_constant_and_small(client, data, personas, role):
    client.force_login(personas[role])
    pages = [
        (OVERVIEW, {}),
        (OVERVIEW, {"ky": "2024-2", "huyen": data.district_a1.pk}),
        (HEATMAP, {}),
        (HEATMAP, {"sap_xep": "-tc-2"}),
        (HEATMAP, {"sap_xep": "dat"}),
        (LIST, {"nhom": "rui-ro"}),
        (LIST, {"tieu_chi": data.criteria_set.criteria.first().pk, "trang_thai": "chua-dat"}),
    ]
    # Cold both times: the cached figures and unread count would otherwise hide queries.
    cache.clear()
    small = [_count(client, url, **params) for url, params in pages]
    _grow(data, 6)
    for index in range(5):  # and xã without an evaluation: rows of the heat map too
        CommuneFactory(district=data.district_a1, short_name=f"Chưa đánh giá {index}")
    cache.clear()
    large = [_count(client, url, **params) for url, params in pages]
    assert small == large
    # 15 before issue 16; the recognition pipeline adds its steps, recognitions and target.
    assert max(large) <= 15, large


def test_agency_performance_helper_without_filters_uses_the_current_year(data):
    filters = Filters(criteria_sets=[], criteria_set=data.criteria_set)
    from communes.models import Commune

    scope = Scope(level="national", title="", communes=Commune.objects.all(), filters=filters)
    assert agency_performance(scope, today=date(2024, 11, 1))[0].upcoming == 1


def test_the_dashboards_top_agencies_are_the_first_of_the_whole_table_and_count_them_all(data):
    # The dashboard shows the first 20 ordered, limited and counted in SQL; the download has all.
    from communes.models import Commune

    for index, overdue in enumerate((2, 0, 0)):  # three more agencies: one before, two after
        agency = AgencyFactory(province=data.province_a, name=f"Hội thử {index}")
        assignment = AssignmentFactory(
            agency=agency, commune=CommuneFactory(district=data.district_a1)
        )
        for month in range(7, 7 + 3 * (overdue or 1), 3):
            Inspection.objects.create(
                assignment=assignment,
                period_start=date(2024, month, 1),
                period_end=date(2024, month + 2, 28),
                due_date=date(2024, 10, 15) if overdue else date(2024, 12, 31),
            )
    filters = Filters(criteria_sets=[], criteria_set=data.criteria_set, period=(2024, 2))
    scope = Scope(level="national", title="", communes=Commune.objects.all(), filters=filters)
    every = agency_performance(scope, today=date(2024, 11, 1))
    assert len(every) == 4
    assert every[0].overdue == 2
    for limit in (1, len(every), len(every) + 5):
        shown, count = top_agencies(scope, limit, today=date(2024, 11, 1))
        assert (shown, count) == (every[:limit], len(every))


# --- Browser journey ----------------------------------------------------------------------------


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    from .test_browser import CHROMIUM, CHROMIUM_ARGS

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        yield context.new_page()
        browser.close()


@pytest.mark.browser
def test_province_staff_filter_by_district_open_the_heat_map_and_reach_the_communes_behind_a_cell(
    live_server, data, personas, browser_page
):
    from .factories import PASSWORD

    page = browser_page
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.fill("#id_username", "vpdp_p")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.get_by_role("link", name="Tổng quan", exact=True).first.click()
    assert "Tổng quan – Tỉnh Quảng Trị" in page.locator("h1").inner_text()
    assert page.locator("#kpi-risk .figure").inner_text() == "2"

    # Filter by district: Hướng Hóa has Ba Tầng and Thuận.
    page.select_option("#filter-district", label="Huyện Hướng Hóa")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    assert "Huyện Hướng Hóa" in page.locator("h1").inner_text()
    assert page.locator("#kpi-risk .figure").inner_text() == "1"

    # The heat map keeps the filter: two rows; Thuận fails every criterion.
    page.get_by_role("link", name="Bản đồ nhiệt tiêu chí", exact=True).click()
    page.wait_for_load_state()
    rows = page.locator("#heatmap tbody tr")
    assert rows.count() == 2
    thuan = page.locator("#heatmap tbody tr", has_text="Thuận")
    assert thuan.locator("td.cell.unmet").count() == 3

    # Its "nghèo đa chiều" cell leads to the communes of the district failing that criterion.
    thuan.locator("td.cell").nth(2).locator("a").click()
    page.wait_for_load_state()
    assert "nghèo đa chiều" in page.locator("h1").inner_text()
    names = page.locator("#communes tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["Xã Thuận"]  # Triệu Long fails it too, but is in another district
    assert page.get_by_role("link", name=".xlsx").is_visible()


def test_the_target_is_the_one_entered_on_the_plans_page(client, data, personas):
    from django.utils import timezone

    from reports.models import PlanTarget

    year = timezone.localdate().year
    share = PlanTarget.Measure.XA_NTM_SHARE
    PlanTarget.objects.create(
        province=data.province_a, year=year, measure=share, target=Decimal("61.5"), unit="%"
    )
    PlanTarget.objects.create(
        district=data.district_a1, year=year, measure=share, target=Decimal("80"), unit="%"
    )
    # Another measure and another year are not the share target.
    PlanTarget.objects.create(
        province=data.province_a, year=year - 1, measure=share, target=Decimal("40"), unit="%"
    )
    PlanTarget.objects.create(
        province=data.province_a, year=year, measure="other", target=Decimal("7"), unit="xã"
    )
    response = _get(client, personas["province"], OVERVIEW)
    assert response.context["target"] == Decimal("61.5")
    assert "chỉ tiêu 61,5%" in response.content.decode()
    district = _get(client, personas["province"], OVERVIEW, huyen=data.district_a1.pk)
    assert district.context["target"] == Decimal("80")


@pytest.mark.browser
def test_province_office_sees_every_xa_on_the_heat_map_and_sorts_by_a_criterion(
    live_server, data, personas, browser_page
):
    from .factories import PASSWORD

    CommuneFactory(district=data.district_a1, short_name="Hướng Tân", name="Xã Hướng Tân")
    page = browser_page
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.fill("#id_username", "vpdp_p")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    # On a phone the named columns scroll inside their box, the page stays the phone's width.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{HEATMAP}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    names = page.locator("#heatmap tbody th[scope=row] a").all_inner_texts()
    assert names == ["Ba Tầng", "Hướng Tân", "Thuận", "Triệu Long"]
    row = page.locator("#heatmap tbody tr", has_text="Hướng Tân")
    assert "Chưa đánh giá" in row.inner_text()

    # The poverty criterion's header, named, sorts the xã failing it first.
    poverty = data.criteria_set.criteria.get(number=3)
    header = page.get_by_role("link", name=f"3. {poverty.short_name} – sắp xếp", exact=False)
    header.click()
    page.wait_for_load_state()
    names = page.locator("#heatmap tbody th[scope=row] a").all_inner_texts()
    assert names == ["Thuận", "Triệu Long", "Ba Tầng", "Hướng Tân"]
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("3.")

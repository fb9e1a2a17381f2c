"""A 2025 xã through a QĐ 51/2025/QĐ-TTg evaluation, end to end: its group decided by the
province, the new-period form's defaults, values, submit, approve, its standing, the dashboard
figures and heat map row, the evaluation roster with a column per indicator, and documents that
state its tally. And a xã with no group: undecided, never scored as met."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from criteria.models import CommuneStanding, Evaluation, EvaluationLog, Indicator
from ntm_portal.rosters import roster_for
from ntm_portal.rosters.services import roster_validate_file
from reports import issuers
from reports.models import Document
from reports.services import document_create, render_html

from .factories import AgencyFactory, AssignmentFactory, UserFactory
from .roster_files import workbook_bytes

TODAY = date(2026, 12, 1)
MET = range(1, 8)  # criteria 1–7 met, 8–10 not: "đạt 7/10 tiêu chí"


@pytest.fixture
def today(monkeypatch):
    """December 2026: QĐ 51 in force, the second half-year under way."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _raw(indicator: Indicator, met: bool) -> str:
    if indicator.is_yes_no:
        return "1" if met else "0"
    high = indicator.direction == Indicator.Direction.AT_LEAST
    return "100" if met == high else "0"


def _values_for(criteria_set, met_criteria) -> dict[str, str]:
    return {
        indicator.number: _raw(indicator, indicator.criterion.number in met_criteria)
        for indicator in Indicator.objects.filter(
            criterion__criteria_set=criteria_set
        ).select_related("criterion")
    }


def _post_values(client, evaluation: Evaluation, by_number: dict[str, str]):
    ids = dict(
        Indicator.objects.filter(criterion__criteria_set=evaluation.criteria_set).values_list(
            "number", "pk"
        )
    )
    data = {"version": evaluation.version}
    data.update({f"value_{ids[number]}": raw for number, raw in by_number.items()})
    return client.post(reverse("criteria:evaluation_edit", args=[evaluation.pk]), data)


def test_a_group_2_xa_goes_through_a_qd51_evaluation_to_the_dashboards_and_documents(
    client, two_tier, today
):
    qd51, xa, staff, official = two_tier.qd51, two_tier.xa_1, two_tier.staff, two_tier.official
    assert Indicator.objects.filter(criterion__criteria_set=qd51).count() == 47

    # The province decides the groups.
    client.force_login(staff)
    response = client.post(
        reverse("criteria:commune_groups", args=[two_tier.province.pk]),
        {
            "number": "125/QĐ-UBND",
            "date": "2026-03-10",
            f"group_{xa.pk}": "2",
            f"group_{two_tier.xa_2.pk}": "3",
        },
    )
    assert response.status_code == 302

    # The commune's new-period form proposes QĐ 51 and the current half-year.
    client.force_login(official)
    page = client.get(reverse("criteria:commune_status", args=[xa.pk])).content.decode()
    assert re.search(rf'<option value="{qd51.pk}" selected>', page)
    assert 'id="year" name="year" inputmode="numeric" value="2026"' in page
    assert '<option value="2" selected>' in page
    response = client.post(
        reverse("criteria:evaluation_create", args=[xa.pk]),
        {"criteria_set": qd51.pk, "year": "2026", "half": "2"},
    )
    evaluation = Evaluation.objects.get(commune=xa, criteria_set=qd51)
    assert response["Location"] == reverse("criteria:evaluation_edit", args=[evaluation.pk])
    form = client.get(response["Location"]).content.decode()
    assert "(yêu cầu ≥ 93 %)" in form  # 4.1 in group 2

    assert _post_values(client, evaluation, _values_for(qd51, MET)).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.met_count, evaluation.undecided_count, evaluation.criteria_count) == (
        7,
        0,
        10,
    )
    detail = client.get(reverse("criteria:evaluation_detail", args=[evaluation.pk]))
    text = detail.content.decode()
    assert "Đạt 7/10 tiêu chí" in text
    assert "Còn 3 tiêu chí chưa đạt gồm: môi trường và cảnh quan" in text
    assert "xã chưa có nhóm" not in text
    assert "ngưỡng của nhóm 2" in text
    status = client.get(reverse("criteria:commune_status", args=[xa.pk])).content.decode()
    assert (
        "Nhóm xã (QĐ 51/2025/QĐ-TTg): nhóm 2, theo Quyết định số 125/QĐ-UBND ngày 10/03/2026, "
        "áp dụng từ 10/03/2026." in status
    )
    client.post(
        reverse("criteria:evaluation_submit", args=[evaluation.pk]),
        {"version": evaluation.version},
    )
    evaluation.refresh_from_db()
    client.force_login(staff)
    client.post(
        reverse("criteria:evaluation_approve", args=[evaluation.pk]),
        {"version": evaluation.version},
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.APPROVED

    # Its standing: ten criteria as bits 1–10.
    standing = CommuneStanding.objects.get(evaluation=evaluation)
    assert (standing.met_count, standing.criteria_count, standing.all_met) == (7, 10, False)
    assert [standing.state_of(n) for n in range(1, 11)] == [True] * 7 + [False] * 3

    # The dashboards open on the 2025 edition and the set in force, with no parameter at all.
    context = client.get(reverse("dashboards:overview")).context
    assert context["filters"].criteria_set == qd51
    assert context["filters"].edition == 2025
    total = context["total"]
    assert (total.total, total.evaluated, total.all_met, total.average_met) == (2, 1, 0, 7)
    blocking = {c.criterion.number: c.unmet for c in context["ranking"]}
    assert blocking == {**dict.fromkeys(range(1, 8), 0), 8: 1, 9: 1, 10: 1}
    heat = client.get(reverse("dashboards:heatmap")).context
    assert len(heat["criteria"]) == 10
    # Both xã of the province are rows; the one without an evaluation says so.
    rows = {commune["pk"]: cells for commune, cells in heat["table"]}
    assert len(rows) == 2
    cells = rows.pop(xa.pk)
    assert "Chưa đánh giá" in next(iter(rows.values()))
    states = re.findall(r'class="cell (\w+)"', cells)
    assert states == ["met"] * 7 + ["unmet"] * 3
    admin = UserFactory(username="qt_qd51", role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    national = client.get(reverse("dashboards:overview")).context
    assert (national["filters"].criteria_set, national["filters"].edition) == (qd51, 2025)
    assert national["total"].evaluated == 1

    # The evaluation roster, one row per xã with a column per indicator number.
    numbers = list(
        Indicator.objects.filter(criterion__criteria_set=qd51)
        .order_by("criterion__number", "position")
        .values_list("number", flat=True)
    )
    all_met = _values_for(qd51, range(1, 11))
    data = workbook_bytes(
        [
            ["Tỉnh", "Xã", "Bộ tiêu chí", "Năm", "Kỳ", *numbers],
            [
                "Quảng Trị",
                "Hướng Lập",
                "QD51-2025-XA-NTM",
                2026,
                "6 tháng cuối năm",
                *[all_met[n] for n in numbers],
            ],
        ]
    )
    validation = roster_validate_file(
        kind="evaluations", content=io.BytesIO(data), filename="qd51.xlsx", actor=admin
    )
    assert validation.as_json()["errors"] == []
    assert validation.counts["new"] == 1
    roster_for("evaluations").apply(validation, actor=admin)
    imported = Evaluation.objects.get(commune=two_tier.xa_2, criteria_set=qd51)
    assert (imported.met_count, imported.undecided_count, imported.criteria_count) == (10, 0, 10)
    assert imported.status == Evaluation.Status.DRAFT
    assert imported.log.filter(action=EvaluationLog.Action.VALUE_CHANGED).count() == 47

    # Documents state the tally.
    agency = AgencyFactory(province=two_tier.province, name="Hội Nông dân tỉnh Quảng Trị")
    AssignmentFactory(agency=agency, commune=xa, start=date(2025, 7, 1))
    # Dated after the half-year ends: a plan reads the results of periods ended by its date.
    plan = document_create(
        kind=Document.Kind.SPONSORSHIP_PLAN,
        issuer=agency,
        actor=staff,
        dated_for=date(2027, 1, 5),
    )
    html = render_html(plan)
    assert "Xã Ba Tầng - tỉnh Quảng Trị đạt 7/10 tiêu chí" in html
    assert (
        "Còn 3 tiêu chí chưa đạt gồm: môi trường và cảnh quan, hệ thống chính trị và hành chính "
        "công, tiếp cận pháp luật và an ninh – quốc phòng" in html
    )
    commune_plan = document_create(
        kind=Document.Kind.COMMUNE_PLAN,
        issuer=issuers.of_area(xa),
        actor=staff,
        year=2027,
        dated_for=date(2027, 1, 5),
    )
    html = render_html(commune_plan)
    assert "Xã đạt 7/10 tiêu chí" in html
    assert "Quyết định số 51/2025/QĐ-TTg" in html


def test_a_xa_without_a_group_is_undecided_and_never_scored_as_met(client, two_tier, today):
    qd51, xa = two_tier.qd51, two_tier.xa_2
    official = UserFactory(username="xa_huong_lap", role="commune", commune=xa)
    client.force_login(official)
    client.post(
        reverse("criteria:evaluation_create", args=[xa.pk]),
        {"criteria_set": qd51.pk, "year": "2026", "half": "2"},
    )
    evaluation = Evaluation.objects.get(commune=xa, criteria_set=qd51)
    assert _post_values(client, evaluation, _values_for(qd51, range(1, 11))).status_code == 302
    evaluation.refresh_from_db()
    # Only the criteria whose indicators do not depend on the group are decided: 1, 9 and 10.
    assert (evaluation.met_count, evaluation.undecided_count) == (3, 7)
    met = dict(evaluation.results.values_list("criterion__number", "met"))
    assert [n for n, state in met.items() if state is True] == [1, 9, 10]
    assert all(met[n] is None for n in range(2, 9))

    page = client.get(reverse("criteria:evaluation_detail", args=[evaluation.pk]))
    text = page.content.decode()
    assert "Đạt 3/10 tiêu chí (7 tiêu chí chưa xác định)" in text
    assert "Xã chưa có nhóm xã (Quyết định số 51/2025/QĐ-TTg) có hiệu lực ngày 31/12/2026" in text
    assert "Đạt tất cả các tiêu chí" not in text
    assert "ngưỡng của nhóm" not in text
    status = client.get(reverse("criteria:commune_status", args=[xa.pk])).content.decode()
    assert "Nhóm xã (QĐ 51/2025/QĐ-TTg): chưa có quyết định của tỉnh." in status
    requirement = re.compile(
        r'<td class="num[^"]*"[^>]*>([^<]*)</td>\s*<td(?: data-label="[^"]*")?>', re.S
    )
    cells = requirement.findall(text)
    assert len(cells) == 47
    numeric = Indicator.objects.filter(criterion__criteria_set=qd51).exclude(kind="yes_no")
    by_group = numeric.filter(thresholds__commune_group__isnull=False).distinct().count()
    assert by_group == 19
    assert cells.count("chưa xác định (xã chưa có nhóm)") == by_group
    yes_no = 47 - numeric.count()
    # "Đạt" is the requirement of a yes/no indicator only.
    assert cells.count("Đạt") == yes_no
    assert '<span class="status">Chưa xác định</span>' in text  # the criterion's status
    form = client.get(reverse("criteria:evaluation_edit", args=[evaluation.pk])).content.decode()
    assert "(yêu cầu chưa xác định (xã chưa có nhóm))" in form
    assert "(yêu cầu ≥ 100 %)" in form  # 2.1 is the same for every group

    # Submitted and approved as it is, the dashboards count its undecided criteria as such.
    client.post(
        reverse("criteria:evaluation_submit", args=[evaluation.pk]),
        {"version": evaluation.version},
    )
    evaluation.refresh_from_db()
    client.force_login(two_tier.staff)
    client.post(
        reverse("criteria:evaluation_approve", args=[evaluation.pk]),
        {"version": evaluation.version},
    )
    counts = client.get(reverse("dashboards:overview")).context["ranking"]
    undecided = {c.criterion.number: c.undecided for c in counts}
    assert undecided == {1: 0, 9: 0, 10: 0, **dict.fromkeys(range(2, 9), 1)}
    assert all(c.unmet == 0 for c in counts)


def test_a_numeric_indicator_without_a_threshold_never_requires_dat(client, world, personas):
    from criteria.models import Threshold

    Threshold.objects.filter(indicator__number="2.1").delete()
    client.force_login(personas["commune"])
    page = client.get(reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk]))
    cells = re.findall(
        r'<td class="num[^"]*"[^>]*>([^<]*)</td>\s*<td(?: data-label="[^"]*")?>',
        page.content.decode(),
    )
    assert cells == ["Đạt", "chưa có ngưỡng", "≤ 5 %"]
    catalogue = client.get(
        reverse("criteria:criteria_set_detail", args=[world.criteria_set.pk])
    ).content.decode()
    assert "chưa có ngưỡng" in catalogue


def test_a_recognised_xa_failing_half_of_the_ten_criteria_is_at_risk(two_tier):
    from criteria.models import Recognition
    from criteria.services import (
        commune_groups_decide,
        evaluation_approve,
        evaluation_create,
        evaluation_save_values,
        evaluation_submit,
    )

    qd51, xa = two_tier.qd51, two_tier.xa_1
    commune_groups_decide(
        province=two_tier.province,
        number="3/QĐ-UBND",
        day=date(2026, 3, 1),
        groups={xa.pk: 1},
        actor=two_tier.staff,
    )
    Recognition.objects.create(
        commune=xa, level="ntm", decision_number="9/QĐ-UBND", decision_date=date(2026, 1, 5)
    )
    evaluation = evaluation_create(
        commune=xa, criteria_set=qd51, year=2026, half=2, actor=two_tier.official
    )
    ids = dict(Indicator.objects.filter(criterion__criteria_set=qd51).values_list("number", "pk"))
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={ids[n]: raw for n, raw in _values_for(qd51, range(1, 6)).items()},
        notes={},
        version=evaluation.version,
        actor=two_tier.official,
    )
    evaluation.refresh_from_db()
    evaluation_submit(evaluation=evaluation, version=evaluation.version, actor=two_tier.official)
    evaluation.refresh_from_db()
    evaluation_approve(evaluation=evaluation, version=evaluation.version, actor=two_tier.staff)
    standing = CommuneStanding.objects.get(evaluation=evaluation)
    assert (standing.met_count, standing.criteria_count) == (5, 10)
    assert standing.at_risk
    assert standing.risk_reason == "5/10 tiêu chí không đạt (từ 50% trở lên)"

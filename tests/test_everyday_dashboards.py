"""Comparisons that mislead (issue 14, points 6–7): the dashboard's landing and empty state,
charts that read true, and the six-monthly report never comparing two criteria sets."""

from __future__ import annotations

import re
from datetime import date

from django.urls import reverse

from criteria.models import CriteriaSet, Evaluation
from reports.charts import Bar, columns, fitted, horizontal_bars
from reports.content import agency_report

from .factories import AssignmentFactory, CriteriaSetFactory, small_catalogue
from .test_dashboards import ALL_MET, _approved

OVERVIEW = reverse("dashboards:overview")


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_staff_land_on_the_dashboard(client, world, personas):
    for role in ("province", "district"):
        client.force_login(personas[role])
        assert client.get("/")["Location"] == OVERVIEW, role


def test_a_set_in_force_without_data_says_so_and_offers_the_latest_set_with_data(
    client, world, personas
):
    _approved(world, world.commune_a1, 2024, 2, ALL_MET)
    newer = CriteriaSetFactory(
        code="QD51-THU", name="Bộ tiêu chí 2026–2030 (thử)", valid_from=date(2025, 12, 29)
    )
    client.force_login(personas["province"])
    response = client.get(OVERVIEW, {"bo": newer.pk})
    text = _text(response)
    assert "Chưa có đánh giá nào theo Bộ tiêu chí 2026–2030 (thử) được duyệt" in text
    assert "Xem số liệu theo Bộ tiêu chí xã NTM (thử)" in text
    assert f"bo={world.criteria_set.pk}" in response.content.decode()
    # Following the offer shows the figures, and no such notice.
    text = _text(client.get(OVERVIEW, {"bo": world.criteria_set.pk}))
    assert "Chưa có đánh giá nào theo" not in text


def test_progress_of_a_single_period_is_a_sentence_not_an_empty_chart(client, world, personas):
    _approved(world, world.commune_a1, 2024, 2, ALL_MET)
    client.force_login(personas["province"])
    html = client.get(OVERVIEW, {"bo": world.criteria_set.pk}).content.decode()
    section = html[html.index('id="progress-title"') : html.index('id="groups-title"')]
    assert "Mới có số liệu của một kỳ" in section
    assert "1/1 xã được đánh giá đạt đủ tiêu chí" in section
    assert "<svg" not in section


def test_an_empty_bar_reads_empty_and_long_labels_are_shortened():
    chart = horizontal_bars(
        title="t",
        bars=[Bar("7. khoa học công nghệ và chuyển đổi số trong sản xuất", 0, 1)],
    )
    svg = str(chart.svg)
    # The remainder of the total is an outline, never a filled pale bar.
    assert 'fill="#c8d6e8"' not in svg
    assert 'stroke="#c8d6e8"' in svg
    label = re.search(r'text-anchor="end">([^<]+)<', svg).group(1)
    assert label.endswith("…")
    assert len(label) <= 30
    # Whole in the tooltip and in the table beside the chart.
    assert "7. khoa học công nghệ và chuyển đổi số trong sản xuất: 0/1" in svg
    assert chart.rows == [("7. khoa học công nghệ và chuyển đổi số trong sản xuất", "0/1")]
    assert 'fill="#c8d6e8"' not in str(columns(title="t", bars=[Bar("I/2026", 0, 1)]).svg)
    assert fitted("quy hoạch") == "quy hoạch"


def test_charts_take_the_pages_font_on_screen():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    assert re.search(r"svg\.chart[^{]*\{[^}]*font-family:\s*inherit", css)


def test_the_six_monthly_report_never_compares_two_sets(world, personas):
    """Issue 14.6: "Ba Tầng: đầu kỳ 9/19 → cuối kỳ 0/10" read as a collapse."""
    AssignmentFactory(agency=world.agency_a, commune=world.commune_a1, start=date(2020, 1, 1))
    old_set = small_catalogue(code="QD1980-THU")
    CriteriaSet.objects.filter(pk=old_set.pk).update(
        valid_from=date(2016, 1, 1), name="Bộ tiêu chí 2016–2020 (thử)"
    )
    world_old = type("W", (), {"criteria_set": old_set})
    _approved(world_old, world.commune_a1, 2024, 1, ALL_MET)
    _approved(world, world.commune_a1, 2024, 2, {"1.1": "0", "2.1": "10", "3.1": "10"})

    content = agency_report(world.agency_a, date(2024, 7, 1), date(2024, 12, 31))
    row = next(p for p in content.progress if p.short_name == "Ba Tầng")
    # Each end names its set as people read it (issue 28), not by its code.
    assert row.before == "đạt 3/3 tiêu chí (Bộ tiêu chí 2016–2020 (thử))"
    assert row.after == "đạt 0/3 tiêu chí (Bộ tiêu chí xã NTM (thử))"
    assert "đổi bộ tiêu chí" in row.note

    # Same set at both ends: a plain comparison.
    _approved(world, world.commune_a1, 2024, 1, ALL_MET)
    content = agency_report(world.agency_a, date(2024, 7, 1), date(2024, 12, 31))
    row = next(p for p in content.progress if p.short_name == "Ba Tầng")
    assert (row.before, row.after, row.note) == ("đạt 3/3 tiêu chí", "đạt 0/3 tiêu chí", "")
    assert Evaluation.objects.filter(commune=world.commune_a1).count() >= 3


def test_the_reports_chart_holds_one_set(world, personas):
    """Two communes on two sets: the chart shows the newest set's, and says the other is in
    the table."""
    newer = small_catalogue(code="QD51-THU")
    CriteriaSet.objects.filter(pk=newer.pk).update(valid_from=date(2025, 12, 29))
    newer.refresh_from_db()
    for commune in (world.commune_a1, world.commune_a3):
        AssignmentFactory(agency=world.agency_a, commune=commune, start=date(2020, 1, 1))
    _approved(type("W", (), {"criteria_set": newer}), world.commune_a1, 2026, 1, ALL_MET)
    _approved(world, world.commune_a3, 2026, 1, ALL_MET)
    content = agency_report(world.agency_a, date(2026, 1, 1), date(2026, 6, 30))
    assert [label for label, _ in content.chart.rows] == ["Xã Ba Tầng"]
    assert "(theo QD51-THU; xã đánh giá theo bộ khác xem bảng)" in content.chart.summary
    assert {p.short_name for p in content.progress} >= {"Ba Tầng", "Triệu Long"}

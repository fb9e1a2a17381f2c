"""Issue 27 §2: on a phone (390 × 844) every column of a list table stays on screen.

Each table below 576 px is a column of cards, each value under its column's name
(ntm_portal/templatetags/tables.py writes the names; the stylesheet lays them out). For each page
a field user or the office reads on a phone, the values of the columns that were hidden before
(the third: "Nay", "Việc", the current group, "Đạt", "Xã đạt", "Nhận xét", …) are visible and
inside the screen's width.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from criteria.models import Indicator
from criteria.services import (
    commune_groups_decide,
    evaluation_approve,
    evaluation_create,
    evaluation_save_values,
    evaluation_submit,
)
from ntm_portal.models import Role, RosterImport
from ntm_portal.tasks import validate_roster
from ntm_portal.templatetags.tables import label_cells
from sponsorships.models import Inspection, InspectionFinding

from .factories import UserFactory
from .roster_files import workbook_bytes
from .test_browser import _sign_in, _sign_out, page  # noqa: F401 (the fixture)

WIDTH = 390


def _visible_columns(page, table_selector: str, labels: list[str]) -> dict[str, str]:  # noqa: F811
    """For each label, the cells of the table's rows under that column (the first ten rows):
    each must be visible and inside the screen's width. Returns each column's text, the rows'
    joined by " | "."""
    table = page.locator(table_selector).first
    assert table.is_visible(), table_selector
    texts = {}
    for label in labels:
        cells = table.locator(f'tbody [data-label="{label}"]')
        assert cells.count() >= 1, f"{table_selector}: no column «{label}»"
        for index in range(min(cells.count(), 10)):
            cell = cells.nth(index)
            assert cell.is_visible(), f"{table_selector}: «{label}» hidden"
            box = cell.bounding_box()
            assert box, label
            assert box["x"] >= 0, (label, box)
            assert box["x"] + box["width"] <= WIDTH + 0.5, (label, box)
        texts[label] = " | ".join(cells.all_inner_texts())
    # Nothing makes the page wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    return texts


def test_cells_are_labelled_by_their_columns_headers():
    markup = label_cells(
        '<table class="list" id="t"><thead><tr><th>Mục</th><th colspan="2">Trước &amp; nay</th>'
        '<th><a href="?o=1">Việc</a></th></tr></thead><tbody><tr><th scope="row">1.1</th>'
        '<td>4</td><td data-label="Nay">5</td><td>Sửa</td></tr>'
        '<tr><td class="empty" colspan="4">Chưa có.</td></tr></tbody></table>'
        '<table class="heatmap"><thead><tr><th>X</th></tr></thead><tbody><tr><td>1</td></tr>'
        '</tbody></table><table class="list"><tbody><tr><td>1</td></tr></tbody></table>'
    )
    assert '<table class="list cards" id="t">' in markup
    assert '<th scope="row" data-label="Mục">1.1</th>' in markup
    assert '<td data-label="Trước &amp; nay">4</td>' in markup
    assert '<td data-label="Nay">5</td>' in markup  # its own label kept
    assert '<td data-label="Việc">Sửa</td>' in markup
    assert '<td class="empty" colspan="4">Chưa có.</td>' in markup
    # Only list tables with a header row become cards.
    assert '<table class="heatmap"><thead><tr><th>X</th></tr></thead><tbody><tr><td>1</td>' in (
        markup
    )
    assert '<table class="list"><tbody><tr><td>1</td>' in markup


def _changed_evaluation(world, personas):
    """Ba Tầng's first half of 2024 approved, the second half typed differently."""
    indicators = {
        i.number: i for i in Indicator.objects.filter(criterion__criteria_set=world.criteria_set)
    }
    earlier = evaluation_create(
        commune=world.commune_a1, criteria_set=world.criteria_set, year=2024, half=1, actor=None
    )
    evaluation_save_values(
        evaluation=earlier,
        raw_values={
            indicators["1.1"].pk: "1",
            indicators["2.1"].pk: "60",
            indicators["3.1"].pk: "6",
        },
        notes={},
        version=earlier.version,
        actor=personas["commune"],
    )
    earlier.refresh_from_db()
    evaluation_submit(evaluation=earlier, version=earlier.version, actor=personas["commune"])
    earlier.refresh_from_db()
    evaluation_approve(evaluation=earlier, version=earlier.version, actor=personas["province"])
    evaluation = world.evaluation_a1
    evaluation.refresh_from_db()
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={indicators["2.1"].pk: "65,5", indicators["3.1"].pk: "4,5"},
        notes={},
        version=evaluation.version,
        actor=personas["commune"],
    )
    return evaluation


@pytest.mark.browser
def test_a_commune_official_on_a_phone_sees_before_and_now_and_the_history(
    live_server,
    world,
    personas,
    page,  # noqa: F811
):
    evaluation = _changed_evaluation(world, personas)
    _sign_in(page, live_server.url, "xa_p")
    page.goto(f"{live_server.url}/tieu-chi/danh-gia/{evaluation.pk}/")
    changes = _visible_columns(page, "h2:has-text('Thay đổi') + p + table", ["Mục", "Trước", "Nay"])
    assert "65,5" in changes["Nay"], changes
    assert "60" in changes["Trước"], changes
    history = _visible_columns(page, "table.history", ["Thời điểm", "Người", "Việc", "Chi tiết"])
    assert history["Việc"]
    page.goto(f"{live_server.url}/tieu-chi/xa/{world.commune_a1.pk}/")
    periods = _visible_columns(page, "table.list", ["Kỳ", "Bộ tiêu chí", "Đạt", "Trạng thái"])
    assert "/3" in periods["Đạt"]


@pytest.mark.browser
def test_an_agency_member_on_a_phone_sees_the_calendar_and_the_reports_remarks(
    live_server,
    world,
    personas,
    page,  # noqa: F811
):
    InspectionFinding.objects.create(
        report=world.inspection_a2.report,
        criterion=world.criteria_set.criteria.get(number=2),
        met=True,
        note="Đường trục thôn đã cứng hóa",
    )
    _sign_in(page, live_server.url, "skhdt_p")
    page.goto(f"{live_server.url}/co-quan/kiem-tra/{world.inspection_a2.pk}/")
    findings = _visible_columns(
        page, "table.list:has(th:text-is('Nhận xét'))", ["Tiêu chí", "Kết quả", "Nhận xét"]
    )
    assert "Đường trục thôn đã cứng hóa" in findings["Nhận xét"]
    page.goto(f"{live_server.url}/co-quan/lich/?year=2024")
    calendar = _visible_columns(page, "table.list", ["Hạn", "Xã", "Cơ quan", "Kỳ", "Tình trạng"])
    assert calendar["Xã"].startswith("Xã Thuận")
    _sign_out(page)

    # The province office's dashboard: "Xã đạt" and "Đúng hạn" (of this year's inspections).
    _changed_evaluation(world, personas)
    year = timezone.localdate().year
    Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        period_start=date(year, 1, 1),
        period_end=date(year, 3, 31),
        due_date=date(year, 3, 31),
    )
    _sign_in(page, live_server.url, "vpdp_p")
    page.goto(f"{live_server.url}/tong-quan/")
    _visible_columns(page, "#ranking", ["Tiêu chí", "Xã chưa đạt", "Xã đạt", "Chưa rõ"])
    _visible_columns(page, "#agencies", ["Cơ quan", "Đến hạn", "Đúng hạn", "Trễ hạn"])


@pytest.mark.browser
def test_province_staff_on_a_phone_see_each_xas_group_and_a_rosters_preview(
    live_server,
    world,
    two_tier,
    page,  # noqa: F811
):
    commune_groups_decide(
        province=two_tier.province,
        number="12/QĐ-UBND",
        day=date(2026, 3, 1),
        groups={two_tier.xa_1.pk: 2},
        actor=two_tier.staff,
    )
    _sign_in(page, live_server.url, "vpdp_2025")
    page.goto(f"{live_server.url}{reverse('criteria:commune_groups', args=[two_tier.province.pk])}")
    groups = page.locator("table.groups-table thead th").all_inner_texts()
    current = next(label for label in groups if label.startswith("Nhóm ngày"))
    cells = _visible_columns(page, "table.groups-table", ["Mã", "Xã", current])
    assert "2" in cells[current], cells
    _sign_out(page)

    admin = UserFactory(username="qt_phone", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    header = ["Tỉnh", "Huyện", "Xã", "Tên thôn", "Loại", "Mã thôn"]
    rows = [header, ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Bản Mới", "Bản", "BT-09"]]
    response = client.post(
        reverse("rosters:import_new"),
        {"kind": "villages", "file": SimpleUploadedFile("thon.xlsx", workbook_bytes(rows))},
    )
    assert response.status_code == 302
    record = RosterImport.objects.latest("pk")
    validate_roster(record.pk)  # the task body, run here instead of by a worker
    _sign_in(page, live_server.url, "qt_phone")
    page.goto(f"{live_server.url}{reverse('rosters:import_detail', args=[record.pk])}")
    preview = _visible_columns(
        page,
        "table.rows-table",
        ["Dòng", "Kết quả", "Đối tượng", "Nhận ra", "Thay đổi (cũ → mới), lỗi"],
    )
    assert "Bản Mới" in preview["Đối tượng"] + preview["Thay đổi (cũ → mới), lỗi"]

"""Small things people notice (issue 14, points 11–15)."""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from ntm_portal.models import Notification
from reports.models import Document
from sponsorships.models import Inspection
from sponsorships.periods import Period

from .test_demo import demo  # noqa: F401 (the fixture)


def test_a_document_being_rendered_reloads_itself(client, world, personas):
    document = world.document_a
    client.force_login(personas["agency"])
    url = reverse("reports:document_detail", args=[document.pk])
    assert "data-refresh" not in client.get(url).content.decode()
    Document.objects.filter(pk=document.pk).update(status=Document.Status.PENDING)
    html = client.get(url).content.decode()
    assert "trang tự cập nhật sau vài giây" in html
    # The reload is static/js/portal.js's, switched on by the marker (no inline script: CSP).
    assert 'data-refresh="3"' in html
    assert "js/portal.js" in html
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "Tải lại trang" not in html


def test_the_calendar_keeps_the_agency_links_it_and_draws_a_month_grid(client, world, personas):
    inspection = world.inspection_a2
    agency = inspection.assignment.agency
    client.force_login(personas["agency"])
    html = client.get(
        reverse("sponsorships:calendar"), {"agency": agency.pk, "year": 2024}
    ).content.decode()
    # The agency member sees one agency, so no select: the quarter filter still keeps agency=.
    assert f'<input type="hidden" name="agency" value="{agency.pk}">' in html

    client.force_login(personas["province"])
    html = client.get(reverse("sponsorships:calendar"), {"year": 2024}).content.decode()
    assert f'href="{reverse("sponsorships:agency_detail", args=[agency.pk])}"' in html

    html = client.get(
        reverse("sponsorships:calendar"), {"year": 2024, "view": "month"}
    ).content.decode()
    grid = html[html.index('<table class="month-grid">') :]
    grid = grid[: grid.index("</table>")]
    assert grid.count("<th ") == 7
    # 31/12/2024 is a Tuesday: the inspection sits in the second column of its week.
    week = next(row for row in grid.split("<tr>") if ">31</span>" in row)
    cells = week.split("<td")[1:]
    assert ">31</span>" in cells[1]
    assert reverse("sponsorships:inspection_detail", args=[inspection.pk]) in cells[1]


def test_the_inspection_page_keeps_planning_changes_apart_from_the_report(client, world, personas):
    inspection = Inspection.objects.create(
        assignment=world.inspection_a2.assignment,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 31),
        due_date=date(2025, 3, 31),
    )
    client.force_login(personas["province"])
    html = client.get(
        reverse("sponsorships:inspection_detail", args=[inspection.pk])
    ).content.decode()
    actions = html[html.index('<div class="actions">') :]
    actions = actions[: actions.index("</div>")]
    assert "inspection_cancel" not in actions
    assert reverse("sponsorships:inspection_cancel", args=[inspection.pk]) not in actions
    changes = html[html.index('class="plan-changes"') :]
    assert reverse("sponsorships:inspection_cancel", args=[inspection.pk]) in changes
    assert reverse("sponsorships:inspection_ad_hoc", args=[inspection.pk]) in changes
    assert changes.count('class="card stack"') == 2


def test_the_report_form_uses_the_width_for_its_text():
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    assert re.search(r"\.evaluation-form textarea[^{]*\{[^}]*width: 100%", css)


def test_the_evidence_picker_names_indicators_and_phone_cards_label_figures(
    client, world, personas
):
    client.force_login(personas["commune"])
    html = client.get(
        reverse("criteria:evaluation_detail", args=[world.evaluation_a1.pk])
    ).content.decode()
    assert re.search(r"<option value=\"\d+\">2\.1 Tỷ lệ đường được cứng hóa</option>", html)
    assert 'data-label="Giá trị"' in html
    assert 'data-label="Yêu cầu"' in html
    assert 'data-label="Kết quả"' in html


def test_english_labels_of_periods_versions_and_missing_signers(client, world, personas):
    with translation.override("en"):
        assert Period(date(2026, 1, 1), date(2026, 3, 31)).display_label() == "Quarter 1/2026"
        assert Period(date(2026, 7, 1), date(2026, 12, 31)).display_label() == (
            "Second half of 2026"
        )
    # Documents keep the Vietnamese label.
    assert Period(date(2026, 1, 1), date(2026, 3, 31)).label() == "Quý 1/2026"
    client.force_login(personas["agency"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    document = world.document_a
    Document.objects.filter(pk=document.pk).update(missing=["Chưa có người ký"])
    html = client.get(reverse("reports:document_detail", args=[document.pk])).content.decode()
    assert "<dt>Version</dt>" in html
    assert "Village (bản)" not in html
    assert ">Version 1</a>" in html
    assert "No signer yet" in html


def test_the_header_has_a_favicon(client, personas):
    client.force_login(personas["commune"])
    assert "favicon.svg" in client.get("/", follow=True).content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_flash_messages_are_styled_by_kind():
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text(encoding="utf-8")
    for kind in ("success", "error", "warning", "info"):
        assert re.search(rf"\.messages li\.{kind} \{{[^}}]*background", css), kind


def test_the_demo_leaves_a_handful_of_unread_notifications(demo):  # noqa: F811
    from reports.demo import DEMO_UNREAD

    unread = Notification.objects.filter(read_at=None)
    assert unread.exists()
    for user_id in set(unread.values_list("user_id", flat=True)):
        assert unread.filter(user_id=user_id).count() <= DEMO_UNREAD


def test_notifications_are_read_in_the_readers_language(client, world, personas):
    from ntm_portal.notifications import notify

    notify(
        users=[personas["commune"]],
        template="Đánh giá %(period)s đã được duyệt",
        params={"period": "năm 2026"},
        url="/",
    )
    stored = Notification.objects.get(user=personas["commune"])
    assert stored.message == "Đánh giá năm 2026 đã được duyệt"
    client.force_login(personas["commune"])
    assert (
        "Đánh giá năm 2026 đã được duyệt"
        in client.get(reverse("notification_list")).content.decode()
    )
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("notification_list")).content.decode()
    assert "Đánh giá năm 2026 đã được duyệt" not in html
    with translation.override("en"):
        assert stored.text in html
        assert stored.text != stored.message


def test_history_lines_the_portal_wrote_are_read_in_english(client, world, personas):
    from criteria.models import EvaluationLog
    from criteria.services import evaluation_create

    later = evaluation_create(
        commune=world.commune_a1,
        criteria_set=world.criteria_set,
        year=2025,
        half=1,
        actor=personas["commune"],
    )
    created = later.log.get(action=EvaluationLog.Action.CREATED)
    assert created.reason == "Bắt đầu từ số liệu 6 tháng cuối năm 2024"
    client.force_login(personas["commune"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("criteria:evaluation_detail", args=[later.pk])).content.decode()
    assert "Started from the figures for Second half of 2024" in html
    assert "Bắt đầu từ số liệu" not in html


def test_a_reason_a_person_typed_is_never_retranslated():
    from ntm_portal.text import retranslate

    templates = ("Bắt đầu từ số liệu %(period)s",)
    with translation.override("en"):
        assert retranslate("Bắt đầu từ số liệu năm 2020", templates) == (
            "Started from the figures for year 2020"
        )
        assert retranslate("Thiếu biên bản", templates) == "Thiếu biên bản"

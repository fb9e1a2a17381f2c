"""Issue 27 §1: nothing typed on a phone is lost, with or without signal.

A commune official opens the evaluation form online (the service worker keeps it), loses the
signal, types two values and a note, reloads and reopens the page (still there, marked as a kept
copy), saves without signal (the page says what waits), and when the signal is back the save goes
once through the normal form POST: one history entry per value. If the province office saved the
same evaluation meanwhile, the form shows both values side by side and the official chooses.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from criteria.models import EvaluationLog, Indicator
from criteria.services import evaluation_save_values

from .test_browser import _sign_in, _sign_out, page  # noqa: F401 (the fixture)


def _indicators(world) -> dict[str, Indicator]:
    return {
        i.number: i for i in Indicator.objects.filter(criterion__criteria_set=world.criteria_set)
    }


def _open_online_and_kept(page, url: str) -> None:  # noqa: F811
    page.goto(url)
    # The worker takes control and keeps this page (it was opened before it controlled it).
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    page.wait_for_function(f"caches.match({url!r}).then(Boolean)", polling=200)


def _type_offline(page, indicators) -> None:  # noqa: F811
    page.fill(f"#value_{indicators['2.1'].pk}", "65,5")
    page.fill(f"#value_{indicators['3.1'].pk}", "4,2")
    page.fill(f"[name=note_{indicators['2.1'].pk}]", "Theo biên bản nghiệm thu")
    page.locator("form[data-draft][data-draft-saved]").wait_for(state="attached")
    page.wait_for_timeout(400)  # the last keystroke's save


@pytest.mark.browser
def test_an_offline_save_survives_reloads_and_is_sent_once_when_the_signal_is_back(
    live_server,
    world,
    personas,
    page,  # noqa: F811
):
    indicators = _indicators(world)
    form_url = f"{live_server.url}/tieu-chi/danh-gia/{world.evaluation_a1.pk}/nhap/"
    _sign_in(page, live_server.url, "xa_p")
    _open_online_and_kept(page, form_url)

    context = page.context
    context.set_offline(True)
    _type_offline(page, indicators)

    # A reload without signal: the kept copy, marked, with what was typed.
    page.reload()
    assert page.get_by_text("Bản lưu trên máy, cập nhật lúc").is_visible()
    expect(page.locator(f"#value_{indicators['2.1'].pk}")).to_have_value("65,5")
    assert page.input_value(f"#value_{indicators['3.1'].pk}") == "4,2"
    assert page.input_value(f"[name=note_{indicators['2.1'].pk}]") == "Theo biên bản nghiệm thu"

    # The tab closed and opened again, still without signal.
    page.close()
    page = context.new_page()
    page.goto(form_url)
    expect(page.locator(f"#value_{indicators['3.1'].pk}")).to_have_value("4,2")

    # Saving without signal: it waits, and the page says so.
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("2 thay đổi chưa gửi — sẽ gửi khi có mạng.").wait_for()
    page.reload()
    page.get_by_text("2 thay đổi chưa gửi — sẽ gửi khi có mạng.").wait_for()
    evaluation = world.evaluation_a1
    evaluation.refresh_from_db()
    assert not evaluation.values.exclude(value=None).exists()

    # The signal is back: sent once, through the form (the version check held: one version more).
    version = evaluation.version
    context.set_offline(False)
    page.wait_for_url(f"{live_server.url}/tieu-chi/danh-gia/{evaluation.pk}/")
    page.get_by_text("Đã gửi 2 thay đổi nhập khi không có mạng.").wait_for()
    page.reload()  # a second page load must not send it again
    page.wait_for_timeout(500)
    evaluation.refresh_from_db()
    assert evaluation.version == version + 1
    values = {v.indicator.number: v for v in evaluation.values.select_related("indicator")}
    assert values["2.1"].value == Decimal("65.5")
    assert values["3.1"].value == Decimal("4.2")
    assert values["2.1"].note == "Theo biên bản nghiệm thu"
    changes = EvaluationLog.objects.filter(
        evaluation=evaluation, action=EvaluationLog.Action.VALUE_CHANGED
    )
    assert sorted(changes.values_list("indicator__number", flat=True)) == ["2.1", "3.1"]
    assert page.locator("table.history").get_by_text("2.1: — → 65,5 %").is_visible()
    assert page.get_by_text("thay đổi chưa gửi").count() == 0

    # Signing out forgets the kept pages (a shared phone keeps no one's evaluation).
    _sign_out(page)
    page.wait_for_function(f"caches.match({form_url!r}).then(found => !found)", polling=200)


@pytest.mark.browser
def test_a_change_made_meanwhile_is_shown_beside_the_typed_value_and_the_user_chooses(
    live_server,
    world,
    personas,
    page,  # noqa: F811
):
    indicators = _indicators(world)
    evaluation = world.evaluation_a1
    form_url = f"{live_server.url}/tieu-chi/danh-gia/{evaluation.pk}/nhap/"
    _sign_in(page, live_server.url, "xa_p")
    _open_online_and_kept(page, form_url)
    page.context.set_offline(True)
    _type_offline(page, indicators)
    page.get_by_role("button", name="Lưu").click()
    page.get_by_text("2 thay đổi chưa gửi — sẽ gửi khi có mạng.").wait_for()

    # Meanwhile the province office saves 2.1 = 70 (through the same service).
    evaluation.refresh_from_db()
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={indicators["2.1"].pk: "70"},
        notes={},
        version=evaluation.version,
        actor=personas["province"],
    )
    page.context.set_offline(False)
    # The waiting save is refused by the version check: nothing of it is written.
    page.get_by_text("Đánh giá vừa được người khác thay đổi").first.wait_for()
    evaluation.refresh_from_db()
    assert evaluation.values.get(indicator=indicators["2.1"]).value == Decimal(70)
    assert not evaluation.values.filter(indicator=indicators["3.1"]).exclude(value=None).exists()

    # The form shows both values of 2.1 side by side; the official keeps theirs and saves.
    page.goto(form_url)
    choice = page.locator(f".conflict-choice[data-field=value_{indicators['2.1'].pk}]")
    choice.wait_for()
    assert "Trên cổng: 70" in choice.inner_text()
    assert "Bạn nhập: 65,5" in choice.inner_text()
    assert page.input_value(f"#value_{indicators['2.1'].pk}") == "70"  # nothing overwritten
    choice.get_by_role("button", name="Giữ của tôi").click()
    assert page.input_value(f"#value_{indicators['2.1'].pk}") == "65,5"
    while page.locator(".conflict-choice").count():  # 3.1 and the note: typed only here
        page.locator(".conflict-choice").first.get_by_role("button", name="Giữ của tôi").click()
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"{live_server.url}/tieu-chi/danh-gia/{evaluation.pk}/")
    evaluation.refresh_from_db()
    assert evaluation.values.get(indicator=indicators["2.1"]).value == Decimal("65.5")
    assert evaluation.values.get(indicator=indicators["3.1"]).value == Decimal("4.2")


def test_the_service_worker_and_manifest_are_served_from_the_root(db):
    client = Client()
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    assert worker["Cache-Control"] == "no-cache"
    assert b'importScripts("/static/vendor/workbox/workbox-sw.js")' in worker.content
    assert b"// release: /static/js/portal.js" in worker.content
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest["Content-Type"].startswith("application/manifest+json")
    assert manifest.json()["icons"][1]["sizes"] == "512x512"
    for icon in manifest.json()["icons"]:
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert found, icon
        with Image.open(found) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]


@pytest.mark.browser
def test_an_agency_member_drafts_an_inspection_report_offline_and_it_is_sent_later(
    live_server,
    world,
    personas,
    page,  # noqa: F811
):
    inspection = world.inspection_a2
    report = inspection.report
    form_url = f"{live_server.url}/co-quan/kiem-tra/{inspection.pk}/bao-cao/"
    _sign_in(page, live_server.url, "skhdt_p")
    _open_online_and_kept(page, form_url)
    page.context.set_offline(True)
    page.get_by_label("Ngày kiểm tra (dd/mm/yyyy)").fill("15/12/2024")
    page.get_by_label("Thành phần tham gia").fill("Đ/c Giám đốc Sở; đại diện UBND xã Thuận")
    page.get_by_label("Khó khăn, vướng mắc").fill("Thiếu vốn đối ứng")
    page.locator("form[data-draft][data-draft-saved]").wait_for(state="attached")
    page.wait_for_timeout(400)
    page.reload()
    expect(page.get_by_label("Thành phần tham gia")).to_have_value(
        "Đ/c Giám đốc Sở; đại diện UBND xã Thuận"
    )
    page.get_by_role("button", name="Lưu báo cáo").click()
    page.get_by_text("3 thay đổi chưa gửi — sẽ gửi khi có mạng.").wait_for()
    version = report.version
    report.refresh_from_db()
    assert report.version == version
    assert report.participants != "Đ/c Giám đốc Sở; đại diện UBND xã Thuận"

    page.context.set_offline(False)
    page.wait_for_url(f"{live_server.url}/co-quan/kiem-tra/{inspection.pk}/")
    report.refresh_from_db()
    assert report.version == version + 1
    assert report.participants == "Đ/c Giám đốc Sở; đại diện UBND xã Thuận"
    assert report.difficulties == "Thiếu vốn đối ứng"


def _photo() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#1f6f43").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.browser
def test_a_photo_taken_offline_waits_with_the_report_and_a_too_big_one_is_refused_on_the_phone(
    live_server,
    world,
    personas,
    page,  # noqa: F811
):
    inspection = world.inspection_a2
    url = f"{live_server.url}/co-quan/kiem-tra/{inspection.pk}/"
    _sign_in(page, live_server.url, "skhdt_p")
    _open_online_and_kept(page, url)
    page.context.set_offline(True)
    page.reload()
    assert page.get_by_text("Bản lưu trên máy, cập nhật lúc").is_visible()

    # Beyond the portal's limit: refused on the phone, in the portal's words; nothing waits.
    too_big = {"name": "anh-lon.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (11 << 20)}
    page.set_input_files("#attachment", too_big)
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_text("Tệp “anh-lon.jpg” nặng 11 MB, vượt giới hạn 10 MB.").wait_for()
    assert page.get_by_text("thay đổi chưa gửi").count() == 0

    photo = {"name": "duong-truc-thon.jpg", "mimeType": "image/jpeg", "buffer": _photo()}
    page.set_input_files("#attachment", photo)
    page.get_by_role("button", name="Tải lên").click()
    page.get_by_text("1 thay đổi chưa gửi — sẽ gửi khi có mạng.").wait_for()
    page.reload()
    page.get_by_text("1 thay đổi chưa gửi — sẽ gửi khi có mạng.").wait_for()
    assert not inspection.report.attachments.filter(original_name="duong-truc-thon.jpg").exists()

    page.context.set_offline(False)
    page.get_by_text("Đã gửi 1 thay đổi nhập khi không có mạng.").wait_for()
    assert page.get_by_role("link", name="duong-truc-thon.jpg").is_visible()
    assert inspection.report.attachments.filter(original_name="duong-truc-thon.jpg").count() == 1

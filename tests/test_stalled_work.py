"""Work that waits too long for the worker: what the document and import pages say, what beat's
sweeps do (once), and what /healthz answers about the worker and beat.

Time passes by moving the rows' timestamps back (or the sweep's `now` forward), never by sleeping.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from ntm_portal import tasks
from ntm_portal.health import BEAT_HEARTBEAT_KEY, WORKER_HEARTBEAT_KEY
from ntm_portal.models import Notification, RosterImport
from ntm_portal.rosters.services import roster_import_validate, roster_imports_sweep_stalled
from ntm_portal.waiting import MAX_ATTEMPTS, MAX_RESENDS
from reports.models import Document
from reports.services import document_render, documents_sweep_stalled

from .factories import AgencyFactory


def _minutes_ago(minutes: float):
    return timezone.now() - timedelta(minutes=minutes)


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, int]]:
    """The tasks a sweep sends, by name and id (the broker is not what is tested here)."""
    sent: list[tuple[str, int]] = []
    from reports import tasks as report_tasks

    for task in (report_tasks.render_document, tasks.validate_roster):
        monkeypatch.setattr(task, "delay", lambda pk, name=task.name: sent.append((name, pk)))
    return sent


@pytest.fixture
def pending_document(world) -> Document:
    """A document whose render was handed to a worker that then died: pending, started once."""
    document = Document.objects.create(
        kind=Document.Kind.SPONSORSHIP_PLAN,
        issuer=AgencyFactory(),
        year=2026,
        symbol="KH-CQ",
    )
    Document.objects.filter(pk=document.pk).update(
        created_at=_minutes_ago(5), worked_at=_minutes_ago(5), attempts=1
    )
    document.refresh_from_db()
    return document


@pytest.fixture
def stuck_import(personas) -> RosterImport:
    """An upload whose check stopped at 0 % when its worker died."""
    record = RosterImport.objects.create(
        kind="villages",
        original_name="thon.xlsx",
        size=1,
        sha256="e" * 64,
        uploaded_by=personas["admin"],
        status=RosterImport.Status.VALIDATING,
        attempts=1,
    )
    RosterImport.objects.filter(pk=record.pk).update(
        uploaded_at=_minutes_ago(3), worked_at=_minutes_ago(3)
    )
    record.refresh_from_db()
    return record


def _admin_notifications(personas) -> list[Notification]:
    return list(Notification.objects.filter(user=personas["admin"]))


# --- Documents ---------------------------------------------------------------------------------


def test_a_document_page_says_a_few_seconds_at_first(client, personas, pending_document):
    Document.objects.filter(pk=pending_document.pk).update(created_at=_minutes_ago(0.5))
    client.force_login(personas["admin"])
    page = client.get(reverse("reports:document_detail", args=[pending_document.pk]))
    text = page.content.decode()
    assert "trang tự cập nhật sau vài giây" in text
    assert "Đang chờ máy xử lý" not in text


def test_a_document_page_says_how_long_it_has_waited_after_two_minutes(
    client, personas, pending_document
):
    client.force_login(personas["admin"])
    page = client.get(reverse("reports:document_detail", args=[pending_document.pk]))
    text = page.content.decode()
    assert "Đang chờ máy xử lý, đã 5 phút." in text
    assert "trang tự cập nhật sau vài giây" not in text


def test_the_sweep_resends_a_silent_render_once_and_tells_the_admins_once(
    client, personas, pending_document, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = documents_sweep_stalled()
    with django_capture_on_commit_callbacks(execute=True):
        second = documents_sweep_stalled()
    assert first.resent == [pending_document.pk]
    assert second.resent == []
    assert sent == [("reports.tasks.render_document", pending_document.pk)]
    notifications = _admin_notifications(personas)
    assert len(notifications) == 1
    assert (
        "Máy xử lý nền chậm hoặc đã dừng: 1 văn bản chờ tạo tệp quá lâu" in notifications[0].message
    )
    pending_document.refresh_from_db()
    assert pending_document.resends == 1
    assert pending_document.stalled_at is not None
    client.force_login(personas["admin"])
    text = client.get(reverse("reports:document_detail", args=[pending_document.pk])).content
    assert "Đã gửi lại 1 lần; quản trị viên đã được báo." in text.decode()


def test_a_resent_render_still_silent_is_resent_again_without_a_second_notice(
    personas, pending_document, sent, django_capture_on_commit_callbacks
):
    later = timezone.now()
    for _ in range(MAX_RESENDS + 2):
        later += timedelta(minutes=4)
        with django_capture_on_commit_callbacks(execute=True):
            documents_sweep_stalled(now=later)
    # Resent at most MAX_RESENDS times: the broker keeps those copies for a worker that returns.
    assert len(sent) == MAX_RESENDS
    assert len(_admin_notifications(personas)) == 1
    pending_document.refresh_from_db()
    assert pending_document.status == Document.Status.PENDING


def test_a_render_that_killed_its_worker_each_time_is_failed_with_the_reason(
    client, personas, pending_document, sent, django_capture_on_commit_callbacks
):
    Document.objects.filter(pk=pending_document.pk).update(attempts=MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True):
        result = documents_sweep_stalled()
    assert result.failed == [pending_document.pk]
    assert sent == []
    pending_document.refresh_from_db()
    assert pending_document.status == Document.Status.FAILED
    client.force_login(personas["admin"])
    text = client.get(reverse("reports:document_detail", args=[pending_document.pk])).content
    assert "Không tạo được tệp: Máy xử lý đã dừng giữa chừng 3 lần" in text.decode()


def test_a_redelivered_render_after_its_last_attempt_fails_instead_of_running(pending_document):
    Document.objects.filter(pk=pending_document.pk).update(attempts=MAX_ATTEMPTS)
    document = document_render(document_id=pending_document.pk)
    assert document.status == Document.Status.FAILED
    assert not document.pdf


def test_a_fresh_pending_document_is_left_to_its_worker(pending_document, sent):
    Document.objects.filter(pk=pending_document.pk).update(worked_at=_minutes_ago(1))
    assert documents_sweep_stalled().resent == []
    assert sent == []


# --- Roster imports ----------------------------------------------------------------------------


def test_the_import_page_and_its_progress_say_how_long_the_check_has_waited(
    client, personas, stuck_import
):
    client.force_login(personas["admin"])
    page = client.get(reverse("rosters:import_detail", args=[stuck_import.pk]))
    assert "Đang chờ máy xử lý, đã 3 phút." in page.content.decode()
    progress = client.get(reverse("rosters:import_progress", args=[stuck_import.pk])).json()
    assert progress["done"] is False
    assert progress["waiting"] == "Đang chờ máy xử lý, đã 3 phút."


def test_the_roster_sweep_resends_a_silent_check_once_and_tells_the_admins_once(
    client, personas, stuck_import, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.validate_pending_rosters() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.validate_pending_rosters() == 0
    assert sent == [("ntm_portal.tasks.validate_roster", stuck_import.pk)]
    notifications = _admin_notifications(personas)
    assert len(notifications) == 1
    assert "1 tệp danh sách chờ kiểm tra quá lâu" in notifications[0].message
    client.force_login(personas["admin"])
    progress = client.get(reverse("rosters:import_progress", args=[stuck_import.pk])).json()
    assert "Đã gửi lại 1 lần; quản trị viên đã được báo." in progress["waiting"]


def test_a_check_that_killed_its_worker_each_time_is_rejected_with_the_reason(
    client, personas, stuck_import, sent
):
    RosterImport.objects.filter(pk=stuck_import.pk).update(attempts=MAX_ATTEMPTS)
    assert roster_imports_sweep_stalled().failed == [stuck_import.pk]
    stuck_import.refresh_from_db()
    assert stuck_import.status == RosterImport.Status.REJECTED
    client.force_login(personas["admin"])
    page = client.get(reverse("rosters:import_detail", args=[stuck_import.pk]))
    assert "Máy xử lý đã dừng giữa chừng 3 lần khi kiểm tra tệp này" in page.content.decode()


def test_a_redelivered_check_after_its_last_attempt_rejects_instead_of_running(stuck_import):
    RosterImport.objects.filter(pk=stuck_import.pk).update(attempts=MAX_ATTEMPTS)
    assert roster_import_validate(record_id=stuck_import.pk) is None
    stuck_import.refresh_from_db()
    assert stuck_import.status == RosterImport.Status.REJECTED


def test_a_check_moving_its_progress_bar_is_not_resent(stuck_import, sent):
    RosterImport.objects.filter(pk=stuck_import.pk).update(worked_at=_minutes_ago(0.5))
    assert roster_imports_sweep_stalled().resent == []


# --- Health ------------------------------------------------------------------------------------


@pytest.fixture
def heartbeats():
    def set_ages(*, worker: float | None, beat: float | None) -> None:
        for key, minutes in ((WORKER_HEARTBEAT_KEY, worker), (BEAT_HEARTBEAT_KEY, beat)):
            if minutes is None:
                cache.delete(key)
            else:
                cache.set(key, _minutes_ago(minutes).isoformat())

    yield set_ages
    cache.delete_many([WORKER_HEARTBEAT_KEY, BEAT_HEARTBEAT_KEY])


def test_healthz_answers_503_for_a_stale_worker_heartbeat_with_both_ages(client, db, heartbeats):
    heartbeats(worker=5, beat=0.5)
    response = client.get("/healthz?require=worker")
    body = response.json()
    assert response.status_code == 503
    assert body["worker"] == "stale"
    assert 295 <= body["worker_heartbeat_age_seconds"] <= 310
    assert body["beat"] == "ok"
    assert 25 <= body["beat_heartbeat_age_seconds"] <= 40


def test_plain_healthz_stays_the_web_servers_liveness(client, db, heartbeats):
    heartbeats(worker=5, beat=5)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["worker"] == "stale"


def test_healthz_answers_503_for_a_stale_beat(client, db, heartbeats):
    heartbeats(worker=0.5, beat=4)
    assert client.get("/healthz?require=worker").status_code == 200
    assert client.get("/healthz?require=beat").status_code == 503
    assert client.get("/healthz?require=worker,beat").status_code == 503


def test_healthz_counts_a_heartbeat_never_recorded_as_missing(client, db, heartbeats):
    heartbeats(worker=None, beat=None)
    response = client.get("/healthz?require=worker")
    assert response.status_code == 503
    assert response.json()["worker"] == "missing"
    assert response.json()["worker_heartbeat_age_seconds"] is None


def test_the_healthcheck_command_fails_for_a_stale_part(db, heartbeats, capsys):
    heartbeats(worker=0.5, beat=10)
    call_command("healthcheck", "--require", "worker")
    with pytest.raises(CommandError):
        call_command("healthcheck", "--require", "beat")
    assert '"beat": "stale"' in capsys.readouterr().out


def test_beat_sending_the_heartbeat_is_beats_heartbeat(db, heartbeats):
    from celery.signals import before_task_publish

    heartbeats(worker=None, beat=None)
    before_task_publish.send(sender="ntm_portal.tasks.heartbeat", body=(), exchange="")
    assert cache.get(BEAT_HEARTBEAT_KEY) is not None
    assert cache.get(WORKER_HEARTBEAT_KEY) is None

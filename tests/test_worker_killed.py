"""A real Celery worker, on the real Redis and PostgreSQL, is killed in the middle of its work:
the calendar job's message comes back and the job completes exactly once; a document's render
lost with its whole worker is told to its reader, resent by beat's sweep and made."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from sponsorships.models import Inspection

from .celery_helpers import (
    ATTEMPTS_KEY,
    CHECK_PID_KEY,
    CREATED_KEY,
    PID_KEY,
    RENDER_PID_KEY,
    render_document_held_inside,
    slow_inspections_plan,
    validate_roster_held_inside,
)
from .factories import AgencyFactory, AssignmentFactory, CommuneFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_completes_the_job_exactly_once():
    assert connection.vendor == "postgresql", "run through `make test` (real PostgreSQL)"
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "run through `make test` (Redis)"
    agency = AgencyFactory()
    for _ in range(25):
        AssignmentFactory(agency=agency, commune=CommuneFactory(), start=date(2024, 1, 1))
    for key in (ATTEMPTS_KEY, PID_KEY, CREATED_KEY):
        cache.delete(key)
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(queue)
    try:
        slow_inspections_plan.apply_async(args=["2024-05-10", 30], queue=queue)
        child = _wait_for(lambda: cache.get(PID_KEY), 60, "the task to start")
        time.sleep(0.5)  # inside the job's transaction, rows written but not committed
        os.kill(child, signal.SIGKILL)
        created = _wait_for(lambda: cache.get(CREATED_KEY), 60, "the redelivered task to finish")
    finally:
        _stop(worker)
    assert cache.get(ATTEMPTS_KEY) == 2
    assert created == 50  # Q2 and Q3 for each of 25 sponsored communes, by the second attempt
    assert Inspection.objects.count() == 50


def _start_worker(queue: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "ntm_portal.settings",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ntm_portal",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--queues",
            queue,
            "--include",
            "tests.celery_helpers",
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group: the whole worker (parent and child) can be killed at once.
        start_new_session=True,
    )


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_render_lost_with_its_killed_worker_is_told_resent_and_made(client):
    """kill -9 of the whole worker while it renders: the message stays unacknowledged in Redis
    (for the visibility timeout, 30 minutes), so the reader is told the wait after two minutes,
    beat's sweep resends the render after three silent ones and tells the admins once, and a
    worker makes it. Minutes pass by moving the row's timestamps back, not by sleeping."""
    from celery.contrib.testing.worker import start_worker

    from ntm_portal.celery import app
    from ntm_portal.models import Notification, Role
    from reports.models import Document
    from reports.tasks import render_pending_documents

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "run through `make test` (Redis)"
    admin = UserFactory(username="admin_k", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    # Made without its own enqueue: the held task below is the worker's first delivery.
    document = Document.objects.create(
        kind=Document.Kind.SPONSORSHIP_PLAN, issuer=AgencyFactory(), year=2026, symbol="KH-CQ"
    )
    page_url = reverse("reports:document_detail", args=[document.pk])
    cache.delete(RENDER_PID_KEY)
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(queue)
    try:
        render_document_held_inside.apply_async(args=[document.pk, 60], queue=queue)
        _wait_for(lambda: cache.get(RENDER_PID_KEY), 60, "the render to start")
        os.killpg(worker.pid, signal.SIGKILL)  # parent and child at once, as `docker kill`
        worker.wait(timeout=20)
    finally:
        _stop(worker)

    document.refresh_from_db()
    assert (document.status, document.attempts) == (Document.Status.PENDING, 1)
    assert "trang tự cập nhật sau vài giây" in _page(client, page_url)

    # Four minutes later, with nothing done meanwhile.
    _move_back(document, minutes=4)
    assert "Đang chờ máy xử lý, đã 4 phút." in _page(client, page_url)
    assert render_pending_documents() == 1
    assert render_pending_documents() == 0  # the next minute's sweep: nothing more
    assert Notification.objects.filter(user=admin).count() == 1
    assert "Đã gửi lại 1 lần; quản trị viên đã được báo." in _page(client, page_url)

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        _wait_for(
            lambda: (
                Document.objects.filter(pk=document.pk)
                .exclude(status=Document.Status.PENDING)
                .exists()
            ),
            60,
            "the resent render",
        )
    document.refresh_from_db()
    assert document.status == Document.Status.DONE, document.error
    assert (document.attempts, document.resends) == (2, 1)
    assert "Tải PDF" in _page(client, page_url)
    assert Notification.objects.filter(user=admin).count() == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_roster_check_lost_with_its_killed_worker_is_told_resent_and_made(client):
    """The same for an uploaded roster: the import page's progress stops at 0 %; after two
    minutes it says how long it has waited, beat's sweep resends the check after two silent
    ones and tells the admins once, and a worker finishes it."""
    from celery.contrib.testing.worker import start_worker
    from django.core.files.base import ContentFile

    from ntm_portal.celery import app
    from ntm_portal.models import Notification, Role, RosterImport
    from ntm_portal.tasks import validate_pending_rosters

    from .roster_files import workbook_bytes

    admin = UserFactory(username="admin_r", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(admin)
    record = RosterImport(
        kind="villages", original_name="thon.xlsx", size=1, sha256="f" * 64, uploaded_by=admin
    )
    rows = [["Tỉnh", "Huyện", "Xã", "Tên thôn", "Loại"], ["Quảng Trị", "", "Ba Tầng", "Một", ""]]
    record.file.save("thon.xlsx", ContentFile(workbook_bytes(rows)), save=False)
    record.save()
    progress_url = reverse("rosters:import_progress", args=[record.pk])
    page_url = reverse("rosters:import_detail", args=[record.pk])
    cache.delete(CHECK_PID_KEY)
    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(queue)
    try:
        validate_roster_held_inside.apply_async(args=[record.pk, 60], queue=queue)
        _wait_for(lambda: cache.get(CHECK_PID_KEY), 60, "the check to start")
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
    finally:
        _stop(worker)

    record.refresh_from_db()
    assert (record.status, record.attempts) == (RosterImport.Status.VALIDATING, 1)
    assert client.get(progress_url).json() == {
        "status": "validating",
        "progress": 0,
        "done": False,
        "waiting": "",
    }

    # Three minutes later, the progress bar not having moved.
    RosterImport.objects.filter(pk=record.pk).update(
        uploaded_at=record.uploaded_at - timedelta(minutes=3),
        worked_at=record.worked_at - timedelta(minutes=3),
    )
    assert client.get(progress_url).json()["waiting"] == "Đang chờ máy xử lý, đã 3 phút."
    assert "Đang chờ máy xử lý, đã 3 phút." in _page(client, page_url)
    assert validate_pending_rosters() == 1
    assert validate_pending_rosters() == 0
    assert Notification.objects.filter(user=admin).count() == 1
    assert "Đã gửi lại 1 lần" in client.get(progress_url).json()["waiting"]

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        _wait_for(lambda: client.get(progress_url).json()["done"], 60, "the resent check")
    record.refresh_from_db()
    assert record.status == RosterImport.Status.VALIDATED
    assert (record.attempts, record.resends) == (2, 1)
    assert 'id="count-new"' in _page(client, page_url)
    assert Notification.objects.filter(user=admin).count() == 1


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _move_back(document, *, minutes: int) -> None:
    from reports.models import Document

    Document.objects.filter(pk=document.pk).update(
        created_at=document.created_at - timedelta(minutes=minutes),
        worked_at=document.worked_at - timedelta(minutes=minutes),
    )

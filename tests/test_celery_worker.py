"""A real Celery worker consumes from the real Redis broker that `make test` starts."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from kombu import pools

from ntm_portal.celery import app
from ntm_portal.health import BEAT_HEARTBEAT_KEY
from ntm_portal.tasks import HEARTBEAT_CACHE_KEY, heartbeat


@pytest.mark.celery_worker
def test_a_real_worker_runs_the_beat_heartbeat_through_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "run through `make test` (REDIS_URL)"
    assert settings.CELERY_BEAT_SCHEDULE["heartbeat"]["task"] == heartbeat.name
    cache.delete_many([HEARTBEAT_CACHE_KEY, BEAT_HEARTBEAT_KEY])
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        heartbeat.delay()
        deadline = time.monotonic() + 20
        while cache.get(HEARTBEAT_CACHE_KEY) is None and time.monotonic() < deadline:
            time.sleep(0.1)
    assert cache.get(HEARTBEAT_CACHE_KEY) is not None
    # Sending it is beat's heartbeat (beat itself runs no task).
    assert cache.get(BEAT_HEARTBEAT_KEY) is not None


def test_healthz_reports_the_database_and_the_last_heartbeat(client, db):
    cache.set(HEARTBEAT_CACHE_KEY, "2026-11-23T08:00:00+00:00")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["worker_heartbeat"] == "2026-11-23T08:00:00+00:00"


@pytest.fixture
def unreachable_broker():
    """Point the real Celery app at a Redis address where nothing listens, then restore it."""
    original = app.conf.broker_url

    def reset_pools() -> None:
        # Celery and kombu cache connections per broker address; start from clean pools.
        app.pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        pools.reset()

    reset_pools()
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    yield
    reset_pools()
    app.conf.broker_url = original


def test_an_unreachable_broker_does_not_fail_the_users_action(
    client, world, personas, unreachable_broker, django_capture_on_commit_callbacks
):
    from criteria.models import Evaluation
    from criteria.services import evaluation_save_values, evaluation_submit
    from ntm_portal.models import Notification

    evaluation = world.evaluation_a1
    indicators = evaluation.criteria_set.criteria.values_list("indicators", flat=True)
    evaluation_save_values(
        evaluation=evaluation,
        raw_values=dict.fromkeys(indicators, "1"),
        notes={},
        version=evaluation.version,
        actor=personas["commune"],
    )
    evaluation.refresh_from_db()
    evaluation = evaluation_submit(
        evaluation=evaluation, version=evaluation.version, actor=personas["commune"]
    )
    client.force_login(personas["province"])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/tieu-chi/danh-gia/{evaluation.pk}/tra-lai/",
            {"version": evaluation.version, "reason": "Thiếu biên bản"},
            follow=True,
        )
    assert time.monotonic() - started < 15
    assert "Đã trả lại đánh giá cho xã." in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.RETURNED
    # Nothing is lost: the submitter's notification waits, unsent, for beat's sweep.
    notification = Notification.objects.get(user=personas["commune"])
    assert "bị trả lại: Thiếu biên bản" in notification.message
    assert notification.emailed_at is None


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_document_is_rendered_by_a_real_worker_after_the_commit():
    from reports.models import Document
    from reports.services import document_create

    from .factories import AgencyFactory

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "run through `make test` (REDIS_URL)"
    agency = AgencyFactory()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        document = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=agency, actor=None)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            document.refresh_from_db()
            if document.status != Document.Status.PENDING:
                break
            time.sleep(0.2)
    assert document.status == Document.Status.DONE, document.error
    assert document.pdf.read(5) == b"%PDF-"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_beat_sweeps_documents_left_pending_to_a_real_worker():
    from datetime import timedelta

    from django.utils import timezone

    from reports.models import Document
    from reports.tasks import render_pending_documents

    from .factories import AgencyFactory

    agency = AgencyFactory()
    # A document whose rendering was never enqueued (the broker was down when it was made).
    document = Document.objects.create(
        kind=Document.Kind.SPONSORSHIP_PLAN,
        issuer=agency,
        year=2026,
        number=1,
        symbol="KH-CQ",
        issued_on=timezone.localdate(),
    )
    Document.objects.filter(pk=document.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert render_pending_documents() == 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            document.refresh_from_db()
            if document.status != Document.Status.PENDING:
                break
            time.sleep(0.2)
    assert document.status == Document.Status.DONE, document.error

"""A real Celery worker consumes from the real Redis broker that `make test` starts."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache

from ntm_portal.celery import app
from ntm_portal.tasks import HEARTBEAT_CACHE_KEY, heartbeat


@pytest.mark.celery_worker
def test_a_real_worker_runs_the_beat_heartbeat_through_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "run through `make test` (REDIS_URL)"
    assert settings.CELERY_BEAT_SCHEDULE["heartbeat"]["task"] == heartbeat.name
    cache.delete(HEARTBEAT_CACHE_KEY)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        heartbeat.delay()
        deadline = time.monotonic() + 20
        while cache.get(HEARTBEAT_CACHE_KEY) is None and time.monotonic() < deadline:
            time.sleep(0.1)
    assert cache.get(HEARTBEAT_CACHE_KEY) is not None


def test_healthz_reports_the_database_and_the_last_heartbeat(client, db):
    cache.set(HEARTBEAT_CACHE_KEY, "2026-11-23T08:00:00+00:00")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker_heartbeat": "2026-11-23T08:00:00+00:00"}

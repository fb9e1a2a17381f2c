"""A real Celery worker, on the real Redis and PostgreSQL, is killed in the middle of the
calendar job; the message comes back and the job completes exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from sponsorships.models import Inspection

from .celery_helpers import ATTEMPTS_KEY, CREATED_KEY, PID_KEY, slow_inspections_plan
from .factories import AgencyFactory, AssignmentFactory, CommuneFactory

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
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "ntm_portal.settings",
    }
    worker = subprocess.Popen(
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
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        slow_inspections_plan.apply_async(args=["2024-05-10", 30], queue=queue)
        child = _wait_for(lambda: cache.get(PID_KEY), 60, "the task to start")
        time.sleep(0.5)  # inside the job's transaction, rows written but not committed
        os.kill(child, signal.SIGKILL)
        created = _wait_for(lambda: cache.get(CREATED_KEY), 60, "the redelivered task to finish")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert cache.get(ATTEMPTS_KEY) == 2
    assert created == 50  # Q2 and Q3 for each of 25 sponsored communes, by the second attempt
    assert Inspection.objects.count() == 50

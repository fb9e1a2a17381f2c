"""A task for the worker-killed test only: the real planning job, slowed inside its transaction."""

from __future__ import annotations

import os
import time
from datetime import date

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from sponsorships.services import inspections_plan

ATTEMPTS_KEY = "test-kill-attempts"
PID_KEY = "test-kill-pid"
CREATED_KEY = "test-kill-created"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def slow_inspections_plan(day: str, pause_seconds: float) -> None:
    cache.add(ATTEMPTS_KEY, 0)
    attempt = cache.incr(ATTEMPTS_KEY)
    cache.set(PID_KEY, os.getpid())
    with transaction.atomic():
        result = inspections_plan(today=date.fromisoformat(day))
        if attempt == 1:
            time.sleep(pause_seconds)  # the test kills the worker process here, before commit
    cache.set(CREATED_KEY, result.created)

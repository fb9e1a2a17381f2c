"""A task for the worker-killed test only: the real planning job, slowed inside its transaction."""

from __future__ import annotations

import os
import time
from datetime import date

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from ntm_portal.queue import RETRY_ON_OUTAGE
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


OUTAGE_ATTEMPTS_KEY = "test-outage-attempts"
OUTAGE_STARTED_KEY = "test-outage-started"
OUTAGE_CREATED_KEY = "test-outage-created"


@shared_task(**RETRY_ON_OUTAGE)
def inspections_plan_through_an_outage(day: str, pause_seconds: float) -> None:
    """The real planning job with the real tasks' retry policy; its first attempt waits inside
    its transaction, where the fault test restarts PostgreSQL under it."""
    cache.add(OUTAGE_ATTEMPTS_KEY, 0)
    attempt = cache.incr(OUTAGE_ATTEMPTS_KEY)
    with transaction.atomic():
        result = inspections_plan(today=date.fromisoformat(day))
        if attempt == 1:
            cache.set(OUTAGE_STARTED_KEY, 1)
            time.sleep(pause_seconds)
    cache.set(OUTAGE_CREATED_KEY, result.created)


RENDER_PID_KEY = "test-kill-render-pid"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_document_held_inside(document_id: int, pause_seconds: float) -> str:
    """The real render service, held in its PDF step (after it counted its start) long enough
    for the test to kill the whole worker there."""
    from reports import services

    real = services.render_pdf

    def held(html: str) -> bytes:
        cache.set(RENDER_PID_KEY, os.getpid())
        time.sleep(pause_seconds)
        return real(html)

    services.render_pdf = held
    try:
        return services.document_render(document_id=document_id).status
    finally:
        services.render_pdf = real


CHECK_PID_KEY = "test-kill-check-pid"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def validate_roster_held_inside(record_id: int, pause_seconds: float) -> bool:
    """The real roster check, held as it starts reading the file (after it counted its start)
    long enough for the test to kill the whole worker there."""
    from ntm_portal.rosters import services

    real = services._check

    def held(record, **kwargs):
        cache.set(CHECK_PID_KEY, os.getpid())
        time.sleep(pause_seconds)
        return real(record, **kwargs)

    services._check = held
    try:
        return services.roster_import_validate(record_id=record_id) is not None
    finally:
        services._check = real

from datetime import date

from celery import shared_task
from django.utils import timezone

from ntm_portal.queue import RETRY_ON_OUTAGE

from .services import inspections_plan


@shared_task(**RETRY_ON_OUTAGE)
def plan_inspections(day: str | None = None) -> str:
    """Beat's daily calendar job; idempotent, so a redelivered or repeated run is harmless."""
    today = timezone.localdate() if day is None else date.fromisoformat(day)
    return inspections_plan(today=today).summary()

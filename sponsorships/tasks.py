from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from .services import inspections_plan


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def plan_inspections(day: str | None = None) -> str:
    """Beat's daily calendar job; idempotent, so a redelivered or repeated run is harmless."""
    today = timezone.localdate() if day is None else date.fromisoformat(day)
    return inspections_plan(today=today).summary()

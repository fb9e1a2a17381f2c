from celery import shared_task
from django.db import OperationalError

from .standings import standings_refresh


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def refresh_standings() -> str:
    """Beat's sweep of the dashboards' summary tables, for changes made outside the services
    (recognitions in the admin, villages from rosters); idempotent."""
    return f"standings={standings_refresh()}"

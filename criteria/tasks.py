from celery import shared_task

from ntm_portal.queue import RETRY_ON_OUTAGE

from .standings import standings_refresh


@shared_task(**RETRY_ON_OUTAGE)
def refresh_standings() -> str:
    """Beat's sweep of the dashboards' summary tables, for changes made outside the services
    (recognitions in the admin, villages from rosters); idempotent."""
    return f"standings={standings_refresh()}"

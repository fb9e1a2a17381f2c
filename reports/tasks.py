from celery import shared_task
from django.utils import timezone

from ntm_portal.queue import RETRY_ON_OUTAGE

from .services import document_render, documents_plan_period, documents_sweep_stalled


@shared_task(**RETRY_ON_OUTAGE, time_limit=120, soft_time_limit=100)
def render_document(document_id: int) -> str:
    """Render one document; safe to run twice (a rendered document is left alone)."""
    return document_render(document_id=document_id).status


@shared_task(**RETRY_ON_OUTAGE)
def plan_period_documents() -> int:
    """Beat, daily: the quarter's inspection plan of every agency that has inspections in it."""
    return documents_plan_period(today=timezone.localdate())


@shared_task(**RETRY_ON_OUTAGE)
def render_pending_documents() -> int:
    """Beat's sweep, every minute: documents whose rendering could not be enqueued (broker down)
    or lost its worker are sent again or failed; the admins are told once."""
    result = documents_sweep_stalled()
    return len(result.resent) + len(result.failed)

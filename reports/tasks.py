from celery import shared_task
from django.utils import timezone

from .services import document_render, documents_plan_period


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, max_retries=3, time_limit=120, soft_time_limit=100
)
def render_document(document_id: int) -> str:
    """Render one document; safe to run twice (a rendered document is left alone)."""
    return document_render(document_id=document_id).status


@shared_task
def plan_period_documents() -> int:
    """Beat, daily: the quarter's inspection plan of every agency that has inspections in it."""
    return documents_plan_period(today=timezone.localdate())

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ntm_portal.queue import RETRY_ON_OUTAGE

from .models import Document
from .services import document_render, documents_plan_period


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
    """Beat's sweep for documents whose rendering could not be enqueued (broker down) or was
    lost: anything still pending after five minutes is sent again."""
    stale = timezone.now() - timedelta(minutes=5)
    ids = list(
        Document.objects.filter(status=Document.Status.PENDING, created_at__lt=stale).values_list(
            "pk", flat=True
        )[:200]
    )
    for document_id in ids:
        render_document.delay(document_id)
    return len(ids)

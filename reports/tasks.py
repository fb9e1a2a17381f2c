from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ntm_portal.queue import RETRY_ON_OUTAGE

from .boundaries import commune_boundaries_process
from .models import CommuneBoundaryUpload
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


@shared_task(**RETRY_ON_OUTAGE, time_limit=120, soft_time_limit=100)
def process_commune_boundaries(upload_id: int) -> str:
    """Check, simplify and store one boundary file; safe to run twice (a processed upload is
    left alone)."""
    received = commune_boundaries_process(upload_id=upload_id)
    return received.status if received else "gone"


@shared_task(**RETRY_ON_OUTAGE)
def process_pending_boundaries() -> int:
    """Beat's sweep for boundary files whose processing could not be enqueued or was lost."""
    stale = timezone.now() - timedelta(minutes=5)
    ids = list(
        CommuneBoundaryUpload.objects.filter(
            status=CommuneBoundaryUpload.Status.PENDING, uploaded_at__lt=stale
        ).values_list("pk", flat=True)[:50]
    )
    for upload_id in ids:
        process_commune_boundaries.delay(upload_id)
    return len(ids)

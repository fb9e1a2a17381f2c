from celery import shared_task

from .services import document_render


@shared_task(
    autoretry_for=(OSError,), retry_backoff=True, max_retries=3, time_limit=120, soft_time_limit=100
)
def render_document(document_id: int) -> str:
    """Render one document; safe to run twice (a rendered document is left alone)."""
    return document_render(document_id=document_id).status

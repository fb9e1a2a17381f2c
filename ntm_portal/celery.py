"""The Celery application; its settings are the CELERY_* names in ntm_portal.settings."""

import logging
import os

from celery import Celery
from celery.signals import before_task_publish

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm_portal.settings")

app = Celery("ntm_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_TASK = "ntm_portal.tasks.heartbeat"
logger = logging.getLogger(__name__)


@before_task_publish.connect
def note_beat_heartbeat(sender: str | None = None, **kwargs: object) -> None:
    """Beat runs no task of its own: its heartbeat is the moment it sends the worker's (every
    minute), read by /healthz beside the moment a worker ran it."""
    if sender != HEARTBEAT_TASK:
        return
    from .health import record_heartbeat

    try:
        record_heartbeat("beat")
    except Exception:
        # The send itself is what matters; /healthz will show beat's stamp growing old.
        logger.warning("Could not record beat's heartbeat")

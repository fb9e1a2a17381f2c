"""In-app notifications, with an email for each, sent by a Celery task after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from .models import Notification, User

logger = logging.getLogger(__name__)


def notify(*, users: Iterable[User], message: str, url: str) -> list[Notification]:
    """Record the notifications now; their emails go out once the transaction commits.

    If the broker is down the rows stay unsent and beat's `send_pending_emails` retries them,
    so the user's action never fails because of email.
    """
    notifications = Notification.objects.bulk_create(
        Notification(user=user, message=message, url=url) for user in users if user.is_active
    )
    ids = [notification.pk for notification in notifications]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return notifications


def _enqueue(ids: list[int]) -> None:
    from .tasks import send_notification_email

    for notification_id in ids:
        try:
            send_notification_email.delay(notification_id)
        except Exception:
            logger.warning("Could not enqueue email for notification %s", notification_id)

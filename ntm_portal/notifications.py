"""In-app notifications, with an email for each, sent by a Celery task after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from .models import Notification, User
from .queue import enqueue_after_commit

logger = logging.getLogger(__name__)


def notify(
    *, users: Iterable[User], template: str, params: dict[str, object], url: str
) -> list[Notification]:
    """Record the notifications now; their emails go out once the transaction commits.

    `template` is a catalogue entry (marked with gettext_noop) and `params` its values: each
    reader sees the sentence in their language; the stored message and the email are Vietnamese.

    If the broker is down the rows stay unsent and beat's `send_pending_emails` retries them,
    so the user's action never fails because of email.
    """
    params = {key: str(value) for key, value in params.items()}
    message = template % params
    notifications = Notification.objects.bulk_create(
        Notification(user=user, message=message[:500], template=template, params=params, url=url)
        for user in users
        if user.is_active
    )
    enqueue_after_commit(
        "ntm_portal.tasks.send_notification_email",
        [notification.pk for notification in notifications],
    )
    return notifications

"""In-app notifications, with an email for each, sent by a Celery task after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from .models import Notification, User
from .queue import enqueue_after_commit

logger = logging.getLogger(__name__)

# The menu shows every signed-in user's unread count on every page: cached per user, dropped
# whenever a notification of theirs is created, read or deleted (now, and again once the
# transaction commits, so a count read in between never outlives it).


def _unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user: User) -> int:
    timeout = settings.UNREAD_COUNT_CACHE_SECONDS
    if not timeout:
        return user.notifications.filter(read_at=None).count()
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = user.notifications.filter(read_at=None).count()
        cache.set(key, count, timeout)
    return count


def unread_changed(user_ids: Iterable[int]) -> None:
    keys = [_unread_key(user_id) for user_id in set(user_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


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
    unread_changed(notification.user_id for notification in notifications)
    enqueue_after_commit(
        "ntm_portal.tasks.send_notification_email",
        [notification.pk for notification in notifications],
    )
    return notifications


def withdraw(*, template: str, url: str) -> int:
    """Notifications that no longer hold (an inspection overdue, since done) are deleted, read or
    not: one left would send its reader to do what is done. Their emails not yet sent go with
    them (the task reads rows by key). How many were withdrawn."""
    withdrawn = Notification.objects.filter(template=template, url=url)
    user_ids = list(withdrawn.values_list("user_id", flat=True))
    if not user_ids:
        return 0
    count, _per_model = withdrawn.delete()
    unread_changed(user_ids)
    return count

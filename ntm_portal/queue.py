"""Sending a Celery task once the transaction commits, named by its dotted path.

By name, so that a service never imports the tasks module that imports it back; after the commit,
so that the worker reads what was written. If the broker is down the user's action still
succeeds: each task has a beat sweep (`send_pending_emails`, `validate_pending_rosters`,
`render_pending_documents`) that sends again what is still waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import InterfaceError, OperationalError, transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# What a task meets when PostgreSQL restarts, a connection drops or the mail server is away: it
# tries again with backoff (Celery's Django fixup closes the broken connection in between).
# Every task is safe to run twice, so a retry never does the work twice.
RETRY_ON_OUTAGE = {
    "autoretry_for": (OSError, OperationalError, InterfaceError),
    "retry_backoff": True,
    "max_retries": 6,
}


def enqueue_after_commit(task: str, ids: Iterable[int]) -> None:
    """`task.delay(pk)` for each primary key, after the commit; a failed send is logged only."""
    ids = list(ids)
    if ids:
        transaction.on_commit(lambda: _send(task, ids))


def _send(task: str, ids: list[int]) -> None:
    function = import_string(task)
    for pk in ids:
        try:
            function.delay(pk)
        except Exception:
            logger.warning("Could not enqueue %s(%s); beat's sweep will send it", task, pk)


def send_after_commit(task: str, *args: object) -> None:
    """`task.delay(*args)` once, after the commit; a failed send is logged only."""
    transaction.on_commit(lambda: _send_once(task, args))


def _send_once(task: str, args: tuple) -> None:
    try:
        import_string(task).delay(*args)
    except Exception:
        logger.warning("Could not enqueue %s", task)

"""Loaded with ``-p tests.isolation`` before Django's settings: each pytest-xdist worker gets a
Redis database of its own.

Why: the suite runs on two workers (``-n 2``). pytest-django already gives each worker its own
test database, but Celery's queues and Django's cache live in Redis, where one worker's
``cache.clear()`` or a real Celery worker would otherwise see the other's keys and tasks.
xdist sets PYTEST_XDIST_WORKER ("gw0", "gw1", …) before the worker reads its configuration, so
rewriting REDIS_URL here reaches the settings, Celery and every subprocess a test starts.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def _database_of_worker(url: str, worker: str) -> str:
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    number = base + 1 + int(worker.removeprefix("gw"))  # gw0 → base + 1: the controller keeps base
    return urlunsplit(parts._replace(path=f"/{number}"))


_worker = os.environ.get("PYTEST_XDIST_WORKER")
_url = os.environ.get("REDIS_URL")
if _worker and _url and "PYTEST_ISOLATED_REDIS" not in os.environ:
    os.environ["REDIS_URL"] = _database_of_worker(_url, _worker)
    os.environ["PYTEST_ISOLATED_REDIS"] = "1"

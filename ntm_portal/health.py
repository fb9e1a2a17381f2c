"""What /healthz and `manage.py healthcheck` report: the database, and the last heartbeat of the
worker (when one last ran beat's `heartbeat` task) and of beat (when it last sent it).

Beat sends the heartbeat every minute, so either stamp older than three minutes means that
process, or the way between them (the broker), has stopped.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

# Beat sends one heartbeat a minute: three missed in a row is not a slow minute.
HEARTBEAT_STALE_AFTER = timedelta(minutes=3)
WORKER_HEARTBEAT_KEY = "worker-heartbeat"
BEAT_HEARTBEAT_KEY = "beat-heartbeat"
PARTS = ("worker", "beat")


def record_heartbeat(part: str) -> str:
    stamp = timezone.now().isoformat()
    cache.set(_key(part), stamp, timeout=None)
    return stamp


def _key(part: str) -> str:
    return {"worker": WORKER_HEARTBEAT_KEY, "beat": BEAT_HEARTBEAT_KEY}[part]


def health_report(*, now: datetime | None = None) -> dict[str, object]:
    """The database's answer, and each heartbeat with its age in seconds and a verdict: "ok",
    "stale" (older than HEARTBEAT_STALE_AFTER), "missing" (never recorded) or "unknown" (the
    cache, where heartbeats are kept, does not answer)."""
    now = now or timezone.now()
    report: dict[str, object] = {"database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        report["database"] = "error"
    try:
        stamps = cache.get_many([_key(part) for part in PARTS])
    except Exception:
        stamps = None
    for part in PARTS:
        stamp = None if stamps is None else stamps.get(_key(part))
        age = _age_seconds(stamp, now)
        if stamps is None:
            verdict = "unknown"
        elif age is None:
            verdict = "missing"
        else:
            verdict = "stale" if age > HEARTBEAT_STALE_AFTER.total_seconds() else "ok"
        report[f"{part}_heartbeat"] = stamp
        report[f"{part}_heartbeat_age_seconds"] = age
        report[part] = verdict
    return report


def _age_seconds(stamp: str | None, now: datetime) -> int | None:
    if not stamp:
        return None
    try:
        return max(int((now - datetime.fromisoformat(stamp)).total_seconds()), 0)
    except (TypeError, ValueError):
        return None


def is_healthy(report: dict[str, object], *, require: set[str]) -> bool:
    """The database answers and every required part (worker, beat) has a fresh heartbeat."""
    return report["database"] == "ok" and all(report[part] == "ok" for part in require)

"""Who is asking, and how often: the client's address behind the proxy, rate limits, and the
security log that refused requests go to (never the object's own history)."""

from __future__ import annotations

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

security_log = logging.getLogger("ntm_portal.security")

# Refusals logged per user (or address) and minute; the rest are counted in one line.
REFUSALS_LOGGED_PER_MINUTE = 20


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or — behind TRUSTED_PROXY_COUNT proxies that each
    append the address they saw to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for) — the
    entry the outermost trusted proxy appended. Entries further left were written by the client
    and can be anything."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # The header is missing or short: the request did not come through every proxy.
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def rate_window(seconds: int, now: float) -> tuple[int, float]:
    """The fixed window of `seconds` that `now` (Unix time) falls in: its number and its end."""
    number = int(now // seconds)
    return number, float((number + 1) * seconds)


def count_event(key: str, *, seconds: int, now: float | None = None) -> int:
    """Count one more event under `key` in the fixed window of `seconds` that `now` falls in;
    returns the count, or 0 when the cache cannot be reached (a limit must not take the portal
    down with Redis).

    The key names its window, so a count ends with its window whatever the backend does to the
    expiry: the file cache's incr() writes the entry again with the default timeout, so a key
    kept across windows never expired while a client kept asking (refused requests included)."""
    number, _end = rate_window(seconds, time.time() if now is None else now)
    key = f"rate:{key}:{number}"
    try:
        cache.add(key, 0, timeout=seconds + 1)
        return cache.incr(key)
    except Exception:  # the cache backend's own errors (Redis down, …)
        security_log.warning("Rate limit %s not counted: cache unavailable", key)
        return 0


def is_over_rate(key: str, *, limit: int, seconds: int, now: float | None = None) -> bool:
    return count_event(key, seconds=seconds, now=now) > limit


def log_refusal(request: HttpRequest, *, what: str, pk: object, action: str) -> None:
    """A user tried to read or change what they may not: one line in the security log, at most
    REFUSALS_LOGGED_PER_MINUTE a minute per user, then one line saying the rest are suppressed."""
    user = request.user
    who = f"user={user.pk}" if user.is_authenticated else f"address={client_address(request)}"
    count = count_event(f"refusal:{who}", seconds=60)
    if count <= REFUSALS_LOGGED_PER_MINUTE:
        security_log.warning(
            "Refused %s on %s %s (%s %s) %s address=%s",
            action,
            what,
            pk,
            request.method,
            request.path,
            who,
            client_address(request),
        )
    elif count == REFUSALS_LOGGED_PER_MINUTE + 1:
        security_log.warning(
            "Further refusals of %s suppressed for a minute (last: %s %s %s)",
            who,
            action,
            what,
            pk,
        )

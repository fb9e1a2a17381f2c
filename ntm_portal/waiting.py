"""Background work that waits too long for a worker: when a page says so, how often beat's sweeps
send it again or give up, and the admins' one notice.

Each app that hands work to the worker keeps on its rows `attempts` (how many times a worker
started it), `resends` (how many times a sweep sent it again), `worked_at` (the last sign of life:
a start, a progress step or a resend) and `stalled_at` (when a sweep first found it overdue: the
admins are told then, and only then). The sweeps are `reports.services.documents_sweep_stalled`
and `ntm_portal.rosters.services.roster_imports_sweep_stalled`; beat runs them every minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext

from .models import Role, User
from .notifications import notify

# A page stops promising "a few seconds" and says how long the work has waited after this.
WAITING_NOTICE_AFTER = timedelta(minutes=2)
# A worker starts one piece of work at most this many times. With acks_late and
# reject_on_worker_lost a task whose worker dies is delivered again at once: work that kills its
# worker every time (memory, a crash in a library) would otherwise kill workers for ever.
MAX_ATTEMPTS = 3
# A sweep sends one piece of work again at most this many times. A message the broker still
# holds is delivered when a worker comes back; more copies would only be skipped then.
MAX_RESENDS = 3
# How many overdue rows of one kind a sweep handles per minute: the rest wait for the next one.
SWEEP_BATCH = 200


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did, by primary key."""

    resent: list[int]
    failed: list[int]
    newly_stalled: list[int]


def waiting_minutes(since: datetime | None, *, now: datetime | None = None) -> int | None:
    """Whole minutes of waiting since `since`, or None while the wait is still ordinary."""
    if since is None:
        return None
    waited = (now or timezone.now()) - since
    if waited < WAITING_NOTICE_AFTER:
        return None
    return int(waited.total_seconds() // 60)


def waiting_message(minutes: int, *, attempts: int = 0, resends: int = 0) -> str:
    """What a page shows instead of its spinner's "a few seconds"."""
    message = ngettext(
        "Đang chờ máy xử lý, đã %(minutes)s phút.",
        "Đang chờ máy xử lý, đã %(minutes)s phút.",
        minutes,
    ) % {"minutes": minutes}
    if attempts > 1:
        message += " " + gettext(
            "Máy xử lý đã dừng giữa chừng; đang làm lại (lần thứ %(attempt)s/%(most)s)."
        ) % {"attempt": attempts, "most": MAX_ATTEMPTS}
    if resends:
        message += " " + ngettext(
            "Đã gửi lại %(count)s lần; quản trị viên đã được báo.",
            "Đã gửi lại %(count)s lần; quản trị viên đã được báo.",
            resends,
        ) % {"count": resends}
    return message


def waiting_notice(
    *, since: datetime, attempts: int, resends: int, now: datetime | None = None
) -> str:
    """The notice of work still waiting since `since`; empty while the wait is ordinary."""
    minutes = waiting_minutes(since, now=now)
    if minutes is None:
        return ""
    return waiting_message(minutes, attempts=attempts, resends=resends)


def admins() -> list[User]:
    return list(User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True))


# What the admins are told, per kind of work (each a whole sentence, for the translations).
STALLED_DOCUMENTS = gettext_noop(
    "Máy xử lý nền chậm hoặc đã dừng: %(count)s văn bản chờ tạo tệp quá lâu; hệ thống đã gửi "
    "lại, hãy kiểm tra worker (/healthz?require=worker)."
)
STALLED_ROSTER_CHECKS = gettext_noop(
    "Máy xử lý nền chậm hoặc đã dừng: %(count)s tệp danh sách chờ kiểm tra quá lâu; hệ thống "
    "đã gửi lại, hãy kiểm tra worker (/healthz?require=worker)."
)


def notify_admins_of_stalled(*, template: str, count: int, url: str) -> None:
    """One notification per admin for the work a sweep found overdue for the first time."""
    if count:
        notify(users=admins(), template=template, params={"count": count}, url=url)

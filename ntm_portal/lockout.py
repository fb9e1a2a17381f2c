"""Brute-force defences on top of django-axes: addresses are locked, accounts are slowed down.

Locks fall on the address a guess comes from, never on the account: anyone could otherwise lock
the province office out of its own portal the day before a deadline by typing its user name
wrong twenty times. LOGIN_LOCKOUT_RULES: one user name from one address (axes' own rule,
AXES_FAILURE_LIMIT and AXES_COOLOFF_TIME, reset on success), and one address trying many user
names (counted in axes' failure log, AXES_ENABLE_ACCESS_FAILURE_LOG, one row per failure).

An account is slowed down instead (`login_delay`): once it has had LOGIN_DELAY_AFTER_FAILURES
failures in LOGIN_DELAY_WINDOW, from anywhere, each attempt waits twice as long after the last
failure as the one before, up to LOGIN_DELAY_MAX_SECONDS; an attempt made sooner is answered
"thử lại sau N giây" without its password being checked, and is not counted. Guessing spread
over many addresses is thus held to a few tries an hour, and the owner gets in after the wait.

A successful password reset by mail clears the account's failures (`account_failures_clear`),
and the admins are told when an address is locked or an account sees many failures.

The address is the client's behind the trusted proxies (`ntm_portal.security.client_address`),
never the proxy's.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from .models import Role, User
from .notifications import notify
from .security import security_log


def login_delay(failures: int) -> int:
    """Seconds an account must rest after its last failure, given its failures in the window:
    none for the first few (an official mistyping), then 2, 4, 8 … up to the maximum."""
    free = settings.LOGIN_DELAY_AFTER_FAILURES
    if failures < free:
        return 0
    return min(settings.LOGIN_DELAY_MAX_SECONDS, 2 ** (failures - free + 1))


def account_wait(username: str | None, now: datetime) -> int:
    """Whole seconds the account `username` must still wait before an attempt is checked."""
    if not username:
        return 0
    recent = AccessFailureLog.objects.filter(
        username=username, attempt_time__gte=now - settings.LOGIN_DELAY_WINDOW
    ).aggregate(failures=Count("id"), last=Max("attempt_time"))
    delay = login_delay(recent["failures"])
    if not delay:
        return 0
    left = (recent["last"] + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(left))


@transaction.atomic
def account_failures_clear(*, user: User, reason: str) -> int:
    """Forget the failed sign-ins of `user`'s name (its locks and its slow-down): the owner
    proved who they are (a password reset by mail). Returns how many failures were dropped."""
    dropped, _ = AccessFailureLog.objects.filter(username=user.username).delete()
    AccessAttempt.objects.filter(username=user.username).delete()
    if dropped:
        security_log.info(
            "Login failures of user=%s cleared (%s): %s failures", user.pk, reason, dropped
        )
    return dropped


def _alert_admins(template: str, params: dict[str, object]) -> None:
    admins = User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMIN), is_active=True)
    try:
        url = reverse("admin:axes_accessfailurelog_changelist")
    except NoReverseMatch:
        url = ""
    security_log.warning(template, params)
    notify(users=admins, template=template, params=params, url=url)


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials) or self.broken_rule(request, credentials):
            return True
        # Not a lock: the account's wait after its last failure (the lockout page says how long).
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        wait = account_wait(get_client_username(request, credentials), now)
        if wait:
            request.login_wait_seconds = wait
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        locked_before = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or locked_before:
            # Refused without a check (a locked address, an account's wait): nothing was counted.
            return
        self.alert_on_thresholds(request, credentials)
        if getattr(request, "axes_locked_out", False):
            return
        if self.broken_rule(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def _failures(self, request, credentials: dict | None) -> dict[tuple[str, ...], int]:
        """The failures each rule counts for this request, in its window (None: not counted)."""
        values = {
            "username": get_client_username(request, credentials),
            "ip_address": getattr(request, "axes_ip_address", None),
        }
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        counts = {}
        for counted_on, _limit, window in settings.LOGIN_LOCKOUT_RULES:
            if any(values[name] is None for name in counted_on):
                continue
            counts[counted_on] = AccessFailureLog.objects.filter(
                attempt_time__gte=now - window, **{name: values[name] for name in counted_on}
            ).count()
        return counts

    def broken_rule(self, request, credentials: dict | None) -> bool:
        """Whether a rule beyond axes' own has had its number of failures in its window."""
        counts = self._failures(request, credentials)
        return any(
            counts.get(counted_on, 0) >= limit
            for counted_on, limit, _window in settings.LOGIN_LOCKOUT_RULES[1:]
        )

    def alert_on_thresholds(self, request, credentials: dict | None) -> None:
        """Tell the admins once when this failure locked an address for every user name, and
        once when an account reaches LOGIN_ALERT_ACCOUNT_FAILURES failures in its window."""
        address = getattr(request, "axes_ip_address", None) or "?"
        counts = self._failures(request, credentials)
        # The address-wide rules only: one name mistyped from one address is an official's
        # everyday slip, not news for the admins.
        for counted_on, limit, window in settings.LOGIN_LOCKOUT_RULES[1:]:
            if counts.get(counted_on) == limit:
                _alert_admins(
                    gettext_noop(
                        "Địa chỉ %(address)s bị tạm khóa đăng nhập %(minutes)s phút sau "
                        "%(failures)s lần nhập sai mật khẩu."
                    ),
                    {
                        "address": address,
                        "minutes": int(window.total_seconds() // 60),
                        "failures": limit,
                    },
                )
                break
        username = get_client_username(request, credentials)
        if not username or not User.objects.filter(username=username).exists():
            return  # names of no account are the address rule's business
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        failures = AccessFailureLog.objects.filter(
            username=username, attempt_time__gte=now - settings.LOGIN_DELAY_WINDOW
        ).count()
        if failures == settings.LOGIN_ALERT_ACCOUNT_FAILURES:
            _alert_admins(
                gettext_noop(
                    "Tài khoản %(username)s bị nhập sai mật khẩu %(failures)s lần trong một giờ "
                    "(lần cuối từ địa chỉ %(address)s); đăng nhập của tài khoản đang bị làm chậm."
                ),
                {"username": username[:150], "failures": failures, "address": address},
            )

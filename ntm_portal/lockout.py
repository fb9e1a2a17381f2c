"""Brute-force lockout on top of django-axes.

axes itself counts failures per user name *and* address (LOGIN_LOCKOUT_RULES' first rule:
AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME, reset on success): what an official mistyping meets, and
what stops one address guessing one account. The other rules count axes' failure log
(AXES_ENABLE_ACCESS_FAILURE_LOG: one row per failure, with its time) over their own window, so
that guesses at one account spread over many addresses, and one address trying many accounts,
are stopped too. The address is the client's behind the trusted proxies
(`ntm_portal.security.client_address`), never the proxy's.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.utils import timezone


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self.broken_rule(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
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

    def broken_rule(self, request, credentials: dict | None) -> bool:
        """Whether a rule beyond axes' own has had its number of failures in its window."""
        values = {
            "username": get_client_username(request, credentials),
            "ip_address": getattr(request, "axes_ip_address", None),
        }
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        for counted_on, limit, window in settings.LOGIN_LOCKOUT_RULES[1:]:
            if any(values[name] is None for name in counted_on):
                continue
            failures = AccessFailureLog.objects.filter(
                attempt_time__gte=now - window, **{name: values[name] for name in counted_on}
            ).count()
            if failures >= limit:
                return True
        return False

"""API tokens: made and revoked by their user, checked on every API request, and the rate limit.

A token is `ntm_` + 43 random URL-safe characters; only its SHA-256 is stored
(ntm_portal.models.ApiToken). Requests send it as `Authorization: Bearer <token>`.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, throttling

from .models import ApiToken, RevokedReason, User
from .security import client_address, count_event, rate_window, security_log

TOKEN_PREFIX = "ntm_"  # noqa: S105 (a marker, not a secret)
# last_used_at is written at most this often, so that reading stays one query per request.
LAST_USED_RESOLUTION = timedelta(minutes=5)
EXPIRY_CHOICES_DAYS = (30, 90, 180, 365)


class TokenRejected(ValueError):
    """A token that cannot be made as asked; str() says why, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int, actor: User) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and the key, which is never shown again."""
    name = (name or "").strip()
    if not name:
        raise TokenRejected("name", _("Tên khóa: hãy đặt một tên (ví dụ: Power BI của Sở)."))
    if len(name) > 100:
        raise TokenRejected("name", _("Tên khóa: tối đa 100 ký tự."))
    if days not in EXPIRY_CHOICES_DAYS or days > settings.API_TOKEN_MAX_DAYS:
        raise TokenRejected("days", _("Thời hạn: chọn 30, 90, 180 hoặc 365 ngày."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=digest_of(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    security_log.info("API token %s made for user=%s by user=%s", token.pk, user.pk, actor.pk)
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_reason = RevokedReason.OWNER
        token.save(update_fields=["revoked_at", "revoked_reason"])
        security_log.info("API token %s revoked by user=%s", token.pk, actor.pk)


@transaction.atomic
def api_tokens_revoke_all(*, user: User, reason: RevokedReason, actor: User | None) -> int:
    """Revoke every token of `user` still in force: a key must not outlive the password or the
    account it was made under. Returns how many; each is logged as the owner's revocations are."""
    tokens = list(
        ApiToken.objects.select_for_update()
        .filter(user=user, revoked_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if tokens:
        ApiToken.objects.filter(pk__in=tokens).update(
            revoked_at=timezone.now(), revoked_reason=reason
        )
        for pk in tokens:
            security_log.info(
                "API token %s revoked (%s) of user=%s by user=%s",
                pk,
                reason.value,
                user.pk,
                actor.pk if actor else "-",
            )
    return len(tokens)


class PasswordChangeRevokesTokens:
    """Not a rule on passwords: Django calls every validator's password_changed() when a saved
    user's password changed, by whatever path (the change and reset forms, the admin's form,
    `manage.py changepassword`, set_password() in code), so this is the one place that sees
    them all. (Rehashing an unchanged password at sign-in does not call it.)"""

    def validate(self, password: str, user: User | None = None) -> None:
        return None

    def password_changed(self, password: str, user: User | None = None) -> None:
        if user is not None and user.pk is not None:
            api_tokens_revoke_all(user=user, reason=RevokedReason.PASSWORD, actor=None)

    def get_help_text(self) -> str:
        return _("Đổi mật khẩu sẽ thu hồi mọi khóa API của tài khoản.")


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ntm_…` (or `Token ntm_…`): the token's user, while it is usable."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2 or not header[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Khóa API không đúng định dạng."))
        now = timezone.now()
        token = (
            ApiToken.objects.usable(now)
            .select_related("user")
            .filter(digest=digest_of(header[1]))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("Khóa API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")
            )
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class PortalRateThrottle(throttling.BaseThrottle):
    """Requests per user (or client address) and minute, counted in the shared cache like the
    portal's other limits; writes have their own, lower limit.

    Fixed windows of a minute (ntm_portal.security.count_event): a client refused in one minute
    is served again in the next, and Retry-After says how many seconds this one has left."""

    WINDOW_SECONDS = 60
    # Unix time now; tests move it instead of sleeping.
    clock: Callable[[], float] = staticmethod(time.time)

    def allow_request(self, request, view) -> bool:
        user = request.user
        who = f"user:{user.pk}" if user and user.is_authenticated else client_address(request)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            kind, limit = "read", settings.API_READS_PER_MINUTE
        else:
            kind, limit = "write", settings.API_WRITES_PER_MINUTE
        now = self.clock()
        _number, end = rate_window(self.WINDOW_SECONDS, now)
        self.seconds_left = end - now
        return count_event(f"api:{kind}:{who}", seconds=self.WINDOW_SECONDS, now=now) <= limit

    def wait(self) -> float:
        # DRF rounds it up for Retry-After.
        return self.seconds_left

"""Brute-force lockout behind the documented nginx: the client's address comes from
X-Forwarded-For through TRUSTED_PROXY_COUNT proxies only; failures lock a user name from one
address quickly, a user name tried from many addresses more slowly (and for longer), and an
address that tries many user names. The password-reset request is rate-limited and its email is
sent by the worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from ntm_portal.security import client_address

from .factories import PASSWORD

LOGIN = "/tai-khoan/login/"
PROXY = "127.0.0.1"  # nginx on the same host, as the README sets it up


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()


def _login(client, username: str, password: str, address: str, spoofed: str = ""):
    forwarded = f"{spoofed}, {address}" if spoofed else address
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def _request(remote: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("127.0.0.9", "203.0.113.5")) == "127.0.0.9"


def test_behind_one_proxy_the_client_is_what_the_proxy_appended(settings):
    # The client wrote "198.51.100.1" itself; nginx appended the address it saw.
    assert client_address(_request(PROXY, "198.51.100.1, 203.0.113.5")) == "203.0.113.5"
    assert client_address(_request(PROXY, "203.0.113.5")) == "203.0.113.5"
    # Not through the proxy, or nonsense in the header: the connecting address.
    assert client_address(_request(PROXY)) == PROXY
    assert client_address(_request(PROXY, "not-an-address")) == PROXY
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(_request(PROXY, "198.51.100.1, 203.0.113.5, 127.0.0.2")) == (
        "203.0.113.5"
    )


def test_five_wrong_passwords_behind_the_proxy_do_not_lock_the_real_user_out(client, personas):
    for _ in range(5):
        _login(client, "xa_p", "sai-mat-khau", "203.0.113.66")
    # The attacker's address is locked for this user name…
    assert _login(client, "xa_p", PASSWORD, "203.0.113.66").status_code == 429
    # …even when it writes another address in front of the proxy's.
    assert _login(client, "xa_p", PASSWORD, "203.0.113.66", spoofed="198.51.100.9").status_code == (
        429
    )
    # The official at their own address signs in.
    assert _login(client, "xa_p", PASSWORD, "203.0.113.20").status_code == 302


def test_guesses_spread_over_many_addresses_lock_the_user_name_with_a_slower_unlock(
    client, personas
):
    for n in range(20):
        _login(client, "xa_p", "sai-mat-khau", f"198.51.100.{n + 1}")
    response = _login(client, "xa_p", PASSWORD, "203.0.113.20")
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    # Half an hour on, still locked; the address rule alone would have let it go.
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(minutes=30))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=30))
    assert _login(client, "xa_p", PASSWORD, "203.0.113.20").status_code == 429
    AccessFailureLog.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    assert _login(client, "xa_p", PASSWORD, "203.0.113.20").status_code == 302


def test_one_address_trying_many_user_names_is_locked(client, personas):
    for n in range(30):
        _login(client, f"khong-co-{n}", "sai-mat-khau", "203.0.113.99")
    assert _login(client, "huyen_p", PASSWORD, "203.0.113.99").status_code == 429
    assert _login(client, "huyen_p", PASSWORD, "203.0.113.100").status_code == 302


def test_a_user_name_too_long_for_any_account_is_refused_before_the_lockout_counts(client, db):
    response = _login(client, "x" * 5000, "y" * 5000, "203.0.113.5")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def _reset(client, email: str, address: str = "203.0.113.5"):
    return client.post(
        reverse("password_reset"), {"email": email}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address
    )


def test_the_reset_email_is_sent_by_the_worker_for_known_and_unknown_addresses_alike(
    client, personas, django_capture_on_commit_callbacks
):
    from ntm_portal import tasks

    sent = []
    for email in ("xa_p@example.vn", "khong-co@example.vn"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = _reset(client, email)
        assert response.status_code == 302
        assert mail.outbox == []  # nothing sent inside the request
        # Exactly the same work is queued, whether the address exists or not.
        assert len(callbacks) == 1
        sent.append(callbacks)
    calls = []
    original = tasks.send_password_reset_email.delay
    tasks.send_password_reset_email.delay = lambda *args: calls.append(args)
    try:
        for callbacks in sent:
            callbacks[0]()
    finally:
        tasks.send_password_reset_email.delay = original
    assert [email for email, _nonce in calls] == ["xa_p@example.vn", "khong-co@example.vn"]
    for args in calls:
        tasks.send_password_reset_email(*args)
        tasks.send_password_reset_email(*args)  # a redelivered message sends nothing more
    assert [m.to for m in mail.outbox] == [["xa_p@example.vn"]]


def test_the_reset_request_is_rate_limited_per_address(client, personas):
    for _ in range(5):
        assert _reset(client, "xa_p@example.vn").status_code == 302
    response = _reset(client, "xa_p@example.vn")
    assert response.status_code == 429
    assert "Bạn đã yêu cầu đặt lại mật khẩu quá nhiều lần" in response.content.decode()
    assert _reset(client, "xa_p@example.vn", address="203.0.113.6").status_code == 302

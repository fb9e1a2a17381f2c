"""Brute-force defences behind the documented nginx: the client's address comes from
X-Forwarded-For through TRUSTED_PROXY_COUNT proxies only; failures lock a user name from one
address, and an address that tries many user names — never an account; an account tried too
often is slowed down instead, a reset by mail clears it, and the admins are told. The
password-reset request is rate-limited and its email is sent by the worker."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from ntm_portal.lockout import account_wait
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


def _later(seconds: float) -> None:
    """Move the clock on: every failure recorded so far happened `seconds` earlier."""
    for model in (AccessFailureLog, AccessAttempt):
        model.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


def test_five_wrong_passwords_behind_the_proxy_do_not_lock_the_real_user_out(client, personas):
    for _ in range(5):
        _login(client, "xa_p", "sai-mat-khau", "203.0.113.66")
    _later(60)
    # The attacker's address is locked for this user name…
    assert _login(client, "xa_p", PASSWORD, "203.0.113.66").status_code == 429
    # …even when it writes another address in front of the proxy's.
    assert _login(client, "xa_p", PASSWORD, "203.0.113.66", spoofed="198.51.100.9").status_code == (
        429
    )
    # The official at their own address signs in.
    assert _login(client, "xa_p", PASSWORD, "203.0.113.20").status_code == 302


def test_many_failures_from_one_address_do_not_lock_the_admin_out_elsewhere(
    client, personas, settings
):
    for _ in range(25):
        _login(client, "admin_p", "sai-mat-khau", "203.0.113.66")
    # The address locked itself; only its first failures were checked and counted.
    assert AccessFailureLog.objects.filter(username="admin_p").count() == 5
    first = _login(client, "admin_p", PASSWORD, "198.51.100.7")
    assert first.status_code == 429
    assert "thử lại sau 2 giây" in first.content.decode()
    _later(2)
    assert _login(client, "admin_p", PASSWORD, "198.51.100.7").status_code == 302
    # Address A stays locked, for the admin's name and for every other.
    assert _login(client, "admin_p", PASSWORD, "203.0.113.66").status_code == 429


def test_an_account_is_slowed_down_more_after_each_failure(client, personas):
    waits = []
    for n in range(9):
        # Each guess from a new address, once the account's wait is over.
        assert _login(client, "xa_p", "sai-mat-khau", f"198.51.100.{n + 1}").status_code == 200
        waits.append(account_wait("xa_p", timezone.now()))
        if n == 8:
            refused = _login(client, "xa_p", PASSWORD, "203.0.113.20")
        _later(settings.LOGIN_DELAY_MAX_SECONDS)
    assert waits == [0, 0, 0, 0, 2, 4, 8, 16, 32]
    # Answered with the wait, the password unchecked and the attempt not counted.
    assert refused.status_code == 429
    assert re.search(r"thử lại sau (3[12]) giây", refused.content.decode())
    assert AccessFailureLog.objects.filter(username="xa_p").count() == 9


def test_the_wait_is_capped_and_ends_with_the_window(client, personas, settings):
    settings.LOGIN_DELAY_MAX_SECONDS = 60
    for n in range(15):
        _login(client, "xa_p", "sai-mat-khau", f"198.51.100.{n + 1}")
        _later(61)
    response = _login(client, "xa_p", PASSWORD, "203.0.113.20")
    assert response.status_code == 302


def test_a_password_reset_by_mail_clears_the_accounts_failures(client, personas):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = personas["commune"]
    for _ in range(5):
        _login(client, "xa_p", "sai-mat-khau", "203.0.113.66")
    # Locked at the guessing address, slowed down everywhere.
    assert _login(client, "xa_p", PASSWORD, "203.0.113.66").status_code == 429
    assert _login(client, "xa_p", PASSWORD, "203.0.113.20").status_code == 429
    link = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    form_url = client.get(link)["Location"]
    new = "Mot-mat-khau-moi-2026"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert not AccessFailureLog.objects.filter(username="xa_p").exists()
    # The name is no longer locked at the guessing address, nor slowed down anywhere.
    assert _login(client, "xa_p", new, "203.0.113.66").status_code == 302


def test_the_admins_are_told_of_a_locked_address_and_a_much_tried_account(client, personas):
    admin = personas["admin"]
    for n in range(20):
        _login(client, f"khong-co-{n}", "sai-mat-khau", "203.0.113.99")
    told = [n.message for n in admin.notifications.all()]
    assert told == [
        "Địa chỉ 203.0.113.99 bị tạm khóa đăng nhập 15 phút sau 20 lần nhập sai mật khẩu."
    ]
    assert not personas["province"].notifications.exists()
    for n in range(12):
        _login(client, "vpdp_p", "sai-mat-khau", f"198.51.100.{n + 1}")
        _later(300)
    told = [n.message for n in admin.notifications.all()]
    assert len(told) == 2
    assert told[0].startswith("Tài khoản vpdp_p bị nhập sai mật khẩu 10 lần trong một giờ")


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

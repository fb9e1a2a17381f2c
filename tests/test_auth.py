"""Signing in, lockout after repeated failures, password reset by email, language switch."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from .factories import PASSWORD, UserFactory

LOGIN = "/tai-khoan/login/"


def _login(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_login_page_is_vietnamese_by_default(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="vi"' in page
    assert "Đăng nhập" in page
    assert "Mật khẩu" in page
    assert "Quên mật khẩu?" in page


def test_login_page_switches_to_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    page = client.get(LOGIN).content.decode()
    assert '<html lang="en"' in page
    assert "Sign in" in page


def test_a_wrong_password_is_refused_with_a_vietnamese_message(client, personas):
    response = _login(client, "xa_p", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_signs_in_and_lands_on_the_users_scope(client, world, personas):
    response = _login(client, "xa_p", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas["commune"].pk)
    home = client.get(response["Location"])
    assert home["Location"] == reverse("criteria:commune_status", args=[world.commune_a1.pk])


def test_five_failures_lock_the_account_even_for_the_right_password(client, personas):
    for _ in range(5):
        _login(client, "xa_p", "sai-mat-khau")
    response = _login(client, "xa_p", PASSWORD)
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_user_does_not_lock_another(client, personas):
    for _ in range(5):
        _login(client, "xa_p", "sai-mat-khau")
    assert _login(client, "huyen_p", PASSWORD).status_code == 302


def test_logout_needs_a_post_with_csrf(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["commune"])
    assert client.post(reverse("logout")).status_code == 403
    assert "_auth_user_id" in client.session


def _request_reset(client, email: str, capture) -> None:
    """Ask for the reset link, then run the queued task as the worker would."""
    from ntm_portal import tasks

    with capture(execute=False) as callbacks:
        response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    queued = []
    original = tasks.send_password_reset_email.delay
    tasks.send_password_reset_email.delay = lambda *args: queued.append(args)
    try:
        for callback in callbacks:
            callback()
    finally:
        tasks.send_password_reset_email.delay = original
    for args in queued:
        tasks.send_password_reset_email(*args)


def test_password_reset_by_email_end_to_end(client, db, django_capture_on_commit_callbacks):
    user = UserFactory(username="quenmk", email="quenmk@example.vn")
    _request_reset(client, "quenmk@example.vn", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Đặt lại mật khẩu Cổng NTM"
    link = re.search(r"https?://[^/]+(/tai-khoan/reset/\S+)", message.body).group(1)

    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    new_password = "Mot-mat-khau-moi-2026"
    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    # The link works once only.
    assert "không hợp lệ" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_reveals_nothing(
    client, db, django_capture_on_commit_callbacks
):
    _request_reset(client, "khongco@example.vn", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_pages_need_a_login(client, world):
    response = client.get(reverse("communes:commune_detail", args=[world.commune_a1.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)

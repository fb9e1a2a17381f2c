"""The session's user comes with its place (ntm_portal.backends.PortalBackend)."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import PASSWORD

LOGIN = "/tai-khoan/login/"


def test_signing_in_keeps_the_portal_backend_and_the_user_brings_its_place(client, personas):
    response = client.post(
        LOGIN, {"username": "vpdp_p", "password": PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == "ntm_portal.backends.PortalBackend"
    request = type("Request", (), {"session": client.session})()
    with CaptureQueriesContext(connection) as captured:
        user = get_user(request)
        names = (user.province.name, user.district, user.commune, user.agency)
    assert user.pk == personas["province"].pk
    assert names[0] == personas["province"].province.name
    # Besides the session's own: the user and its four places in one query.
    queries = [q["sql"] for q in captured.captured_queries if "django_session" not in q["sql"]]
    assert len(queries) == 1, queries
    assert '"communes_province"' in queries[0]


def test_a_session_opened_before_the_portal_backend_stays_signed_in(client, personas):
    session = client.session
    session[SESSION_KEY] = str(personas["commune"].pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = personas["commune"].get_session_auth_hash()
    session.save()
    request = type("Request", (), {"session": client.session})()
    assert get_user(request).pk == personas["commune"].pk

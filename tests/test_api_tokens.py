"""API tokens: made on the user's own page and shown once, stored only as a digest, refused
once revoked or expired, revoked only by their owner, and rate-limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ntm_portal.api_tokens import PortalRateThrottle, digest_of
from ntm_portal.models import ApiToken
from ntm_portal.security import count_event

from .api_helpers import auth, tokens_for


def _make(client, user, name="Power BI của Sở", days="90"):
    client.force_login(user)
    return client.post(reverse("profile"), {"name": name, "days": days})


def test_a_token_is_shown_once_and_stored_only_as_its_digest(client, world, personas):
    response = _make(client, personas["province"])
    token = ApiToken.objects.get(user=personas["province"])
    key = response.context["new_key"]
    assert key.startswith("ntm_")
    assert len(key) > 40
    assert key in response.content.decode()
    assert token.digest == digest_of(key)
    assert token.prefix == key[:10]
    assert key not in client.get(reverse("profile")).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM ntm_portal_apitoken")
        assert not any(key in str(value) for row in cursor.fetchall() for value in row)
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    # The key works, as its user, and says when it was last used.
    listed = client.get(reverse("api:commune_list"), **auth(key))
    assert listed.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [("", "90", "name"), ("x" * 101, "90", "name"), ("BI", "3650", "days"), ("BI", "abc", "days")],
)
def test_a_bad_request_for_a_token_names_the_field_and_makes_none(
    client, world, personas, name, days, field
):
    response = _make(client, personas["commune"], name=name, days=days)
    assert response.status_code == 200
    assert field in response.context["errors"]
    assert not response.context["new_key"]
    assert not ApiToken.objects.exists()


def test_a_user_without_a_role_cannot_make_one(client, world, personas):
    assert _make(client, personas["norole"]).status_code == 403
    assert not ApiToken.objects.exists()


def test_only_its_owner_revokes_a_token(client, world, personas):
    keys = tokens_for({"agency": personas["agency"]})
    token = ApiToken.objects.get(user=personas["agency"])
    client.force_login(personas["admin"])
    url = reverse("api_token_revoke", args=[token.pk])
    assert client.post(url).status_code == 404  # not even an administrator's to revoke
    assert token not in list(client.get(reverse("profile")).context["tokens"])
    client.force_login(personas["agency"])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    refused = client.get(reverse("api:commune_list"), **auth(keys["agency"]))
    assert refused.status_code == 401
    assert "thu hồi" in refused.json()["detail"]


def test_expired_malformed_and_unknown_tokens_are_refused(client, world, personas):
    keys = tokens_for({"province": personas["province"]})
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    url = reverse("api:commune_list")
    assert client.get(url, **auth(keys["province"])).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer abc").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer ntm_" + "x" * 43).status_code == 401
    ApiToken.objects.update(expires_at=timezone.now() + timedelta(days=1))
    personas["province"].is_active = False
    personas["province"].save()
    assert client.get(url, **auth(keys["province"])).status_code == 401


def _clock_at(monkeypatch, moment: list[float]) -> None:
    """The throttle reads moment[0] as the time: a test moves it instead of sleeping."""
    monkeypatch.setattr(PortalRateThrottle, "clock", staticmethod(lambda: moment[0]))


# The start of a minute, far from any real time the suite's other tests count in.
MINUTE = 60.0 * 20_000_000


def test_requests_are_rate_limited_per_user(client, world, personas, settings, monkeypatch):
    settings.API_READS_PER_MINUTE = 3
    settings.API_WRITES_PER_MINUTE = 1
    moment = [MINUTE + 15]
    _clock_at(monkeypatch, moment)
    keys = tokens_for({"commune": personas["commune"]})
    url = reverse("api:commune_list")
    answers = [client.get(url, **auth(keys["commune"])).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get(url, **auth(keys["commune"]))
    assert "Quá nhiều yêu cầu" in refused.json()["detail"]


def test_retry_after_is_the_seconds_left_in_the_minute(
    client, world, personas, settings, monkeypatch
):
    settings.API_READS_PER_MINUTE = 1
    moment = [MINUTE + 15]
    _clock_at(monkeypatch, moment)
    keys = tokens_for({"commune": personas["commune"]})
    url = reverse("api:commune_list")
    client.get(url, **auth(keys["commune"]))
    moment[0] = MINUTE + 40.5
    refused = client.get(url, **auth(keys["commune"]))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"


def test_a_client_refused_in_one_minute_is_served_in_the_next(
    client, world, personas, settings, monkeypatch
):
    settings.API_READS_PER_MINUTE = 2
    moment = [MINUTE + 1]
    _clock_at(monkeypatch, moment)
    keys = tokens_for({"commune": personas["commune"]})
    url = reverse("api:commune_list")
    # A client polling every second, refused ones included, all minute long.
    answers = []
    while moment[0] < MINUTE + 60:
        answers.append(client.get(url, **auth(keys["commune"])).status_code)
        moment[0] += 1
    next_minute = client.get(url, **auth(keys["commune"]))
    assert answers[:2] == [200, 200]
    assert set(answers[2:]) == {429}
    assert next_minute.status_code == 200


def test_the_fixed_window_ends_on_time_in_the_file_cache(settings, tmp_path):
    """The embedded cache's incr() rewrites the entry with the default timeout: the count must
    end with its window all the same."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    counts = [count_event("probe", seconds=60, now=MINUTE + second) for second in range(0, 60, 5)]
    assert counts == list(range(1, 13))
    assert count_event("probe", seconds=60, now=MINUTE + 60) == 1


def test_the_api_docs_are_not_counted_against_the_reader(
    client, world, personas, settings, monkeypatch
):
    settings.API_READS_PER_MINUTE = 1
    moment = [MINUTE + 5]
    _clock_at(monkeypatch, moment)
    client.force_login(personas["commune"])
    for _ in range(3):
        assert client.get(reverse("api:docs")).status_code == 200
        assert client.get(reverse("api:schema")).status_code == 200
    assert client.get(reverse("api:commune_list")).status_code == 200


# --- A key does not outlive the password or the account it was made under. ---------------------

NEW_PASSWORD = "Mot-mat-khau-moi-2026"


def _revoked(user) -> set[str]:
    return set(
        ApiToken.objects.filter(user=user, revoked_at__isnull=False).values_list(
            "revoked_reason", flat=True
        )
    )


def test_changing_ones_password_revokes_ones_tokens(client, world, personas):
    from .factories import PASSWORD

    user = personas["commune"]
    keys = tokens_for({"commune": user, "agency": personas["agency"]})
    client.force_login(user)
    form = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu sẽ thu hồi mọi khóa API của tài khoản." in form
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Các khóa API của tài khoản đã bị thu hồi" in response.content.decode()
    assert _revoked(user) == {"password"}
    url = reverse("api:commune_list")
    assert client.get(url, **auth(keys["commune"])).status_code == 401
    # Another user's key is untouched.
    assert client.get(url, **auth(keys["agency"])).status_code == 200
    page = client.get(reverse("profile")).content.decode()
    assert "Đã thu hồi khi đổi mật khẩu" in page
    assert "mọi khóa API của tài khoản bị thu hồi" in page


def test_a_password_reset_revokes_the_tokens(client, world, personas):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = personas["province"]
    tokens_for({"province": user})
    link = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    form_url = client.get(link)["Location"]
    done = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Các khóa API của tài khoản đã bị thu hồi" in done.content.decode()
    assert _revoked(user) == {"password"}


def test_an_admin_setting_a_password_revokes_the_tokens(client, world, personas):
    user = personas["agency"]
    tokens_for({"agency": user})
    client.force_login(personas["admin"])
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert _revoked(user) == {"password"}


def test_set_password_in_code_revokes_the_tokens_and_a_rehash_does_not(world, personas):
    from .factories import PASSWORD

    user = personas["district"]
    tokens_for({"district": user})
    # A sign-in that rehashes the same password is not a change.
    assert user.check_password(PASSWORD)
    user.save()
    assert _revoked(user) == set()
    user.set_password(NEW_PASSWORD)
    user.save()
    assert _revoked(user) == {"password"}


def test_locking_an_account_revokes_its_tokens(client, world, personas):
    from sponsorships.decisions import agency_member_remove
    from sponsorships.models import SponsorshipLog

    member = personas["agency"]
    tokens_for({"agency": member})
    agency_member_remove(member=member, actor=personas["province"])
    assert _revoked(member) == {"locked"}
    assert "thu hồi 1 khóa API" in SponsorshipLog.objects.latest("pk").detail
    # The admin's switch does the same.
    user = personas["commune"]
    tokens_for({"commune": user})
    client.force_login(personas["admin"])
    page = client.get(f"/admin/ntm_portal/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None
        and name not in ("password", "is_active", "groups")
        and not isinstance(value, list)
    }
    data.update(
        {
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(f"/admin/ntm_portal/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _revoked(user) == {"locked"}

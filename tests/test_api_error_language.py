"""Every kind of refusal of the API, in Vietnamese by default and in English with
`Accept-Language: en`: DRF's own messages ("This field is required.", "JSON parse error - …",
"CSRF Failed", throttling…) included, which DRF's Vietnamese catalogue does not translate."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from .api_helpers import auth, tokens_for

# Words of DRF's English messages, and the letters only Vietnamese writes.
ENGLISH = re.compile(
    r"\b(the|this|is|not|must|field|ensure|request|requests|many|error|found|provided|allowed|"
    r"parse|credentials|permission|invalid|expected|characters|media|throttled|failed)\b",
    re.IGNORECASE,
)
VIETNAMESE = re.compile(r"[ăâđêôơưàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ]")


@dataclass
class Api:
    client: Client
    keys: dict[str, str]
    world: object


@pytest.fixture
def api(client, world, personas, settings) -> Api:
    settings.API_READS_PER_MINUTE = 3  # the fourth read of a minute is throttled
    return Api(client, tokens_for(personas), world)


def _values_url(api: Api) -> str:
    return reverse("api:evaluation_values", args=[api.world.evaluation_a1.pk])


def _put(api: Api, body: str, content_type: str = "application/json", **headers):
    return api.client.put(
        _values_url(api), body, content_type=content_type, **auth(api.keys["commune"]), **headers
    )


def _throttled(api: Api, **headers):
    for _ in range(3):
        api.client.get(reverse("api:province_list"), **auth(api.keys["admin"]))
    return api.client.get(reverse("api:province_list"), **auth(api.keys["admin"]), **headers)


def _csrf_refused(api: Api, **headers):
    session = Client(enforce_csrf_checks=True)
    session.force_login(api.world.evidence_a1.uploaded_by)
    return session.put(_values_url(api), "{}", content_type="application/json", **headers)


# Kind → (how to provoke it, status).
KINDS: dict[str, tuple[Callable, int]] = {
    "not_authenticated": (lambda api, **h: api.client.get(reverse("api:commune_list"), **h), 401),
    "authentication_failed": (
        lambda api, **h: api.client.get(
            reverse("api:commune_list"), HTTP_AUTHORIZATION="Bearer nonsense", **h
        ),
        401,
    ),
    "not_found": (
        lambda api, **h: api.client.get(
            reverse("api:commune_detail", args=[999_999_999]), **auth(api.keys["admin"]), **h
        ),
        404,
    ),
    "unknown_address": (
        lambda api, **h: api.client.get("/api/v1/khong-co/", **auth(api.keys["admin"]), **h),
        404,
    ),
    "permission_denied": (
        lambda api, **h: api.client.get(reverse("api:dashboard"), **auth(api.keys["commune"]), **h),
        403,
    ),
    "csrf_failed": (_csrf_refused, 403),
    "method_not_allowed": (
        lambda api, **h: api.client.post(
            reverse("api:commune_list"), {}, **auth(api.keys["admin"]), **h
        ),
        405,
    ),
    "not_acceptable": (
        lambda api, **h: api.client.get(
            reverse("api:commune_list"), HTTP_ACCEPT="text/html", **auth(api.keys["admin"]), **h
        ),
        406,
    ),
    "parse_error": (lambda api, **h: _put(api, "{not json", **h), 400),
    "unsupported_media_type": (lambda api, **h: _put(api, "<a/>", "application/xml", **h), 415),
    "invalid_parameter": (
        lambda api, **h: api.client.get(
            reverse("api:commune_list"), {"page_size": "0"}, **auth(api.keys["admin"]), **h
        ),
        400,
    ),
    "empty_parameter": (
        lambda api, **h: api.client.get(
            reverse("api:commune_list"), {"province": ""}, **auth(api.keys["admin"]), **h
        ),
        400,
    ),
    "required": (lambda api, **h: _put(api, "{}", **h), 400),
    "not_an_object": (lambda api, **h: _put(api, "[1]", **h), 400),
    "max_value": (
        lambda api, **h: _put(
            api, '{"version": 99999999999, "values": [{"indicator": 1, "value": "1"}]}', **h
        ),
        400,
    ),
    "null_characters": (
        lambda api, **h: _put(
            api,
            '{"version": 1, "values": [{"indicator": 1, "value": "1", "note": "a\\u0000"}]}',
            **h,
        ),
        400,
    ),
    "unprocessable": (
        lambda api, **h: _put(
            api, '{"version": 1, "values": [{"indicator": 999999999, "value": "1"}]}', **h
        ),
        422,
    ),
    "throttled": (_throttled, 429),
}


def _messages(response) -> list[str]:
    body = response.json()
    return [body["detail"], *(text for texts in body.get("fields", {}).values() for text in texts)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_refusal_is_in_vietnamese_and_in_english_when_asked(api, kind):
    provoke, status = KINDS[kind]
    vietnamese = provoke(api)
    assert vietnamese.status_code == status, vietnamese.content
    assert vietnamese["Content-Type"] == "application/json"
    for message in _messages(vietnamese):
        assert not ENGLISH.search(message), (kind, message)
        assert VIETNAMESE.search(message), (kind, message)
    if kind == "throttled":
        from django.core.cache import cache

        cache.clear()  # a new minute for the English run
    english = provoke(api, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == status, english.content
    for message in _messages(english):
        assert not VIETNAMESE.search(message), (kind, message)
        assert ENGLISH.search(message), (kind, message)


def test_drf_words_keep_their_numbers(api):
    body = '{"version": 99999999999, "values": [{"indicator": 1, "value": "1"}]}'
    vietnamese = _put(api, body)
    assert vietnamese.json()["fields"]["version"] == ["Phải nhỏ hơn hoặc bằng 2147483648."]
    english = _put(api, body, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["fields"]["version"] == ["Must be at most 2147483648."]
    null = _put(
        api,
        '{"version": 1, "values": [{"indicator": 1, "value": "1", "note": "a\\u0000"}]}',
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert null.json()["fields"] == {"values[0].note": ["Must not contain a NUL character."]}

"""Input no person types — a NUL character, a name longer than any account's — is refused with
a Vietnamese page, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/dia-ban/xa/", {"q": "ba\x00tang"}),
        ("get", "/tieu-chi/tham-dinh/", {"q": "\x00"}),
        ("get", "/co-quan/lich/%00.ics", {}),
        ("post", "/tai-khoan/login/", {"username": "xa_p\x00", "password": "x"}),
    ],
)
def test_a_nul_character_is_a_bad_request(client, world, personas, method, url, data):
    client.force_login(personas["admin"])
    response = getattr(client, method)(url, data)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_a_nul_character_in_a_parameter_name_is_a_bad_request(client, world, personas):
    client.force_login(personas["province"])
    response = client.get(f"{reverse('communes:commune_list')}?%00=1")
    assert response.status_code == 400

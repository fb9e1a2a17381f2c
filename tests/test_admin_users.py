"""The admin's user form (issue 25 §3): role and scope on the first screen, places and agencies
named with their edition and parents, and a wrong scope refused in Vietnamese, nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communes.models import Edition
from ntm_portal.models import Role, User

from .factories import AgencyFactory, CommuneFactory, DistrictFactory, ProvinceFactory, UserFactory

PASSWORD = "mot-mat-khau-dai-2026"


@pytest.fixture
def places(db):
    """One province name in both editions, as after 01/07/2025; no seed names."""
    old = ProvinceFactory(
        edition=Edition.THREE_TIER_2024, short_name="Thử Nam", name="Tỉnh Thử Nam"
    )
    new = ProvinceFactory(edition=Edition.TWO_TIER_2025, short_name="Thử Nam", name="Tỉnh Thử Nam")
    district = DistrictFactory(province=old, name="Huyện Thử Đông")
    return {
        "old": old,
        "new": new,
        "old_xa": CommuneFactory(district=district, name="Xã Thử Tây"),
        "new_xa": CommuneFactory(district=None, province=new, name="Xã Thử Tây"),
        "agency": AgencyFactory(province=new, name="Hội Nông dân tỉnh"),
    }


@pytest.fixture
def admin_client(client, db):
    client.force_login(
        UserFactory(username="quantri", role=Role.ADMIN, is_staff=True, is_superuser=True)
    )
    return client


ADD = "admin:ntm_portal_user_add"


def test_the_add_form_asks_role_and_scope_first(admin_client, places):
    page = admin_client.get(reverse(ADD)).content.decode()
    for name in ["role", "province", "district", "commune", "agency", "username", "password1"]:
        assert f'name="{name}"' in page
    assert page.index('name="role"') < page.index('name="username"')
    # Both provinces are told apart by their edition.
    assert "Tỉnh Thử Nam (2025)" in page
    assert "Tỉnh Thử Nam (2024)" in page


def test_the_autocomplete_names_edition_and_parents(admin_client, places):
    def search(field: str, term: str) -> list[str]:
        response = admin_client.get(
            reverse("admin:autocomplete"),
            {"app_label": "ntm_portal", "model_name": "user", "field_name": field, "term": term},
        )
        assert response.status_code == 200
        return sorted(item["text"] for item in response.json()["results"])

    assert search("commune", "Thử Tây") == [
        "Xã Thử Tây – Huyện Thử Đông – Tỉnh Thử Nam (2024)",
        "Xã Thử Tây – Tỉnh Thử Nam (2025)",
    ]
    assert search("district", "Thử Đông") == ["Huyện Thử Đông – Tỉnh Thử Nam (2024)"]
    assert search("agency", "Nông dân") == ["Hội Nông dân tỉnh – Tỉnh Thử Nam (2025)"]


def _post(client, **fields):
    data = {
        "username": "xa.thutay",
        "usable_password": "true",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role": "",
        "province": "",
        "district": "",
        "commune": "",
        "agency": "",
        **{name: str(value) for name, value in fields.items()},
    }
    return client.post(reverse(ADD), data)


def test_a_commune_official_is_created_in_one_post(admin_client, places):
    response = _post(admin_client, role=Role.COMMUNE, commune=places["new_xa"].pk)
    assert response.status_code == 302
    user = User.objects.get(username="xa.thutay")
    assert (user.role, user.commune_id, user.province_id) == (
        Role.COMMUNE,
        places["new_xa"].pk,
        None,
    )
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            lambda p: {"role": Role.COMMUNE, "province": p["new"].pk},
            "Cán bộ xã chỉ gắn với xã: bỏ chọn tỉnh.",
        ),
        (
            lambda p: {"role": Role.COMMUNE, "commune": p["new_xa"].pk, "agency": p["agency"].pk},
            "Cán bộ xã chỉ gắn với xã: bỏ chọn cơ quan.",
        ),
        (lambda p: {"role": Role.PROVINCE}, "Văn phòng Điều phối NTM tỉnh: chọn tỉnh."),
        (
            lambda p: {"role": Role.ADMIN, "province": p["new"].pk},
            "Quản trị hệ thống không gắn với đơn vị nào: bỏ chọn tỉnh.",
        ),
    ],
)
def test_a_scope_that_does_not_fit_the_role_is_refused(admin_client, places, fields, message):
    before = User.objects.count()
    response = _post(admin_client, **fields(places))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_the_change_form_refuses_a_wrong_scope_too(admin_client, places):
    official = UserFactory(role=Role.COMMUNE, commune=places["new_xa"])
    url = reverse("admin:ntm_portal_user_change", args=[official.pk])
    page = admin_client.get(url).content.decode()
    assert "Xã Thử Tây – Tỉnh Thử Nam (2025)" in page
    response = admin_client.post(
        url,
        {
            "username": official.username,
            "email": official.email,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "role": Role.COMMUNE,
            "commune": places["new_xa"].pk,
            "province": places["new"].pk,
        },
    )
    assert response.status_code == 200
    assert "Cán bộ xã chỉ gắn với xã: bỏ chọn tỉnh." in response.content.decode()
    official.refresh_from_db()
    assert official.province_id is None

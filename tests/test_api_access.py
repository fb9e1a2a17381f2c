"""Every API endpoint × every role, with each persona's own token: allowed or refused exactly as
the pages are, lists holding exactly what the app's access helper gives the token's user (and
nothing of province B for anyone but admins), and nothing at all without a token."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communes.access import communes_visible_to, provinces_visible_to
from criteria.access import evaluations_visible_to, recognitions_visible_to, standings_visible_to
from reports.access import documents_visible_to
from sponsorships.access import agencies_visible_to, assignments_visible_to, inspections_visible_to

from .api_helpers import add_foreign_and_own, auth, tokens_for
from .conftest import PERSONAS

ANON = "anonymous"
ROLES = [*PERSONAS, ANON]
HOLDERS = set(PERSONAS)  # a token without a role is a user who sees nothing: lists are empty
READERS_A1 = {"admin", "province", "district", "commune"}
READERS_A2 = {"admin", "province", "district", "agency"}
ISSUERS_A = {"admin", "province", "agency"}

# (url name, object in the world or None, method) → roles allowed.
API_MATRIX = [
    ("api:root", None, "get", {*ROLES}),
    ("api:schema", None, "get", {*ROLES}),
    ("api:docs", None, "get", {*ROLES}),
    ("api:province_list", None, "get", HOLDERS),
    ("api:province_detail", "province_a", "get", HOLDERS - {"norole"}),
    ("api:province_detail", "province_b", "get", {"admin"}),
    ("api:commune_list", None, "get", HOLDERS),
    ("api:commune_detail", "commune_a1", "get", READERS_A1),
    ("api:commune_detail", "commune_a2", "get", READERS_A2),
    ("api:commune_detail", "commune_a3", "get", {"admin", "province"}),
    ("api:commune_detail", "commune_b1", "get", {"admin"}),
    ("api:criteria_set_list", None, "get", HOLDERS),
    ("api:criteria_set_detail", "criteria_set", "get", HOLDERS),
    ("api:evaluation_list", None, "get", HOLDERS),
    ("api:evaluation_detail", "evaluation_a1", "get", READERS_A1),
    ("api:evaluation_values", "evaluation_a1", "put", {"admin", "commune"}),
    ("api:standing_list", None, "get", HOLDERS),
    ("api:dashboard", None, "get", {"admin", "province", "district", "agency"}),
    ("api:recognition_list", None, "get", HOLDERS),
    ("api:agency_list", None, "get", HOLDERS),
    ("api:agency_detail", "agency_a", "get", ISSUERS_A),
    ("api:agency_detail", "agency_b", "get", {"admin"}),
    ("api:assignment_list", None, "get", HOLDERS),
    ("api:inspection_list", None, "get", HOLDERS),
    ("api:inspection_detail", "inspection_a2", "get", READERS_A2),
    # The report is still a draft: its agency and the province office read it (not the district).
    ("api:attachment_file", "attachment_a2", "get", READERS_A2 - {"district"}),
    ("api:document_list", None, "get", HOLDERS),
    ("api:document_detail", "document_a", "get", ISSUERS_A),
    ("api:document_pdf", "document_a", "get", ISSUERS_A),
    ("api:document_docx", "document_a", "get", ISSUERS_A),
]

# Each list and the access helper that decides what it may hold.
LISTS = {
    "api:province_list": provinces_visible_to,
    "api:commune_list": communes_visible_to,
    "api:evaluation_list": lambda user: evaluations_visible_to(user).of_communes(),
    "api:standing_list": lambda user: standings_visible_to(user).filter(is_latest=True),
    "api:recognition_list": recognitions_visible_to,
    "api:agency_list": agencies_visible_to,
    "api:assignment_list": assignments_visible_to,
    "api:inspection_list": inspections_visible_to,
    "api:document_list": documents_visible_to,
}


@pytest.fixture
def api(world, personas):
    foreign = add_foreign_and_own(world)
    return foreign, tokens_for(personas)


def test_every_api_pattern_is_in_the_matrix():
    from .test_access_matrix import COVERED_ELSEWHERE

    api_names = {name for name in COVERED_ELSEWHERE if name.startswith("api:")}
    assert api_names == {name for name, *_ in API_MATRIX}


def _request(client, world, name, target, method, headers):
    url = reverse(name, args=[getattr(world, target).pk] if target else [])
    if method == "put":
        evaluation = world.evaluation_a1
        evaluation.refresh_from_db()
        indicator = evaluation.criteria_set.criteria.get(number=1).indicators.get()
        body = {
            "version": evaluation.version,
            "values": [{"indicator": indicator.pk, "value": "Đạt"}],
        }
        return client.put(url, body, content_type="application/json", **headers)
    response = client.get(url, **headers)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize(
    ("name", "target", "method", "allowed"),
    API_MATRIX,
    ids=[f"{n}[{t or '-'}]" for n, t, *_ in API_MATRIX],
)
@pytest.mark.parametrize("role", ROLES)
def test_api_role_matrix(client, world, api, role, name, target, method, allowed):
    _foreign, keys = api
    headers = auth(keys[role]) if role != ANON else {}
    response = _request(client, world, name, target, method, headers)
    if role == ANON and name not in ("api:root", "api:schema", "api:docs"):
        assert response.status_code == 401, response.content
        assert response["WWW-Authenticate"].startswith("Bearer")
        return
    assert response.status_code in (200, 403, 404), (role, name, response.status_code)
    assert (response.status_code == 200) == (role in allowed), (role, name, response.status_code)


@pytest.mark.parametrize("name", sorted(LISTS))
@pytest.mark.parametrize("role", PERSONAS)
def test_a_token_lists_exactly_what_its_user_sees(client, world, personas, api, role, name):
    foreign, keys = api
    response = client.get(reverse(name), {"page_size": 500}, **auth(keys[role]))
    assert response.status_code == 200
    returned = {row["id"] for row in response.json()["results"]}
    expected = set(LISTS[name](personas[role]).values_list("pk", flat=True))
    assert returned == expected
    if role != "admin":
        province_b_ids = {
            "api:province_list": {world.province_b.pk},
            "api:commune_list": {world.commune_b1.pk},
            "api:evaluation_list": {foreign.evaluation.pk},
            "api:recognition_list": {foreign.recognition.pk},
            "api:agency_list": {world.agency_b.pk},
            "api:inspection_list": {foreign.inspection.pk},
            "api:document_list": {foreign.document.pk},
        }.get(name, set())
        assert not returned & province_b_ids


def test_no_response_body_of_a_refused_object_names_it(client, world, api):
    """A refused object answers like a missing one: the same 404 body, nothing of its data."""
    _foreign, keys = api
    headers = auth(keys["commune"])
    refused = client.get(reverse("api:commune_detail", args=[world.commune_b1.pk]), **headers)
    missing = client.get(reverse("api:commune_detail", args=[10**9]), **headers)
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert "Bình Lư" not in refused.content.decode()


def test_the_dashboard_is_the_tokens_scope(client, world, api):
    _foreign, keys = api
    province = client.get(reverse("api:dashboard"), **auth(keys["province"])).json()
    assert province["scope"]["level"] == "province"
    assert province["scope"]["province"] == world.province_a.pk
    assert {row["name"] for row in province["breakdown"]} == {
        "Huyện Hướng Hóa",
        "Huyện Triệu Phong",
    }
    assert province["total"]["communes"] == 3
    # Another province's id is refused by name, not silently replaced.
    other = client.get(
        reverse("api:dashboard"), {"province": world.province_b.pk}, **auth(keys["district"])
    )
    assert other.status_code == 422  # a well-formed id outside the scope
    assert "province" in other.json()["fields"]
    national = client.get(reverse("api:dashboard"), {"edition": 2024}, **auth(keys["admin"])).json()
    assert national["scope"]["level"] == "national"
    assert national["total"]["communes"] == 4


def test_a_session_reads_too_but_writes_only_with_its_csrf_token(client, world, personas):
    """The browsable docs try requests with the signed-in session; a forged write is refused."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas["commune"])
    assert browser.get(reverse("api:commune_list")).status_code == 200
    evaluation = world.evaluation_a1
    response = browser.put(
        reverse("api:evaluation_values", args=[evaluation.pk]),
        {"version": evaluation.version, "values": [{"indicator": 1, "value": "1"}]},
        content_type="application/json",
    )
    assert response.status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.version == 1


def test_the_base_address_lists_the_endpoints_and_links_the_docs(client):
    index = client.get("/api/v1/")
    assert index.status_code == 200
    body = index.json()
    assert body["docs"] == "http://testserver/api/v1/docs/"
    assert body["schema"] == "http://testserver/api/v1/schema/"
    assert body["endpoints"]["communes"] == "http://testserver/api/v1/communes/"
    assert len(body["endpoints"]) == 11

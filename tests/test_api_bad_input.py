"""Bad query parameters on every read endpoint: a JSON error naming the parameter, in
Vietnamese (English with `Accept-Language: en`), never a 500. The parameters are the documented
ones (the committed OpenAPI schema), so a filter added later is tried without touching this file;
the filters also narrow what they say they narrow."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from criteria.models import Recognition

from .api_helpers import add_foreign_and_own, auth, tokens_for

SCHEMA = yaml.safe_load(
    (Path(__file__).resolve().parent.parent / "reports" / "api" / "openapi.yaml").read_text("utf-8")
)
HOSTILE = ["abc", "-1", "0", "99999999999999999999999", "2024-02-30", "\x00", "x" * 3000, "١٢"]


def _read_endpoints() -> list[tuple[str, list[dict]]]:
    found = []
    for path, operations in SCHEMA["paths"].items():
        if "get" in operations and "{id}" not in path:
            found.append((path, operations["get"].get("parameters", [])))
    return found


@pytest.fixture
def admin_key(world, personas):
    add_foreign_and_own(world)
    return tokens_for({"admin": personas["admin"]})["admin"]


@pytest.mark.parametrize(
    ("path", "parameters"), _read_endpoints(), ids=[path for path, _p in _read_endpoints()]
)
def test_hostile_parameters_are_named_in_a_json_error_never_a_500(
    client, world, admin_key, path, parameters
):
    names = [p["name"] for p in parameters if p["in"] == "query"]
    if path.endswith("/pdf/") or path.endswith("/docx/"):
        return
    for name in names:
        for value in HOSTILE:
            response = client.get(path, {name: value}, **auth(admin_key))
            assert response.status_code in (200, 400), (name, value, response.status_code)
            assert response["Content-Type"] == "application/json", (name, value)
            if response.status_code == 400:
                body = response.json()
                assert name in body["fields"], (name, value, body)
                assert name in body["detail"]
        twice = client.get(f"{path}?{name}=1&{name}=2", **auth(admin_key))
        assert twice.status_code == 400, name
        assert twice.json()["fields"][name] == ["Chỉ được gửi một giá trị."]


def test_every_documented_filter_is_checked_somewhere():
    """Each list endpoint reads at least one filter, and the usual ones where they belong."""
    endpoints = dict(_read_endpoints())
    names = {path: {p["name"] for p in parameters} for path, parameters in endpoints.items()}
    for path in ("communes", "provinces", "evaluations", "standings", "recognitions", "agencies"):
        assert "edition" in names[f"/api/v1/{path}/"], path
    for path in ("evaluations", "standings", "dashboard"):
        assert {"criteria_set", "period"} <= names[f"/api/v1/{path}/"], path
    assert {"cursor", "page_size"} <= names["/api/v1/communes/"]


def test_a_bad_cursor_or_page_size_is_named(client, world, admin_key):
    bad = client.get("/api/v1/communes/", {"cursor": "not-a-cursor"}, **auth(admin_key))
    assert bad.status_code == 400
    assert bad.json()["fields"]["cursor"] == ["Con trỏ trang không hợp lệ."]
    english = client.get(
        "/api/v1/communes/",
        {"cursor": "not-a-cursor", "page_size": "501"},
        HTTP_ACCEPT_LANGUAGE="en",
        **auth(admin_key),
    )
    assert english.status_code == 400
    assert english.json()["detail"].startswith("Invalid data:")
    assert english.json()["fields"] == {"page_size": ["Rows per page must be from 1 to 500."]}
    english = client.get(
        "/api/v1/communes/", {"cursor": "x"}, HTTP_ACCEPT_LANGUAGE="en", **auth(admin_key)
    )
    assert english.json()["fields"] == {"cursor": ["Invalid page cursor."]}


def test_the_cursor_walks_every_row_once(client, world, admin_key):
    seen, url, pages = [], "/api/v1/communes/?page_size=2", 0
    while url:
        body = client.get(url, **auth(admin_key)).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
        assert pages < 100
    assert pages >= 2
    assert len(seen) == len(set(seen))
    everything = client.get("/api/v1/communes/?page_size=500", **auth(admin_key)).json()
    assert sorted(seen) == sorted(row["id"] for row in everything["results"])


def test_filters_by_edition_period_set_and_year_narrow_the_lists(client, world, admin_key):
    recognition = Recognition.objects.get(decision_number="12/QĐ-UBND")

    def ids(path, **query):
        response = client.get(path, query, **auth(admin_key))
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert recognition.pk in ids("/api/v1/recognitions/", year="2024", edition="2024")
    assert recognition.pk not in ids("/api/v1/recognitions/", year="2023")
    assert recognition.pk not in ids("/api/v1/recognitions/", edition="2025")
    assert recognition.pk not in ids("/api/v1/recognitions/", level="kieu_mau")
    evaluation = world.evaluation_a1
    period = f"{evaluation.year}-{evaluation.half}"
    assert evaluation.pk in ids(
        "/api/v1/evaluations/", period=period, criteria_set=str(evaluation.criteria_set_id)
    )
    assert evaluation.pk not in ids("/api/v1/evaluations/", period=f"{evaluation.year - 1}-1")
    assert evaluation.pk not in ids("/api/v1/evaluations/", criteria_set="999999")
    assert ids("/api/v1/agencies/", edition="2024")
    assert not ids("/api/v1/agencies/", edition="2025") & ids("/api/v1/agencies/", edition="2024")


def test_an_unknown_api_address_is_a_json_404_and_pages_keep_theirs(client, world, admin_key):
    response = client.get("/api/v1/khong-co/", **auth(admin_key))
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy (hoặc nằm ngoài phạm vi của bạn)."}
    english = client.get("/api/v1/khong-co/", HTTP_ACCEPT_LANGUAGE="en", **auth(admin_key))
    assert english.json() == {"detail": "Not found (or outside your scope)."}
    nul = client.get("/api/v1/communes/", {"province": "1\x00"}, **auth(admin_key))
    assert nul.status_code == 400
    assert nul.json()["fields"] == {"province": ["Không được chứa ký tự NUL."]}
    client.force_login(world.evidence_a1.uploaded_by)
    page = client.get("/dia-ban/khong-co/")
    assert page.status_code == 404
    assert "text/html" in page["Content-Type"]

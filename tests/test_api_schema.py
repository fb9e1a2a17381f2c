"""The OpenAPI schema is generated without a warning and the committed copy is the current one
(regenerate it with the command in the failure message)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command

from reports.api import urls

SCHEMA = Path(__file__).resolve().parent.parent / "reports" / "api" / "openapi.yaml"
# Against PostgreSQL, like production: integer ranges in the schema are the database's.
COMMAND = ".ci/with-services .venv/bin/python manage.py spectacular --validate --fail-on-warn --file reports/api/openapi.yaml"


def test_the_schema_has_no_warning_and_is_the_committed_one(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text("utf-8") == SCHEMA.read_text("utf-8"), f"run: {COMMAND}"


def test_every_endpoint_is_documented_and_needs_the_token():
    schema = yaml.safe_load(SCHEMA.read_text("utf-8"))
    documented = set(schema["paths"])
    routed = {
        "/api/v1/" + str(pattern.pattern).replace("<int:pk>", "{id}")
        for pattern in urls.urlpatterns
        if pattern.name not in ("schema", "docs")
    }
    assert routed == documented
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    assert schema["paths"]["/api/v1/evaluations/{id}/values/"]["put"]["security"][0] == {
        "apiToken": []
    }


def test_the_docs_load_nothing_from_outside(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page

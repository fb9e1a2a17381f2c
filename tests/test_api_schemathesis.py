"""The API does what its OpenAPI document says: schemathesis generates requests from the committed
schema (valid ones, which must be accepted, and invalid ones, which must be refused) for every
operation, sends them to the portal in this process (WSGI, no network) with the key of each role,
and checks every answer against the document: no 500, only documented statuses and content
types, bodies of the documented shape. Examples are bounded and derandomized, so a run is the
same run every time; the write goes to the test database, rolled back after each operation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from criteria.models import Indicator

from .api_helpers import add_foreign_and_own, tokens_for

# The committed document, which tests/test_api_schema.py keeps equal to the one the app serves.
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "reports" / "api" / "openapi.yaml"
# 422 is the portal's "of the documented shape, but the stored data refuses it" (an indicator of
# another set, a word for a percentage, an id outside the holder's scope): no schema can say
# which ids exist, so a valid request may meet it, like 404 or 409.
ACCEPTED = ["2xx", "401", "403", "404", "409", "422", "429"]
DOCUMENT = yaml.safe_load(SCHEMA_FILE.read_text("utf-8"))


def _load(**phases: dict) -> schemathesis.BaseSchema:
    config = {"checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}}}
    loaded = schemathesis.openapi.from_dict(
        DOCUMENT, config=schemathesis.Config.from_dict({**config, "phases": phases})
    )
    loaded.app = WSGIHandler()
    return loaded


# The administrator sees every object, so every answer of every operation can be met: the
# coverage phase (each parameter's bounds, types and missing values) and the fuzzing phase.
schema = _load()
# Each other role is the same operations seen through its scope (403, 404, 422 where the admin
# has 200): fewer examples, sent with every role's key.
by_role = _load(coverage={"enabled": False}, examples={"enabled": False})

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
ROLES = ["province", "district", "commune", "agency", "norole"]
SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    # One world per operation serves all its examples; the examples are few and bounded.
    "suppress_health_check": list(HealthCheck),
}


@dataclass
class Api:
    keys: dict[str, str]
    ids: dict[str, int]


@pytest.fixture
def api_world(world, personas, settings):
    """The shared world with something of every kind, a key per role, and Django's connection
    kept open across requests: the WSGI handler would close it after each one (Django's test
    client disconnects the same signal), and with it the test's transaction. The per-minute
    limits are lifted: an operation's examples are more than a minute's writes, and a 429 would
    stand in for the answer under test (tests/test_api_error_language.py throttles)."""
    settings.API_READS_PER_MINUTE = settings.API_WRITES_PER_MINUTE = 100_000
    add_foreign_and_own(world)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Api(
            keys=tokens_for({role: personas[role] for role in ["admin", *ROLES]}),
            ids={
                "agencies": world.agency_a.pk,
                "communes": world.commune_a1.pk,
                "criteria-sets": world.criteria_set.pk,
                "documents": world.document_a.pk,
                "evaluations": world.evaluation_a1.pk,
                "inspection-attachments": world.attachment_a2.pk,
                "inspections": world.inspection_a2.pk,
                "provinces": world.province_a.pk,
            },
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _send(case, api: Api, role: str) -> None:
    # A cursor is made by the server (the "next" of a page); one made up is refused by name.
    # tests/test_api_bad_input.py walks real cursors.
    case.query = {name: value for name, value in (case.query or {}).items() if name != "cursor"}
    identifier = (case.path_parameters or {}).get("id")
    if case.meta.generation.mode.is_positive and isinstance(identifier, int) and identifier % 2:
        # Half of the valid ids name an object of the world, so that answers of 200 are
        # checked too (a made-up id is a 404).
        case.path_parameters["id"] = api.ids[case.path.split("/")[3]]
    # identity: the portal gzips JSON for clients that accept it, and the test client would hand
    # schemathesis the compressed bytes (tests/test_field_page_weight.py checks the compression).
    headers = {"Authorization": f"Bearer {api.keys[role]}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=20, **SETTINGS)
def test_every_operation_answers_the_admin_as_documented(case, api_world):
    _send(case, api_world, "admin")


@by_role.parametrize()
@settings(max_examples=6, **SETTINGS)
def test_every_operation_answers_every_role_as_documented(case, api_world):
    for role in ROLES:
        _send(case, api_world, role)


def test_an_accepted_write_answers_as_documented(api_world, world):
    """Generated values rarely suit their indicator (422): one write that does, checked alike."""
    numbers = dict(
        Indicator.objects.filter(criterion__criteria_set=world.criteria_set).values_list(
            "number", "pk"
        )
    )
    write = schema["/api/v1/evaluations/{id}/values/"]["PUT"].Case(
        path_parameters={"id": world.evaluation_a1.pk},
        body={
            "version": world.evaluation_a1.version,
            "values": [
                {"indicator": numbers["1.1"], "value": "Đạt"},
                {"indicator": numbers["2.1"], "value": "80", "note": "Theo biên bản"},
            ],
        },
        media_type="application/json",
    )
    response = write.call_and_validate(
        headers={
            "Authorization": f"Bearer {api_world.keys['commune']}",
            "Accept-Encoding": "identity",
        },
        checks=CHECKS,
    )
    assert response.status_code == 200
    assert response.json()["changed"] == 2

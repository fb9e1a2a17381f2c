"""The evaluations of the API are built from plain rows (issue 29): the same JSON, to the byte,
as EvaluationSerializer gives from model objects, in a fixed number of queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from criteria.models import Evaluation, Indicator, IndicatorValue
from criteria.services import evaluation_create, evaluation_save_values
from reports.api.serializers import EvaluationSerializer

from .api_helpers import approve, auth, tokens_for
from .factories import CommuneFactory

PREFETCHED = Evaluation.objects.select_related("commune", "village", "criteria_set")


def _reference(evaluations) -> list[dict]:
    """What the serializer says of these evaluations, from model objects as before."""
    from django.db.models import Prefetch

    from criteria.models import CriterionResult

    rows = PREFETCHED.filter(pk__in=[e.pk for e in evaluations]).prefetch_related(
        Prefetch(
            "values",
            IndicatorValue.objects.select_related("indicator").order_by(
                "indicator__criterion__number", "indicator__position", "indicator_id"
            ),
        ),
        Prefetch(
            "results",
            CriterionResult.objects.select_related("criterion").order_by("criterion__number"),
        ),
    )
    return EvaluationSerializer(rows.order_by("pk"), many=True).data


def _json(data) -> bytes:
    return JSONRenderer().render(data)


@pytest.fixture
def evaluations(world) -> list[Evaluation]:
    """Values of every kind: yes and no, decimals, an empty one, a note; a village."""
    indicators = {
        i.number: i for c in world.criteria_set.criteria.all() for i in c.indicators.all()
    }
    made = [world.evaluation_a1]
    for number, (yes_no, percent, poverty) in enumerate(
        [("Đạt", "61,5", "3"), ("Chưa đạt", "12,125", ""), ("", "", "0,5")]
    ):
        commune = CommuneFactory(district=world.district_a1, name=f"Xã Hàng {number}")
        evaluation = evaluation_create(
            commune=commune, criteria_set=world.criteria_set, year=2024, half=2, actor=None
        )
        evaluation_save_values(
            evaluation=evaluation,
            raw_values={
                indicators["1.1"].pk: yes_no,
                indicators["2.1"].pk: percent,
                indicators["3.1"].pk: poverty,
            },
            notes={indicators["2.1"].pk: f"Ghi chú {number} <b>&</b>"},
            version=evaluation.version,
            actor=world.evidence_a1.uploaded_by,
        )
        if number != 2:
            approve(evaluation)
        made.append(evaluation)
    village = world.commune_a1.villages.first()
    made.append(
        evaluation_create(
            commune=world.commune_a1,
            criteria_set=world.criteria_set,
            year=2024,
            half=2,
            actor=None,
            village=village,
        )
    )
    assert IndicatorValue.objects.filter(indicator__kind=Indicator.Kind.YES_NO).exists()
    return made


def test_the_list_says_what_the_serializer_says(client, world, personas, evaluations):
    key = tokens_for(personas)["admin"]
    communes = client.get(reverse("api:evaluation_list"), **auth(key)).json()["results"]
    villages = client.get(reverse("api:evaluation_list"), {"villages": "true"}, **auth(key)).json()[
        "results"
    ]
    listed = communes + villages
    assert [row["id"] for row in listed] == [e.pk for e in evaluations]
    expected = json.loads(_json(_reference(evaluations)))
    assert listed == expected
    displays = {value["display"] for row in listed for value in row["values"]}
    assert {"Đạt", "Chưa đạt", "61,5 %", "12,125 %", "—"} <= displays


def test_the_list_is_the_serializers_json_to_the_byte(client, world, personas, evaluations):
    key = tokens_for(personas)["admin"]
    response = client.get(reverse("api:evaluation_list"), {"page_size": 2}, **auth(key))
    page = response.json()
    assert page["next"]  # paginated by the cursor as before
    expected = _reference(evaluations[:2])
    assert _json(page["results"]) == _json(json.loads(_json(expected)))
    following = client.get(page["next"], **auth(key)).json()["results"]
    assert [row["id"] for row in following] == [e.pk for e in evaluations[2:4]]


def test_the_detail_says_what_the_serializer_says(client, world, personas, evaluations):
    key = tokens_for(personas)["admin"]
    for evaluation in evaluations:
        response = client.get(reverse("api:evaluation_detail", args=[evaluation.pk]), **auth(key))
        assert response.status_code == 200
        assert response.json() == json.loads(_json(_reference([evaluation])))[0]


def test_a_detail_outside_the_scope_is_not_found(client, world, personas, evaluations):
    foreign = evaluation_create(
        commune=world.commune_b1, criteria_set=world.criteria_set, year=2024, half=2, actor=None
    )
    key = tokens_for(personas)["province"]
    response = client.get(reverse("api:evaluation_detail", args=[foreign.pk]), **auth(key))
    assert response.status_code == 404
    own = client.get(reverse("api:evaluation_detail", args=[evaluations[1].pk]), **auth(key))
    assert own.status_code == 200


def test_a_page_costs_the_same_queries_for_one_row_and_for_many(
    client, world, personas, evaluations
):
    key = tokens_for(personas)["admin"]
    url = reverse("api:evaluation_list")
    client.get(url, {"page_size": 1}, **auth(key))  # what is read once per process
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"page_size": 1}, **auth(key))
    with CaptureQueriesContext(connection) as many:
        rows = client.get(url, {"page_size": 500}, **auth(key)).json()["results"]
    assert len(rows) == 4
    assert len(many) == len(one)
    # The page, its values and its results: no query per row or per value.
    assert sum("criteria_indicatorvalue" in q["sql"] for q in many) == 1
    assert sum("criteria_criterionresult" in q["sql"] for q in many) == 1

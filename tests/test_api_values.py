"""The one write of the API: a commune's indicator values, through the form's service. Refuses
what the form refuses (same words, nothing written), keeps the same history and the same
optimistic version, and answers in English when asked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from criteria.models import Evaluation, EvaluationLog, IndicatorValue
from criteria.services import evaluation_save_values, evaluation_submit

from .api_helpers import auth, tokens_for
from .factories import small_catalogue


@pytest.fixture
def keys(personas):
    return tokens_for(personas)


def _by_number(evaluation):
    from criteria.models import Indicator

    return {
        i.number: i.pk
        for i in Indicator.objects.filter(criterion__criteria_set=evaluation.criteria_set)
    }


def _put(client, evaluation, key, values, version=None, **headers):
    evaluation.refresh_from_db()
    body = {"version": evaluation.version if version is None else version, "values": values}
    return client.put(
        reverse("api:evaluation_values", args=[evaluation.pk]),
        body,
        content_type="application/json",
        **auth(key),
        **headers,
    )


def _written(evaluation) -> tuple:
    evaluation.refresh_from_db()
    return (
        evaluation.version,
        EvaluationLog.objects.filter(evaluation=evaluation).count(),
        list(
            IndicatorValue.objects.filter(evaluation=evaluation).values_list("indicator", "value")
        ),
    )


def test_values_are_saved_with_history_version_and_tally(client, world, keys, personas):
    evaluation = world.evaluation_a1
    ids = _by_number(evaluation)
    response = _put(
        client,
        evaluation,
        keys["commune"],
        [
            {"indicator": ids["1.1"], "value": "Đạt"},
            {"indicator": ids["2.1"], "value": "75,5", "note": "Theo báo cáo của xã"},
            {"indicator": ids["3.1"], "value": 4},
        ],
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] == 3
    assert body["evaluation"]["version"] == 2
    assert body["evaluation"]["tally"]["met"] == 3
    assert body["evaluation"]["tally"]["sentence"] == "Đạt 3/3 tiêu chí"
    logs = EvaluationLog.objects.filter(
        evaluation=evaluation, action=EvaluationLog.Action.VALUE_CHANGED
    )
    assert logs.count() == 3
    assert set(logs.values_list("actor", flat=True)) == {personas["commune"].pk}
    assert IndicatorValue.objects.get(evaluation=evaluation, indicator_id=ids["2.1"]).note == (
        "Theo báo cáo của xã"
    )
    # The evaluation's page shows the change in its history, like a change made in the form.
    client.force_login(personas["commune"])
    page = client.get(reverse("criteria:evaluation_detail", args=[evaluation.pk])).content.decode()
    assert "75,5" in page


@pytest.mark.parametrize(
    ("number", "value", "message"),
    [
        ("2.1", "abc", "không phải là số"),
        ("2.1", "150", "Tỷ lệ phải từ 0 đến 100."),
        ("2.1", "-1", "Giá trị không được âm."),
        ("1.1", "có lẽ", "chọn Đạt hoặc Chưa đạt"),
    ],
)
def test_the_api_refuses_what_the_form_refuses_in_the_same_words(
    client, world, keys, personas, number, value, message
):
    evaluation = world.evaluation_a1
    ids = _by_number(evaluation)
    before = _written(evaluation)
    response = _put(
        client,
        evaluation,
        keys["commune"],
        [{"indicator": ids["3.1"], "value": "2"}, {"indicator": ids[number], "value": value}],
    )
    assert response.status_code == 422  # well-formed, refused by the indicator: not 400
    fields = response.json()["fields"]
    assert list(fields) == ["values[1].value"]
    assert message in fields["values[1].value"][0]
    assert fields["values[1].value"][0].startswith(f"{number}: ")
    assert _written(evaluation) == before
    # The form says the same and writes nothing either.
    client.force_login(personas["commune"])
    form = client.post(
        reverse("criteria:evaluation_edit", args=[evaluation.pk]),
        {"version": evaluation.version, f"value_{ids[number]}": value},
    )
    assert message in form.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert _written(evaluation) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"values": [{"indicator": 1, "value": "1"}]}, "version"),
        ({"version": "x", "values": [{"indicator": 1, "value": "1"}]}, "version"),
        ({"version": 1, "values": []}, "values"),
        ({"version": 1, "values": "1"}, "values"),
        ({"version": 1, "values": [{"value": "1"}]}, "values[0].indicator"),
        ({"version": 1, "values": [{"indicator": -5, "value": "1"}]}, "values[0].indicator"),
        ({"version": 1, "values": [{"indicator": 1, "value": "x" * 101}]}, "values[0].value"),
    ],
)
def test_malformed_bodies_name_the_field_and_write_nothing(client, world, keys, body, field):
    evaluation = world.evaluation_a1
    before = _written(evaluation)
    response = client.put(
        reverse("api:evaluation_values", args=[evaluation.pk]),
        body,
        content_type="application/json",
        **auth(keys["commune"]),
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert _written(evaluation) == before


def test_an_indicator_of_another_set_or_twice_is_named(client, world, keys):
    evaluation = world.evaluation_a1
    other = small_catalogue(code="KHAC").criteria.get(number=1).indicators.get()
    ids = _by_number(evaluation)
    before = _written(evaluation)
    response = _put(client, evaluation, keys["commune"], [{"indicator": other.pk, "value": "1"}])
    assert response.status_code == 422
    assert "values[0].indicator" in response.json()["fields"]
    twice = _put(
        client,
        evaluation,
        keys["commune"],
        [{"indicator": ids["1.1"], "value": "1"}, {"indicator": ids["1.1"], "value": "0"}],
    )
    assert "values[1].indicator" in twice.json()["fields"]
    assert _written(evaluation) == before


def test_a_stale_version_is_a_conflict_and_writes_nothing(client, world, keys, personas):
    evaluation = world.evaluation_a1
    ids = _by_number(evaluation)
    opened = evaluation.version
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={ids["1.1"]: "Đạt"},
        notes={},
        version=opened,
        actor=personas["commune"],
    )
    before = _written(evaluation)
    response = _put(
        client,
        evaluation,
        keys["commune"],
        [{"indicator": ids["2.1"], "value": "80"}],
        version=opened,
    )
    assert response.status_code == 409
    assert "vừa được người khác thay đổi" in response.json()["detail"]
    assert _written(evaluation) == before


def test_a_submitted_evaluation_is_not_editable(client, world, keys, personas):
    evaluation = world.evaluation_a1
    ids = _by_number(evaluation)
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={ids["1.1"]: "Đạt", ids["2.1"]: "80", ids["3.1"]: "2"},
        notes={},
        version=evaluation.version,
        actor=personas["commune"],
    )
    evaluation.refresh_from_db()
    evaluation_submit(evaluation=evaluation, version=evaluation.version, actor=personas["commune"])
    before = _written(evaluation)
    response = _put(client, evaluation, keys["commune"], [{"indicator": ids["2.1"], "value": "90"}])
    assert response.status_code == 403
    assert _written(evaluation) == before


@pytest.mark.parametrize(
    ("role", "status"), [("province", 403), ("district", 403), ("agency", 404)]
)
def test_who_may_read_but_not_write_is_refused_and_nothing_written(
    client, world, keys, role, status, caplog
):
    evaluation = world.evaluation_a1
    ids = _by_number(evaluation)
    before = _written(evaluation)
    response = _put(client, evaluation, keys[role], [{"indicator": ids["1.1"], "value": "Đạt"}])
    assert response.status_code == status
    assert _written(evaluation) == before
    assert any("api-values" in record.getMessage() for record in caplog.records)
    assert Evaluation.objects.get(pk=evaluation.pk).log.history().count() == 1  # "created" only


def test_errors_are_in_english_when_asked(client, world, keys):
    evaluation = world.evaluation_a1
    ids = _by_number(evaluation)
    response = _put(
        client,
        evaluation,
        keys["commune"],
        [{"indicator": ids["2.1"], "value": "150"}],
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    message = response.json()["fields"]["values[0].value"][0]
    assert message == "2.1: A percentage must be between 0 and 100."
    listed = client.get(
        reverse("api:commune_list"),
        {"edition": "1999"},
        HTTP_ACCEPT_LANGUAGE="en",
        **auth(keys["admin"]),
    )
    assert listed.json()["fields"]["edition"] == ["The edition must be 2024 or 2025."]
    vietnamese = client.get(reverse("api:commune_list"), {"edition": "1999"}, **auth(keys["admin"]))
    assert vietnamese.json()["fields"]["edition"] == ["Phiên bản phải là 2024 hoặc 2025."]


def test_not_json_is_a_json_error(client, world, keys):
    evaluation = world.evaluation_a1
    url = reverse("api:evaluation_values", args=[evaluation.pk])
    broken = client.put(url, "{not json", content_type="application/json", **auth(keys["commune"]))
    assert broken.status_code == 400
    assert "JSON" in broken.json()["detail"]
    xml = client.put(url, "<a/>", content_type="application/xml", **auth(keys["commune"]))
    assert xml.status_code == 415
    assert xml.json()["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"version": 1, "values": ' + "[" * 100_000 + "]" * 100_000 + "}", "lồng nhau quá sâu"),
        (
            '{"version": 1, "values": [{"indicator": ' + "9" * 5000 + ', "value": "Đạt"}]}',
            "một số dài 5000 chữ số: tối đa 100 chữ số",
        ),
        ('{"version": 1e999, "values": []}', "một số quá lớn"),
    ],
    ids=["deep", "huge-integer", "infinite"],
)
def test_deep_json_or_huge_numbers_are_a_vietnamese_400_and_nothing_written(
    client, world, keys, body, message
):
    evaluation = world.evaluation_a1
    before = _written(evaluation)
    response = client.put(
        reverse("api:evaluation_values", args=[evaluation.pk]),
        body,
        content_type="application/json",
        **auth(keys["commune"]),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["detail"]
    assert _written(evaluation) == before


def test_a_json_number_is_a_value_within_the_documented_bounds(client, world, keys):
    evaluation = world.evaluation_a1
    ids = _by_number(evaluation)
    before = _written(evaluation)
    huge = _put(client, evaluation, keys["commune"], [{"indicator": ids["2.1"], "value": 1e20}])
    assert huge.status_code == 400
    assert huge.json()["fields"] == {"values[0].value": ["Số phải từ -10^13 đến 10^13."]}
    assert _written(evaluation) == before
    number = _put(client, evaluation, keys["commune"], [{"indicator": ids["2.1"], "value": 80}])
    assert number.status_code == 200, number.content
    assert number.json()["changed"] == 1

"""A refused request leaves no trace in the object's history: refusals go to the security log
(rate-limited), the history page shows every real entry page by page, and the conflict message
names the last real editor."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from criteria.models import EvaluationLog
from criteria.services import evaluation_save_values
from ntm_portal.models import Role
from sponsorships.models import InspectionLog

from .factories import UserFactory

EVALUATION_PAGES = [
    ("criteria:evaluation_edit", "get"),
    ("criteria:evaluation_edit", "post"),
    ("criteria:evaluation_submit", "post"),
    ("criteria:evaluation_approve", "post"),
    ("criteria:evaluation_return", "post"),
    ("criteria:evaluation_reopen", "post"),
    ("criteria:evidence_upload", "post"),
]


@pytest.fixture
def intruder(world):
    """Office staff of another province: every evaluation of province A answers 404."""
    return UserFactory(username="vpdp_laichau", role=Role.PROVINCE, province=world.province_b)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.mark.parametrize(("name", "method"), EVALUATION_PAGES)
def test_another_provinces_requests_answer_404_and_write_no_history(
    client, world, intruder, name, method
):
    client.force_login(intruder)
    before = list(EvaluationLog.objects.values_list("pk", flat=True))
    for _ in range(3):
        response = getattr(client, method)(reverse(name, args=[world.evaluation_a1.pk]))
        assert response.status_code == 404
    assert list(EvaluationLog.objects.values_list("pk", flat=True)) == before


@pytest.mark.parametrize(("name", "method"), EVALUATION_PAGES[:3])
def test_a_reader_who_may_not_change_an_evaluation_writes_no_history(
    client, world, personas, name, method
):
    client.force_login(personas["province"])
    before = EvaluationLog.objects.count()
    response = getattr(client, method)(reverse(name, args=[world.evaluation_a1.pk]))
    assert response.status_code == 403
    assert EvaluationLog.objects.count() == before


def test_refused_inspection_changes_write_no_history(client, world, personas):
    client.force_login(personas["commune"])
    before = InspectionLog.objects.count()
    for name in ("sponsorships:report_submit", "sponsorships:attachment_upload"):
        response = client.post(reverse(name, args=[world.inspection_a2.pk]))
        assert response.status_code == 404
    assert InspectionLog.objects.count() == before


def test_refusals_go_to_the_security_log_rate_limited(client, world, intruder, caplog):
    client.force_login(intruder)
    url = reverse("criteria:evaluation_edit", args=[world.evaluation_a1.pk])
    with caplog.at_level(logging.WARNING, logger="ntm_portal.security"):
        for _ in range(200):
            client.post(url)
    records = [r for r in caplog.records if r.name == "ntm_portal.security"]
    assert 1 <= len(records) <= 25
    assert f"user={intruder.pk}" in records[0].getMessage()
    assert f"evaluation {world.evaluation_a1.pk}" in records[0].getMessage()
    assert "suppressed" in records[-1].getMessage()


def test_the_history_page_shows_every_entry_page_by_page(client, world, personas):
    evaluation = world.evaluation_a1
    EvaluationLog.objects.bulk_create(
        EvaluationLog(
            evaluation=evaluation,
            actor=personas["commune"],
            action=EvaluationLog.Action.VALUE_CHANGED,
            old_value=str(n),
            new_value=str(n + 1),
        )
        for n in range(250)
    )
    client.force_login(personas["commune"])
    url = reverse("criteria:evaluation_detail", args=[evaluation.pk])
    first = client.get(url).content.decode()
    assert "249 → 250" in first
    assert "Trang 1/" in first
    last_page = EvaluationLog.objects.filter(evaluation=evaluation).count() // 50 + 1
    last = client.get(url, {"lich_su": last_page}).content.decode()
    # The creation, the oldest real entry, is still reachable.
    assert "Tạo" in last
    assert "0 → 1" in client.get(url, {"lich_su": last_page - 1}).content.decode() + last


def test_the_conflict_message_names_the_last_real_editor(world, personas, intruder):
    evaluation = world.evaluation_a1
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={world.criteria_set.criteria.get(number=2).indicators.get().pk: "80"},
        notes={},
        version=evaluation.version,
        actor=personas["commune"],
    )
    # A refusal recorded before this fix must not pass for an edit.
    EvaluationLog.objects.create(
        evaluation=evaluation, actor=intruder, action=EvaluationLog.Action.REFUSED
    )
    from criteria.services import EvaluationConflict

    with pytest.raises(EvaluationConflict) as conflict:
        evaluation_save_values(
            evaluation=evaluation, raw_values={}, notes={}, version=1, actor=personas["admin"]
        )
    assert str(personas["commune"]) in str(conflict.value)
    assert str(intruder) not in str(conflict.value)

"""Evaluations: derivation, optimistic locking, the review workflow, history and notifications."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from communes.models import Region
from criteria.models import Evaluation, EvaluationLog, Indicator
from criteria.services import (
    EvaluationConflict,
    EvaluationError,
    FieldErrors,
    evaluation_approve,
    evaluation_create,
    evaluation_reopen,
    evaluation_return,
    evaluation_save_values,
    evaluation_submit,
)
from ntm_portal.models import Notification
from ntm_portal.tasks import send_notification_email

from .factories import UserFactory


def _ids(evaluation: Evaluation) -> dict[str, int]:
    return dict(
        Indicator.objects.filter(criterion__criteria_set=evaluation.criteria_set).values_list(
            "number", "pk"
        )
    )


def _fill(evaluation, actor, **by_number) -> int:
    ids = _ids(evaluation)
    evaluation.refresh_from_db()
    return evaluation_save_values(
        evaluation=evaluation,
        raw_values={ids[number[1:].replace("_", ".")]: raw for number, raw in by_number.items()},
        notes={},
        version=evaluation.version,
        actor=actor,
    )


def test_values_derive_criteria_and_the_tally(world, personas):
    evaluation = world.evaluation_a1
    _fill(evaluation, personas["commune"], i1_1="Đạt", i2_1="61,5", i3_1="4,2")
    evaluation.refresh_from_db()
    assert (evaluation.met_count, evaluation.criteria_count) == (2, 3)
    assert dict(evaluation.results.values_list("criterion__number", "met")) == {
        1: True,
        2: False,
        3: True,
    }
    assert evaluation.values.get(indicator__number="2.1").value == Decimal("61.5")


def test_a_northern_mountain_commune_uses_its_regions_threshold(world, personas):
    world.commune_a1.region_override = Region.NORTHERN_MIDLANDS_MOUNTAINS
    world.commune_a1.save()
    evaluation = world.evaluation_a1
    _fill(evaluation, personas["commune"], i1_1="Đạt", i2_1="61,5", i3_1="4,2")
    evaluation.refresh_from_db()
    assert evaluation.met_count == 3  # 61,5% ≥ 50% there, not ≥ 70%


def test_bad_values_name_the_indicator_and_write_nothing(world, personas):
    evaluation = world.evaluation_a1
    _fill(evaluation, personas["commune"], i2_1="80")
    version = Evaluation.objects.get(pk=evaluation.pk).version
    with pytest.raises(FieldErrors) as refused:
        _fill(evaluation, personas["commune"], i1_1="Đạt", i2_1="120", i3_1="nhiều")
    ids = _ids(evaluation)
    assert refused.value.errors == {
        ids["2.1"]: "Tỷ lệ phải từ 0 đến 100.",
        ids["3.1"]: "«nhiều» không phải là số (ví dụ: 61,5).",
    }
    evaluation.refresh_from_db()
    assert evaluation.version == version
    assert evaluation.values.get(indicator__number="2.1").value == 80
    assert not evaluation.values.filter(indicator__number="1.1").exists()


def test_the_second_of_two_concurrent_saves_is_refused(world, personas):
    evaluation = world.evaluation_a1
    opened_version = evaluation.version
    ids = _ids(evaluation)
    evaluation_save_values(
        evaluation=evaluation,
        raw_values={ids["2.1"]: "75"},
        notes={},
        version=opened_version,
        actor=personas["commune"],
    )
    with pytest.raises(EvaluationConflict, match="vừa được người khác thay đổi"):
        evaluation_save_values(
            evaluation=evaluation,
            raw_values={ids["2.1"]: "60"},
            notes={},
            version=opened_version,
            actor=personas["admin"],
        )
    assert evaluation.values.get(indicator__number="2.1").value == 75


def test_submitting_with_missing_values_lists_them(world, personas):
    evaluation = world.evaluation_a1
    _fill(evaluation, personas["commune"], i1_1="Đạt")
    evaluation.refresh_from_db()
    with pytest.raises(EvaluationError, match=r"Chưa nhập giá trị cho 2 chỉ tiêu: 2\.1, 3\.1\."):
        evaluation_submit(
            evaluation=evaluation, version=evaluation.version, actor=personas["commune"]
        )
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT


def _submitted(world, personas) -> Evaluation:
    evaluation = world.evaluation_a1
    _fill(evaluation, personas["commune"], i1_1="Đạt", i2_1="61,5", i3_1="4,2")
    evaluation.refresh_from_db()
    return evaluation_submit(
        evaluation=evaluation, version=evaluation.version, actor=personas["commune"]
    )


def test_submission_notifies_the_reviewers_of_that_commune(world, personas):
    other_province = UserFactory(username="vpdp_khac", role="province", province=world.province_b)
    evaluation = _submitted(world, personas)
    notified = set(Notification.objects.values_list("user__username", flat=True))
    assert notified == {"vpdp_p", "huyen_p"}
    assert other_province.username not in notified
    notification = Notification.objects.get(user=personas["province"])
    assert f"/tieu-chi/danh-gia/{evaluation.pk}/" == notification.url
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False  # a second run sends nothing more
    assert len(mail.outbox) == 1
    assert "Xã Ba Tầng gửi đánh giá" in mail.outbox[0].subject


def test_nobody_approves_their_own_submission(world, personas):
    admin = personas["admin"]
    evaluation = world.evaluation_a1
    _fill(evaluation, admin, i1_1="Đạt", i2_1="80", i3_1="2")
    evaluation.refresh_from_db()
    evaluation = evaluation_submit(evaluation=evaluation, version=evaluation.version, actor=admin)
    with pytest.raises(EvaluationError, match="tự thẩm định"):
        evaluation_approve(evaluation=evaluation, version=evaluation.version, actor=admin)


def test_return_needs_a_reason_and_reaches_the_submitter(world, personas):
    evaluation = _submitted(world, personas)
    with pytest.raises(EvaluationError, match="lý do"):
        evaluation_return(
            evaluation=evaluation,
            version=evaluation.version,
            reason="  ",
            actor=personas["province"],
        )
    evaluation = evaluation_return(
        evaluation=evaluation,
        version=evaluation.version,
        reason="Thiếu biên bản kiểm tra đường",
        actor=personas["province"],
    )
    assert evaluation.status == Evaluation.Status.RETURNED
    assert Notification.objects.get(user=personas["commune"]).message == (
        "Đánh giá 6 tháng cuối năm 2024 bị trả lại: Thiếu biên bản kiểm tra đường"
    )


def test_approval_locks_and_reopening_is_explicit_and_audited(world, personas):
    evaluation = _submitted(world, personas)
    evaluation = evaluation_approve(
        evaluation=evaluation, version=evaluation.version, actor=personas["province"]
    )
    with pytest.raises(EvaluationError, match="không sửa được"):
        _fill(evaluation, personas["commune"], i2_1="90")
    with pytest.raises(EvaluationError, match="lý do mở lại"):
        evaluation_reopen(
            evaluation=evaluation, version=evaluation.version, reason="", actor=personas["province"]
        )
    evaluation = evaluation_reopen(
        evaluation=evaluation,
        version=evaluation.version,
        reason="Số liệu đường sai, cần nhập lại",
        actor=personas["province"],
    )
    assert evaluation.is_editable
    _fill(evaluation, personas["commune"], i2_1="90")
    actions = list(evaluation.log.order_by("at", "pk").values_list("action", flat=True))
    assert actions == [
        "created",
        "value_changed",
        "value_changed",
        "value_changed",
        "submitted",
        "approved",
        "reopened",
        "value_changed",
    ]
    last = evaluation.log.first()
    assert (last.actor, last.old_value, last.new_value) == (personas["commune"], "61,5 %", "90 %")
    assert evaluation.log.get(action="reopened").reason == "Số liệu đường sai, cần nhập lại"


def test_a_new_period_starts_from_the_previous_values_and_duplicates_are_refused(world, personas):
    _fill(world.evaluation_a1, personas["commune"], i1_1="Đạt", i2_1="61,5", i3_1="4,2")
    later = evaluation_create(
        commune=world.commune_a1,
        criteria_set=world.criteria_set,
        year=2025,
        half=1,
        actor=personas["commune"],
    )
    assert later.met_count == 2
    assert later.values.get(indicator__number="2.1").value == Decimal("61.5")
    assert "6 tháng cuối năm 2024" in later.log.get(action=EvaluationLog.Action.CREATED).reason
    with pytest.raises(EvaluationError, match="đã có"):
        evaluation_create(
            commune=world.commune_a1,
            criteria_set=world.criteria_set,
            year=2025,
            half=1,
            actor=personas["commune"],
        )


def test_recompute_after_a_threshold_change_records_the_new_tally(world, personas):
    from io import StringIO

    from django.core.management import call_command

    from criteria.models import Threshold

    _fill(world.evaluation_a1, personas["commune"], i1_1="Đạt", i2_1="61,5", i3_1="4,2")
    Threshold.objects.filter(indicator__number="2.1", region="").update(value=60)
    out = StringIO()
    call_command("recompute_evaluations", stdout=out)
    assert out.getvalue().strip() == "evaluations=1 changed=1"
    evaluation = Evaluation.objects.get(pk=world.evaluation_a1.pk)
    assert evaluation.met_count == 3
    entry = evaluation.log.get(action=EvaluationLog.Action.RECOMPUTED)
    assert (entry.old_value, entry.new_value) == ("2/3", "3/3")
    call_command("recompute_evaluations", stdout=out)
    assert out.getvalue().strip().endswith("evaluations=1 changed=0")

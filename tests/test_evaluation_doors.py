"""One history of an evaluation, whichever door writes its values (issue 25): the page's services
(`evaluation_create`, `evaluation_save_values`) and the roster's (`evaluation_values_import`)
write the same lines, stored in Vietnamese whoever writes them and read in the reader's
language."""

from __future__ import annotations

from django.utils import translation

from criteria.models import Evaluation, EvaluationLog
from criteria.services import evaluation_create, evaluation_save_values
from ntm_portal.rosters import roster_for
from ntm_portal.rosters.registry import IMPORTED_FROM

from .roster_files import workbook_bytes
from .test_rosters import EVALUATION_HEADER, validate


def _history(evaluation: Evaluation) -> list[tuple[str, str, str, str]]:
    return sorted(
        (log.action, log.old_value, log.new_value, log.reason)
        for log in evaluation.log.exclude(action=EvaluationLog.Action.RECOMPUTED)
    )


def test_the_page_and_the_roster_write_the_same_history_in_vietnamese(world, personas):
    # Xã a3 gets the same past as Xã a1 (the second half of 2024), so both new evaluations start
    # from it; both writers read English.
    evaluation_create(
        commune=world.commune_a3, criteria_set=world.criteria_set, year=2024, half=2, actor=None
    )
    paved = world.criteria_set.criteria.get(number=2).indicators.get()
    with translation.override("en"):
        on_page = evaluation_create(
            commune=world.commune_a1,
            criteria_set=world.criteria_set,
            year=2025,
            half=1,
            actor=personas["commune"],
        )
        evaluation_save_values(
            evaluation=on_page,
            raw_values={paved.pk: "61,5"},
            notes={},
            version=on_page.version,
            actor=personas["commune"],
        )
        data = workbook_bytes(
            [
                EVALUATION_HEADER,
                [
                    "Quảng Trị",
                    "Triệu Phong",
                    "Triệu Long",
                    "QD318-THU",
                    2025,
                    "6 tháng đầu năm",
                    "2.1",
                    "61,5",
                    "",
                ],
            ]
        )
        validation = validate("evaluations", data, actor=personas["admin"])
        assert not validation.has_errors
        reason = IMPORTED_FROM % {"name": "danh-sach.xlsx", "id": 7}
        roster_for("evaluations").apply(validation, actor=personas["admin"], reason=reason)
    imported = Evaluation.objects.get(commune=world.commune_a3, year=2025, half=1)
    page_lines, roster_lines = _history(on_page), _history(imported)
    # The same lines but for the import's reason on the values it changed.
    assert [line[:3] for line in page_lines] == [line[:3] for line in roster_lines]
    created = imported.log.get(action=EvaluationLog.Action.CREATED)
    assert created.reason == on_page.log.get(action=EvaluationLog.Action.CREATED).reason
    assert created.reason == "Bắt đầu từ số liệu 6 tháng cuối năm 2024"
    changed = imported.log.get(action=EvaluationLog.Action.VALUE_CHANGED)
    assert changed.reason == "Nhập từ tệp “danh-sach.xlsx” (lần nhập số 7)"
    # Read back through the catalogue: the stored sentence is a catalogue entry.
    assert changed.reason_text == changed.reason

"""Evaluation values: one row per commune and indicator, or one row per commune with a column
per indicator number ("1.1", "2.1", …).

The import mirrors criteria.services exactly, in bulk: a missing period is created as a draft
starting from the previous period's values (like `evaluation_create`), each changed value gets an
`EvaluationLog` row (like `evaluation_save_values`), the version is bumped, and statuses, criteria
results and the tally are derived again with the same rules (like `evaluation_recompute`). Only
draft and returned evaluations can be changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Commune, Edition
from communes.places import Places, did_you_mean
from communes.rosters import (
    PLACE_COLUMNS,
    commune_column,
    locate_commune,
    refuse_units_not_in_force,
    rows_in_provinces,
)
from criteria.models import (
    CriteriaSet,
    Evaluation,
    Indicator,
    IndicatorValue,
)
from criteria.services import (
    EDITABLE,
    EvaluationError,
    EvaluationImportRow,
    ShownValues,
    evaluation_values_import,
)
from criteria.values import ValueRejected, parse_value
from ntm_portal import rosters
from ntm_portal.models import User
from ntm_portal.rosters.base import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    Progress,
    Roster,
    RowChecker,
    Validation,
    duplicate_check,
    report_progress,
    shown,
)
from ntm_portal.rosters.reading import Column, RosterFileError, Table, header_key
from ntm_portal.text import fold

INDICATOR_HEADER = re.compile(r"^(?:chi tieu\s*)?(\d{1,2}(?:\.\d{1,2}){0,2})$")
HALF_WORDS = {
    "": Evaluation.Half.WHOLE_YEAR,
    "0": Evaluation.Half.WHOLE_YEAR,
    "ca nam": Evaluation.Half.WHOLE_YEAR,
    "nam": Evaluation.Half.WHOLE_YEAR,
    "1": Evaluation.Half.FIRST,
    "i": Evaluation.Half.FIRST,
    "6 thang dau nam": Evaluation.Half.FIRST,
    "6 thang dau": Evaluation.Half.FIRST,
    "dau nam": Evaluation.Half.FIRST,
    "2": Evaluation.Half.SECOND,
    "ii": Evaluation.Half.SECOND,
    "6 thang cuoi nam": Evaluation.Half.SECOND,
    "6 thang cuoi": Evaluation.Half.SECOND,
    "cuoi nam": Evaluation.Half.SECOND,
}


# What the roster hands the service: one evaluation's values (criteria.services).
Planned = EvaluationImportRow


def indicator_number(header: str) -> str | None:
    """ "2.1", "Chỉ tiêu 2.1", "2,1" → "2.1"; None for any other header."""
    match = INDICATOR_HEADER.match(header_key(header.replace(",", ".")))
    return match.group(1) if match else None


@rosters.register
class EvaluationRoster(Roster):
    kind = "evaluations"
    label = gettext_lazy("Kết quả đánh giá tiêu chí")
    position = 50
    office_may_use = True
    # The catalogue gives the indicators; groups decide which threshold a xã is held to.
    after = ("criteria", "commune_groups")
    title = gettext_lazy("Kết quả đánh giá tiêu chí")
    columns = [
        *PLACE_COLUMNS,
        Column(
            "criteria_set",
            "Bộ tiêu chí",
            required=True,
            aliases=["Mã bộ tiêu chí"],
            example="QD318-2022-XA-NTM",
            help=gettext_lazy(
                "Mã bộ tiêu chí (QD318-2022-XA-NTM) hoặc tên đầy đủ, như trang «Bộ tiêu chí» ghi."
            ),
        ),
        Column(
            "year",
            "Năm",
            required=True,
            example=2024,
            help=gettext_lazy("Năm đánh giá, bốn chữ số (2026)."),
        ),
        Column(
            "half",
            "Kỳ",
            aliases=["Kỳ đánh giá"],
            example="Cả năm",
            help=gettext_lazy(
                "Cả năm; 6 tháng đầu năm (hoặc 1, I); 6 tháng cuối năm (hoặc 2, II). Để trống là cả năm."
            ),
        ),
        Column(
            "indicator",
            "Chỉ tiêu",
            aliases=["Số chỉ tiêu", "Mã chỉ tiêu"],
            example="2.1",
            help=gettext_lazy("Số chỉ tiêu trong bộ (2.1; «2,1» cũng được)."),
        ),
        Column(
            "value",
            "Giá trị",
            aliases=["Kết quả"],
            example="61,5",
            help=gettext_lazy(
                "Số (dấu phẩy thập phân: 61,5) hoặc Đạt / Chưa đạt (Có, Không, x) cho chỉ tiêu đạt/chưa đạt."
            ),
        ),
        Column(
            "note",
            "Ghi chú",
            example="",
            help=gettext_lazy("Ghi chú của giá trị. Để trống: giữ ghi chú đã có."),
        ),
    ]
    instructions = [
        gettext_lazy("Cách 1: mỗi dòng là một chỉ tiêu của một xã (cột «Chỉ tiêu» và «Giá trị»)."),
        gettext_lazy(
            "Cách 2: mỗi dòng là một xã, mỗi chỉ tiêu một cột mang số chỉ tiêu (1.1, 2.1, …); ô trống là không đổi."
        ),
        gettext_lazy(
            "Xã được tìm theo danh mục đơn vị hành chính của kỳ đánh giá: kỳ kết thúc đến "
            "30/06/2025 theo danh mục tỉnh – huyện – xã trước 01/07/2025, kỳ sau đó theo danh "
            "mục từ 01/07/2025. Ghi tỉnh và mã xã (hoặc tên xã) là đủ."
        ),
        gettext_lazy("Bộ tiêu chí ghi theo mã (ví dụ QD318-2022-XA-NTM) hoặc tên đầy đủ."),
        gettext_lazy("Kỳ: Cả năm, 6 tháng đầu năm, 6 tháng cuối năm (để trống là cả năm)."),
        gettext_lazy(
            "Giá trị Đạt/Chưa đạt ghi Đạt, Chưa đạt, Có, Không hoặc x; số thập phân dùng dấu phẩy (61,5)."
        ),
        gettext_lazy(
            "Kỳ chưa có đánh giá thì được tạo mới ở trạng thái đang nhập; đánh giá đã gửi hoặc đã duyệt không sửa được."
        ),
        gettext_lazy("Mỗi giá trị thay đổi được ghi vào lịch sử của đánh giá."),
    ]
    examples = [
        [
            "Tỉnh Quảng Trị",
            "Huyện Hướng Hóa",
            "",
            "Xã Ba Tầng",
            "QD318-2022-XA-NTM",
            2024,
            "Cả năm",
            "2.1",
            "61,5",
            "",
        ],
        [
            "Quảng Trị",
            "Hướng Hóa",
            "",
            "Ba Tầng",
            "QD318-2022-XA-NTM",
            2024,
            "Cả năm",
            "1.1",
            "Đạt",
            "QĐ phê duyệt quy hoạch",
        ],
    ]

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        if not rows:
            return
        table = rows[0].table
        wide = self._wide_columns(table)
        places = Places()
        sets = self._sets()
        located: list[tuple[RowChecker, int, CriteriaSet, int, int]] = []
        seen: dict = {}
        for row in rows:
            commune = locate_commune(row, places, edition=self._edition(row), seen=seen)
            criteria_set = self._criteria_set(row, sets)
            year = self._year(row)
            half = HALF_WORDS.get(fold(row.value("half")))
            if half is None:
                row.fail(
                    "half", _("Kỳ không hợp lệ: ghi Cả năm, 6 tháng đầu năm hoặc 6 tháng cuối năm.")
                )
            if commune and criteria_set and year and half is not None:
                located.append((row, commune.pk, criteria_set, year, int(half)))
        # As evaluation_create refuses them: no evaluation of a unit gone by the period's end.
        refuse_units_not_in_force(
            (
                row,
                c,
                "commune" if row.value("commune") else "commune_code",
                Evaluation.period_end_of(y, h),
            )
            for row, c, _s, y, h in located
        )
        if wide:
            duplicate_check([(row, (c, s.pk, y, h)) for row, c, s, y, h in located])
        else:
            duplicate_check(
                [
                    (row, (c, s.pk, y, h, row.value("indicator").replace(",", ".")))
                    for row, c, s, y, h in located
                ]
            )
        set_ids = {s.pk for _r, _c, s, _y, _h in located}
        indicators = {
            (indicator.criterion.criteria_set_id, indicator.number): indicator
            for indicator in Indicator.objects.filter(
                criterion__criteria_set_id__in=set_ids
            ).select_related("criterion")
        }
        evaluations = {
            (e.commune_id, e.criteria_set_id, e.year, e.half): e
            for e in Evaluation.objects.filter(
                commune_id__in={c for _r, c, _s, _y, _h in located},
                criteria_set_id__in=set_ids,
                village__isnull=True,
            ).only("pk", "commune_id", "criteria_set_id", "year", "half", "status")
        }
        current = {
            (value.evaluation_id, value.indicator_id): (value.value, value.note)
            for value in IndicatorValue.objects.filter(
                evaluation_id__in=[e.pk for e in evaluations.values()]
            ).only("evaluation_id", "indicator_id", "value", "note")
        }
        labels = {
            pk: name
            for pk, name in Commune.objects.filter(pk__in={c for _r, c, *_ in located}).values_list(
                "pk", "name"
            )
        }
        # The same few labels and headings on thousands of rows: each translated once.
        period_labels: dict[tuple[int, int], str] = {}
        headings: dict[str, str] = {}
        shown_values = ShownValues()
        total = len(located)
        for index, (row, commune_id, criteria_set, year, half) in enumerate(located, start=1):
            report_progress(progress, index, total)
            if row.outcome.status == ERROR:
                continue
            period = (commune_id, criteria_set.pk, year, half)
            evaluation = evaluations.get(period)
            if (year, half) not in period_labels:
                period_labels[(year, half)] = _period(year, half)
            row.outcome.label = (
                f"{labels[commune_id]} – {criteria_set.code} – {period_labels[(year, half)]}"
            )
            if evaluation is not None and evaluation.status not in EDITABLE:
                reason = (
                    _("Đánh giá đã duyệt, không sửa được.")
                    if evaluation.status == Evaluation.Status.APPROVED
                    else _("Đánh giá đang chờ thẩm định, không sửa được.")
                )
                row.fail("commune" if row.value("commune") else "commune_code", reason)
                continue
            cells = wide if wide else [("indicator", None)]
            planned = []
            for key, number in cells:
                if wide:
                    raw, column = row.value(key), key
                    if not raw:
                        continue
                else:
                    number = row.required("indicator").replace(",", ".")
                    raw, column = row.required("value"), "value"
                    if not number or not raw:
                        continue
                indicator = indicators.get((criteria_set.pk, number))
                if indicator is None:
                    row.fail(
                        key,
                        _("Bộ tiêu chí %(set)s không có chỉ tiêu %(number)s.")
                        % {"set": criteria_set.code, "number": number},
                        number,
                    )
                    continue
                try:
                    value = parse_value(indicator, raw)
                except ValueRejected as error:
                    row.fail(column, str(error), raw)
                    continue
                # A blank note keeps the stored one.
                note = (row.value("note") or None) if "note" in table.columns and not wide else None
                planned.append((indicator, value, note))
            if row.outcome.status == ERROR:
                continue
            if evaluation is None:
                row.outcome.status = NEW
            else:
                differs = []
                for indicator, value, note in planned:
                    stored, stored_note = current.get((evaluation.pk, indicator.pk), (None, ""))
                    if indicator.number not in headings:
                        headings[indicator.number] = _("Chỉ tiêu %(number)s") % {
                            "number": indicator.number
                        }
                    heading = headings[indicator.number]
                    changed = stored != value or (evaluation.pk, indicator.pk) not in current
                    if changed:
                        row.outcome.changes.append(
                            (
                                heading,
                                shown_values[indicator, stored],
                                shown_values[indicator, value],
                            )
                        )
                    if note is not None and stored_note != note:
                        row.outcome.changes.append(
                            (f"{heading}: {row.header('note')}", shown(stored_note), note)
                        )
                        changed = True
                    if changed:
                        differs.append((indicator, value, note))
                exists = all(
                    (evaluation.pk, indicator.pk) in current for indicator, _v, _n in planned
                )
                row.outcome.status = UNCHANGED if not differs else (UPDATED if exists else NEW)
                planned = differs
            row.outcome.payload = Planned(period, evaluation.pk if evaluation else None, planned)

    @staticmethod
    def _wide_columns(table: Table) -> list[tuple[str, str]]:
        wide = [
            (label, number)
            for _i, label in table.extra_headers
            if (number := indicator_number(label))
        ]
        if "indicator" in table.columns or "value" in table.columns:
            if "indicator" not in table.columns or "value" not in table.columns:
                raise RosterFileError(_("Cần cả hai cột «Chỉ tiêu» và «Giá trị»."))
            return []
        if not wide:
            raise RosterFileError(
                _("Thiếu cột «Chỉ tiêu» và «Giá trị», hoặc các cột mang số chỉ tiêu (1.1, 2.1, …).")
            )
        return wide

    @staticmethod
    def _sets() -> dict[str, CriteriaSet]:
        found = {}
        for criteria_set in CriteriaSet.objects.all():
            found[fold(criteria_set.code)] = criteria_set
            found[fold(criteria_set.name)] = criteria_set
        return found

    @staticmethod
    def _criteria_set(row: RowChecker, sets: dict[str, CriteriaSet]) -> CriteriaSet | None:
        text = row.required("criteria_set")
        if not text:
            return None
        found = sets.get(fold(text))
        if found is None:
            codes = sorted({criteria_set.code for criteria_set in sets.values()})
            row.fail(
                "criteria_set",
                _("Không có bộ tiêu chí mang mã hoặc tên «%(text)s» trong danh mục bộ tiêu chí.")
                % {"text": text}
                + did_you_mean(text, codes),
            )
        else:
            row.matched("criteria_set", f"{found.code} – {found.name}")
        return found

    @staticmethod
    def _edition(row: RowChecker) -> int | None:
        """The map in force at the end of the row's period (a code of 2024 is a 2024 unit for
        2024, today's unit for 2026); None, today's map, when the period cannot be read (the
        year or half is refused on its own)."""
        try:
            year = int(row.value("year").removesuffix(".0"))
        except ValueError:
            return None
        half = HALF_WORDS.get(fold(row.value("half")))
        if half is None or not 2000 <= year <= 2100:
            return None
        return Edition.on(Evaluation.period_end_of(year, half))

    @staticmethod
    def _year(row: RowChecker) -> int | None:
        text = row.required("year")
        if not text:
            return None
        try:
            year = int(text.removesuffix(".0"))
        except ValueError:
            year = 0
        if not 2000 <= year <= 2100:
            row.fail("year", _("Năm phải là số có bốn chữ số (ví dụ 2024)."))
            return None
        return year

    # --- Writing --------------------------------------------------------------------------------

    def office_rows(self, rows: list[RowChecker]) -> Iterator[tuple[RowChecker, str, int | None]]:
        return rows_in_provinces(
            (row, commune_column(row), row.outcome.payload.period[0])
            for row in rows
            if row.outcome.payload
        )

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        planned = [
            o.payload for o in validation.outcomes if o.status in (NEW, UPDATED) and o.payload
        ]
        try:
            evaluation_values_import(rows=planned, actor=actor, reason=reason)
        except EvaluationError as error:
            # Sent or approved since the check: nothing is kept, the user checks again.
            raise RosterFileError(str(error)) from None


def _period(year: int, half: int) -> str:
    if half == Evaluation.Half.WHOLE_YEAR:
        return _("năm %(year)s") % {"year": year}
    return f"{Evaluation.Half(half).label} {year}"

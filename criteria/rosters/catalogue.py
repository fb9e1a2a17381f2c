"""The criteria catalogue: one row per indicator of an existing criteria set, with its criterion,
value kind, unit, direction and general threshold. Regional, group and yearly thresholds stay in
the catalogue files and the admin (a roster row holds one threshold)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria.catalogue_cache import catalogue_changed
from criteria.models import CriteriaSet, Criterion, Indicator, Threshold
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
from ntm_portal.rosters.reading import Column
from ntm_portal.text import fold, parse_decimal

KIND_WORDS = {
    "dat/chua dat": Indicator.Kind.YES_NO,
    "dat chua dat": Indicator.Kind.YES_NO,
    "co/khong": Indicator.Kind.YES_NO,
    "ty le (%)": Indicator.Kind.PERCENT,
    "ty le": Indicator.Kind.PERCENT,
    "%": Indicator.Kind.PERCENT,
    "so luong": Indicator.Kind.COUNT,
    "tien": Indicator.Kind.MONEY,
    "dien tich": Indicator.Kind.AREA,
    "so": Indicator.Kind.NUMBER,
}
DIRECTION_WORDS = {
    "": "",  # a new indicator: at least; an existing one keeps its direction
    "toi thieu": Indicator.Direction.AT_LEAST,
    "toi thieu (>=)": Indicator.Direction.AT_LEAST,
    ">=": Indicator.Direction.AT_LEAST,
    "≥": Indicator.Direction.AT_LEAST,
    "toi da": Indicator.Direction.AT_MOST,
    "toi da (<=)": Indicator.Direction.AT_MOST,
    "<=": Indicator.Direction.AT_MOST,
    "≤": Indicator.Direction.AT_MOST,
}


@rosters.register
class CriteriaRoster(Roster):
    kind = "criteria"
    label = gettext_lazy("Bộ tiêu chí")
    position = 60
    title = gettext_lazy("Bộ tiêu chí: tiêu chí và chỉ tiêu")
    columns = [
        Column(
            "criteria_set",
            "Mã bộ tiêu chí",
            required=True,
            aliases=["Bộ tiêu chí"],
            example="QD318-2022-XA-NTM",
            help=gettext_lazy(
                "Mã của bộ tiêu chí đã tạo trong trang quản trị (QD318-2022-XA-NTM)."
            ),
        ),
        Column(
            "criterion_number",
            "Số tiêu chí",
            required=True,
            aliases=["Tiêu chí số", "TT tiêu chí"],
            example=2,
            help=gettext_lazy("Số thứ tự của tiêu chí trong bộ (1–19), số nguyên."),
        ),
        Column(
            "criterion_name",
            "Tên tiêu chí",
            required=True,
            example="Giao thông",
            help=gettext_lazy(
                "Tên tiêu chí (Giao thông); các dòng cùng số tiêu chí ghi cùng một tên."
            ),
        ),
        Column(
            "criterion_short_name",
            "Tên ngắn",
            aliases=["Tên ngắn tiêu chí"],
            example="giao thông",
            help=gettext_lazy("Tên ngắn dùng trong bảng và biểu đồ. Để trống: giữ tên ngắn đã có."),
        ),
        Column(
            "group",
            "Nhóm",
            aliases=["Nhóm tiêu chí"],
            example="II. Hạ tầng kinh tế – xã hội",
            help=gettext_lazy(
                "Nhóm tiêu chí (II. Hạ tầng kinh tế – xã hội). Để trống: giữ nhóm đã có."
            ),
        ),
        Column(
            "number",
            "Số chỉ tiêu",
            required=True,
            aliases=["Chỉ tiêu"],
            example="2.1",
            help=gettext_lazy("Số chỉ tiêu (2.1); chỉ tiêu đã có của bộ được nhận theo số này."),
        ),
        Column(
            "name",
            "Tên chỉ tiêu",
            required=True,
            example="Tỷ lệ đường xã được nhựa hóa hoặc bê tông hóa",
            help=gettext_lazy("Nội dung chỉ tiêu như văn bản ghi."),
        ),
        Column(
            "kind",
            "Kiểu giá trị",
            required=True,
            example="Tỷ lệ (%)",
            help=gettext_lazy("Đạt/Chưa đạt, Tỷ lệ (%), Số lượng, Tiền, Diện tích, Số."),
        ),
        Column(
            "unit",
            "Đơn vị",
            example="%",
            help=gettext_lazy("Đơn vị đo (%, km, triệu đồng). Để trống: giữ đơn vị đã có."),
        ),
        Column(
            "direction",
            "Chiều",
            example="Tối thiểu",
            help=gettext_lazy(
                "Tối thiểu (≥) hoặc Tối đa (≤). Để trống: chỉ tiêu mới là Tối thiểu, chỉ tiêu đã có giữ chiều cũ."
            ),
        ),
        Column(
            "threshold",
            "Ngưỡng",
            aliases=["Ngưỡng chung"],
            example="100",
            help=gettext_lazy(
                "Ngưỡng chung, số (100; 61,5). Để trống: giữ ngưỡng đã có; chỉ tiêu dạng số mới cần ngưỡng."
            ),
        ),
    ]
    instructions = [
        gettext_lazy(
            "Mỗi dòng là một chỉ tiêu của một bộ tiêu chí đã có (tạo bộ trong trang quản trị)."
        ),
        gettext_lazy(
            "Kiểu giá trị: Đạt/Chưa đạt, Tỷ lệ (%), Số lượng, Tiền, Diện tích, Số. Chiều: Tối thiểu hoặc Tối đa."
        ),
        gettext_lazy(
            "Ngưỡng ghi ở đây là ngưỡng chung (mọi vùng, mọi nhóm xã); ngưỡng theo vùng, nhóm hoặc năm sửa trong trang quản trị."
        ),
        gettext_lazy(
            "Sau khi đổi ngưỡng, chạy «manage.py recompute_evaluations» để tính lại các đánh giá đang mở."
        ),
    ]
    examples = [
        [
            "QD318-2022-XA-NTM",
            2,
            "Giao thông",
            "giao thông",
            "II. Hạ tầng kinh tế – xã hội",
            "2.1",
            "Tỷ lệ đường xã được nhựa hóa hoặc bê tông hóa",
            "Tỷ lệ (%)",
            "%",
            "Tối thiểu",
            "100",
        ],
        [
            "QD318-2022-XA-NTM",
            1,
            "Quy hoạch",
            "quy hoạch",
            "I. Quy hoạch",
            "1.1",
            "Có quy hoạch chung xây dựng xã được phê duyệt",
            "Đạt/Chưa đạt",
            "",
            "",
            "",
        ],
    ]

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        sets = {fold(s.code): s for s in CriteriaSet.objects.all()}
        criteria = {(c.criteria_set_id, c.number): c for c in Criterion.objects.all()}
        indicators = {
            (i.criterion.criteria_set_id, i.number): i
            for i in Indicator.objects.select_related("criterion").prefetch_related("thresholds")
        }
        named: dict[tuple[int, int], tuple[str, int]] = {}
        keyed = []
        for index, row in enumerate(rows, start=1):
            report_progress(progress, index, len(rows))
            criteria_set = (
                sets.get(fold(row.value("criteria_set"))) if row.required("criteria_set") else None
            )
            if row.value("criteria_set") and criteria_set is None:
                row.fail(
                    "criteria_set",
                    _("Không có bộ tiêu chí mang mã này: hãy tạo bộ trong trang quản trị trước."),
                )
            number = None
            if row.required("criterion_number"):
                try:
                    number = int(row.value("criterion_number").removesuffix(".0"))
                except ValueError:
                    row.fail("criterion_number", _("Số tiêu chí phải là số nguyên (ví dụ 17)."))
            criterion_name = row.required("criterion_name")
            indicator_number = row.required("number").replace(",", ".")
            name = row.required("name")
            kind = KIND_WORDS.get(fold(row.value("kind"))) if row.required("kind") else None
            if row.value("kind") and kind is None:
                row.fail(
                    "kind",
                    _(
                        "Kiểu giá trị không hợp lệ: Đạt/Chưa đạt, Tỷ lệ (%), Số lượng, Tiền, Diện tích, Số."
                    ),
                )
            direction = DIRECTION_WORDS.get(fold(row.value("direction")))
            if direction is None:
                row.fail("direction", _("Chiều không hợp lệ: ghi Tối thiểu hoặc Tối đa."))
            threshold = None
            if row.value("threshold"):
                try:
                    threshold = parse_decimal(row.value("threshold")).quantize(Decimal("0.001"))
                except (ValueError, ArithmeticError):
                    row.fail("threshold", _("Ngưỡng phải là số (ví dụ 61,5)."))
            elif kind and kind != Indicator.Kind.YES_NO:
                current = (
                    indicators.get((criteria_set.pk, indicator_number)) if criteria_set else None
                )
                if current is None or not current.thresholds.all():
                    row.fail("threshold", _("Chỉ tiêu dạng số cần ngưỡng."))
            if row.outcome.status == ERROR:
                continue
            first = named.setdefault(
                (criteria_set.pk, number), (criterion_name, row.outcome.row.number)
            )
            if fold(first[0]) != fold(criterion_name):
                row.fail(
                    "criterion_name",
                    _("Khác tên tiêu chí %(number)s ở dòng %(row)s.")
                    % {"number": number, "row": first[1]},
                )
                continue
            keyed.append((row, (criteria_set.pk, indicator_number)))
            criterion = criteria.get((criteria_set.pk, number))
            indicator = indicators.get((criteria_set.pk, indicator_number))
            if indicator is not None and indicator.criterion.number != number:
                row.fail(
                    "number",
                    _("Chỉ tiêu %(number)s thuộc tiêu chí %(criterion)s, không phải %(other)s.")
                    % {
                        "number": indicator_number,
                        "criterion": indicator.criterion.number,
                        "other": number,
                    },
                )
                continue
            criterion_values = {
                "name": criterion_name,
                "short_name": row.value("criterion_short_name")
                or (criterion.short_name if criterion else criterion_name.lower()),
                "group": row.value("group") or (criterion.group if criterion else ""),
            }
            # Blank cells keep what the portal has.
            indicator_values = {
                "name": name,
                "kind": kind,
                "unit": row.value("unit") or (indicator.unit if indicator else ""),
                "direction": direction
                or (indicator.direction if indicator else Indicator.Direction.AT_LEAST),
            }
            general = (
                [
                    t.value
                    for t in indicator.thresholds.all()
                    if not (t.region or t.commune_group or t.year_from or t.year_to)
                ]
                if indicator
                else []
            )
            row.outcome.label = f"{criteria_set.code} – {indicator_number}"
            if indicator is None:
                row.outcome.status = NEW
            else:
                changed = False
                for key, field in (
                    ("criterion_name", "name"),
                    ("criterion_short_name", "short_name"),
                    ("group", "group"),
                ):
                    stored = getattr(criterion, field)
                    changed = row.compare(key, stored, criterion_values[field]) or changed
                for key, labels in (
                    ("name", None),
                    ("kind", dict(Indicator.Kind.choices)),
                    ("unit", None),
                    ("direction", dict(Indicator.Direction.choices)),
                ):
                    stored = getattr(indicator, key)
                    changed = row.compare(key, stored, indicator_values[key], labels) or changed
                if threshold is not None and general != [threshold]:
                    row.compare(
                        "threshold",
                        "; ".join(shown(value) for value in general),
                        threshold,
                    )
                    changed = True
                row.outcome.status = UPDATED if changed else UNCHANGED
            row.outcome.payload = (
                criteria_set.pk,
                number,
                criterion_values,
                indicator_number,
                indicator_values,
                threshold,
            )
        duplicate_check(keyed)

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        # A catalogue has a few hundred indicators at most: row by row is fast enough and simple.
        catalogue_changed()
        for outcome in validation.outcomes:
            if outcome.status not in (NEW, UPDATED):
                continue
            set_id, number, criterion_values, indicator_number, indicator_values, threshold = (
                outcome.payload
            )
            criterion, _created = Criterion.objects.update_or_create(
                criteria_set_id=set_id, number=number, defaults=criterion_values
            )
            position = Indicator.objects.filter(criterion=criterion).count()
            indicator, _created = Indicator.objects.update_or_create(
                criterion=criterion,
                number=indicator_number,
                defaults=indicator_values,
                create_defaults={**indicator_values, "position": position},
            )
            if threshold is not None:
                general = indicator.thresholds.filter(
                    region="", commune_group=None, year_from=None, year_to=None
                )
                general.delete()
                Threshold.objects.create(indicator=indicator, value=threshold)

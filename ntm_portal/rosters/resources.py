"""django-import-export in its default configuration, for the benchmark's side-by-side numbers.

`DefaultEvaluationValueResource` reads the same evaluation roster the way a plain
`ModelResource` does: row by row, one lookup query per foreign key, one save per row (no bulk,
no skip of unchanged rows). It writes the values only — no history, no recomputed status — so
its import numbers flatter it; the portal's own import does both.
"""

from __future__ import annotations

from decimal import Decimal

from import_export import fields, resources, widgets

from communes.text import fold, parse_decimal
from criteria.models import Evaluation, Indicator, IndicatorValue

from .matching import name_key, parse_yes_no

HALVES = {"6 thang dau nam": 1, "6 thang cuoi nam": 2}


class EvaluationWidget(widgets.ForeignKeyWidget):
    def __init__(self) -> None:
        super().__init__(Evaluation)

    def clean(self, value, row=None, **kwargs):
        return Evaluation.objects.get(
            commune__search_name__endswith=name_key(row["Xã"]),
            commune__province__search_name=fold(row["Tỉnh"]),
            criteria_set__code=row["Bộ tiêu chí"],
            year=int(row["Năm"]),
            half=HALVES.get(fold(row["Kỳ"] or ""), 0),
            village=None,
        )


class IndicatorWidget(widgets.ForeignKeyWidget):
    def __init__(self) -> None:
        super().__init__(Indicator)

    def clean(self, value, row=None, **kwargs):
        return Indicator.objects.get(
            criterion__criteria_set__code=row["Bộ tiêu chí"], number=str(value).strip()
        )


class ValueWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> Decimal:
        text = str(value)
        try:
            return parse_decimal(text)
        except ValueError:
            return Decimal(1) if parse_yes_no(text) else Decimal(0)


class DefaultEvaluationValueResource(resources.ModelResource):
    evaluation = fields.Field(attribute="evaluation", column_name="Xã", widget=EvaluationWidget())
    indicator = fields.Field(
        attribute="indicator", column_name="Chỉ tiêu", widget=IndicatorWidget()
    )
    value = fields.Field(attribute="value", column_name="Giá trị", widget=ValueWidget())
    note = fields.Field(attribute="note", column_name="Ghi chú")

    class Meta:
        model = IndicatorValue
        fields = ("evaluation", "indicator", "value", "note")
        import_id_fields = ("evaluation", "indicator")

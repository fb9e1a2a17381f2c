"""django-import-export in its default configuration, for the benchmark's side-by-side numbers.

`DefaultEvaluationValueResource` reads the same evaluation roster the way a plain
`ModelResource` does: row by row, one lookup query per foreign key, one save per row (no bulk,
no skip of unchanged rows). `TunedEvaluationValueResource` is the same resource with bulk
writes, skipped unchanged rows and lookups read once. Both write the values only — no history,
no recomputed status — so their import numbers flatter them; the portal's own import does both,
and reports errors by row, column and value in Vietnamese, which import-export's row errors
(exceptions) do not.
"""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal

from import_export import fields, resources, widgets

from communes.places import NotMatched, Places, name_key
from criteria.models import Evaluation, Indicator, IndicatorValue
from ntm_portal.text import fold, parse_decimal, parse_yes_no

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
    note = fields.Field(
        attribute="note", column_name="Ghi chú", widget=widgets.CharWidget(allow_blank=True)
    )

    class Meta:
        model = IndicatorValue
        fields = ("evaluation", "indicator", "value", "note")
        import_id_fields = ("evaluation", "indicator")


class _Lookups:
    """What the tuned resource reads once per file instead of once per row: only what the file
    names (its communes' evaluations of its sets and years, their values, its sets' indicators),
    never the country's every evaluation (5 GB at 10,000 rows, issue 29)."""

    def __init__(self, dataset) -> None:
        self.places = Places()
        headers = dataset.headers
        wanted: set[tuple[int, str, int, int]] = set()
        for values in dataset:
            row = dict(zip(headers, values, strict=False))
            # A row whose place, year or period is unreadable is reported by its own lookup.
            with suppress(NotMatched, KeyError, TypeError, ValueError):
                wanted.add(self._key(row))
        self.evaluations = {
            key: evaluation
            for evaluation in Evaluation.objects.filter(
                village=None,
                commune_id__in={key[0] for key in wanted},
                criteria_set__code__in={key[1] for key in wanted},
                year__in={key[2] for key in wanted},
            ).select_related("criteria_set")
            if (
                key := (
                    evaluation.commune_id,
                    evaluation.criteria_set.code,
                    evaluation.year,
                    evaluation.half,
                )
            )
            in wanted
        }
        self.indicators = {
            (i.criterion.criteria_set.code, i.number): i
            for i in Indicator.objects.filter(
                criterion__criteria_set__code__in={key[1] for key in wanted}
            ).select_related("criterion__criteria_set")
        }
        self.values = {
            (v.evaluation_id, v.indicator_id): v
            for v in IndicatorValue.objects.filter(
                evaluation_id__in=[e.pk for e in self.evaluations.values()]
            )
        }

    def _key(self, row) -> tuple[int, str, int, int]:
        province = self.places.province(name=row["Tỉnh"])
        district = self.places.district(name=row["Huyện"], province=province)
        commune = self.places.commune(name=row["Xã"], province=province, district=district)
        return (commune.pk, row["Bộ tiêu chí"], int(row["Năm"]), HALVES.get(fold(row["Kỳ"]), 0))

    def evaluation(self, row) -> Evaluation:
        return self.evaluations[self._key(row)]

    def indicator(self, row) -> Indicator:
        return self.indicators[(row["Bộ tiêu chí"], str(row["Chỉ tiêu"]).strip())]


class _CachedWidget(widgets.ForeignKeyWidget):
    def __init__(self, model, find) -> None:
        super().__init__(model)
        self.find = find

    def clean(self, value, row=None, **kwargs):
        return self.find(row)


class TunedEvaluationValueResource(DefaultEvaluationValueResource):
    """django-import-export configured for speed: the portal's matching over lookups read once,
    bulk writes, unchanged rows skipped. Still values only (no history, no status)."""

    class Meta:
        model = IndicatorValue
        fields = ("evaluation", "indicator", "value", "note")
        import_id_fields = ("evaluation", "indicator")
        use_bulk = True
        batch_size = 1000
        skip_unchanged = True
        report_skipped = True
        skip_diff = True

    def before_import(self, dataset, **kwargs) -> None:
        self.lookups = _Lookups(dataset)
        self.fields["evaluation"].widget = _CachedWidget(Evaluation, self.lookups.evaluation)
        self.fields["indicator"].widget = _CachedWidget(Indicator, self.lookups.indicator)

    def get_instance(self, instance_loader, row):
        key = (self.lookups.evaluation(row).pk, self.lookups.indicator(row).pk)
        return self.lookups.values.get(key)

"""The benchmark's tuned django-import-export resource reads only what its file names (issue 29):
the file's communes' evaluations and their values, not the country's."""

from __future__ import annotations

import io

import pytest
import tablib

from criteria.models import Evaluation, IndicatorValue
from criteria.rosters.benchmark import roster_rows, roster_workbook
from criteria.rosters.resources import TunedEvaluationValueResource
from criteria.services import evaluation_create


@pytest.mark.django_db
def test_the_tuned_resource_reads_and_writes_only_the_files_evaluations(world):
    table = roster_rows(120)  # the benchmark province's first xã, each with a draft of 2025/1
    other = evaluation_create(
        commune=world.commune_a2, criteria_set=world.criteria_set, year=2024, half=2, actor=None
    )
    dataset = tablib.Dataset().load(io.BytesIO(roster_workbook(table, titles=False)), "xlsx")
    resource = TunedEvaluationValueResource()
    result = resource.import_data(dataset, dry_run=False, use_transactions=False)
    assert not result.has_errors()
    assert not result.has_validation_errors()
    read = resource.lookups.evaluations
    assert other.pk not in {e.pk for e in read.values()}
    assert world.evaluation_a1.pk not in {e.pk for e in read.values()}
    communes = {e.commune for e in read.values()}
    assert len(communes) == len(read) == -(-120 // len(resource.lookups.indicators))
    assert {c.province.name for c in communes} == {row[1] for row in table}
    assert all(e.year == 2025 and e.half == 1 for e in read.values())
    written = IndicatorValue.objects.filter(evaluation__in=list(read.values()), value__isnull=False)
    assert written.count() == 120
    assert not IndicatorValue.objects.filter(evaluation=other, value__isnull=False).exists()
    assert Evaluation.objects.filter(pk=other.pk).exists()

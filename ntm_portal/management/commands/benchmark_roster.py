"""Rows per second and peak memory of the evaluation roster import, against django-import-export's
default (row-by-row) resource on the same rows. A benchmark, not a test; nothing is kept."""

from __future__ import annotations

import io
import resource
import time
import tracemalloc
from collections.abc import Callable

import tablib
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from criteria.models import EvaluationLog, IndicatorValue
from ntm_portal.rosters import roster_for
from ntm_portal.rosters.benchmark import HEADER, roster_rows, roster_workbook
from ntm_portal.rosters.resources import DefaultEvaluationValueResource
from ntm_portal.rosters.services import roster_validate_file


class Rollback(Exception):
    pass


def timed(action: Callable[[], object]) -> tuple[object, float, int]:
    """Result, seconds, and the peak of Python allocations (bytes) during a second, traced run
    is not needed: tracing is on for this one run only."""
    tracemalloc.start()
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak


class Command(BaseCommand):
    help = "Đo tốc độ (dòng/giây) và bộ nhớ khi nhập danh sách kết quả đánh giá."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument(
            "--skip-default", action="store_true", help="bỏ phần so sánh với cấu hình mặc định"
        )

    def handle(self, *args, rows: int, skip_default: bool, **options) -> None:
        try:
            with transaction.atomic():
                self._run(rows, skip_default)
                raise Rollback
        except Rollback:
            pass

    def _run(self, rows: int, skip_default: bool) -> None:
        table = roster_rows(rows)
        data = roster_workbook(table)
        self.stdout.write(
            f"{rows} rows, {len(data) / 1024:.0f} KiB .xlsx, database {connection.vendor}"
        )
        lines = []

        def validate():
            return roster_validate_file(
                kind="evaluations", content=io.BytesIO(data), filename="b.xlsx", actor=None
            )

        # Untraced for the time (tracemalloc slows Python down), traced for the memory.
        started = time.perf_counter()
        validation = validate()
        check_seconds = time.perf_counter() - started
        _, _, check_peak = timed(validate)
        assert not validation.has_errors, validation.as_json()["errors"][:5]
        with transaction.atomic():
            logs_before = EvaluationLog.objects.count()
            started = time.perf_counter()
            roster_for("evaluations").apply(validation, actor=None, reason="benchmark")
            import_seconds = time.perf_counter() - started
            written = IndicatorValue.objects.filter(
                evaluation__commune__province__code="99", evaluation__year=2025
            ).count()
            logs = EvaluationLog.objects.count() - logs_before
            transaction.set_rollback(True)
        lines.append(
            (
                "portal (bulk, history, status)",
                check_seconds,
                import_seconds,
                check_peak,
                f"{written} values, {logs} history rows",
            )
        )

        if not skip_default:
            dataset = tablib.Dataset(*[[str(v) for v in row] for row in table], headers=HEADER)
            default = DefaultEvaluationValueResource()
            started = time.perf_counter()
            result = default.import_data(dataset, dry_run=True)
            default_check = time.perf_counter() - started
            assert not result.has_errors()
            assert not result.has_validation_errors()
            _, _, default_peak = timed(lambda: default.import_data(dataset, dry_run=True))
            with transaction.atomic():
                started = time.perf_counter()
                default.import_data(dataset, dry_run=False, use_transactions=False)
                default_import = time.perf_counter() - started
                transaction.set_rollback(True)
            lines.append(
                (
                    "django-import-export default",
                    default_check,
                    default_import,
                    default_peak,
                    "values only: no history, no status",
                )
            )

        self.stdout.write(
            f"{'configuration':32} {'check rows/s':>13} {'import rows/s':>14} "
            f"{'end-to-end rows/s':>18} {'peak MiB':>9}  note"
        )
        for name, check, imported, peak, note in lines:
            self.stdout.write(
                f"{name:32} {rows / check:13,.0f} {rows / imported:14,.0f} "
                f"{rows / (check + imported):18,.0f} {peak / 2**20:9.1f}  {note}"
            )
        self.stdout.write(
            f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )

"""Rows per second and peak memory of the evaluation roster import, against django-import-export's
default (row-by-row) resource on the same rows. The portal's numbers are its services' own: the
worker's check of an uploaded file (`roster_import_validate`) and the confirmation
(`roster_import_confirm`). A benchmark, not a test; nothing is kept."""

from __future__ import annotations

import hashlib
import io
import json
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import tablib
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from criteria.models import EvaluationLog
from criteria.rosters.benchmark import roster_rows, roster_workbook
from criteria.rosters.resources import (
    DefaultEvaluationValueResource,
    TunedEvaluationValueResource,
)
from ntm_portal.bulk import collection_paused
from ntm_portal.models import Role, RosterImport, User
from ntm_portal.rosters import reading, roster_for
from ntm_portal.rosters.services import (
    roster_import_confirm,
    roster_import_validate,
    roster_validate_file,
)

DEFAULT_ROWS_AT_MOST = 500


class Rollback(Exception):
    pass


def timed(action: Callable[[], object]) -> tuple[object, float, int]:
    """The action's result, its seconds, and the peak of Python allocations (bytes) while it
    ran. Tracing slows Python down: time an untraced run for speed, a traced one for memory."""
    tracemalloc.start()
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class Command(BaseCommand):
    help = "Đo tốc độ (dòng/giây) và bộ nhớ khi nhập danh sách kết quả đánh giá."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument(
            "--skip-default", action="store_true", help="bỏ phần so sánh với cấu hình mặc định"
        )
        parser.add_argument(
            "--default-rows",
            type=int,
            default=None,
            help="số dòng cho cấu hình mặc định (mặc định: như --rows, tối đa 500; nó chậm, "
            "đọc từng dòng, và tốc độ của nó tính theo dòng)",
        )
        parser.add_argument(
            "--repeat", type=int, default=3, help="số lần đo kiểm tra và xác nhận (lấy trung vị)"
        )
        parser.add_argument(
            "--traced-rows",
            type=int,
            default=None,
            help="số dòng của lần đo bộ nhớ (mặc định: như --rows)",
        )

    def handle(
        self,
        *args,
        rows: int,
        skip_default: bool,
        default_rows: int | None,
        traced_rows: int | None,
        repeat: int,
        **options,
    ) -> None:
        try:
            with transaction.atomic():
                # Row by row, import-export's default takes minutes at 10,000 rows (a lookup
                # query per row and column): its rows per second are measured on 500 at most.
                default_rows = default_rows or min(rows, DEFAULT_ROWS_AT_MOST)
                self._run(rows, skip_default, traced_rows or rows, default_rows, repeat)
                raise Rollback
        except Rollback:
            pass

    def _run(
        self, rows: int, skip_default: bool, traced_rows: int, default_rows: int, repeat: int
    ) -> None:
        table = roster_rows(rows)
        data = roster_workbook(table)
        self.stdout.write(
            f"{rows} rows, {len(data) / 1024:.0f} KiB .xlsx, database {connection.vendor}"
        )
        roster = roster_for("evaluations")
        admin = User.objects.create(username="benchmark-roster", role=Role.ADMIN)
        uploads: list[RosterImport] = []

        def upload(content: bytes) -> RosterImport:
            """The uploaded file, kept as `roster_import_create` keeps it (nothing queued)."""
            record = RosterImport(
                kind="evaluations",
                original_name="b.xlsx",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=admin,
            )
            record.file.save("b.xlsx", ContentFile(content), save=False)
            record.save()
            uploads.append(record)
            return record

        def check(record: RosterImport) -> None:
            """The upload's check, as the worker runs it: read the stored file, validate, keep
            the rows as read and each row's outcome."""
            roster_import_validate(record_id=record.pk)

        def confirm(record: RosterImport) -> None:
            """The confirmation: the kept rows checked again against the database, written."""
            assert roster_import_confirm(record=record, actor=admin)

        def both(content: bytes) -> tuple[float, float]:
            """Seconds of the check and of the confirmation of one upload, then rolled back."""
            with transaction.atomic():
                record = upload(content)
                checked = seconds(lambda: check(record))
                record.refresh_from_db()
                assert record.can_confirm, RosterImport.objects.get(pk=record.pk).result
                confirmed = seconds(lambda: confirm(record))
                transaction.set_rollback(True)
            return checked, confirmed

        try:
            both(data)  # warm: the first run loads the catalogue's and the places' caches
            # The median of a few runs: one run on a shared machine can be a fifth off.
            runs = [both(data) for _ in range(repeat)]
            check_seconds = statistics.median(checked for checked, _confirmed in runs)
            confirm_seconds = statistics.median(confirmed for _checked, confirmed in runs)
            with transaction.atomic():
                validation = roster_validate_file(
                    kind="evaluations", content=io.BytesIO(data), filename="b.xlsx", actor=None
                )
                logs_before = EvaluationLog.objects.count()
                with collection_paused():  # as the confirmation runs it
                    write_seconds = seconds(
                        lambda: roster.apply(validation, actor=None, reason="b")
                    )
                logs = EvaluationLog.objects.count() - logs_before
                transaction.set_rollback(True)

            def read() -> None:
                reading.read_table(io.BytesIO(data), filename="b.xlsx", columns=roster.columns)

            # The reader's share of the check, with each reader (the same file checks before both).
            readers = {"calamine": (seconds(read), check_seconds)}
            reading.FAST_XLSX = False
            try:
                readers["openpyxl"] = (seconds(read), both(data)[0])
            finally:
                reading.FAST_XLSX = True
            # Memory apart: tracing slows Python down several times, so it is never timed.
            traced = data if traced_rows >= rows else roster_workbook(table[:traced_rows])
            with transaction.atomic():
                record = upload(traced)
                _, _, peak = timed(lambda: (check(record), confirm(record)))
                transaction.set_rollback(True)
        finally:
            for record in uploads:
                record.file.delete(save=False)
        traced_note = "" if traced_rows >= rows else f"; peak of {traced_rows:,} rows"
        lines = [
            (
                "portal (bulk, history, status)",
                rows,
                check_seconds,
                confirm_seconds,
                check_seconds + confirm_seconds,
                peak,
                f"calamine reader; writes alone {rows / write_seconds:,.0f} rows/s; "
                f"{logs} history rows{traced_note}",
            ),
            (
                "portal, openpyxl reader",
                rows,
                readers["openpyxl"][1],
                confirm_seconds,
                readers["openpyxl"][1] + confirm_seconds,
                peak,
                "as before python-calamine",
            ),
        ]
        for name, (read_seconds, checked) in readers.items():
            self.stdout.write(
                f"reading the .xlsx with {name}: {read_seconds:.2f} s "
                f"({rows / read_seconds:,.0f} rows/s), {read_seconds / checked:.0%} of the check"
            )

        resources = [("django-import-export tuned (bulk)", TunedEvaluationValueResource, rows)]
        if not skip_default:
            resources.append(
                ("django-import-export default", DefaultEvaluationValueResource, default_rows)
            )
        for name, resource_class, count in resources:
            plain = roster_workbook(table[:count], titles=False)
            check_time, confirm_time, total, peak_bytes, note = self._import_export(
                resource_class, plain
            )
            if count != rows:
                note += f"; measured on {count:,} rows"
            lines.append((name, count, check_time, confirm_time, total, peak_bytes, note))

        self.stdout.write(
            "check = the worker's check of the upload (read the stored .xlsx, validate, keep the "
            "rows and each row's outcome; a dry run for import-export); confirm = check the kept "
            "rows again against the database and write (the real import_data for import-export); "
            f"end to end = both, median of {repeat} runs; peak = traced Python allocations, "
            "check + confirm, in a run of its own (tracing slows Python down: never timed)"
        )
        self.stdout.write(
            f"{'configuration':34} {'check rows/s':>13} {'confirm rows/s':>15} "
            f"{'end-to-end rows/s':>18} {'peak MiB':>9}  note"
        )
        for name, count, check_time, confirm_time, total, peak_bytes, note in lines:
            self.stdout.write(
                f"{name:34} {count / check_time:13,.0f} {count / confirm_time:15,.0f} "
                f"{count / total:18,.0f} {peak_bytes / 2**20:9.1f}  {note}"
            )
        self.stdout.write(
            f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
        end_to_end = rows / (check_seconds + confirm_seconds)
        self.stdout.write(
            f"goal ≥ 5,000 rows/s end to end: {end_to_end:,.0f} rows/s, "
            f"{'met' if end_to_end >= 5000 else 'NOT met'}"
        )
        report = {
            "rows": rows,
            "database": connection.vendor,
            "readers": {
                name: {
                    "read_seconds": round(read_seconds, 3),
                    "read_rows_per_s": round(rows / read_seconds),
                    "share_of_check": round(read_seconds / checked, 3),
                }
                for name, (read_seconds, checked) in readers.items()
            },
            "traced_rows": min(traced_rows, rows),
            "configurations": {
                name: {
                    "rows": count,
                    "check_rows_per_s": round(count / check_time),
                    "confirm_rows_per_s": round(count / confirm_time),
                    "end_to_end_rows_per_s": round(count / total),
                    "peak_mib": round(peak_bytes / 2**20, 1),
                }
                for name, count, check_time, confirm_time, total, peak_bytes, _note in lines
            },
        }
        output = Path(settings.VAR_DIR) / "benchmark_roster.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
        self.stdout.write(f"written: {output}")

    @staticmethod
    def _import_export(resource_class, data: bytes) -> tuple[float, float, float, int, str]:
        """import-export's own flow: load the .xlsx, dry run (its preview), then the import,
        which validates again as it writes."""

        def run(dry_run: bool):
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
            return resource_class().import_data(dataset, dry_run=dry_run, use_transactions=False)

        with transaction.atomic():
            result = run(dry_run=True)
            transaction.set_rollback(True)
        assert not result.has_errors()
        assert not result.has_validation_errors()
        with transaction.atomic():
            check = seconds(lambda: run(dry_run=True))
            transaction.set_rollback(True)
        with transaction.atomic():
            confirm = seconds(lambda: run(dry_run=False))
            transaction.set_rollback(True)
        with transaction.atomic():
            _, _, peak = timed(lambda: (run(dry_run=True), run(dry_run=False)))
            transaction.set_rollback(True)
        return check, confirm, check + confirm, peak, "values only: no history, no status"

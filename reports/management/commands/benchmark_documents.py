"""Render time per document type, and the memory of one process rendering many in a row."""

from __future__ import annotations

import resource
import statistics
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.docx_export import html_to_docx
from reports.models import Document
from reports.rendering import render_pdf
from reports.services import compose_html


class Command(BaseCommand):
    help = "Đo thời gian tạo mỗi loại văn bản (PDF và DOCX) và bộ nhớ tối đa khi tạo liên tiếp."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=200, help="số văn bản tạo liên tiếp")

    def handle(self, *args, count: int, **options) -> None:
        samples = {}
        for kind in Document.Kind.values:
            document = Document.objects.filter(kind=kind).order_by("pk").first()
            if document:
                samples[kind] = document
        if not samples:
            raise CommandError("Chưa có văn bản nào: chạy `load_demo` (hoặc tạo văn bản) trước.")
        start_rss = _rss_mb()
        timings: dict[str, list[float]] = {kind: [] for kind in samples}
        kinds = list(samples)
        warm_rss = start_rss
        for index in range(count):
            if index == max(count // 10, len(kinds)):
                # After every type has rendered once: what is cached is cached.
                warm_rss = _rss_mb()
            kind = kinds[index % len(kinds)]
            started = time.perf_counter()
            html, _ = compose_html(samples[kind])
            render_pdf(html)
            html_to_docx(html)
            timings[kind].append((time.perf_counter() - started) * 1000)
        self.stdout.write(f"{'document type':<22}{'renders':>8}{'median ms':>11}{'max ms':>9}")
        for kind, values in timings.items():
            self.stdout.write(
                f"{kind:<22}{len(values):>8}{statistics.median(values):>11.0f}{max(values):>9.0f}"
            )
        self.stdout.write(
            f"{count} renders in a row: peak RSS {_rss_mb():.0f} MB (at start {start_rss:.0f} MB, "
            f"after the first {max(count // 10, len(kinds))} {warm_rss:.0f} MB)"
        )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

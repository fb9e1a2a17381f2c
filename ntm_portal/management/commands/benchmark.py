"""Page speed at national scale. A benchmark, not a test: it prints numbers for the closing note."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communes.models import Commune, Edition, Province
from communes.services import divisions_load
from criteria.benchmark_data import build_evaluations
from criteria.catalogue import catalogue_load
from criteria.models import CriteriaSet, Evaluation
from ntm_portal.models import Role, User
from sponsorships.models import Agency, Assignment, Inspection
from sponsorships.services import inspections_plan

NATIONAL_SET = "QD318-2022-XA-NTM"
BENCHMARK_AGENCY = "[benchmark]"


@dataclass
class Measurement:
    page: str
    url: str
    p50_ms: float
    p95_ms: float
    queries: int


class Command(BaseCommand):
    help = "Nạp phiên bản 2024 rồi đo thời gian (p50/p95) và số truy vấn SQL của các trang chính."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=50, help="số lần đo mỗi trang (≥ 50)")
        parser.add_argument(
            "--communes",
            type=int,
            default=None,
            help="chỉ tạo đánh giá cho N xã đầu tiên (mặc định: mọi xã của phiên bản 2024)",
        )

    def handle(self, *args, requests: int, communes: int | None, **options) -> None:
        # The data it builds stays (a second run reuses it): point it at a benchmark database.
        started = time.perf_counter()
        result = divisions_load(edition=Edition.THREE_TIER_2024)
        self.stdout.write(
            f"load_divisions --edition 2024: {time.perf_counter() - started:.2f} s "
            f"({result.summary()})"
        )
        catalogue_load(directory=Path(settings.BASE_DIR) / "fixtures" / "criteria")
        criteria_set = CriteriaSet.objects.get(code=NATIONAL_SET)
        rural = (
            Commune.objects.of_edition(Edition.THREE_TIER_2024)
            .xa()
            .select_related("province")
            .order_by("pk")[:communes]
        )
        started = time.perf_counter()
        created = build_evaluations(criteria_set=criteria_set, communes=rural)
        total = Evaluation.objects.filter(criteria_set=criteria_set).count()
        self.stdout.write(
            f"evaluations ({NATIONAL_SET}, 10 half-years per xã): {total} "
            f"({created} built in {time.perf_counter() - started:.1f} s)"
        )
        self._benchmark_planning(rural)
        self.stdout.write(f"database: {connection.vendor}; {requests} requests per page\n")

        # Nothing the benchmark creates outlives it.
        with transaction.atomic(), override_settings(ALLOWED_HOSTS=["testserver"]):
            measurements = self._measure_pages(requests)
            transaction.set_rollback(True)

        self.stdout.write(f"{'page':<18}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}  url")
        for m in measurements:
            self.stdout.write(
                f"{m.page:<18}{m.p50_ms:>9.1f}{m.p95_ms:>9.1f}{m.queries:>9}  {m.url}"
            )

    def _benchmark_planning(self, rural) -> None:
        """One benchmark agency per province assigned every xã; the calendar job, twice."""
        agencies = {}
        for province in Province.objects.of_edition(Edition.THREE_TIER_2024):
            agencies[province.pk], _ = Agency.objects.get_or_create(
                province=province, name=f"{BENCHMARK_AGENCY} {province.short_name}"
            )
        assigned = set(
            Assignment.objects.filter(agency__name__startswith=BENCHMARK_AGENCY).values_list(
                "commune_id", flat=True
            )
        )
        Assignment.objects.bulk_create(
            Assignment(
                agency=agencies[commune.province_id],
                commune=commune,
                kind=Assignment.Kind.SPONSORED if commune.pk % 2 else Assignment.Kind.SUPERVISED,
                start=date(2024, 1, 1),
            )
            for commune in rural
            if commune.pk not in assigned
        )
        ours = Inspection.objects.filter(assignment__agency__name__startswith=BENCHMARK_AGENCY)
        ours.delete()  # so that the first run really is a first run
        count = Assignment.objects.filter(agency__name__startswith=BENCHMARK_AGENCY).count()
        today = timezone.localdate()
        for label in ("first run", "re-run"):
            started = time.perf_counter()
            result = inspections_plan(today=today)
            self.stdout.write(
                f"plan_inspections, {count} assignments, {label}: "
                f"{time.perf_counter() - started:.2f} s ({result.summary()})"
            )

    def _measure_pages(self, requests: int) -> list[Measurement]:
        # The largest province, and the seeds' sponsored commune (or any xã) as the commune page.
        province = (
            Province.objects.of_edition(Edition.THREE_TIER_2024)
            .annotate(size=Count("communes"))
            .order_by("-size")
            .first()
        )
        commune = (
            Commune.objects.of_edition(Edition.THREE_TIER_2024).filter(code="19477").first()
            or Commune.objects.of_edition(Edition.THREE_TIER_2024).xa().first()
        )
        admin = User.objects.create(username="benchmark-admin", role=Role.ADMIN, is_superuser=True)
        # The review side is measured in the largest province (or, on a partial build, in the
        # province of any evaluated commune), as that province's office staff.
        evaluations = Evaluation.objects.filter(village=None).latest_first()
        evaluated = evaluations.filter(commune__province=province).first() or evaluations.first()
        reviewer = User.objects.create(
            username="benchmark-province",
            role=Role.PROVINCE,
            province_id=evaluated.commune.province_id if evaluated else province.pk,
        )
        client = Client()
        client.force_login(admin)
        province_client = Client()
        province_client.force_login(reviewer)
        measurements = []
        if evaluated:
            measurements += [
                self._measure(province_client, name, url, requests)
                for name, url in [
                    (
                        "commune status",
                        reverse("criteria:commune_status", args=[evaluated.commune_id]),
                    ),
                    ("evaluation", reverse("criteria:evaluation_detail", args=[evaluated.pk])),
                    ("review queue", reverse("criteria:review_queue")),
                    ("calendar", reverse("sponsorships:calendar")),
                ]
            ]
        pages = [
            ("province list", reverse("communes:province_list") + "?edition=2024"),
            ("province page", reverse("communes:province_detail", args=[province.pk])),
            ("province search", reverse("communes:province_detail", args=[province.pk]) + "?q=xa"),
            ("commune search", reverse("communes:commune_list") + "?q=tan"),
            ("commune page", reverse("communes:commune_detail", args=[commune.pk])),
        ]
        return [self._measure(client, name, url, requests) for name, url in pages] + measurements

    def _measure(self, client: Client, page: str, url: str, requests: int) -> Measurement:
        for _ in range(3):  # warm caches, templates and connections
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        # Counted now: the captured list is read lazily from a log the next request clears.
        query_count = len(captured)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        timings = []
        for _ in range(max(requests, 50)):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        return Measurement(
            page=page,
            url=url,
            p50_ms=statistics.median(timings),
            p95_ms=statistics.quantiles(timings, n=20)[18],
            queries=query_count,
        )

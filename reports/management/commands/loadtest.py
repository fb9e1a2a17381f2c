"""Many users at once: signed-in users of mixed roles walking realistic paths against gunicorn.

A benchmark, not a test. It starts gunicorn on loopback (or uses `--url`), signs in `--users`
users of every role (sessions made directly, as a login would; removed afterwards), and for
`--seconds` each user walks its path with a think time between clicks:

    admin, province, district: dashboard → heat map → list behind a figure → commune → evaluation
    agency:                    calendar → inspection
    commune:                   status → edit

It reports requests/s, p50/p95/p99 per page and errors, writes var/loadtest.json, and says how
much CPU the load generator itself used (it shares the machine's cores with the server). Run it
on the national benchmark's database (`manage.py benchmark --scale national` first).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.urls import reverse

from criteria.models import CommuneStanding, CriteriaSet, Evaluation
from ntm_portal.models import Role, User
from sponsorships.models import Inspection

PREFIX = "loadtest-"
# Of every 20 users: the roles the portal's users have, in about their proportions of traffic.
MIX = [
    *["admin"] * 3,
    *["province"] * 6,
    *["district"] * 4,
    *["agency"] * 4,
    *["commune"] * 3,
]


@dataclass
class Walker:
    role: str
    cookie: str
    path: list[tuple[str, str]]  # (page name, url)


def _percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Command(BaseCommand):
    help = (
        "Kiểm thử tải: nhiều người dùng đã đăng nhập (đủ vai trò) cùng duyệt các trang chính "
        "qua gunicorn; ghi số yêu cầu/giây, p50/p95/p99 từng trang và lỗi vào var/loadtest.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument("--seconds", type=int, default=60, help="thời gian đo (tối đa 600)")
        parser.add_argument(
            "--url", default=None, help="máy chủ có sẵn (mặc định: tự chạy gunicorn trên 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=None, help="cổng gunicorn tự chạy")
        parser.add_argument("--workers", type=int, default=2, help="số worker gunicorn")
        parser.add_argument("--threads", type=int, default=2, help="số luồng mỗi worker gunicorn")
        parser.add_argument(
            "--think",
            type=float,
            default=1.0,
            help="thời gian nghĩ trung bình giữa hai lần bấm, giây (0: bấm liên tục)",
        )
        parser.add_argument("--edition", type=int, default=2024)
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "loadtest.json"))

    def handle(self, *args, users: int, seconds: int, url: str | None, port: int | None,
               workers: int, threads: int, think: float, edition: int, output: str,
               **options) -> None:  # fmt: skip
        seconds = max(1, min(seconds, 600))
        walkers = self._walkers(users, edition)
        server = None
        try:
            if url is None:
                port = port or _free_port()
                url = f"http://127.0.0.1:{port}"
                server = self._start(port, workers, threads)
            self._wait_for(url)
            self.stdout.write(
                f"{users} users ({', '.join(f'{r} {MIX.count(r)}' for r in dict.fromkeys(MIX))} "
                f"per 20) for {seconds} s against {url}; think time ~{think} s"
            )
            results, generator = self._run(url, walkers, seconds, think)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
            User.objects.filter(username__startswith=PREFIX).delete()
        report = self._report(results, users, seconds, think, workers, threads, generator, url)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
        self._print(report)
        self.stdout.write(f"written: {output}")

    # --- Who walks where ------------------------------------------------------------------------

    def _walkers(self, count: int, edition: int) -> list[Walker]:
        criteria_set = CriteriaSet.objects.filter(
            code={2024: "QD318-2022-XA-NTM", 2025: "QD51-2025-XA-NTM"}.get(edition, "")
        ).first()
        if (
            criteria_set is None
            or not CommuneStanding.objects.filter(criteria_set=criteria_set).exists()
        ):
            raise CommandError(
                "Chưa có dữ liệu đo: chạy `manage.py benchmark --scale national` trước."
            )
        busiest = (
            CommuneStanding.objects.filter(criteria_set=criteria_set, is_latest=True)
            .values("commune__province_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        province_id = busiest["commune__province_id"]
        standings = list(
            CommuneStanding.objects.filter(
                criteria_set=criteria_set, is_latest=True, commune__province_id=province_id
            )
            .exclude(commune__district=None)
            .values_list("commune_id", "commune__district_id", "evaluation_id")[:200]
        )
        drafts = dict(
            Evaluation.objects.filter(
                criteria_set=criteria_set,
                village=None,
                commune_id__in=[s[0] for s in standings],
                status=Evaluation.Status.DRAFT,
            ).values_list("commune_id", "pk")
        )
        inspections = list(
            Inspection.objects.filter(assignment__commune__province_id=province_id)
            .order_by("-due_date")
            .values_list("assignment__agency_id", "pk")[:400]
        )
        criterion = criteria_set.criteria.order_by("number").first()
        rng = random.Random(17)
        query = f"?bo={criteria_set.pk}"
        national = f"{query}&phien_ban={edition}"
        walkers = []
        for index in range(count):
            role = MIX[index % len(MIX)]
            commune_id, district_id, evaluation_id = rng.choice(standings)
            fields: dict = {"username": f"{PREFIX}{index}-{role}", "is_active": True}
            if role == "admin":
                fields.update(role=Role.ADMIN, is_superuser=True)
            elif role == "province":
                fields.update(role=Role.PROVINCE, province_id=province_id)
            elif role == "district":
                fields.update(role=Role.DISTRICT, district_id=district_id)
            elif role == "agency":
                agency_id, _ = rng.choice(inspections)
                fields.update(role=Role.AGENCY, agency_id=agency_id)
            else:
                commune_id = rng.choice(list(drafts) or [commune_id])
                fields.update(role=Role.COMMUNE, commune_id=commune_id)
            user = User.objects.create(**fields)
            if role in ("admin", "province", "district"):
                scope = national if role == "admin" else query
                path = [
                    ("dashboard", reverse("dashboards:overview") + scope),
                    ("heat map", reverse("dashboards:heatmap") + scope),
                    (
                        "list behind a figure",
                        reverse("dashboards:commune_list")
                        + f"{scope}&tieu_chi={criterion.pk}&trang_thai=chua-dat",
                    ),
                    ("commune status", reverse("criteria:commune_status", args=[commune_id])),
                    ("evaluation", reverse("criteria:evaluation_detail", args=[evaluation_id])),
                ]
            elif role == "agency":
                own = [pk for agency, pk in inspections if agency == user.agency_id]
                path = [
                    ("calendar", reverse("sponsorships:calendar")),
                    ("inspection", reverse("sponsorships:inspection_detail", args=[own[0]])),
                ]
            else:
                draft = drafts.get(commune_id)
                path = [("commune status", reverse("criteria:commune_status", args=[commune_id]))]
                if draft:
                    path.append(
                        ("evaluation edit", reverse("criteria:evaluation_edit", args=[draft]))
                    )
                else:
                    # No draft (the benchmark's last half-year awaits review): its page instead.
                    path.append(
                        ("evaluation", reverse("criteria:evaluation_detail", args=[evaluation_id]))
                    )
            walkers.append(Walker(role=role, cookie=self._session(user), path=path))
        return walkers

    @staticmethod
    def _session(user: User) -> str:
        """A signed-in session as the login view makes it."""
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "ntm_portal.backends.PortalBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    # --- The server -----------------------------------------------------------------------------

    def _start(self, port: int, workers: int, threads: int) -> subprocess.Popen:
        # The hashed static manifest the pages link to, as in production.
        call_command("collectstatic", interactive=False, verbosity=0)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "ntm_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ]
        self.stdout.write(f"gunicorn: {workers} workers × {threads} threads on 127.0.0.1:{port}")
        return subprocess.Popen(command, cwd=settings.BASE_DIR, env=os.environ.copy())

    @staticmethod
    def _wait_for(url: str) -> None:
        parts = urlsplit(url)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.5)
        raise CommandError(f"{url} không trả lời.")

    # --- The load -------------------------------------------------------------------------------

    def _run(self, url: str, walkers: list[Walker], seconds: int, think: float):
        parts = urlsplit(url)
        results: list[tuple[str, float, int]] = []
        lock = threading.Lock()
        started = time.monotonic()
        deadline = started + seconds
        usage_before = resource.getrusage(resource.RUSAGE_SELF)

        def walk(walker: Walker, seed: int) -> None:
            rng = random.Random(seed)
            # Users do not all click at the same instant.
            time.sleep(rng.uniform(0, think or 0.1))
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            while time.monotonic() < deadline:
                for page, path in walker.path:
                    if time.monotonic() >= deadline:
                        break
                    begun = time.perf_counter()
                    status = 0
                    # A kept-alive connection the server closed while the user was thinking is
                    # not the page's error: one retry on a fresh connection, as browsers do.
                    for _attempt in range(2):
                        try:
                            connection.request("GET", path, headers={"Cookie": walker.cookie})
                            response = connection.getresponse()
                            response.read()
                            status = response.status
                            if response.getheader("Connection", "").lower() == "close":
                                connection.close()
                            break
                        except (OSError, http.client.HTTPException):
                            connection.close()
                    spent = (time.perf_counter() - begun) * 1000
                    with lock:
                        results.append((page, spent, status))
                    if think:
                        time.sleep(rng.uniform(0, 2 * think))

        threads = [
            threading.Thread(target=walk, args=(walker, index), daemon=True)
            for index, walker in enumerate(walkers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 60)
        elapsed = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime)
        return results, {"seconds": round(elapsed, 1), "cores_used": round(cpu / elapsed, 3)}

    # --- Reporting ------------------------------------------------------------------------------

    def _report(self, results, users, seconds, think, workers, threads, generator, url) -> dict:
        by_page: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for page, spent, status in results:
            by_page[page].append((spent, status))
        pages = {}
        for page, rows in by_page.items():
            timings = [spent for spent, _ in rows]
            pages[page] = {
                "requests": len(rows),
                "requests_per_s": round(len(rows) / generator["seconds"], 2),
                "p50_ms": round(_percentile(timings, 0.50), 1),
                "p95_ms": round(_percentile(timings, 0.95), 1),
                "p99_ms": round(_percentile(timings, 0.99), 1),
                "errors": sum(1 for _, status in rows if status != 200),
            }
        timings = [spent for _, spent, _ in results]
        errors = sum(1 for *_, status in results if status != 200)
        single = _single_user_times()
        return {
            "users": users,
            "seconds": seconds,
            "think_time_s": think,
            "server": {"url": url, "gunicorn_workers": workers, "threads": threads},
            "machine": {"cpus": os.cpu_count(), "load_average_after": os.getloadavg()},
            "load_generator": {"processes": 1, "threads": users, **generator},
            "requests": len(results),
            "requests_per_s": round(len(results) / generator["seconds"], 2),
            "errors": errors,
            "p50_ms": round(_percentile(timings, 0.50), 1) if timings else None,
            "p95_ms": round(_percentile(timings, 0.95), 1) if timings else None,
            "p99_ms": round(_percentile(timings, 0.99), 1) if timings else None,
            "goal": {"errors": 0, "p95_ms": 1000},
            "meets_goal": bool(timings) and errors == 0 and _percentile(timings, 0.95) <= 1000,
            "pages": pages,
            "single_user_service_ms": single,
        }

    def _print(self, report: dict) -> None:
        self.stdout.write(
            f"{'page':<22}{'requests':>9}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}"
        )
        for page, row in report["pages"].items():
            self.stdout.write(
                f"{page:<22}{row['requests']:>9}{row['requests_per_s']:>8}{row['p50_ms']:>8}"
                f"{row['p95_ms']:>8}{row['p99_ms']:>8}{row['errors']:>8}"
            )
        generator = report["load_generator"]
        self.stdout.write(
            f"all: {report['requests']} requests, {report['requests_per_s']} req/s, "
            f"p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, p99 {report['p99_ms']} ms, "
            f"{report['errors']} errors; goal 0 errors and p95 ≤ 1000 ms: "
            f"{'met' if report['meets_goal'] else 'NOT met'}; load generator used "
            f"{generator['cores_used']} of {report['machine']['cpus']} cores"
        )


def _single_user_times() -> dict:
    """The single-user service times (p50) of the last `manage.py benchmark`, for comparison."""
    path = Path(settings.VAR_DIR) / "benchmark.json"
    if not path.exists():
        return {}
    try:
        report = json.loads(path.read_text("utf-8"))
        edition = next(iter(report["editions"].values()))
        return {page["page"]: page["p50_ms"] for page in edition["pages"]}
    except (ValueError, KeyError, StopIteration):
        return {}

"""A working day at once: users of every role sign in and walk their day, with writes, against
gunicorn on loopback, PostgreSQL and Redis. A benchmark, not a test.

It starts gunicorn on loopback (or uses `--url`) and a Celery worker, makes `--users` throwaway
users of every role (locked afterwards: what they wrote keeps its author) who sign in through the
real login form (CSRF token included), then for `--seconds` each walks its day with a think
time between clicks:

    admin, district: dashboard → heat map → list behind a figure → commune → evaluation
    province:        the same, then approves a submitted evaluation of its province (and one
                     office uploads a roster, waits for the worker's check, confirms it)
    agency:          calendar → inspection → starts, fills and submits an inspection report,
                     and issues it as a document, which the Celery worker renders
    commune:         status → opens its draft evaluation → saves values → submits it

The commune officials' drafts come from the benchmark data (`build_drafts`, topped up here).
`--steps 5,10,20,40,80` then steps the user count up without think time (`--step-seconds` each)
and finds the **knee**: the request rate at which p95 passes 300 ms. Each step records the CPU
the web (gunicorn), PostgreSQL, worker and load generator processes used (from /proc), so the
bottleneck at the knee is named. Writes var/loadtest.json and prints a table. Run it on the
national benchmark's database (`manage.py benchmark --scale national` first).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from criteria.benchmark_data import build_drafts
from criteria.models import CommuneStanding, CriteriaSet, Evaluation
from criteria.rosters.benchmark import roster_workbook
from ntm_portal.models import Role, User
from reports.models import Document
from sponsorships.models import Inspection

PREFIX = "loadtest-"
# Of every 20 users: the roles the portal's users have, in about their proportions of traffic,
# interleaved so that any five users are one of each role.
MIX = [
    *["admin", "province", "district", "agency", "commune"],
    *["province", "district", "agency", "province", "commune"],
    *["admin", "province", "district", "agency", "province"],
    *["commune", "admin", "province", "district", "agency"],
]
P95_LIMIT_MS = 300  # the knee: where p95 passes this
PASSWORD = "loadtest-" + "x7Q!r2"  # throwaway users, deleted after the run


@dataclass
class Walker:
    role: str
    username: str
    path: list[tuple[str, str]]  # (step name, url) read on every round
    draft: int | None = None  # commune: the draft it saves and submits
    inspections: deque = field(default_factory=deque)  # agency: inspections to report on
    issued: bool = False  # agency: has issued its report's document (once a run)
    imports_roster: bool = False  # one province office: a roster through check and confirm


@dataclass
class Pools:
    """What the walkers of one step share: submitted evaluations the province approves."""

    submitted: deque = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    roster_file: bytes | None = None  # one province office uploads it, checks and confirms
    roster: dict = field(default_factory=dict)  # what became of it

    def take(self, pool: deque):
        with self.lock:
            return pool.popleft() if pool else None


class _Forms(HTMLParser):
    """The forms of a page as a browser would send them: inputs, selects, textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields[name] = a.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select:
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select and self.forms:
            self.forms[-1]["fields"][self._select] = self._select_value or ""
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class Browser:
    """One user's connection and cookies; every request is timed into `record`."""

    def __init__(self, url: str, record) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.record = record
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def send(self, step: str, method: str, path: str, data: dict | None = None, files=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            boundary = "loadtest" + secrets.token_hex(8)
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
                for name, value in (data or {}).items()
            ]
            for name, (filename, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        begun = time.perf_counter()
        status, text, location = 0, "", ""
        # A kept-alive connection the server closed while the user was thinking is not the
        # page's error: one retry on a fresh connection, as browsers do.
        for _attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                status = response.status
                location = response.getheader("Location", "")
                for header, value in response.getheaders():
                    if header.lower() == "set-cookie":
                        name, _, rest = value.partition("=")
                        self.cookies[name.strip()] = rest.split(";", 1)[0]
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                break
            except (OSError, http.client.HTTPException):
                self.connection.close()
        spent = (time.perf_counter() - begun) * 1000
        # A write succeeds by redirecting (never to the login page); a form shown again (200)
        # was refused: counted as 422. No answer at all: 599.
        if method == "GET":
            ok = status == 200
        else:
            ok = status in (302, 303) and "/login/" not in location
        self.record(step, spent, 200 if ok else 422 if status == 200 else status or 599)
        return status, text, location

    def get(self, step: str, path: str) -> str:
        self.page = path
        return self.send(step, "GET", path)[1]

    def submit(self, step: str, html: str, action: str, change=None, files=None) -> str | None:
        """Post the form of `html` that goes to `action` (a form without an action goes to its
        own page), as the browser would; its answer's Location, or None when the page has no
        such form (the user cannot do that now)."""
        page = getattr(self, "page", "")
        form = next(
            (
                f
                for f in forms_of(html)
                if (f["action"].split("?")[0] or page.split("?")[0]) == action
            ),
            None,
        )
        if form is None:
            return None
        data = dict(form["fields"])
        if change:
            change(data)
        return self.send(step, "POST", action, data, files)[2]


def _sign_in(browser: Browser, username: str) -> bool:
    """The real login form: its page (the CSRF cookie and token), then the post."""
    login = reverse("login")
    html = browser.get("login page", login)

    def credentials(data: dict) -> None:
        data.update(username=username, password=PASSWORD)

    location = browser.submit("login", html, login, credentials)
    return bool(location) and "/login/" not in location


def _day(browser: Browser, walker: Walker, pools: Pools, rounds: int):
    """One round of the walker's day, a click at a time (a yield after each)."""
    for step, url in walker.path:
        browser.get(step, url)
        yield
    if walker.role == "commune" and walker.draft:
        edit = reverse("criteria:evaluation_edit", args=[walker.draft])
        detail = reverse("criteria:evaluation_detail", args=[walker.draft])
        html = browser.get("evaluation edit", edit)
        yield

        def typed(data: dict) -> None:
            # What an official types: a remark on the first indicator, the values as they are.
            note = next((name for name in sorted(data) if name.startswith("note_")), None)
            if note:
                data[note] = "Thử tải: đã lưu"

        browser.submit("evaluation save", html, edit, typed)
        yield
        html = browser.get("evaluation", detail)
        yield
        # Saved, checked, sent for review; later rounds read it (a new draft comes next run).
        browser.submit(
            "evaluation submit", html, reverse("criteria:evaluation_submit", args=[walker.draft])
        )
        walker.path.append(("evaluation", detail))
        walker.draft = None
        yield
    elif walker.role == "province":
        if walker.imports_roster:
            walker.imports_roster = False
            yield from _roster(browser, pools)
        pk = pools.take(pools.submitted)
        if pk is not None:
            html = browser.get("review", reverse("criteria:evaluation_detail", args=[pk]))
            yield
            browser.submit("approve", html, reverse("criteria:evaluation_approve", args=[pk]))
            yield
    elif walker.role == "agency":
        pk = pools.take(walker.inspections)
        if pk is None:
            return
        detail = reverse("sponsorships:inspection_detail", args=[pk])
        html = browser.get("inspection", detail)
        yield
        if browser.submit("report start", html, reverse("sponsorships:report_begin", args=[pk])):
            yield
        edit = reverse("sponsorships:report_edit", args=[pk])
        html = browser.get("report form", edit)
        yield

        def filled(data: dict) -> None:
            today = timezone.localdate()
            data["inspected_on"] = data.get("inspected_on") or today.strftime("%d/%m/%Y")
            data["participants"] = data.get("participants") or "Đoàn kiểm tra (thử tải)"
            data["proposals"] = "Thử tải: báo cáo kiểm tra."

        browser.submit("report save", html, edit, filled)
        yield
        html = browser.get("inspection", detail)
        yield
        browser.submit("report submit", html, reverse("sponsorships:report_submit", args=[pk]))
        yield
        if not walker.issued:
            # The report as a document: queued here, rendered to PDF by the worker.
            html = browser.get("inspection", detail)
            yield
            action = reverse("reports:inspection_document_new", args=[pk])
            walker.issued = browser.submit("document issue", html, action) is not None
            yield


def _roster_file(criteria_set: CriteriaSet, commune) -> bytes:
    """The roster a province office uploads: one xã's open draft, every indicator, written the
    way offices write (names, comma decimals, Đạt/Chưa đạt); a remark added on each row."""
    (draft_id,) = build_drafts(criteria_set=criteria_set, communes=[commune], share=1, limit=1)
    draft = Evaluation.objects.select_related("commune__province", "commune__district").get(
        pk=draft_id
    )
    rows = []
    for value in draft.values.select_related("indicator", "indicator__criterion").order_by(
        "indicator__criterion__number", "indicator__position"
    ):
        indicator = value.indicator
        if indicator.is_yes_no:
            typed = "Đạt" if value.value else "Chưa đạt"
        else:
            typed = f"{value.value.normalize():f}".replace(".", ",")
        rows.append(
            [
                len(rows) + 1,
                draft.commune.province.name,
                draft.commune.district.short_name,
                draft.commune.name,
                criteria_set.code,
                draft.year,
                "6 tháng đầu năm" if draft.half == 1 else "6 tháng cuối năm",
                indicator.number,
                typed,
                "Thử tải: nhập từ danh sách",
            ]
        )
    return roster_workbook(rows)


def _roster(browser: Browser, pools: Pools):
    """An evaluation roster over HTTP: upload, the worker's check (polled as the page does),
    the preview, the confirmation. One click for the run's clock: it finishes even when the
    run's time is up (at most a minute of polling)."""
    started = time.monotonic()
    listing = reverse("rosters:import_list")
    html = browser.get("roster list", listing)

    def kind(data: dict) -> None:
        data["kind"] = "evaluations"

    files = {"file": ("danh-sach-thu-tai.xlsx", pools.roster_file)}
    location = browser.submit("roster upload", html, reverse("rosters:import_new"), kind, files)
    path = urlsplit(location or "").path
    if not path.rstrip("/").split("/")[-1].isdigit():
        pools.roster = {"uploaded": False}
        return
    pk = int(path.rstrip("/").split("/")[-1])
    pools.roster = {"uploaded": True, "checked": False, "confirmed": False}
    progress = reverse("rosters:import_progress", args=[pk])
    while time.monotonic() - started < 60:
        status, text, _ = browser.send("roster progress", "GET", progress)
        if status == 200 and json.loads(text).get("done"):
            pools.roster.update(checked=True, status=json.loads(text)["status"])
            break
        time.sleep(0.5)
    pools.roster["checked_in_s"] = round(time.monotonic() - started, 1)
    detail = reverse("rosters:import_detail", args=[pk])
    html = browser.get("roster preview", detail)
    confirm = reverse("rosters:import_confirm", args=[pk])
    if browser.submit("roster confirm", html, confirm):
        html = browser.get("roster preview", detail)
        pools.roster["confirmed"] = 'id="status"' in html and confirm not in html
    pools.roster["done_in_s"] = round(time.monotonic() - started, 1)
    yield


class Processes:
    """CPU seconds used so far by the web server, PostgreSQL (and the worker), from /proc: a
    process's own time and its reaped children's, plus its live descendants', so connections
    and workers that ended between two samples are counted."""

    def __init__(self, web_pid: int | None, worker_pid: int | None = None) -> None:
        self.roots = {"web": web_pid, "postgresql": _postmaster_pid(), "worker": worker_pid}
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def sample(self) -> dict[str, float | None]:
        table = _proc_table()
        return {
            group: (self._tree(root, table) if root and root in table else None)
            for group, root in self.roots.items()
        }

    def _tree(self, root: int, table: dict) -> float:
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            total += table[pid][1]
            todo.extend(child for child, (parent, _) in table.items() if parent == pid)
        return total / self.tick


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid → (parent, utime + stime + cutime + cstime in ticks), for every process we can read."""
    table = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the name: state, ppid, …; utime, stime, cutime, cstime are fields 14–17.
        table[int(entry)] = (int(fields[1]), sum(int(v) for v in fields[11:15]))
    return table


def _postmaster_pid() -> int | None:
    """PostgreSQL's main process, when it runs on this machine: the parent of this connection's
    own server process (no privilege needed)."""
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        with open(f"/proc/{backend}/stat", encoding="ascii", errors="replace") as stat:
            name, _, rest = stat.read().rpartition(")")
        if "postgres" not in name:
            return None  # another host: the same number is some other process here
        return int(rest.split()[1])
    except (DatabaseError, OSError, ValueError, IndexError):
        return None  # another host, no /proc: the figure is just not known


def _database_url() -> str:
    """The database this process uses as a URL (under tests, the test database)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql":
        return f"sqlite:///{name}"
    current = os.environ.get("DATABASE_URL", "")
    if current:
        parts = urlsplit(current)
        return parts._replace(path="/" + quote(str(name))).geturl()
    d = connection.settings_dict
    return (
        f"postgres://{quote(d['USER'] or '')}:{quote(d['PASSWORD'] or '')}@"
        f"{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{quote(str(name))}"
    )


def _documents_rendered(since, wait: float) -> dict:
    """The documents the users issued since `since`: how many the worker rendered, waiting up
    to `wait` seconds for the queue to drain."""
    issued = Document.objects.filter(created_at__gte=since, created_by__username__startswith=PREFIX)
    begun = time.monotonic()
    while wait and issued.filter(status=Document.Status.PENDING).exists():
        if time.monotonic() - begun > wait:
            break
        time.sleep(0.5)
    counts = dict(issued.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "issued": sum(counts.values()),
        "rendered": counts.get(Document.Status.DONE, 0),
        "failed": counts.get(Document.Status.FAILED, 0),
        "pending": counts.get(Document.Status.PENDING, 0),
        "drained_in_s": round(time.monotonic() - begun, 1),
    }


def _stage_summary(report: dict, cpu: dict) -> dict:
    return {
        "users": report["users"],
        "seconds": report["seconds"],
        "requests": report["requests"],
        "requests_per_s": report["requests_per_s"],
        "p50_ms": report["p50_ms"],
        "p95_ms": report["p95_ms"],
        "p99_ms": report["p99_ms"],
        "errors": report["errors"],
        "cpu_cores_used": cpu,
        "pages": report["pages"],
    }


def knee(stages: list[dict], limit: float = P95_LIMIT_MS) -> dict:
    """The request rate at which p95 passes `limit`, and what was busiest there."""
    if not stages:
        return {"p95_limit_ms": limit, "reached": None}
    index = next((i for i, stage in enumerate(stages) if (stage["p95_ms"] or 0) > limit), None)
    at = stages[index if index is not None else -1]
    # Never passed: the highest rate measured stays under the limit.
    under = stages[-1] if index is None else (stages[index - 1] if index > 0 else None)
    servers = {
        group: used
        for group, used in at["cpu_cores_used"].items()
        if group != "load_generator" and used is not None
    }
    return {
        "p95_limit_ms": limit,
        "reached": index is not None,
        "users": at["users"] if index is not None else None,
        "requests_per_s": at["requests_per_s"] if index is not None else None,
        "last_under": (
            {"users": under["users"], "requests_per_s": under["requests_per_s"]} if under else None
        ),
        "cpu_cores_used": at["cpu_cores_used"],
        "bottleneck": max(servers, key=servers.get) if servers else None,
    }


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
        "Kiểm thử tải một ngày làm việc: người dùng đủ vai trò đăng nhập qua biểu mẫu, xem và ghi "
        "(lưu, gửi, duyệt đánh giá; nộp báo cáo kiểm tra) qua gunicorn; tìm điểm gãy (p95 > 300 ms) "
        "khi tăng số người dùng; ghi p50/p95/p99 từng bước và lỗi vào var/loadtest.json."
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
        parser.add_argument(
            "--steps",
            default="",
            help="tìm điểm gãy: số người dùng từng bậc, không thời gian nghĩ (vd. 5,10,20,40,80)",
        )
        parser.add_argument(
            "--step-seconds", type=int, default=30, help="thời gian mỗi bậc (tối đa 300)"
        )
        parser.add_argument(
            "--no-worker",
            dest="with_worker",
            action="store_false",
            help="không tự chạy worker Celery (văn bản chờ worker có sẵn)",
        )
        parser.add_argument("--edition", type=int, default=2024)
        parser.add_argument("--output", default=str(Path(settings.VAR_DIR) / "loadtest.json"))

    def handle(self, *args, users: int, seconds: int, url: str | None, port: int | None,
               workers: int, threads: int, think: float, steps: str, step_seconds: int,
               with_worker: bool, edition: int, output: str,
               **options) -> None:  # fmt: skip
        seconds = max(1, min(seconds, 600))
        step_seconds = max(1, min(step_seconds, 300))
        try:
            counts = [max(1, min(int(n), 400)) for n in steps.split(",") if n.strip()][:10]
        except ValueError as error:
            raise CommandError("--steps: các số nguyên cách nhau bởi dấu phẩy.") from error
        self._scope(edition)  # fails early without benchmark data
        machine = {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}
        server = worker = None
        try:
            if url is None:
                port = port or _free_port()
                url = f"http://127.0.0.1:{port}"
                server = self._start(port, workers, threads)
                if with_worker:
                    worker = self._start_worker()
            self._wait_for(url)
            processes = Processes(server.pid if server else None, worker.pid if worker else None)
            started_at = timezone.now()
            self.stdout.write(
                f"{users} users ({', '.join(f'{r} {MIX.count(r)}' for r in dict.fromkeys(MIX))} "
                f"per 20) for {seconds} s against {url}; think time ~{think} s; "
                f"load at start {machine['load_average_at_start'][0]:.2f}"
            )
            results, generator, cpu = self._stage(
                url, users, seconds, think, edition, processes, roster=worker is not None
            )
            roster_result = self.pools.roster
            documents = _documents_rendered(started_at, wait=60 if worker else 0)
            stages = []
            for count in counts:
                self.stdout.write(f"step: {count} users, no think time, {step_seconds} s")
                found, used, spent = self._stage(url, count, step_seconds, 0, edition, processes)
                stage = self._report(found, count, step_seconds, 0, workers, threads, used, url)
                stages.append(_stage_summary(stage, spent))
        finally:
            for process in (server, worker):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=30)
            # Locked, not deleted: the history of what they wrote names them.
            User.objects.filter(username__startswith=PREFIX, is_active=True).update(is_active=False)
        report = self._report(results, users, seconds, think, workers, threads, generator, url)
        report["machine"].update(machine)
        report["cpu_cores_used"] = cpu
        report["documents"] = documents
        report["roster"] = roster_result
        report["steps"] = stages
        report["knee"] = knee(stages)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
        self._print(report)
        self.stdout.write(f"written: {output}")

    def _stage(self, url, users, seconds, think, edition, processes, roster=False):
        """One run: fresh users sign in, walk for `seconds`, then are locked."""
        User.objects.filter(username__startswith=PREFIX, is_active=True).update(is_active=False)
        walkers, pools = self._walkers(users, edition, roster)
        self.pools = pools
        before = processes.sample()
        results, generator = self._run(url, walkers, pools, seconds, think)
        after = processes.sample()
        elapsed = generator["seconds"]
        cpu = {
            group: round((after[group] - before[group]) / elapsed, 3)
            for group in before
            if before[group] is not None and after[group] is not None
        }
        cpu["load_generator"] = generator["cores_used"]
        return results, generator, cpu

    # --- Who walks where ------------------------------------------------------------------------

    def _scope(self, edition: int) -> tuple[CriteriaSet, int]:
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
        return criteria_set, busiest["commune__province_id"]

    def _walkers(
        self, count: int, edition: int, roster: bool = False
    ) -> tuple[list[Walker], Pools]:
        criteria_set, province_id = self._scope(edition)
        standings = list(
            CommuneStanding.objects.filter(
                criteria_set=criteria_set, is_latest=True, commune__province_id=province_id
            )
            .exclude(commune__district=None)
            .select_related("commune")
            .order_by("commune_id")[:400]
        )
        officials = sum(1 for index in range(count) if MIX[index % len(MIX)] == "commune") or 1
        # Every commune official has a draft to save and submit: topped up for this run.
        draft_ids = build_drafts(
            criteria_set=criteria_set,
            communes=[standing.commune for standing in standings[:officials]],
            share=1,
            limit=officials,
        )
        drafts = list(Evaluation.objects.filter(pk__in=draft_ids).values_list("commune_id", "pk"))
        pools = Pools(
            submitted=deque(
                Evaluation.objects.filter(
                    criteria_set=criteria_set,
                    village=None,
                    commune__province_id=province_id,
                    status=Evaluation.Status.SUBMITTED,
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:2000]
            )
        )
        if roster and len(standings) > officials:
            pools.roster_file = _roster_file(criteria_set, standings[officials].commune)
        today = timezone.localdate()
        fileable = defaultdict(deque)
        for agency_id, pk in (
            Inspection.objects.filter(
                assignment__commune__province_id=province_id,
                status=Inspection.Status.PLANNED,
                report__isnull=True,
                period_start__lte=today,
            )
            .order_by("due_date")
            .values_list("assignment__agency_id", "pk")[:2000]
        ):
            fileable[agency_id].append(pk)
        inspections = list(
            Inspection.objects.filter(assignment__commune__province_id=province_id)
            .order_by("-due_date")
            .values_list("assignment__agency_id", "pk")[:400]
        )
        agencies = list(fileable) or [agency for agency, _ in inspections]
        if not standings or not agencies:
            raise CommandError("Dữ liệu đo thiếu xã hoặc đợt kiểm tra ở tỉnh được chọn.")
        criterion = criteria_set.criteria.order_by("number").first()
        rng = random.Random(17)
        query = f"?bo={criteria_set.pk}"
        national = f"{query}&phien_ban={edition}"
        password = make_password(PASSWORD)
        run = f"{time.time():.0f}"[-7:]  # each run's users are new ones
        walkers, seen = [], defaultdict(int)
        for index in range(count):
            role = MIX[index % len(MIX)]
            nth = seen[role]
            seen[role] += 1
            standing = rng.choice(standings)
            commune_id, district_id = standing.commune_id, standing.commune.district_id
            evaluation_id = standing.evaluation_id
            fields: dict = {
                "username": f"{PREFIX}{run}-{index}-{role}",
                "is_active": True,
                "password": password,
            }
            walker = Walker(role=role, username=fields["username"], path=[])
            if role == "admin":
                fields.update(role=Role.ADMIN, is_superuser=True)
            elif role == "province":
                fields.update(role=Role.PROVINCE, province_id=province_id)
                walker.imports_roster = nth == 0 and pools.roster_file is not None
            elif role == "district":
                fields.update(role=Role.DISTRICT, district_id=district_id)
            elif role == "agency":
                agency_id = agencies[nth % len(agencies)]
                fields.update(role=Role.AGENCY, agency_id=agency_id)
                walker.inspections = fileable.get(agency_id, deque())
            else:
                commune_id, walker.draft = drafts[nth % len(drafts)]
                fields.update(role=Role.COMMUNE, commune_id=commune_id)
            user = User.objects.create(**fields)
            if role in ("admin", "province", "district"):
                scope = national if role == "admin" else query
                walker.path = [
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
                walker.path = [("calendar", reverse("sponsorships:calendar"))]
                if own:
                    walker.path.append(
                        ("inspection", reverse("sponsorships:inspection_detail", args=[own[0]]))
                    )
            else:
                walker.path = [
                    ("commune status", reverse("criteria:commune_status", args=[commune_id]))
                ]
            walkers.append(walker)
        return walkers, pools

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
        env = os.environ.copy()
        env["DATABASE_URL"] = _database_url()  # the database this command sees (a test's too)
        return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)

    def _start_worker(self) -> subprocess.Popen:
        """A real Celery worker (one process) on the same broker: it renders the documents."""
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ntm_portal",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "warning",
            "--without-gossip",
            "--without-mingle",
        ]
        self.stdout.write("celery worker: 1 process")
        env = os.environ.copy()
        env["DATABASE_URL"] = _database_url()
        return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)

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

    def _run(self, url: str, walkers: list[Walker], pools: Pools, seconds: int, think: float):
        results: list[tuple[str, float, int]] = []
        lock = threading.Lock()
        usage_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.monotonic()
        deadline = started + seconds

        def record(step: str, spent: float, status: int) -> None:
            with lock:
                results.append((step, spent, status))

        def walk(walker: Walker, seed: int) -> None:
            rng = random.Random(seed)
            # Users do not all click at the same instant.
            time.sleep(rng.uniform(0, think or 0.1))
            browser = Browser(url, record)
            if not _sign_in(browser, walker.username):
                return
            rounds = 0
            while time.monotonic() < deadline:
                for _click in _day(browser, walker, pools, rounds):
                    if time.monotonic() >= deadline:
                        break
                    if think:
                        time.sleep(rng.uniform(0, 2 * think))
                rounds += 1

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
            "goal": {"errors": 0, "p95_ms": P95_LIMIT_MS, "p99_ms": 1000},
            "meets_goal": bool(timings)
            and errors == 0
            and _percentile(timings, 0.95) <= P95_LIMIT_MS
            and _percentile(timings, 0.99) <= 1000,
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
            f"{report['errors']} errors; goal 0 errors, p95 ≤ {P95_LIMIT_MS} ms, p99 ≤ 1000 ms: "
            f"{'met' if report['meets_goal'] else 'NOT met'}; load generator used "
            f"{generator['cores_used']} of {report['machine']['cpus']} cores"
        )
        documents = report.get("documents")
        if documents:
            self.stdout.write(
                f"documents: {documents['issued']} issued, {documents['rendered']} rendered by "
                f"the worker, {documents['failed']} failed, {documents['pending']} still pending"
            )
        cpu = report.get("cpu_cores_used") or {}
        if cpu:
            self.stdout.write(f"CPU cores used: {_cores(cpu)}")
        steps = report.get("steps") or []
        if not steps:
            return
        self.stdout.write(
            f"{'users':>6}{'req/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'errors':>8}  CPU cores used"
        )
        for step in steps:
            self.stdout.write(
                f"{step['users']:>6}{step['requests_per_s']:>9}{step['p50_ms']!s:>8}"
                f"{step['p95_ms']!s:>8}{step['p99_ms']!s:>8}{step['errors']:>8}  "
                f"{_cores(step['cpu_cores_used'])}"
            )
        found = report["knee"]
        if found["reached"]:
            under = found["last_under"]
            self.stdout.write(
                f"knee: p95 passed {P95_LIMIT_MS} ms at {found['users']} users, "
                f"{found['requests_per_s']} req/s"
                + (f" (under it at {under['requests_per_s']} req/s)" if under else "")
                + f"; busiest there: {found['bottleneck']}"
            )
        else:
            self.stdout.write(
                f"knee: not reached; p95 ≤ {P95_LIMIT_MS} ms up to "
                f"{found['last_under']['requests_per_s']} req/s; busiest: {found['bottleneck']}"
            )


def _cores(cpu: dict) -> str:
    return ", ".join(f"{group} {used}" for group, used in cpu.items() if used is not None)


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

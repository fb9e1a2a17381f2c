"""Faults the portal survives, each with real services: PostgreSQL restarted under a running web
server and worker, a media volume that cannot be written, the broker down while an import is
confirmed.

The restart test starts a PostgreSQL cluster of its own (as `.ci/with-services` does: initdb
and pg_ctl as the postgres user, on a free loopback port), gunicorn and a Celery worker against
it, and stops all of them. Every wait is bounded.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria.models import EvaluationLog, Evidence
from ntm_portal.celery import app
from ntm_portal.models import RosterImport, User
from ntm_portal.rosters.services import roster_import_confirm, roster_import_validate
from ntm_portal.tasks import send_pending_invitations
from sponsorships.models import InspectionAttachment

from .celery_helpers import (
    OUTAGE_ATTEMPTS_KEY,
    OUTAGE_CREATED_KEY,
    OUTAGE_STARTED_KEY,
    inspections_plan_through_an_outage,
)
from .conftest import PDF_BYTES
from .roster_files import workbook_bytes
from .test_celery_worker import unreachable_broker  # noqa: F401  (a fixture)

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {seconds}s waiting for {what}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Postgres:
    """A throwaway PostgreSQL cluster that this test may restart."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
        assert bins, "PostgreSQL server binaries are missing (make test installs them)"
        self.bin = Path(bins[-1])
        self.port = _free_port()
        # Not $TMPDIR: the postgres user must be able to reach the folder.
        self.dir = Path(tempfile.mkdtemp(prefix="fault-pg-", dir="/tmp"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.url = f"postgres://ntm:ntm@127.0.0.1:{self.port}/ntm"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *command], cwd=self.dir, check=True, capture_output=True, timeout=120
        )

    def start(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
            "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync",
        )  # fmt: skip
        settings = (
            f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
            f"unix_socket_directories = '{self.dir}'\nfsync = off\nsynchronous_commit = off\n"
        )
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(settings)
        self._ctl("start")
        self._run(
            str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.dir),
            "-p", str(self.port), "-U", "postgres", "-d", "postgres",
            "-c", "CREATE ROLE ntm LOGIN PASSWORD 'ntm'", "-c", "CREATE DATABASE ntm OWNER ntm",
        )  # fmt: skip

    def _ctl(self, action: str, mode: str = "fast") -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"),
            "-m", mode, "-w", "-t", "60", action,
        )  # fmt: skip

    def restart(self) -> None:
        # "fast" ends every connection at once, as a crash or an upgrade of the server would.
        self._ctl("restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", mode="immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def count(self, table: str) -> int:
        with psycopg.connect(self.url) as connection:
            return connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608


SEED = """
from datetime import date
from communes.models import Commune, District, Edition, Province
from sponsorships.models import Agency, Assignment
province = Province.objects.create(edition=Edition.THREE_TIER_2024, code="45", name="Tỉnh Quảng Trị",
    short_name="Quảng Trị", search_name="tinh quang tri", kind=Province.Kind.PROVINCE)
district = District.objects.create(province=province, edition=province.edition, code="464",
    name="Huyện Hướng Hóa", short_name="Hướng Hóa", search_name="huyen huong hoa",
    kind=District.Kind.RURAL_DISTRICT)
agency = Agency.objects.create(province=province, name="Hội Nông dân tỉnh", short_name="HND")
for n in range(25):
    commune = Commune.objects.create(district=district, province=province, edition=province.edition,
        code=f"{19000 + n}", name=f"Xã Thử {n}", short_name=f"Thử {n}", search_name=f"xa thu {n}",
        kind=Commune.Kind.RURAL)
    Assignment.objects.create(agency=agency, commune=commune, kind=Assignment.Kind.SPONSORED,
        start=date(2024, 1, 1))
"""


def _health(port: int) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


@pytest.mark.celery_worker
def test_postgresql_restarts_under_a_running_web_server_and_worker(tmp_path):
    """Pages answer again without restarting anything (CONN_HEALTH_CHECKS), and a task caught in
    the middle retries and completes once."""
    postgres = Postgres()
    processes: list[subprocess.Popen] = []
    try:
        postgres.start()
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "CONN_MAX_AGE": "600",
            "VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": "fault-test-" + uuid.uuid4().hex,
            "DJANGO_SETTINGS_MODULE": "ntm_portal.settings",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput"], cwd=BASE_DIR, env=env, check=True,
                       capture_output=True, timeout=300)  # fmt: skip
        subprocess.run([*manage, "shell", "-c", SEED], cwd=BASE_DIR, env=env, check=True,
                       capture_output=True, timeout=120)  # fmt: skip
        port = _free_port()
        queue = f"test-outage-{uuid.uuid4().hex[:8]}"
        log = open(tmp_path / "services.log", "wb")  # noqa: SIM115  (closed with the processes)
        processes.append(
            subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--timeout",
                    "60",
                    "ntm_portal.wsgi:application",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "ntm_portal",
                    "worker",
                    "--pool",
                    "solo",
                    "--queues",
                    queue,
                    "--include",
                    "tests.celery_helpers",
                    "--loglevel",
                    "WARNING",
                    "--without-mingle",
                    "--without-gossip",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        _wait_for(lambda: _health(port)[0] == 200, 90, "gunicorn to answer /healthz")
        for key in (OUTAGE_ATTEMPTS_KEY, OUTAGE_STARTED_KEY, OUTAGE_CREATED_KEY):
            cache.delete(key)

        inspections_plan_through_an_outage.apply_async(args=["2024-05-10", 5], queue=queue)
        _wait_for(lambda: cache.get(OUTAGE_STARTED_KEY), 90, "the task to start")
        postgres.restart()

        # The first request after the restart is answered: the dead connection is noticed and
        # replaced before it is used, and gunicorn was never restarted.
        status, body = _health(port)
        assert (status, b'"database": "ok"' in body) == (200, True), body
        assert all(process.poll() is None for process in processes)
        created = _wait_for(lambda: cache.get(OUTAGE_CREATED_KEY), 120, "the retried task")
        assert cache.get(OUTAGE_ATTEMPTS_KEY) == 2
        assert created == 50  # Q2 and Q3 for each of 25 sponsored communes, once
        assert postgres.count("sponsorships_inspection") == 50
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        postgres.stop()


# --- The media volume ------------------------------------------------------------------------


@pytest.fixture
def unwritable_media(settings, tmp_path):
    """MEDIA_ROOT on a read-only file system (a tmpfs mounted read-only); where mounting is not
    allowed, a media root that cannot be created, which fails the same way (OSError)."""
    media = tmp_path / "media-ro"
    media.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(media)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    if not mounted:
        blocker = tmp_path / "not-a-folder"
        blocker.write_bytes(b"")
        media = blocker / "media"
    settings.MEDIA_ROOT = media
    yield media
    if mounted:
        subprocess.run(["umount", str(media)], check=False)


def _files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else []


def test_evidence_on_an_unwritable_volume_gets_a_message_and_stores_nothing(
    client, world, personas, unwritable_media
):
    client.force_login(personas["commune"])
    evidence, history = Evidence.objects.count(), EvaluationLog.objects.count()
    response = client.post(
        reverse("criteria:evidence_upload", args=[world.evaluation_a1.pk]),
        {"file": SimpleUploadedFile("bien-ban.pdf", PDF_BYTES)},
        follow=True,
    )
    assert response.status_code == 200
    assert "Máy chủ chưa lưu được tệp “bien-ban.pdf”" in response.content.decode()
    assert (Evidence.objects.count(), EvaluationLog.objects.count()) == (evidence, history)
    assert _files_under(unwritable_media) == []


def test_an_attachment_and_a_roster_on_an_unwritable_volume_store_nothing(
    client, world, personas, unwritable_media
):
    client.force_login(personas["agency"])
    attachments = InspectionAttachment.objects.count()
    response = client.post(
        reverse("sponsorships:attachment_upload", args=[world.inspection_a2.pk]),
        {"file": SimpleUploadedFile("kiem-tra.pdf", PDF_BYTES)},
        follow=True,
    )
    assert "Máy chủ chưa lưu được tệp" in response.content.decode()
    assert InspectionAttachment.objects.count() == attachments

    client.force_login(personas["admin"])
    data = workbook_bytes([["Xã", "Tên thôn"], ["Ba Tầng", "Thôn Mới"]])
    response = client.post(
        reverse("rosters:import_new"),
        {"kind": "villages", "file": SimpleUploadedFile("thon.xlsx", data)},
        follow=True,
    )
    assert "Máy chủ chưa lưu được tệp" in response.content.decode()
    assert not RosterImport.objects.exists()
    assert _files_under(unwritable_media) == []


# --- The broker ------------------------------------------------------------------------------

USERS = [
    ["Tên đăng nhập", "Họ tên", "Email", "Vai trò", "Tỉnh", "Huyện", "Mã xã", "Xã", "Cơ quan"],
    ["xa.thuan", "Lê Văn Thuận", "thuan@example.vn", "Cán bộ xã", "Quảng Trị", "Hướng Hóa", "",
     "Thuận", ""],
    ["vpdp.hoa", "Lê Thị Hoa", "hoa@example.vn", "Văn phòng Điều phối NTM tỉnh", "Quảng Trị", "",
     "", "", ""],
]  # fmt: skip


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_broker_down_at_an_import_confirmation_loses_no_invitation(
    client,
    world,
    personas,
    unreachable_broker,  # noqa: F811
):
    from django.core.files.base import ContentFile

    record = RosterImport(kind="users", original_name="nguoi-dung.xlsx", size=1, sha256="c" * 64)
    record.uploaded_by = personas["admin"]
    record.file.save("nguoi-dung.xlsx", ContentFile(workbook_bytes(USERS)), save=False)
    record.save()
    roster_import_validate(record_id=record.pk)
    record.refresh_from_db()
    assert record.can_confirm, record.result

    # The broker is unreachable: the confirmation still writes everything, once.
    assert roster_import_confirm(record=record, actor=personas["admin"]) is True
    invited = User.objects.filter(username__in=["xa.thuan", "vpdp.hoa"])
    assert invited.count() == 2
    assert mail.outbox == []

    # The broker is back: beat's sweep sends what could not be queued, and only that, once.
    unreachable_broker_restore()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        send_pending_invitations.delay()
        _wait_for(lambda: len(mail.outbox) >= 2, 30, "the invitations")
        send_pending_invitations.delay()
        time.sleep(2)
    assert sorted(m.to[0] for m in mail.outbox) == ["hoa@example.vn", "thuan@example.vn"]
    assert all("đặt mật khẩu" in m.body for m in mail.outbox)


def unreachable_broker_restore() -> None:
    from django.conf import settings
    from kombu import pools

    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()
    app.conf.broker_url = settings.CELERY_BROKER_URL

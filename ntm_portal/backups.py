"""Backups: the database (pg_dump's custom format, or a copy of the embedded SQLite file) and
the uploaded files (media/) in one folder, with a manifest of checksums and row counts; and the
restore that puts both back. `python manage.py backup` / `restore` (and `make backup` /
`make restore`) run them; tests/test_backup.py drills them end to end."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
# The rows a restore is checked against: what the portal is for.
COUNTED = [
    "communes.Commune",
    "criteria.Evaluation",
    "criteria.IndicatorValue",
    "criteria.EvaluationLog",
    "criteria.Evidence",
    "sponsorships.Inspection",
    "sponsorships.InspectionAttachment",
    "reports.Document",
    "ntm_portal.User",
]


class BackupError(Exception):
    pass


def backup_create(*, into: Path) -> Path:
    """A new folder under `into` holding the database, the media files and the manifest."""
    target = into / f"ntm-{timezone.now():%Y%m%d-%H%M%S-%f}"
    target.mkdir(parents=True)
    database = target / ("database.dump" if _is_postgres() else "database.sqlite3")
    if _is_postgres():
        _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={database}")
    else:
        with (
            sqlite3.connect(settings.DATABASES["default"]["NAME"]) as source,
            sqlite3.connect(database) as copy,
        ):
            source.backup(copy)
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(target / MEDIA_ARCHIVE, "w:gz") as archive:
        if media.is_dir():
            archive.add(media, arcname="media")
    manifest = {
        "created": timezone.now().isoformat(),
        "engine": connection.vendor,
        "files": {p.name: _sha256(p) for p in (database, target / MEDIA_ARCHIVE)},
        "rows": row_counts(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return target


def backup_restore(*, source: Path) -> dict[str, int]:
    """Replace the database and the media files with the backup's; returns the restored row
    counts, which match the manifest's or BackupError says which do not."""
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        if _sha256(source / name) != digest:
            raise BackupError(f"{name}: checksum does not match the manifest")
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"backup of {manifest['engine']}, database is {connection.vendor}")
    connections.close_all()
    if _is_postgres():
        _pg(
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
            "--single-transaction", "--exit-on-error", f"--dbname={_db()['NAME']}",
            str(source / "database.dump"),
        )  # fmt: skip
    else:
        shutil.copyfile(source / "database.sqlite3", settings.DATABASES["default"]["NAME"])
    _restore_media(source / MEDIA_ARCHIVE)
    restored = row_counts()
    wrong = {k: (v, restored.get(k)) for k, v in manifest["rows"].items() if restored.get(k) != v}
    if wrong:
        raise BackupError(f"rows differ from the backup (backup, restored): {wrong}")
    return restored


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def _restore_media(archive_path: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked beside the live folder, then swapped in: never half a media folder.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media.parent))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter="data")
        unpacked = staging / "media"
        unpacked.mkdir(exist_ok=True)
        old = media.with_name(media.name + ".before-restore")
        if media.exists():
            shutil.rmtree(old, ignore_errors=True)
            media.rename(old)
        unpacked.rename(media)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _db() -> dict:
    return settings.DATABASES["default"]


def _pg(program: str, *args: str) -> None:
    db = _db()
    # The password goes in the environment, never on a command line that `ps` shows.
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    command = [program, f"--host={db['HOST'] or 'localhost'}", f"--port={db['PORT'] or 5432}",
               f"--username={db['USER']}", *args]  # fmt: skip
    if program == "pg_dump":
        command.append(db["NAME"])
    # The settings' own database and the PostgreSQL client programs: no user input.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()

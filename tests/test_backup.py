"""The backup and restore drill, end to end on the test PostgreSQL: `make backup`, wipe the
database and the media folder, `make restore`, and the portal shows the same evaluations,
documents and files."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.urls import reverse

from criteria.models import Evaluation
from ntm_portal.backups import row_counts
from reports.models import Document

BASE_DIR = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _environment(var_dir: Path) -> dict[str, str]:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(var_dir)}


def _make(target: str, env: dict[str, str], **variables: str) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", target, *(f"{k}={v}" for k, v in variables.items())],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _what_the_portal_shows(client, world) -> dict:
    pages = {
        name: client.get(reverse(name, args=[pk])).content.decode()
        for name, pk in [
            ("criteria:evaluation_detail", world.evaluation_a1.pk),
            ("criteria:commune_status", world.commune_a1.pk),
            ("reports:document_detail", world.document_a.pk),
        ]
    }
    files = {}
    for name, pk in [
        ("criteria:evidence_download", world.evidence_a1.pk),
        ("sponsorships:attachment_download", world.attachment_a2.pk),
        ("reports:document_pdf", world.document_a.pk),
        ("reports:document_docx", world.document_a.pk),
    ]:
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 200, name
        files[name] = hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
    return {
        "evaluations": list(Evaluation.objects.values_list("pk", "status", "met_count", "version")),
        "documents": list(Document.objects.values_list("pk", "number", "checksum", "pdf")),
        "rows": row_counts(),
        "files": files,
        # The history and the tally as the page shows them (CSRF tokens differ every time).
        "pages": {
            k: CSRF.sub("", v.split("<main>")[1].split("</main>")[0]) for k, v in pages.items()
        },
    }


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_and_the_portal_shows_the_same(client, world, personas, tmp_path):
    assert connection.vendor == "postgresql", "run through `make test` (real PostgreSQL)"
    var_dir = Path(settings.MEDIA_ROOT).parent  # the subprocess's MEDIA_ROOT is VAR_DIR/media
    assert Path(settings.MEDIA_ROOT) == var_dir / "media"
    env = _environment(var_dir)
    client.force_login(personas["admin"])
    before = _what_the_portal_shows(client, world)
    assert len(before["files"]) == 4

    folder = Path(
        _make("backup", env, BACKUP_DIR=str(tmp_path / "backups")).strip().splitlines()[-1]
    )
    assert (folder / "database.dump").stat().st_size > 0
    assert (folder / "manifest.json").exists()

    # The disaster: every table and every uploaded file gone.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connections.close_all()
    shutil.rmtree(settings.MEDIA_ROOT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0

    output = _make("restore", env, BACKUP=str(folder))
    assert "criteria.Evaluation=" in output
    connections.close_all()
    client.force_login(personas["admin"])
    after = _what_the_portal_shows(client, world)
    assert after == before

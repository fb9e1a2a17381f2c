"""The settings module: embedded defaults need no server; production comes from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DATABASE_URL": "postgres://ntm:secret@db.internal:5432/ntm",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "SECRET_KEY": "k4Jx-9vT2q_Lr8mWz3Yp7Nc5Hb1Fg6Ds0Ae4Ui8Oo2Ky6Rt9Vw3Xz7Bq5Mn1Lp0",
    "ALLOWED_HOSTS": "ntm.quangtri.gov.vn",
    "SITE_URL": "https://ntm.quangtri.gov.vn",
    "EMAIL_URL": "smtp+tls://ntm:secret@smtp.quangtri.gov.vn:587",
}
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'broker': s.CELERY_BROKER_URL, "
    "'cache': s.CACHES['default']['BACKEND'], 'demo': s.ALLOW_DEMO_DATA, 'debug': s.DEBUG, "
    "'email': s.EMAIL_BACKEND, 'lang': s.LANGUAGE_CODE, 'key': len(s.SECRET_KEY)}))"
)


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {*PRODUCTION, "ALLOW_DEMO_DATA", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "ntm_portal.settings",
        "VAR_DIR": str(tmp_path),
        **extra,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_embedded_defaults_need_no_server(tmp_path):
    import json

    result = _run([sys.executable, "-c", PRINT_SETTINGS], _clean_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "db": "django.db.backends.sqlite3",
        "broker": "filesystem://localhost/",
        "cache": "django.core.cache.backends.filebased.FileBasedCache",
        "demo": True,
        "debug": False,
        # Without EMAIL_URL mail is written under var/mail/, not printed (issue 14.15).
        "email": "django.core.mail.backends.filebased.EmailBackend",
        "lang": "vi",
        "key": 67,
    }
    # The generated key is kept and reused, readable by its owner only.
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_production_variables_configure_postgres_redis_smtp_and_no_demo(tmp_path):
    import json

    result = _run([sys.executable, "-c", PRINT_SETTINGS], _clean_env(tmp_path, **PRODUCTION))
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["db"] == "django.db.backends.postgresql"
    assert settings["broker"] == PRODUCTION["REDIS_URL"]
    assert settings["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert settings["demo"] is False


def test_secret_key_can_come_from_a_file(tmp_path):
    import json

    key_file = tmp_path / "key"
    key_file.write_text("x" * 60 + "\n")
    env = _clean_env(tmp_path, SECRET_KEY_FILE=str(key_file))
    result = _run([sys.executable, "-c", PRINT_SETTINGS], env)
    assert json.loads(result.stdout)["key"] == 60


def test_check_deploy_is_silent_with_production_variables(tmp_path):
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _clean_env(tmp_path, **PRODUCTION),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_without_production_variables(tmp_path):
    """The silence above is earned: without the production variables Django does complain."""
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _clean_env(tmp_path),
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_collectstatic_with_the_production_storage_succeeds(tmp_path):
    """`make run` and the Docker image run collectstatic with the hashed, compressed storage
    (the tests serve source files, so only this catches a CSS url() it cannot resolve)."""
    result = _run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        _clean_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = tmp_path / "static" / "staticfiles.json"
    assert '"css/portal.css"' in manifest.read_text()
    # The API docs' Swagger UI is collected; what nothing serves (Redoc, DRF's browsable API) is not.
    assert '"drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"' in manifest.read_text()
    assert "redoc" not in manifest.read_text()
    assert '"rest_framework/' not in manifest.read_text()

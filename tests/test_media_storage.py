"""Media through Django's storage API: local by default, S3-compatible object storage chosen by
environment variables, and uploads and documents served from whichever is configured."""

from __future__ import annotations

import json
import sys

from django.core.files.storage import InMemoryStorage
from django.urls import reverse

from criteria.models import Evidence

from .test_criteria_views import PDF_BYTES, _upload
from .test_settings import _clean_env, _run

PRINT_STORAGE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "from django.core.files.storage import default_storage as d; "
    "print(json.dumps({'default': s.STORAGES['default'], 'class': type(d._setup() or d._wrapped).__name__}))"
)


def test_the_embedded_default_is_the_local_media_folder(tmp_path):
    result = _run([sys.executable, "-c", PRINT_STORAGE], _clean_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "class": "FileSystemStorage",
    }


def test_s3_compatible_storage_is_chosen_by_environment_variables(tmp_path):
    env = _clean_env(
        tmp_path,
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET="ntm-media",
        MEDIA_S3_ENDPOINT_URL="http://minio.internal:9000",
        MEDIA_S3_ACCESS_KEY_ID="ntm",
        MEDIA_S3_SECRET_ACCESS_KEY="secret-key",
    )
    result = _run([sys.executable, "-c", PRINT_STORAGE], env)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["class"] == "S3Storage"
    assert printed["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "ntm-media",
            "endpoint_url": "http://minio.internal:9000",
            "access_key": "ntm",
            "secret_key": "secret-key",
            "location": "media",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


def test_s3_without_a_bucket_or_an_unknown_storage_is_a_one_line_error(tmp_path):
    for extra, message in (
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 cần MEDIA_S3_BUCKET"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE phải là local (mặc định) hoặc s3."),
    ):
        result = _run([sys.executable, "manage.py", "check"], _clean_env(tmp_path, **extra))
        assert result.returncode != 0
        assert message in result.stdout + result.stderr


def test_uploads_are_stored_and_served_through_the_configured_storage(
    client, world, personas, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    client.force_login(personas["commune"])
    _upload(
        client, world.evaluation_a1, "Biên bản lưu trên bộ nhớ.pdf", PDF_BYTES, "application/pdf"
    )
    evidence = Evidence.objects.get(original_name="Biên bản lưu trên bộ nhớ.pdf")
    assert isinstance(evidence.file.storage._wrapped, InMemoryStorage)
    assert evidence.file.storage.exists(evidence.file.name)
    download = client.get(reverse("criteria:evidence_download", args=[evidence.pk]))
    assert b"".join(download.streaming_content) == PDF_BYTES

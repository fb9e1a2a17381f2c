"""Evidence and inspection-report attachments must open as what they claim (ntm_portal/uploads.py):
a web page renamed .pdf, a zip bomb, a truncated workbook, a billion-laughs workbook, a truncated
photo and a decompression-bomb image are refused, each with its name and reason, and nothing is
written; good files of every accepted kind still go through."""

from __future__ import annotations

import time
from pathlib import Path

import filetype
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria.models import EvaluationLog, Evidence
from ntm_portal.uploads import ALLOWED
from sponsorships.models import InspectionAttachment, InspectionLog

from .hostile_files import good_files, hostile_files

HOSTILE = hostile_files()
GOOD = good_files()


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def _send_evidence(client, world, name: str, content: bytes):
    return client.post(
        reverse("criteria:evidence_upload", args=[world.evaluation_a1.pk]),
        {"file": SimpleUploadedFile(name, content), "note": "Biên bản"},
        follow=True,
    )


def _send_attachment(client, world, name: str, content: bytes):
    return client.post(
        reverse("sponsorships:attachment_upload", args=[world.inspection_a2.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def _rows() -> tuple[int, ...]:
    return (
        Evidence.objects.count(),
        EvaluationLog.objects.count(),
        InspectionAttachment.objects.count(),
        InspectionLog.objects.count(),
    )


def test_each_hostile_file_passes_the_magic_bytes_check():
    """What these files defeat: the first bytes alone say they are what they claim."""
    for name, (content, _reason) in HOSTILE.items():
        kind = filetype.guess(content[:8192])
        assert kind is not None, name
        assert kind.mime == ALLOWED[name.rsplit(".", 1)[1]], name


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize("where", ["evidence", "attachment"])
def test_a_hostile_file_is_refused_with_its_name_and_reason_and_nothing_written(
    client, world, personas, name, where
):
    content, reason = HOSTILE[name]
    client.force_login(personas["commune" if where == "evidence" else "agency"])
    rows, files = _rows(), _stored_files()
    started = time.perf_counter()
    send = _send_evidence if where == "evidence" else _send_attachment
    page = send(client, world, name, content).content.decode().replace("&lt;", "<")
    assert time.perf_counter() - started < 3
    assert f"Tệp “{name}” không được nhận: " in page
    assert reason in page
    assert _rows() == rows
    assert _stored_files() == files


@pytest.mark.parametrize("name", list(GOOD))
def test_good_files_of_every_kind_are_still_accepted(client, world, personas, name):
    client.force_login(personas["commune"])
    page = _send_evidence(client, world, name, GOOD[name]).content.decode()
    assert "Đã tải lên minh chứng." in page
    assert Evidence.objects.filter(original_name=name).exists()
    client.force_login(personas["agency"])
    page = _send_attachment(client, world, name, GOOD[name]).content.decode()
    assert "Đã tải lên tệp đính kèm." in page
    assert InspectionAttachment.objects.filter(original_name=name).exists()

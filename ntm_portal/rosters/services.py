"""The import flow: upload → validation in the background → preview → confirm → summary.

Confirming validates again inside the transaction (the database may have changed since the
preview) and writes everything or nothing; an import can be confirmed once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ntm_portal.access import can_import_roster
from ntm_portal.bulk import collection_paused, insert_rows
from ntm_portal.models import RosterImport, RosterImportRow, User
from ntm_portal.queue import enqueue_after_commit
from ntm_portal.uploads import UploadRejected, store_with_file
from ntm_portal.waiting import (
    MAX_ATTEMPTS,
    MAX_RESENDS,
    STALLED_ROSTER_CHECKS,
    SWEEP_BATCH,
    SweepResult,
    notify_admins_of_stalled,
)

from .base import Validation, detail
from .reading import MAX_BYTES, RosterFileError, Table, read_table
from .registry import IMPORTED_FROM, roster_for, rosters

ACCEPTED_SUFFIXES = ("xlsx", "xlsm", "csv")
# A row's outcome as kept for the preview: its number in the file, its status, its detail.
Row = tuple[int, str, dict]
logger = logging.getLogger(__name__)


class RosterError(Exception):
    """A refused step of the flow; str() is the reason, in Vietnamese."""


def roster_validate_file(
    *, kind: str, content: IO[bytes], filename: str, actor: User | None, progress=None
) -> Validation:
    """Read and check a roster without writing anything; RosterFileError for an unusable file."""
    roster = roster_for(kind)
    if actor is not None and not can_import_roster(actor, roster):
        raise RosterFileError(_not_yours(roster))
    table = read_table(content, filename=filename, columns=roster.columns)
    return roster.validate(table, actor=actor, progress=progress)


def roster_import_create(
    *, kind: str, upload: UploadedFile | None, actor: User | None
) -> RosterImport:
    """Keep the uploaded file and queue its validation (after the commit)."""
    if kind not in rosters():
        raise RosterError(_("Chọn loại danh sách cần nhập."))
    if actor is not None and not can_import_roster(actor, roster_for(kind)):
        raise RosterError(_not_yours(roster_for(kind)))
    if upload is None:
        raise RosterError(_("Chưa chọn tệp."))
    if upload.size > MAX_BYTES:
        raise RosterError(
            _("Tệp “%(name)s” nặng %(size)s MB, vượt giới hạn %(limit)s MB.")
            % {
                "name": upload.name,
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": MAX_BYTES // 1024 // 1024,
            }
        )
    suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if suffix not in ACCEPTED_SUFFIXES:
        raise RosterError(
            _("Tệp “%(name)s” không phải Excel (.xlsx) hoặc CSV (.csv).") % {"name": upload.name}
        )
    data = b"".join(upload.chunks())
    record = RosterImport(
        kind=kind,
        original_name=upload.name[:200],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    try:
        store_with_file(record, "file", upload.name, ContentFile(data))
    except UploadRejected as error:
        raise RosterError(str(error)) from None
    # If the broker is down, beat's `validate_pending_rosters` picks it up.
    enqueue_after_commit("ntm_portal.tasks.validate_roster", [record.pk])
    return record


def _not_yours(roster) -> str:
    return _(
        "Danh sách “%(kind)s” do quản trị hệ thống nhập: văn phòng điều phối tỉnh không nhập "
        "được loại này."
    ) % {"kind": roster.label}


CHECKING = (RosterImport.Status.PENDING, RosterImport.Status.VALIDATING)
# A check moves its progress bar at least every percent of the file, and the reading before it
# takes seconds even for the largest file allowed: two minutes without a sign of life means its
# worker, or its message, was lost.
ROSTER_CHECK_EXPECTED = timedelta(minutes=2)


def roster_import_validate(*, record_id: int) -> RosterImport | None:
    """Check the stored file and keep the result. Safe to run twice: a checked import is left.
    Each start is counted: the one after MAX_ATTEMPTS rejects the import with the reason
    instead of killing another worker."""
    with transaction.atomic():
        record = (
            RosterImport.objects.select_for_update(skip_locked=True)
            .filter(pk=record_id, status__in=CHECKING)
            .first()
        )
        if record is None:
            return None
        if record.attempts >= MAX_ATTEMPTS:
            _reject_for_the_worker(RosterImport.objects.filter(pk=record.pk))
            return None
        record.status = RosterImport.Status.VALIDATING
        record.attempts += 1
        record.worked_at = timezone.now()
        record.save(update_fields=["status", "attempts", "worked_at"])
    with collection_paused():
        _check(record)
    return record


def _reject_for_the_worker(records) -> None:
    records.update(
        status=RosterImport.Status.REJECTED,
        progress=100,
        file_error=_(
            "Máy xử lý đã dừng giữa chừng %(count)s lần khi kiểm tra tệp này nên đã ngừng thử. "
            "Chưa ghi gì, và tệp có thể không có lỗi: hãy tải lên lại sau hoặc báo quản trị viên."
        )
        % {"count": MAX_ATTEMPTS},
    )


def roster_imports_sweep_stalled(*, now: datetime | None = None) -> SweepResult:
    """Beat's sweep, every minute: each import still waiting for its check and silent for longer
    than a check's step takes is sent again (at most MAX_RESENDS times), or rejected with the
    reason when its worker died under it MAX_ATTEMPTS times; the admins are told once of the
    imports newly found overdue. Running it twice in a row changes and sends nothing more."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            RosterImport.objects.select_for_update(skip_locked=True)
            .annotate(last_sign=Coalesce("worked_at", "uploaded_at"))
            .filter(
                Q(attempts__gte=MAX_ATTEMPTS) | Q(resends__lt=MAX_RESENDS),
                status__in=CHECKING,
                last_sign__lt=now - ROSTER_CHECK_EXPECTED,
            )
            .order_by("pk")
            .only("pk", "attempts", "stalled_at")[:SWEEP_BATCH]
        )
        failed = [r.pk for r in overdue if r.attempts >= MAX_ATTEMPTS]
        resent = [r.pk for r in overdue if r.attempts < MAX_ATTEMPTS]
        newly_stalled = [r.pk for r in overdue if r.stalled_at is None]
        _reject_for_the_worker(RosterImport.objects.filter(pk__in=failed))
        RosterImport.objects.filter(pk__in=resent).update(resends=F("resends") + 1, worked_at=now)
        RosterImport.objects.filter(pk__in=newly_stalled).update(stalled_at=now)
        if newly_stalled:
            notify_admins_of_stalled(
                template=STALLED_ROSTER_CHECKS,
                count=len(newly_stalled),
                url=reverse("rosters:import_detail", args=[newly_stalled[0]]),
            )
        enqueue_after_commit("ntm_portal.tasks.validate_roster", resent)
    return SweepResult(resent=resent, failed=failed, newly_stalled=newly_stalled)


def _check(
    record: RosterImport, *, actor: User | None = None, from_file: bool = True
) -> Validation | None:
    """Validate the record's rows (read from its file, or as kept from the first reading) and
    store the outcome on it: counts, every row's status, every error."""
    last = [-1]

    def progress(done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 100
        if percent != last[0]:
            last[0] = percent
            # Also the check's sign of life for beat's sweep.
            RosterImport.objects.filter(pk=record.pk).update(
                progress=min(percent, 99), worked_at=timezone.now()
            )

    roster = roster_for(record.kind)
    actor = actor or record.uploaded_by
    try:
        if from_file or not record.table:
            with record.file.open("rb") as content:
                table = read_table(content, filename=record.original_name, columns=roster.columns)
            record.table = table.as_json()
        else:
            table = Table.from_json(record.table)
        # The confirmation's check runs inside its transaction, where no page could see it.
        validation = roster.validate(table, actor=actor, progress=progress if from_file else None)
    except RosterFileError as error:
        record.status, record.file_error, record.progress = (
            RosterImport.Status.REJECTED,
            str(error),
            100,
        )
        record.result, record.table = {}, {}
        record.new_count = record.updated_count = record.unchanged_count = record.error_count = 0
        record.save()
        record.rows.all().delete()
        return None
    kept = record.result.get("digest")
    rows = _shown_rows(validation)
    _summarise(record, validation, rows)
    # Confirming checks again: when every row comes out as the preview showed it (the usual
    # case), the rows kept for the preview are right as they are.
    if record.result["digest"] != kept:
        _store_rows(record, rows)
    record.status = RosterImport.Status.VALIDATED
    fields = [
        "status",
        "file_error",
        "progress",
        "result",
        "new_count",
        "updated_count",
        "unchanged_count",
        "error_count",
    ]
    record.save(update_fields=[*fields, "table"] if from_file else fields)
    return validation


def _shown_rows(validation: Validation) -> list[Row]:
    return [
        (outcome.row.number, outcome.status, detail(outcome)) for outcome in validation.outcomes
    ]


def _summarise(record: RosterImport, validation: Validation, rows: list[Row]) -> None:
    """The counts and the summary on the record; the digest of the rows tells a confirmation
    whether its fresh check came out as the preview showed."""
    counts = validation.counts
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
    record.result = {**validation.summary(), "digest": digest}
    record.file_error = ""
    record.progress = 100
    record.new_count, record.updated_count = counts["new"], counts["updated"]
    record.unchanged_count, record.error_count = counts["unchanged"], counts["error"]


def _store_rows(record: RosterImport, rows: list[Row]) -> None:
    """Each row's outcome in its own row (replacing an earlier check's), for the preview."""
    record.rows.all().delete()
    insert_rows(
        RosterImportRow,
        ["roster_import_id", "number", "status", "detail"],
        ((record.pk, number, status, shown) for number, status, shown in rows),
    )


def roster_import_confirm(*, record: RosterImport, actor: User) -> bool:
    """Write the roster, all or nothing. False when the fresh check found errors (kept on the
    record for the preview); RosterError when the import cannot be confirmed at all."""
    with transaction.atomic(), collection_paused():
        record = RosterImport.objects.select_for_update().get(pk=record.pk)
        if record.status == RosterImport.Status.IMPORTED:
            raise RosterError(_("Danh sách này đã được nhập rồi; không nhập lại lần thứ hai."))
        if record.status != RosterImport.Status.VALIDATED:
            raise RosterError(_("Danh sách chưa được kiểm tra xong hoặc bị từ chối."))
        validation = _check(record, actor=actor, from_file=False)
        if validation is None or validation.has_errors:
            return False
        try:
            roster_for(record.kind).apply(
                validation,
                actor=actor,
                reason=IMPORTED_FROM % {"name": record.original_name, "id": record.pk},
            )
        except RosterFileError as error:
            raise RosterError(str(error)) from None
        except IntegrityError:
            # A rule the check did not foresee, or a write that slipped in: nothing is kept.
            logger.exception("Roster import %s refused by the database", record.pk)
            raise RosterError(
                _("Cơ sở dữ liệu từ chối một dòng của tệp; chưa ghi gì. Hãy kiểm tra lại tệp.")
            ) from None
        record.status = RosterImport.Status.IMPORTED
        record.confirmed_by, record.confirmed_at = actor, timezone.now()
        record.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    return True


def roster_import_record_cli(
    *, kind: str, data: bytes, filename: str, validation: Validation, actor: User | None
) -> RosterImport:
    """Keep a command-line import in the same log as the uploaded ones (file, checksum, counts)."""
    record = RosterImport(
        kind=kind,
        original_name=filename[:200],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
        status=RosterImport.Status.IMPORTED,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    rows = _shown_rows(validation)
    _summarise(record, validation, rows)
    record.file.save(filename, ContentFile(data), save=False)
    record.save()
    _store_rows(record, rows)
    return record

"""Commune boundaries uploaded by a province: checked, simplified, projected, stored; or refused
with the reason and nothing stored.

GeoJSON FeatureCollection in longitude/latitude (WGS 84), one feature per commune with its
official code in `properties.code` (or `ma_xa`), Polygon or MultiPolygon. No open source can
be bundled for communes, so each province brings its own.

Two steps, so that no file holds a web worker: the request refuses at once what is cheap to see
(more than MAX_UPLOAD_BYTES, more than MAX_VERTICES points counted on the bytes before any
parsing, JSON too deep or with absurd numbers — ntm_portal/jsonsafe.py —, unknown or repeated
codes, more than MAX_FEATURE_VERTICES points in one commune) and stores the file as a pending
CommuneBoundaryUpload; the Celery worker builds the shapes (shapely), checks, simplifies and
projects them, and records the upload as done or failed with its reasons, shown on the page.
"""

from __future__ import annotations

import hashlib
import logging
import math
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

from communes.models import Province
from ntm_portal import jsonsafe
from ntm_portal.models import User
from ntm_portal.queue import enqueue_after_commit
from ntm_portal.security import security_log
from ntm_portal.text import format_number
from ntm_portal.uploads import UploadRejected, store_with_file

from .geometry import to_path
from .models import CommuneBoundarySet, CommuneBoundaryUpload
from .public import public_page_forget

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FEATURES = 2000
# Points in a file and in one commune: what the worker simplifies in a few seconds and a few tens
# of MB. A commune drawn 600 units wide needs a few hundred; survey-grade files are simplified
# first (the message says how).
MAX_VERTICES = 250_000
MAX_FEATURE_VERTICES = 50_000
MAX_STORED_BYTES = 600 * 1024
SIZE = 600  # the longer side of the drawing, in SVG units
CODE_KEYS = ("code", "ma_xa", "ma")
LISTED = 10  # codes named in one message
logger = logging.getLogger(__name__)


class BoundariesRejected(ValueError):
    """The file cannot be used; `messages` say why (each naming the field or the codes)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


def _codes(items) -> str:
    items = sorted(items)
    listed = ", ".join(items[:LISTED])
    return listed + (
        _(" và %(count)s mã khác") % {"count": len(items) - LISTED} if len(items) > LISTED else ""
    )


def upload_bytes(upload) -> bytes:
    """The file's bytes, read at most once past the limit: refused when missing or too big."""
    if upload is None:
        raise BoundariesRejected([_("Tệp ranh giới: hãy chọn một tệp GeoJSON.")])
    too_big = BoundariesRejected(
        [_("Tệp ranh giới quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}]
    )
    if upload.size > MAX_UPLOAD_BYTES:
        raise too_big
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise too_big
    return raw


def _positions(coordinates) -> int:
    """The points of a geometry's coordinates, counted on the JSON (no shape is built)."""
    count, stack = 0, [coordinates]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            if item and not isinstance(item[0], list):
                count += 1
            else:
                stack.extend(item)
    return count


def boundaries_read(*, province: Province, raw: bytes) -> dict[str, dict]:
    """The file's geometries by commune code, as JSON, checked for everything that needs no
    shape built: fast enough for the request (the vertex ceiling is counted on the bytes, before
    the JSON is parsed). BoundariesRejected otherwise."""
    # Every point is an array, so the "[" of the file bound its points from above; counted on
    # the bytes, a file of a million points is refused in milliseconds, before any parsing.
    arrays = raw.count(b"[")
    if arrays > MAX_VERTICES:
        raise BoundariesRejected(
            [
                _(
                    "Tệp ranh giới quá chi tiết: khoảng %(count)s đỉnh (geometry.coordinates), "
                    "tối đa %(limit)s đỉnh cho cả tệp. Hãy đơn giản hóa ranh giới (ví dụ QGIS: "
                    "Vector › Geometry Tools › Simplify) rồi tải lên lại."
                )
                % {
                    "count": format_number(Decimal(arrays)),
                    "limit": format_number(Decimal(MAX_VERTICES)),
                }
            ]
        )
    try:
        data = jsonsafe.loads(raw)
    except jsonsafe.JSONRefused as error:
        raise BoundariesRejected(
            [
                _("Tệp ranh giới không phải GeoJSON (JSON, mã hóa UTF-8) đọc được: %(reason)s")
                % {"reason": error}
            ]
        ) from None
    features = data.get("features") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(features, list)
    ):
        raise BoundariesRejected([_("Tệp ranh giới phải là một GeoJSON FeatureCollection.")])
    if not features:
        raise BoundariesRejected([_("Tệp ranh giới không có xã nào (features trống).")])
    if len(features) > MAX_FEATURES:
        raise BoundariesRejected(
            [_("Tệp ranh giới có quá nhiều đối tượng: tối đa %(count)s.") % {"count": MAX_FEATURES}]
        )
    known = dict(province.communes.values_list("code", "name"))
    geometries: dict[str, dict] = {}
    unknown, doubled, invalid, missing_code = set(), set(), [], 0
    for feature in features:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = next(
            (
                str(properties[key]).strip()
                for key in CODE_KEYS
                if isinstance(properties, dict) and properties.get(key) not in (None, "")
            ),
            "",
        )
        if code.isascii() and code.isdigit() and len(code) < 5:
            code = code.zfill(5)  # a code whose leading zeros a spreadsheet dropped
        if not code:
            missing_code += 1
            continue
        if code not in known:
            unknown.add(code[:20])
            continue
        if code in geometries:
            doubled.add(code)
            continue
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in (
            "Polygon",
            "MultiPolygon",
        ):
            invalid.append(_("%(code)s: không phải Polygon hay MultiPolygon") % {"code": code})
            continue
        points = _positions(geometry.get("coordinates"))
        if points > MAX_FEATURE_VERTICES:
            invalid.append(
                _("%(code)s: %(count)s đỉnh (geometry.coordinates), tối đa %(limit)s đỉnh một xã")
                % {
                    "code": code,
                    "count": format_number(Decimal(points)),
                    "limit": format_number(Decimal(MAX_FEATURE_VERTICES)),
                }
            )
            continue
        geometries[code] = geometry
    errors = []
    if missing_code:
        errors.append(
            _("%(count)s đối tượng không có mã xã (properties.code).") % {"count": missing_code}
        )
    if unknown:
        errors.append(
            _("Mã xã không thuộc %(province)s: %(codes)s.")
            % {"province": province.name, "codes": _codes(unknown)}
        )
    if doubled:
        errors.append(_("Mã xã xuất hiện hai lần: %(codes)s.") % {"codes": _codes(doubled)})
    if invalid:
        errors.append(
            _("Hình không dùng được: %(items)s.") % {"items": "; ".join(invalid[:LISTED])}
        )
    if errors:
        raise BoundariesRejected(errors)
    return geometries


def boundaries_check(*, province: Province, raw: bytes) -> dict:
    """What would be stored for this file: {"width", "height", "paths", …}; BoundariesRejected
    otherwise. Builds and simplifies the shapes: the worker's part (bounded by boundaries_read)."""
    shapes, invalid, outside = {}, [], set()
    for code, geometry in boundaries_read(province=province, raw=raw).items():
        try:
            parsed = shape(geometry)
        except Exception:  # shapely's own errors for malformed coordinates (of any kind)
            invalid.append(_("%(code)s: tọa độ không đọc được") % {"code": code})
            continue
        if parsed.is_empty or not parsed.is_valid:
            reason = explain_validity(parsed) if not parsed.is_empty else "empty"
            invalid.append(
                _("%(code)s: hình không hợp lệ (%(reason)s)")
                % {"code": code, "reason": reason[:80]}
            )
            continue
        min_x, min_y, max_x, max_y = parsed.bounds
        if not (min_x >= 100 and max_x <= 120 and min_y >= 5 and max_y <= 25):
            outside.add(code)
            continue
        shapes[code] = parsed
    errors = []
    if invalid:
        errors.append(
            _("Hình không dùng được: %(items)s.") % {"items": "; ".join(invalid[:LISTED])}
        )
    if outside:
        errors.append(
            _("Tọa độ phải là kinh độ, vĩ độ (WGS 84) trong lãnh thổ Việt Nam: %(codes)s.")
            % {"codes": _codes(outside)}
        )
    if errors:
        raise BoundariesRejected(errors)
    return _drawing(shapes) | {"sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}


def _drawing(geometries: dict) -> dict:
    """Simplified to what the drawing shows and projected once, at the province's latitude."""
    bounds = [g.bounds for g in geometries.values()]
    min_x, min_y = min(b[0] for b in bounds), min(b[1] for b in bounds)
    max_x, max_y = max(b[2] for b in bounds), max(b[3] for b in bounds)
    cos = math.cos(math.radians((min_y + max_y) / 2))
    span = max((max_x - min_x) * cos, max_y - min_y) or 1
    scale = SIZE / span

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - min_x) * cos * scale, (max_y - lat) * scale

    tolerance = span / SIZE
    paths = {
        code: to_path(geometry.simplify(tolerance, preserve_topology=True), project)
        for code, geometry in sorted(geometries.items())
    }
    stored = sum(len(path) for path in paths.values())
    if stored > MAX_STORED_BYTES:
        raise BoundariesRejected(
            [_("Ranh giới quá chi tiết sau khi đơn giản hóa: hãy giảm số đỉnh rồi tải lên lại.")]
        )
    return {
        "width": math.ceil((max_x - min_x) * cos * scale),
        "height": math.ceil((max_y - min_y) * scale),
        "paths": paths,
    }


@transaction.atomic
def commune_boundaries_upload(*, province: Province, upload, actor: User) -> CommuneBoundaryUpload:
    """Take the file for the worker, or refuse it at once for what is cheap to see (size, points,
    JSON, codes); the province's boundaries stay as they are until the worker has checked it."""
    raw = upload_bytes(upload)
    boundaries_read(province=province, raw=raw)
    received = CommuneBoundaryUpload(
        province=province,
        original_name=(getattr(upload, "name", "") or "")[:200],
        size=len(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        uploaded_by=actor,
    )
    try:
        store_with_file(received, "file", "ranh-gioi.geojson", ContentFile(raw))
    except UploadRejected as error:
        raise BoundariesRejected([str(error)]) from None
    enqueue_after_commit("reports.tasks.process_commune_boundaries", [received.pk])
    return received


def commune_boundaries_process(*, upload_id: int) -> CommuneBoundaryUpload | None:
    """The worker's part: check, simplify and project the file, then replace the province's
    boundaries with it, or record why not and keep the old. A processed upload is left alone
    (safe to run twice); None for an upload that is gone."""
    with transaction.atomic():
        received = (
            CommuneBoundaryUpload.objects.select_for_update()
            .select_related("province", "uploaded_by")
            .filter(pk=upload_id)
            .first()
        )
        if received is None or received.status != CommuneBoundaryUpload.Status.PENDING:
            return received
        province = received.province
        try:
            with received.file.open("rb") as file:
                raw = file.read(MAX_UPLOAD_BYTES + 1)
            drawing = boundaries_check(province=province, raw=raw)
        except FileNotFoundError:
            received.status = CommuneBoundaryUpload.Status.FAILED
            received.errors = [_("Tệp ranh giới không còn trên máy chủ: hãy tải lên lại.")]
        except BoundariesRejected as error:
            received.status = CommuneBoundaryUpload.Status.FAILED
            received.errors = error.messages
        else:
            CommuneBoundarySet.objects.update_or_create(
                province=province,
                defaults={
                    **drawing,
                    "original_name": received.original_name,
                    "uploaded_by": received.uploaded_by,
                },
            )
            received.status, received.errors = CommuneBoundaryUpload.Status.DONE, []
            security_log.info(
                "Commune boundaries of province %s replaced (%s communes) by user=%s",
                province.pk,
                len(drawing["paths"]),
                received.uploaded_by_id,
            )
            transaction.on_commit(lambda: public_page_forget(province.pk))
        received.processed_at = timezone.now()
        stored, received.file = received.file.name, ""
        received.save(update_fields=["status", "errors", "processed_at", "file"])
        # The drawing (or the reasons) is what is kept; the raw file goes once that is saved.
        transaction.on_commit(lambda: _remove_file(received.file.storage, stored))
    return received


def _remove_file(storage, name: str) -> None:
    try:
        if name and storage.exists(name):
            storage.delete(name)
    except OSError:
        logger.warning("Could not remove the processed boundary file %s", name)

"""Commune boundaries uploaded by a province: checked, simplified, projected, stored; or refused
with the reason and nothing stored.

GeoJSON FeatureCollection in longitude/latitude (WGS 84), one feature per commune with its
official code in `properties.code` (or `ma_xa`), Polygon or MultiPolygon. No open source can
be bundled for communes, so each province brings its own.
"""

from __future__ import annotations

import hashlib
import json
import math

from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.validation import explain_validity

from communes.models import Province
from ntm_portal.models import User
from ntm_portal.security import security_log

from .geometry import to_path
from .models import CommuneBoundarySet
from .public import public_page_forget

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FEATURES = 2000
MAX_STORED_BYTES = 600 * 1024
SIZE = 600  # the longer side of the drawing, in SVG units
CODE_KEYS = ("code", "ma_xa", "ma")
LISTED = 10  # codes named in one message


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


def boundaries_check(*, province: Province, upload) -> dict:
    """What would be stored for this file: {"width", "height", "paths", …}; BoundariesRejected
    otherwise."""
    if upload is None:
        raise BoundariesRejected([_("Tệp ranh giới: hãy chọn một tệp GeoJSON.")])
    if upload.size > MAX_UPLOAD_BYTES:
        raise BoundariesRejected(
            [_("Tệp ranh giới quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}]
        )
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BoundariesRejected(
            [_("Tệp ranh giới không phải GeoJSON (JSON, mã hóa UTF-8) đọc được.")]
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
    geometries, errors = {}, []
    unknown, doubled, invalid, missing_code, outside = set(), set(), [], 0, set()
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
        geometries[code] = parsed
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
    if outside:
        errors.append(
            _("Tọa độ phải là kinh độ, vĩ độ (WGS 84) trong lãnh thổ Việt Nam: %(codes)s.")
            % {"codes": _codes(outside)}
        )
    if errors:
        raise BoundariesRejected(errors)
    return _drawing(geometries) | {"sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}


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
def commune_boundaries_upload(*, province: Province, upload, actor: User) -> CommuneBoundarySet:
    """Check the file and replace the province's boundaries with it, or refuse and keep the old."""
    drawing = boundaries_check(province=province, upload=upload)
    boundaries, _created = CommuneBoundarySet.objects.update_or_create(
        province=province,
        defaults={
            **drawing,
            "original_name": (getattr(upload, "name", "") or "")[:200],
            "uploaded_by": actor,
        },
    )
    security_log.info(
        "Commune boundaries of province %s replaced (%s communes) by user=%s",
        province.pk,
        len(drawing["paths"]),
        actor.pk,
    )
    transaction.on_commit(lambda: public_page_forget(province.pk))
    return boundaries

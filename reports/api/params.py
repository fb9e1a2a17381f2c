"""Query parameters of the API: read strictly, refused with the parameter's name."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from communes.models import Edition
from criteria.models import Evaluation
from ntm_portal.limits import ID_MAX, parse_id

YEARS = range(2010, 2101)
PERIOD = re.compile(r"(\d{4})(?:-([0-2]))?", re.ASCII)

# What the OpenAPI document says of each kind of parameter: exactly what the readers below
# accept, so a request the document calls valid is answered and any other is refused.
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
YEAR_SCHEMA = {"type": "integer", "minimum": YEARS.start, "maximum": YEARS.stop - 1}
PERIOD_SCHEMA = {"type": "string", "pattern": r"^(20[1-9][0-9]|2100)(-[0-2])?$"}


def _raw(request, name: str) -> str:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ValidationError({name: [_("Chỉ được gửi một giá trị.")]})
    if values and not values[0].strip():
        # Sent but empty is a mistake, not "absent": the document gives each parameter a value.
        raise ValidationError({name: [_("Không được để trống: bỏ tham số đi nếu không lọc.")]})
    return values[0].strip() if values else ""


def text_param(request, name: str) -> str:
    """The parameter's one value, stripped ("" when absent)."""
    return _raw(request, name)


def id_param(request, name: str) -> int | None:
    raw = _raw(request, name)
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise ValidationError({name: [_("Phải là một mã số (số nguyên dương).")]})
    return value


def year_param(request, name: str = "year") -> int | None:
    raw = _raw(request, name)
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) not in YEARS:
        raise ValidationError({name: [_("Năm phải từ 2010 đến 2100.")]})
    return int(raw)


def edition_param(request, name: str = "edition") -> int | None:
    raw = _raw(request, name)
    if not raw:
        return None
    if raw not in {str(value) for value in Edition.values}:
        raise ValidationError({name: [_("Phiên bản phải là 2024 hoặc 2025.")]})
    return int(raw)


def period_param(request, name: str = "period") -> tuple[int, int] | None:
    """ "2025-1" (first half), "2025-2" (second half), "2025" or "2025-0" (the whole year)."""
    raw = _raw(request, name)
    if not raw:
        return None
    match = PERIOD.fullmatch(raw)
    if (
        match is None
        or int(match[1]) not in YEARS
        or int(match[2] or 0) not in Evaluation.Half.values
    ):
        raise ValidationError(
            {name: [_("Kỳ phải có dạng năm-kỳ: 2025-1, 2025-2 hoặc 2025 (cả năm), 2010–2100.")]}
        )
    return int(match[1]), int(match[2] or 0)


def choice_param(request, name: str, choices) -> str | None:
    raw = _raw(request, name)
    if not raw:
        return None
    if raw not in choices:
        raise ValidationError(
            {
                name: [
                    _("Giá trị không hợp lệ; chọn một trong: %(choices)s.")
                    % {"choices": ", ".join(choices)}
                ]
            }
        )
    return raw


def bool_param(request, name: str) -> bool | None:
    raw = _raw(request, name).lower()
    if not raw:
        return None
    if raw not in ("true", "false", "1", "0"):
        raise ValidationError({name: [_("Phải là true hoặc false.")]})
    return raw in ("true", "1")

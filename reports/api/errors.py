"""Every refusal of the API as JSON: `{"detail": "...", "fields": {"name": ["..."]}}`, in
Vietnamese (English with `Accept-Language: en`).

Django REST framework words its own refusals in English, and its Vietnamese catalogue translates
barely twenty of them: each of its messages that reaches a client is recognised here (by its
English source and the language active now) and said again in the portal's words, through the
portal's catalogue. A message the portal wrote itself passes unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Unprocessable(exceptions.ValidationError):
    """A request of the documented shape that the stored data refuses (an indicator of another
    set, a word where a percentage is due, an id outside the holder's scope): 422, so that 400
    keeps meaning "not what the OpenAPI document describes"."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def _messages() -> dict[type, str]:
    return {
        exceptions.NotAuthenticated: _(
            "Cần khóa API: gửi kèm tiêu đề Authorization: Bearer <khóa> (tạo khóa ở trang "
            "Tài khoản của tôi)."
        ),
        exceptions.AuthenticationFailed: _("Khóa API không hợp lệ, đã hết hạn hoặc đã bị thu hồi."),
        exceptions.PermissionDenied: _("Bạn không có quyền thực hiện thao tác này."),
        exceptions.NotFound: _("Không tìm thấy (hoặc nằm ngoài phạm vi của bạn)."),
        exceptions.MethodNotAllowed: _("Phương thức này không được hỗ trợ ở địa chỉ này."),
        exceptions.UnsupportedMediaType: _(
            "Nội dung phải là JSON (Content-Type: application/json)."
        ),
        exceptions.ParseError: _("Nội dung gửi lên không đọc được (JSON không hợp lệ)."),
        exceptions.NotAcceptable: _("Chỉ trả về JSON."),
        exceptions.Throttled: _("Quá nhiều yêu cầu: hãy thử lại sau một phút."),
    }


# DRF's refusals that it never translates (built with "%"), by how they begin.
UNTRANSLATED_PREFIXES = ("JSON parse error", "Multipart form parse error", "CSRF Failed")


def _field_words() -> dict[str, str]:
    """DRF's messages about one field or value (its English source) → the portal's, with the
    same named parts ({max_value} in DRF's, %(max_value)s in ours)."""
    return {
        "This field is required.": _("Thiếu trường này."),
        "This field may not be null.": _("Không được để null."),
        "This field may not be blank.": _("Không được để trống."),
        "Not a valid string.": _("Phải là một chuỗi ký tự."),
        "Null characters are not allowed.": _("Không được chứa ký tự NUL."),
        "Surrogate characters are not allowed: U+{code_point:X}.": _(
            "Không được chứa ký tự thay thế (surrogate) U+%(code_point)s."
        ),
        "A valid integer is required.": _("Phải là một số nguyên."),
        "A valid biginteger is required.": _("Phải là một số nguyên."),
        "A valid number is required.": _("Phải là một số."),
        "Must be a valid boolean.": _("Phải là true hoặc false."),
        "String value too large.": _("Chuỗi số quá dài."),
        "Ensure this value is less than or equal to {max_value}.": _(
            "Phải nhỏ hơn hoặc bằng %(max_value)s."
        ),
        "Ensure this value is greater than or equal to {min_value}.": _(
            "Phải lớn hơn hoặc bằng %(min_value)s."
        ),
        "Ensure this field has no more than {max_length} characters.": _(
            "Tối đa %(max_length)s ký tự."
        ),
        "Ensure this field has at least {min_length} characters.": _(
            "Tối thiểu %(min_length)s ký tự."
        ),
        "Ensure this field has no more than {max_length} elements.": _(
            "Tối đa %(max_length)s phần tử."
        ),
        "Ensure this field has at least {min_length} elements.": _(
            "Tối thiểu %(min_length)s phần tử."
        ),
        "Ensure that there are no more than {max_digits} digits in total.": _(
            "Tối đa %(max_digits)s chữ số."
        ),
        "Ensure that there are no more than {max_decimal_places} decimal places.": _(
            "Tối đa %(max_decimal_places)s chữ số sau dấu thập phân."
        ),
        "Ensure that there are no more than {max_whole_digits} digits before the decimal point.": _(
            "Tối đa %(max_whole_digits)s chữ số trước dấu thập phân."
        ),
        '"{input}" is not a valid choice.': _("“%(input)s” không phải là một lựa chọn hợp lệ."),
        'Expected a list of items but got type "{input_type}".': _(
            "Phải là một danh sách (nhận được %(input_type)s)."
        ),
        'Expected a dictionary of items but got type "{input_type}".': _(
            "Phải là một đối tượng (nhận được %(input_type)s)."
        ),
        "Invalid data. Expected a dictionary, but got {datatype}.": _(
            "Phải là một đối tượng JSON (nhận được %(datatype)s)."
        ),
        "This list may not be empty.": _("Danh sách không được trống."),
        "This dictionary may not be empty.": _("Đối tượng không được trống."),
        "Date has wrong format. Use one of these formats instead: {format}.": _(
            "Ngày sai định dạng; dùng: %(format)s."
        ),
        "Datetime has wrong format. Use one of these formats instead: {format}.": _(
            "Thời điểm sai định dạng; dùng: %(format)s."
        ),
        "Invalid input.": _("Giá trị không hợp lệ."),
    }


PLACEHOLDER = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def _pattern(template: str) -> re.Pattern:
    """A DRF template as said in the active language, its {named} parts captured."""
    pieces, position = [], 0
    for match in PLACEHOLDER.finditer(template):
        pieces += [re.escape(template[position : match.start()]), f"(?P<{match[1]}>.*?)"]
        position = match.end()
    pieces.append(re.escape(template[position:]))
    return re.compile("".join(pieces), re.DOTALL)


def _in_our_words(message: str, words: dict[str, str]) -> str | None:
    """Ours for one of DRF's messages (in English, or in DRF's own Vietnamese), else None."""
    for source, ours in words.items():
        for said in {source, gettext(source)}:
            if (match := _pattern(said).fullmatch(message)) is not None:
                return ours % match.groupdict() if match.groupdict() else ours
    return None


def _reworded(message) -> str:
    return _in_our_words(str(message), _field_words()) or str(message)


def _flatten(
    detail, prefix: str = "", reword: Callable[[object], str] = str
) -> dict[str, list[str]]:
    """DRF's nested error details as {"values[0].value": ["..."]}."""
    if isinstance(detail, dict):
        found: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(key, int):
                name = f"{prefix}[{key}]"
            elif key == "non_field_errors" and prefix:
                name = prefix  # the list itself ("values": not a list, empty)
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            found.update(_flatten(value, name, reword))
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [reword(item) for item in detail]}
        found = {}
        for index, item in enumerate(detail):
            if item:
                found.update(_flatten(item, f"{prefix}[{index}]", reword))
        return found
    return {prefix or "non_field_errors": [reword(detail)]}


def _is_drf_own(exc: exceptions.APIException) -> bool:
    """Whether the refusal's words are DRF's (to be said in ours), not the portal's."""
    message = str(getattr(exc, "detail", ""))
    if isinstance(exc, exceptions.Throttled) or message.startswith(UNTRANSLATED_PREFIXES):
        return True
    with translation.override(None):  # the English source of DRF's words
        source = str(type(exc).default_detail)
    return _in_our_words(message, {source: "-"}) is not None


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail, reword=_reworded)
        body = {"detail": _("Dữ liệu không hợp lệ: %(fields)s.") % {"fields": ", ".join(fields)}}
        body["fields"] = fields
        return Response(body, status=exc.status_code, headers=_headers(response))
    message = None
    if _is_drf_own(exc):
        # DRF's own words for the status: ours, in the catalogue; a message we raised stays.
        message = next(
            (text for kind, text in _messages().items() if isinstance(exc, kind)),
            _("Yêu cầu không thực hiện được."),
        )
    if message is None:
        message = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    return Response({"detail": message}, status=response.status_code, headers=_headers(response))


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}

"""Every refusal of the API as JSON: `{"detail": "...", "fields": {"name": ["..."]}}`, in
Vietnamese (English with `Accept-Language: en`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _messages() -> dict[type, str]:
    return {
        exceptions.NotAuthenticated: _(
            "Cần khóa API: gửi kèm tiêu đề Authorization: Bearer <khóa> (tạo khóa ở trang "
            "Tài khoản của tôi)."
        ),
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


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
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
            found.update(_flatten(value, name))
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        found = {}
        for index, item in enumerate(detail):
            if item:
                found.update(_flatten(item, f"{prefix}[{index}]"))
        return found
    return {prefix or "non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        body = {"detail": _("Dữ liệu không hợp lệ: %(fields)s.") % {"fields": ", ".join(fields)}}
        body["fields"] = fields
        return Response(body, status=status.HTTP_400_BAD_REQUEST, headers=_headers(response))
    message = None
    if isinstance(exc, exceptions.Throttled) or str(getattr(exc, "detail", "")) == str(
        getattr(exc, "default_detail", "")
    ):
        # DRF's own words for the status: ours, in the catalogue; a message we raised stays.
        message = next((text for kind, text in _messages().items() if type(exc) is kind), None)
    if message is None:
        message = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    return Response({"detail": message}, status=response.status_code, headers=_headers(response))


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}

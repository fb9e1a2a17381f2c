"""How the OpenAPI schema describes what drf-spectacular cannot read from the code: the token
scheme, the bounds of every number in an address, and every refusal an operation can answer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from ntm_portal.limits import ID_MAX

from .serializers import ValuesInputSerializer


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "ntm_portal.api_tokens.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Khóa API tạo ở trang Tài khoản của tôi (ntm_…).",
        }


# Every refusal has this shape (reports/api/errors.py).
ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "Lý do, bằng tiếng Việt (hoặc tiếng Anh)."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Lỗi theo tên tham số hoặc trường: values[0].value, page_size, …",
        },
    },
    "required": ["detail"],
}

NO_NUL = r"^[^\u0000]*$"

# Status → when it is answered; which operations may answer it is decided below.
REFUSALS = {
    "400": "Tham số hoặc nội dung không hợp lệ (mỗi lỗi có tên trong fields).",
    "401": "Thiếu khóa API, hoặc khóa sai, hết hạn, đã thu hồi.",
    "403": "Người giữ khóa không được làm việc này.",
    "404": "Không có, hoặc nằm ngoài phạm vi của người giữ khóa.",
    "406": "Tiêu đề Accept không nhận JSON.",
    "409": "Đánh giá vừa được người khác sửa (version cũ) hoặc không còn mở.",
    "415": "Nội dung không phải JSON.",
    "422": "Đúng khuôn dạng nhưng không khớp dữ liệu: chỉ tiêu không thuộc bộ, giá trị sai "
    "kiểu của chỉ tiêu, mã số ngoài phạm vi.",
    "429": "Quá số yêu cầu một phút cho phép.",
}


def _refusals(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    statuses = ["401", "406", "429"]
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append("400")
    if "{id}" in path:
        statuses.append("404")
    if operation["operationId"] in ("dashboard_retrieve", "evaluations_values_update"):
        statuses += ["403", "422"]  # a role without the right; an id outside the scope
    if method == "put":
        statuses += ["409", "415"]
    return sorted(statuses)


def describe_refusals_and_bounds(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the error shape and statuses of every operation, the
    bounds of the id in every address and the text a body may hold (the views refuse what lies
    outside them)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR
    # drf-spectacular leaves out a nested list's bounds: the write's, from its serializer.
    values = ValuesInputSerializer().fields["values"]
    components["ValuesInputRequest"]["properties"]["values"].update(
        {"minItems": 0 if values.allow_empty else 1, "maxItems": values.max_length}
    )
    for name, component in components.items():
        if not name.endswith("Request"):
            continue
        for field in component.get("properties", {}).values():
            if field.get("type") == "string" and "pattern" not in field:
                # DRF refuses a NUL in any text it reads, and PostgreSQL could not store one.
                field["pattern"] = NO_NUL
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"].update({"minimum": 1, "maximum": ID_MAX})
            responses = operation.setdefault("responses", {})
            for status in _refusals(path, method, operation):
                responses.setdefault(
                    status,
                    {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                        "description": REFUSALS[status],
                    },
                )
    return result

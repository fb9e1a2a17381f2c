"""How the OpenAPI schema describes what drf-spectacular cannot read from the code."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "ntm_portal.api_tokens.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Khóa API tạo ở trang Tài khoản của tôi (ntm_…).",
        }

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class VietnameseFirstMiddleware:
    """Vietnamese unless the user chose English with the switch (the language cookie).

    Officials' browsers are often set to English; their browser's Accept-Language must not
    change the portal's language behind their backs. The JSON API is the exception: a program
    asks for its language on purpose (`Accept-Language: en`).
    """

    API_PREFIX = "/api/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.API_PREFIX):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """What a signed-in user is shown (pages, exports, files) is theirs: no shared cache or
    browser history may keep it (`Cache-Control: private, no-store`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class RefuseNulMiddleware:
    """A NUL character in the address or a parameter is refused (400) before any view: no text
    column of PostgreSQL can hold one, and no person types one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
        ):
            if request.path.startswith(VietnameseFirstMiddleware.API_PREFIX):
                return _api_refusal(request)
            return render(request, "400.html", status=400)
        return self.get_response(request)


def _has_nul(params) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


def _api_refusal(request: HttpRequest) -> HttpResponse:
    """The API's own shape of error (reports/api/errors.py), naming the parameters."""
    message = _("Không được chứa ký tự NUL.")
    names = [
        key.replace("\x00", "\\0")
        for params in (request.GET, request.POST if request.method == "POST" else {})
        for key, values in (params.lists() if params else [])
        if "\x00" in key or any("\x00" in v for v in values)
    ] or ["path"]
    return JsonResponse(
        {
            "detail": _("Dữ liệu không hợp lệ: %(fields)s.") % {"fields": ", ".join(names)},
            "fields": {name: [message] for name in names},
        },
        status=400,
    )


class ContentSecurityPolicyMiddleware:
    """Every response says where its page may load from (settings.CONTENT_SECURITY_POLICY): an
    injected <script> or on…= attribute does not run, and no other site may frame the portal.
    A view that needs another policy sets the header itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}"
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class CompressTextMiddleware(GZipMiddleware):
    """Pages, JSON and other text compressed for a weak link (issue 27); files that are already
    compressed or binary (PDF, images, .xlsx/.docx, which are zip files) are sent as they are:
    compressing them again costs the server's time for few bytes."""

    TEXT = ("text/", "application/json", "application/javascript", "application/manifest+json")

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not response.get("Content-Type", "").startswith(self.TEXT):
            return response
        return super().process_response(request, response)

"""The installable app's two files at stable addresses (issue 27).

A service worker controls only the pages under the folder it is served from, so the portal's,
kept in static/js/sw.js, is served from the site's root (`/sw.js`); the manifest from
`/manifest.webmanifest`. Neither may be cached long by the browser: a release must replace them.
The worker's body ends with the release's static names (hashed in production), so that each
release's worker differs by at least a byte and the browser installs it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET


def _source(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise Http404(path)
    with open(found, encoding="utf-8") as source:
        return source.read()


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    release = " ".join(static(name) for name in ("js/portal.js", "css/portal.css"))
    response = HttpResponse(
        f"{_source('js/sw.js')}\n// release: {release}\n",
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        _source("manifest.webmanifest"), content_type="application/manifest+json; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response

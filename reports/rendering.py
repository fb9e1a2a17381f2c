"""HTML → PDF with WeasyPrint, fetching nothing but the project's own print assets.

User text reaches the templates escaped, but the renderer is the last line of defence: every URL
it is asked for — file://, http(s)://, data: … — is refused unless it names one of our bundled
files under reports/print_assets/ (fonts, print) through the private `ntm-asset:` scheme. They
live outside static/ on purpose: browsers never load them, and the static pipeline would try to
rewrite the `ntm-asset:` URLs in the CSS.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_SCHEME = "ntm-asset:"
ASSET_DIRS = ("fonts", "print")
ASSETS = Path(__file__).resolve().parent / "print_assets"
MEDIA_TYPES = {".ttf": "font/ttf", ".css": "text/css"}


class FetchRefused(ValueError):
    pass


class BundledAssetsOnly(URLFetcher):
    """Serves `ntm-asset:fonts/…` and `ntm-asset:print/…` from print_assets/; refuses the rest."""

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if not url.startswith(ASSET_SCHEME):
            raise FetchRefused(f"refused to fetch {url[:80]!r}")
        assets = ASSETS.resolve()
        path = (assets / url[len(ASSET_SCHEME) :]).resolve()
        if path.parent.name not in ASSET_DIRS or assets not in path.parents or not path.is_file():
            raise FetchRefused(f"no such asset {url[:80]!r}")
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": MEDIA_TYPES.get(path.suffix, "")}
        )


@cache
def _print_stylesheet() -> tuple[FontConfiguration, CSS]:
    """The print stylesheet and its fonts, parsed once per process: loading four TrueType fonts
    and the CSS for every document was a fifth of each render."""
    fonts = FontConfiguration()
    stylesheet = CSS(
        string=(ASSETS / "print" / "document.css").read_text("utf-8"),
        base_url=ASSET_SCHEME,
        url_fetcher=BundledAssetsOnly(),
        font_config=fonts,
    )
    return fonts, stylesheet


def render_pdf(html: str) -> bytes:
    fonts, stylesheet = _print_stylesheet()
    return HTML(string=html, base_url=ASSET_SCHEME, url_fetcher=BundledAssetsOnly()).write_pdf(
        stylesheets=[stylesheet], font_config=fonts
    )

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

from .signing import SignatureBox

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


class RenderedPdf(bytes):
    """The PDF's bytes, and where its visible signature goes (None without a signer's name)."""

    signature_box: SignatureBox | None = None


def render_pdf(html: str) -> RenderedPdf:
    data, box = render_pdf_and_signature_box(html)
    pdf = RenderedPdf(data)
    pdf.signature_box = box
    return pdf


# CSS pixels (1/96 inch) to PDF points (1/72 inch).
POINTS_PER_PX = 0.75


def render_pdf_and_signature_box(html: str) -> tuple[bytes, SignatureBox | None]:
    """The PDF, and where its visible signature goes: the space above the signer's name (the
    element marked data-sign="name" in templates/reports/print/_signature.html)."""
    fonts, stylesheet = _print_stylesheet()
    document = HTML(string=html, base_url=ASSET_SCHEME, url_fetcher=BundledAssetsOnly()).render(
        stylesheets=[stylesheet], font_config=fonts
    )
    box = None
    # WeasyPrint's layout tree (its pinned version's `_page_box`): where the name was laid out.
    for index, page in enumerate(document.pages):
        for child in page._page_box.descendants():
            element = getattr(child, "element", None)
            if element is None or element.get("data-sign") != "name":
                continue
            if child.element_tag != "div" or not hasattr(child, "margin_top"):
                continue
            top = child.position_y
            bottom = child.position_y + child.margin_top
            box = SignatureBox(
                page=index,
                left=child.content_box_x() * POINTS_PER_PX,
                right=(child.content_box_x() + child.width) * POINTS_PER_PX,
                bottom=(page.height - bottom) * POINTS_PER_PX,
                top=(page.height - top) * POINTS_PER_PX,
            )
            break
    return document.write_pdf(), box

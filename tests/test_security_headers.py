"""The Content-Security-Policy: sent with every response (pages, the API, static files, error
pages, the sign-in page), and no template carries an inline script or event handler it would
block."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def test_every_kind_of_response_carries_the_policy(client, world, personas):
    answers = [
        client.get(reverse("login")),
        client.get("/khong-co-trang-nay/"),
        client.get(reverse("api:commune_list")),
        client.get(reverse("healthz")),
    ]
    client.force_login(personas["province"])
    answers += [client.get(reverse("dashboards:overview")), client.get(reverse("api:docs"))]
    for response in answers:
        assert set(POLICY) <= _directives(response), response.request["PATH_INFO"]
    # No unsafe-inline, nor a source beyond the portal's own.
    assert "unsafe" not in answers[0]["Content-Security-Policy"]
    assert "style-src 'self'" in _directives(answers[0])


def test_the_api_docs_load_their_init_script_from_a_url(client, world, personas):
    client.force_login(personas["commune"])
    page = client.get(reverse("api:docs")).content.decode()
    assert re.search(r"<script>|<style>", page) is None
    script = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1)
    answer = client.get(script.replace("&amp;", "&"))
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")


def test_no_template_has_an_inline_script_or_event_handler():
    """Print templates (WeasyPrint) never reach a browser; every other page would have its inline
    script refused by the policy."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "print" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"<style|\sstyle=", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_policy_is_configured_in_one_place():
    assert settings.CONTENT_SECURITY_POLICY["script-src"] == ["'self'"]
    assert "ntm_portal.middleware.ContentSecurityPolicyMiddleware" in settings.MIDDLEWARE

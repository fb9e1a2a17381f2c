"""The public verification page of an issued document (/xac-thuc/<code>/): anyone holding a copy
reads what the portal recorded and may upload the PDF to compare it. The page links nowhere
else in the portal and is rate-limited per client address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ntm_portal.security import client_address, is_over_rate
from ntm_portal.uploads import MAX_BYTES, UploadRejected, accept_upload

from . import issuers
from .access import get_verifiable_document_or_404
from .verification import is_code_shaped, signature_summary, verdict_of

TEMPLATE = "verification/document.html"


@login_not_required
@require_http_methods(["GET", "POST"])
def document_verification(request: HttpRequest, code: str) -> HttpResponse:
    address = client_address(request)
    if is_over_rate(
        f"verification:address:{address}",
        limit=settings.VERIFICATION_VIEWS_PER_MINUTE,
        seconds=60,
    ):
        return _too_many(request)
    try:
        if not is_code_shaped(code.upper()):
            raise Http404
        document = get_verifiable_document_or_404(code.upper())
    except Http404:
        # The same lone page, saying no such document: the site's 404 would link inside.
        return render(request, TEMPLATE, {"unknown": True}, status=404)
    errors: list[str] = []
    verdict = None
    if request.method == "POST":
        if is_over_rate(
            f"verification-upload:address:{address}",
            limit=settings.VERIFICATION_UPLOADS_PER_HOUR,
            seconds=60 * 60,
        ):
            return _too_many(request)
        upload = request.FILES.get("file")
        try:
            accepted = accept_upload(upload)
            if accepted.content_type != "application/pdf":
                raise UploadRejected(_("Chỉ nhận tệp PDF để đối chiếu."))
        except UploadRejected as error:
            errors.append(str(error))
        else:
            upload.seek(0)
            verdict = verdict_of(document, upload.read(MAX_BYTES + 1))
    response = render(
        request,
        TEMPLATE,
        {
            "document": document,
            "issuer_name": issuers.of_document(document).name,
            "signatures": signature_summary(document),
            "record_checksum": document.record_checksum(),
            "verdict": verdict,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        TEMPLATE,
        {"too_many": True},
        status=429,
    )

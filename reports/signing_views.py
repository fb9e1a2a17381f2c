"""The upload of a PDF signed outside the portal (the signer's USB token) to an issued document."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import can_issue_document, get_document_or_404
from .signing_services import SignatureRefused, document_signed_upload


@require_POST
def document_signed_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_document_or_404(request.user, pk)
    if not can_issue_document(request.user, document):
        raise PermissionDenied
    try:
        signature = document_signed_upload(
            document=document, upload=request.FILES.get("file"), actor=request.user
        )
    except SignatureRefused as error:
        for message in error.messages:
            messages.error(request, message)
        messages.error(request, _("Chưa nhận bản ký số; văn bản giữ nguyên như trước."))
        return redirect("reports:document_detail", pk=document.pk)
    messages.success(
        request,
        _("Đã nhận bản ký số của %(signer)s: từ nay đây là bản lưu chính thức của văn bản.")
        % {"signer": signature.signer},
    )
    return redirect("reports:document_detail", pk=document.pk)

"""Verifying an issued document, for whoever holds a copy: its short code, the QR code printed
on its first page, and what an uploaded PDF is compared with (the public page /xac-thuc/<code>/,
reports/verification_views.py)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe

from .models import Document, DocumentSignature
from .signing import SignatureCheck, SigningError, check_signatures

# Ten characters of base 32: 50 random bits, read aloud or typed without ambiguity.
CODE_LENGTH = 10
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_verification_code() -> str:
    return base64.b32encode(secrets.token_bytes(10)).decode()[:CODE_LENGTH]


def is_code_shaped(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("verification:document", args=[code])


def print_block(document: Document) -> dict | None:
    """What the first page prints for verification: the code, its address and its QR code (an
    inline SVG, so that the renderer fetches nothing)."""
    if not document.verification_code:
        return None
    url = verification_url(document.verification_code)
    svg = segno.make(url, error="m").svg_inline(scale=1, border=0, dark="#000", omitsize=True)
    # segno writes the SVG itself from the QR matrix: no text of ours reaches it unescaped.
    return {"code": document.verification_code, "url": url, "qr_svg": mark_safe(svg)}  # noqa: S308


@dataclass(frozen=True)
class UploadVerdict:
    """What an uploaded PDF is, compared with the document of record."""

    sha256: str
    is_record: bool  # exactly the document of record
    is_issued_file: bool  # exactly the file the portal rendered on issue
    extends_issued: bool  # the issued file unchanged, with additions after it (signatures …)
    checks: list[SignatureCheck] = field(default_factory=list)
    unreadable: str = ""

    @property
    def is_this_document(self) -> bool:
        return self.is_record or self.is_issued_file or self.extends_issued

    @property
    def signatures_good(self) -> bool:
        return bool(self.checks) and all(check.is_good for check in self.checks)


def verdict_of(document: Document, data: bytes) -> UploadVerdict:
    digest = hashlib.sha256(data).hexdigest()
    issued = _read(document.pdf)
    try:
        checks = check_signatures(data)
        unreadable = ""
    except SigningError as error:
        checks, unreadable = [], str(error)
    return UploadVerdict(
        sha256=digest,
        is_record=digest == document.record_checksum(),
        is_issued_file=digest == document.checksum,
        extends_issued=bool(issued) and len(data) > len(issued) and data.startswith(issued),
        checks=checks,
        unreadable=unreadable,
    )


def _read(file) -> bytes:
    if not file:
        return b""
    with file.open("rb") as handle:
        return handle.read()


def signature_summary(document: Document) -> list[DocumentSignature]:
    return list(document.signatures.order_by("pk"))

"""Verifying an issued document: its short code and QR code on the first page, and the public page
/xac-thuc/<code>/ where anyone learns what the portal recorded and compares a PDF they hold."""

from __future__ import annotations

import re
import subprocess

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Document
from reports.services import document_create, document_issue, document_render
from reports.signing_services import document_signed_upload
from reports.verification import CODE_LENGTH, verification_url

from .signing_helpers import (  # noqa: F401 (fixtures: pytest knows them by name)
    authority_fixture,
    body_holder_fixture,
    issued_document,
    issuer_fixture,
    make_authority,
    pdf_upload,
    read,
    token_holder_fixture,
    trusted_fixture,
)
from .test_documents import signed_issuer


def page(client, document, **kwargs):
    return client.get(reverse("verification:document", args=[document.verification_code]))


def compare(client, document, data: bytes, name: str = "ban-giu.pdf"):
    return client.post(
        reverse("verification:document", args=[document.verification_code]),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def verdict(response) -> str:
    found = re.search(r'data-verdict="(\w+)"', response.content.decode())
    return found.group(1) if found else ""


def signature_marks(response) -> list[str]:
    return re.findall(r'data-signature="(\w+)"', response.content.decode())


# ---------------------------------------------------------------- the code and the QR code --


def test_every_issued_document_has_its_own_unguessable_code(world, trusted):
    issuer = signed_issuer(world.agency_a)
    codes = set()
    for _ in range(3):
        draft = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
        assert draft.verification_code is None
        document = document_issue(document=draft, actor=None)
        assert re.fullmatch(rf"[A-Z2-7]{{{CODE_LENGTH}}}", document.verification_code)
        codes.add(document.verification_code)
    assert len(codes) == 3


def test_the_first_page_carries_the_code_and_a_qr_code_of_the_verification_address(
    world, trusted, settings
):
    settings.SITE_URL = "https://ntm.example.gov.vn"
    issuer = signed_issuer(world.agency_a)
    draft = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    document = document_render(document_id=document_issue(document=draft, actor=None).pk)
    url = verification_url(document.verification_code)
    assert url == f"https://ntm.example.gov.vn/xac-thuc/{document.verification_code}/"
    # The QR code printed is exactly the one of that address.
    expected = segno.make(url, error="m").svg_inline(scale=1, border=0, dark="#000", omitsize=True)
    assert expected in document.html
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", document.pdf.path, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert document.verification_code in first_page
    # Small: a QR code of at most 18 mm, in the margin beside the number.
    assert (
        ".verify svg { width: 18mm; height: 18mm; }"
        in (
            __import__("reports.rendering", fromlist=["ASSETS"]).ASSETS / "print" / "document.css"
        ).read_text()
    )


def test_a_draft_has_no_code_and_no_qr_code(world, trusted):
    issuer = signed_issuer(world.agency_a)
    draft = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    draft = document_render(document_id=draft.pk)
    assert draft.verification_code is None
    assert 'class="verify"' not in draft.html


# ---------------------------------------------------------------- the public page --


def test_anyone_reads_what_the_portal_recorded_and_nothing_else(client, issuer):
    document = issued_document(issuer)
    response = page(client, document)
    assert response.status_code == 200
    text = response.content.decode()
    assert document.number_label in text
    assert document.issued_on.strftime("%d/%m/%Y") in text
    assert issuer.name in text
    assert "Trương Chí Trung" in text  # the signer printed
    assert "Sở Kế hoạch và Đầu tư tỉnh Quảng Trị" in text  # who signed digitally
    assert document.record_checksum() in text
    # No way into the portal: no link at all, no navigation, no sign-in.
    assert "<a " not in text
    assert "<nav" not in text
    assert response["X-Robots-Tag"] == "noindex"


def test_the_record_itself_is_recognised_unaltered_with_valid_signatures(client, issuer):
    document = issued_document(issuer)
    response = compare(client, document, read(document.pdf))
    assert response.status_code == 200
    assert verdict(response) == "record"
    assert signature_marks(response) == ["good"]


def test_after_a_token_signature_both_files_are_recognised(client, issuer, token_holder):
    document = issued_document(issuer)
    issued = read(document.pdf)
    signed = token_holder.sign_on_token(issued)
    document_signed_upload(document=document, upload=pdf_upload(signed), actor=None)
    response = compare(client, document, signed)
    assert verdict(response) == "record"
    assert signature_marks(response) == ["good", "good"]
    assert document.record_checksum() in response.content.decode()
    # The copy issued before the token signature is still this document, unaltered.
    response = compare(client, document, issued)
    assert verdict(response) == "issued"
    text = page(client, document).content.decode()
    assert "Trương Chí Trung" in text
    assert "Ký bằng thiết bị ký số, tải lên" in text


def test_a_copy_signed_elsewhere_is_this_document_with_additions(client, issuer, token_holder):
    document = issued_document(issuer)
    signed = token_holder.sign_on_token(read(document.pdf))
    response = compare(client, document, signed)
    assert verdict(response) == "extended"
    assert signature_marks(response) == ["good", "good"]


def test_a_modified_pdf_is_not_this_document_and_its_signature_is_broken(client, issuer):
    document = issued_document(issuer)
    changed = bytearray(read(document.pdf))
    position = changed.index(b"/Producer")
    changed[position + 1 : position + 2] = b"Q"
    response = compare(client, document, bytes(changed))
    assert verdict(response) == "other"
    assert signature_marks(response) == ["bad"]
    assert "đã bị sửa sau khi ký" in response.content.decode()


def test_another_documents_pdf_is_not_this_document(client, issuer):
    document = issued_document(issuer)
    other = issued_document(issuer)
    response = compare(client, document, read(other.pdf))
    assert verdict(response) == "other"
    # Its own signature is fine: it is simply another document.
    assert signature_marks(response) == ["good"]


def test_an_untrusted_signature_is_said_so(client, issuer):
    document = issued_document(issuer)
    stranger = make_authority("CA lạ").issue("Người lạ")
    response = compare(client, document, stranger.sign_on_token(read(document.pdf)))
    assert verdict(response) == "extended"
    assert signature_marks(response) == ["good", "bad"]
    assert "không do tổ chức" in response.content.decode()


def test_an_expired_certificates_signature_is_said_so(client, issuer, authority):
    document = issued_document(issuer)
    expired = authority.issue("Hết hạn", expired=True)
    response = compare(client, document, expired.sign_on_token(read(document.pdf)))
    assert signature_marks(response) == ["good", "bad"]
    assert "đã hết hạn" in response.content.decode()


def test_an_unsigned_document_says_it_is_not_signed(client, world, trusted):
    document = issued_document(signed_issuer(world.agency_a))
    assert "Văn bản chưa được ký số." in page(client, document).content.decode()
    response = compare(client, document, read(document.pdf))
    assert verdict(response) == "record"
    assert "Tệp không có chữ ký số." in response.content.decode()


def test_a_file_that_is_not_a_pdf_is_refused_with_a_reason(client, issuer):
    document = issued_document(issuer)
    response = compare(client, document, b"%PDF-1.7\n<html><script>x</script>")
    assert response.status_code == 400
    assert "HTML" in response.content.decode()
    response = client.post(
        reverse("verification:document", args=[document.verification_code]),
        {"file": SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40)},
    )
    assert response.status_code == 400


def test_a_file_over_the_upload_limit_is_refused(client, issuer):
    document = issued_document(issuer)
    response = compare(client, document, b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 400
    assert "vượt giới hạn 10 MB" in response.content.decode()


@pytest.mark.parametrize("code", ["AAAAAAAAAA", "aaaa", "ABCDEFGHI1", "A" * 40])
def test_an_unknown_or_malformed_code_is_404(client, issuer, code):
    issued_document(issuer)
    response = client.get(reverse("verification:document", args=[code]))
    assert response.status_code == 404
    # Said on the same lone page: no link into the portal even here.
    text = response.content.decode()
    assert "Không có văn bản nào mang mã xác thực này" in text
    assert "<a " not in text


def test_a_draft_cannot_be_reached_by_any_code(client, issuer):
    draft = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    Document.objects.filter(pk=draft.pk).update(verification_code="ABCDEFGHIJ")
    assert client.get(reverse("verification:document", args=["ABCDEFGHIJ"])).status_code == 404


def test_the_page_is_rate_limited_per_address(client, issuer, settings):
    settings.VERIFICATION_VIEWS_PER_MINUTE = 3
    document = issued_document(issuer)
    statuses = [page(client, document).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert "quá nhiều lần" in page(client, document).content.decode()


def test_uploads_are_rate_limited_per_address(client, issuer, settings):
    settings.VERIFICATION_UPLOADS_PER_HOUR = 1
    document = issued_document(issuer)
    data = read(document.pdf)
    assert compare(client, document, data).status_code == 200
    assert compare(client, document, data).status_code == 429

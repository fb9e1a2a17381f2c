"""Digital signatures of issued documents: PAdES on issue with the issuer's certificate, and a PDF
signed on the signer's own token uploaded back (accepted only as an incremental update of exactly
the issued PDF, signed validly by a certificate that chains to the deployment's trust roots)."""

from __future__ import annotations

import io
import statistics
import subprocess
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import ChangeRecord, Document, DocumentSignature, SigningCertificate
from reports.services import document_create, document_issue, document_render
from reports.signing import (
    SigningError,
    check_signatures,
    read_pkcs12,
    signing_time_text,
    unseal,
)
from reports.signing_services import (
    SignatureRefused,
    document_signed_upload,
    signing_certificate_save,
)

from .signing_helpers import (  # noqa: F401 (fixtures: pytest knows them by name)
    PASSWORD,
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

# ---------------------------------------------------------------- on issue --


def test_an_issued_document_is_signed_pades_by_its_issuer_and_pyhanko_validates_it(
    issuer, body_holder
):
    document = issued_document(issuer)
    pdf = read(document.pdf)
    assert b"/ETSI.CAdES.detached" in pdf
    [check] = check_signatures(pdf)
    assert check.intact
    assert check.valid
    assert check.trusted
    assert check.covers_whole_file
    assert check.signer == "Sở Kế hoạch và Đầu tư tỉnh Quảng Trị"
    assert check.problem == ""
    [signature] = document.signatures.all()
    assert signature.way == DocumentSignature.Way.PORTAL
    assert signature.signer == check.signer
    assert signature.sha256 == document.checksum == document.record_checksum()
    assert document.error == ""


def test_poppler_pdfsig_agrees_the_signature_is_valid(issuer):
    document = issued_document(issuer)
    result = subprocess.run(
        ["pdfsig", document.pdf.path], capture_output=True, text=True, check=False
    )
    assert "Signature #1" in result.stdout, result.stdout + result.stderr
    assert "Signature is Valid" in result.stdout
    assert "Sở Kế hoạch và Đầu tư tỉnh Quảng Trị" in result.stdout
    assert "ETSI.CAdES.detached" in result.stdout
    assert "Total document signed" in result.stdout


def test_the_visible_signature_sits_above_the_signers_name_on_the_last_page(issuer):
    from pyhanko.pdf_utils.reader import PdfFileReader

    document = issued_document(issuer)
    reader = PdfFileReader(io.BytesIO(read(document.pdf)))
    [signature] = reader.embedded_signatures
    widget = signature.sig_field
    left, bottom, right, top = (float(v) for v in widget["/Rect"])
    pages = reader.root["/Pages"]["/Count"]
    page = widget["/P"]
    assert page == reader.root["/Pages"]["/Kids"][pages - 1] or pages == 1
    # In the signer's column (the right half of A4), with room for the 36 mm seal.
    assert 297 < left < right <= 595 - 15 * 72 / 25.4 + 1
    assert top - bottom >= 36 * 72 / 25.4 - 0.5
    # An appearance was drawn (an image: the seal, the signature, the name and the time).
    appearance = widget["/AP"]["/N"]
    assert appearance.get_object()["/Resources"]


def test_the_signing_time_is_iso_8601_at_vietnams_offset():
    from datetime import UTC, datetime

    assert signing_time_text(datetime(2026, 12, 8, 2, 15, 2, 500, tzinfo=UTC)) == (
        "2026-12-08T09:15:02+07:00"
    )


def test_a_document_of_an_issuer_without_certificate_is_not_signed(world, trusted):
    document = issued_document(signed_issuer(world.agency_a))
    assert check_signatures(read(document.pdf)) == []
    assert not document.signatures.exists()


def test_a_draft_is_never_signed(issuer):
    draft = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
    draft = document_render(document_id=draft.pk)
    assert check_signatures(read(draft.pdf)) == []
    assert draft.verification_code is None


def test_the_key_is_stored_encrypted_and_opens_only_with_the_environments_key(
    issuer, body_holder, settings
):
    row = SigningCertificate.objects.get(profile=issuer.profile)
    raw = body_holder.pkcs12(PASSWORD)
    assert bytes(row.sealed_pkcs12) != raw
    assert PASSWORD.encode() not in bytes(row.sealed_password)
    assert unseal(row.sealed_pkcs12)
    assert row.subject.endswith("C=VN")
    assert "Sở Kế hoạch và Đầu tư" in row.subject
    assert row.certificate_issuer
    settings.SIGNING_KEY_SECRET = "another key"
    with pytest.raises(SigningError, match="SIGNING_KEY_SECRET"):
        unseal(row.sealed_pkcs12)
    # A key that no longer opens leaves the document unsigned, with the reason on its page.
    document = issued_document(issuer)
    assert document.status == Document.Status.DONE
    assert "Chưa ký số được" in document.error
    assert not document.signatures.exists()


def test_a_wrong_password_or_a_file_without_key_is_refused(issuer, body_holder):
    with pytest.raises(SigningError, match="sai mật khẩu"):
        read_pkcs12(body_holder.pkcs12(PASSWORD), "wrong")
    with pytest.raises(SigningError):
        signing_certificate_save(issuer=issuer, pkcs12_data=b"not a p12", password="", actor=None)


def test_the_admin_uploads_a_pkcs12_and_sees_only_its_facts(
    client, world, personas, body_holder, trusted
):
    issuer = signed_issuer(world.agency_a)
    client.force_login(personas["admin"])
    response = client.post(
        reverse("admin:reports_signingcertificate_add"),
        {
            "profile": issuer.profile.pk,
            "pkcs12_file": SimpleUploadedFile("khoa.p12", body_holder.pkcs12(PASSWORD)),
            "password": PASSWORD,
            "seal_diameter_mm": "36",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = SigningCertificate.objects.get(profile=issuer.profile)
    page = client.get(reverse("admin:reports_signingcertificate_change", args=[row.pk]))
    text = page.content.decode()
    assert "Sở Kế hoạch và Đầu tư" in text
    assert PASSWORD not in text
    assert ChangeRecord.objects.filter(action="Lưu chứng thư số ký văn bản").exists()


def test_the_admin_is_told_a_wrong_password_and_nothing_is_stored(
    client, world, personas, body_holder, trusted
):
    issuer = signed_issuer(world.agency_a)
    client.force_login(personas["admin"])
    response = client.post(
        reverse("admin:reports_signingcertificate_add"),
        {
            "profile": issuer.profile.pk,
            "pkcs12_file": SimpleUploadedFile("khoa.p12", body_holder.pkcs12(PASSWORD)),
            "password": "sai",
            "seal_diameter_mm": "36",
        },
    )
    assert response.status_code == 200
    assert "sai mật khẩu" in response.content.decode()
    assert not SigningCertificate.objects.exists()


# ---------------------------------------------------------------- signed on a token --


def _nothing_written(document: Document, before: bytes) -> None:
    document.refresh_from_db()
    assert not document.signatures.filter(way=DocumentSignature.Way.TOKEN).exists()
    assert read(document.record_file()) == before
    assert not ChangeRecord.objects.filter(action__startswith="Nhận bản ký số").exists()


def test_a_pdf_signed_on_the_signers_token_becomes_the_document_of_record(
    client, issuer, token_holder, personas
):
    document = issued_document(issuer)
    issued = read(document.pdf)
    signed = token_holder.sign_on_token(issued)
    client.force_login(personas["agency"])
    response = client.post(
        reverse("reports:document_signed_upload", args=[document.pk]),
        {"file": pdf_upload(signed)},
    )
    assert response.status_code == 302
    signature = document.signatures.get(way=DocumentSignature.Way.TOKEN)
    assert signature.signer == "Trương Chí Trung"
    assert signature.uploaded_by == personas["agency"]
    assert read(document.record_file()) == signed
    assert document.record_checksum() == signature.sha256 != document.checksum
    assert ChangeRecord.objects.filter(
        series=document.series, action__contains="Trương Chí Trung", actor=personas["agency"]
    ).exists()
    page = client.get(reverse("reports:document_detail", args=[document.pk])).content.decode()
    assert "Trương Chí Trung" in page
    assert "Ký bằng thiết bị ký số, tải lên" in page
    # The download is now the signed file; both signatures still validate.
    download = client.get(reverse("reports:document_pdf", args=[document.pk]))
    assert b"".join(download.streaming_content) == signed
    assert [check.is_good for check in check_signatures(signed)] == [True, True]


def test_a_token_signature_on_an_unsigned_issued_pdf_is_accepted(world, token_holder, trusted):
    document = issued_document(signed_issuer(world.agency_a))
    signed = token_holder.sign_on_token(read(document.pdf))
    signature = document_signed_upload(document=document, upload=pdf_upload(signed), actor=None)
    assert signature.signer == "Trương Chí Trung"
    result = subprocess.run(
        ["pdfsig", signature.file.path], capture_output=True, text=True, check=False
    )
    assert "Signature is Valid" in result.stdout


def _refused(document, data, match, actor=None):
    before = read(document.record_file())
    with pytest.raises(SignatureRefused) as refusal:
        document_signed_upload(document=document, upload=pdf_upload(data), actor=actor)
    assert any(match in message for message in refusal.value.messages), refusal.value.messages
    _nothing_written(document, before)


def test_a_modified_pdf_is_refused(issuer, token_holder):
    document = issued_document(issuer)
    issued = bytearray(read(document.pdf))
    # One character of the issued text changed, then signed on the token.
    position = issued.index(b"/Producer")
    issued[position + 1 : position + 2] = b"Q"
    _refused(document, token_holder.sign_on_token(bytes(issued)), "không phải văn bản số")


def test_another_documents_pdf_is_refused(issuer, token_holder):
    document = issued_document(issuer)
    other = issued_document(issuer)
    _refused(document, token_holder.sign_on_token(read(other.pdf)), "không phải văn bản số")


def test_a_signature_broken_after_signing_is_refused(issuer, token_holder):
    document = issued_document(issuer)
    issued = read(document.pdf)
    signed = bytearray(token_holder.sign_on_token(issued))
    # A byte of the token's revision changed after signing (inside its signed range).
    position = signed.index(b"(ChuKyNguoiKy)", len(issued))
    signed[position + 1 : position + 2] = b"X"
    _refused(document, bytes(signed), "đã bị sửa sau khi ký")


def test_an_untrusted_certificate_is_refused(issuer):
    document = issued_document(issuer)
    stranger = make_authority("CA lạ").issue("Người lạ")
    _refused(document, stranger.sign_on_token(read(document.pdf)), "không do tổ chức")


def test_an_expired_certificate_is_refused(issuer, authority):
    document = issued_document(issuer)
    expired = authority.issue("Chứng thư hết hạn", expired=True)
    _refused(document, expired.sign_on_token(read(document.pdf)), "đã hết hạn")


def test_unsigned_additions_after_the_last_signature_are_refused(issuer, token_holder):
    from pyhanko.pdf_utils.generic import pdf_name, pdf_string
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    document = issued_document(issuer)
    signed = token_holder.sign_on_token(read(document.pdf))
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root[pdf_name("/Lang")] = pdf_string("en")
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    _refused(document, output.getvalue(), "nhiều hơn việc thêm chữ ký")


def test_the_same_file_without_a_new_signature_is_refused(issuer):
    document = issued_document(issuer)
    _refused(document, read(document.pdf), "chưa có chữ ký số mới")


def test_a_file_that_is_not_a_pdf_is_refused(issuer):
    document = issued_document(issuer)
    before = read(document.record_file())
    with pytest.raises(SignatureRefused):
        document_signed_upload(
            document=document,
            upload=SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>"),
            actor=None,
        )
    _nothing_written(document, before)


def test_whoever_cannot_issue_cannot_upload_and_nothing_is_written(
    client, issuer, token_holder, personas
):
    document = issued_document(issuer)
    before = read(document.pdf)
    signed = token_holder.sign_on_token(before)
    client.force_login(personas["commune"])
    response = client.post(
        reverse("reports:document_signed_upload", args=[document.pk]),
        {"file": pdf_upload(signed)},
    )
    assert response.status_code in (403, 404)
    _nothing_written(document, before)


def test_the_refusal_is_said_in_vietnamese_on_the_documents_page(client, issuer, personas):
    document = issued_document(issuer)
    stranger = make_authority("CA lạ").issue("Người lạ")
    client.force_login(personas["agency"])
    response = client.post(
        reverse("reports:document_signed_upload", args=[document.pk]),
        {"file": pdf_upload(stranger.sign_on_token(read(document.pdf)))},
        follow=True,
    )
    text = response.content.decode()
    assert "Chưa nhận bản ký số; văn bản giữ nguyên như trước." in text
    assert "Người lạ" in text


# ---------------------------------------------------------------- how long it takes --


def test_render_and_signing_time_per_document(issuer, capsys):
    """Measured, not tuned: the report quotes these (median, max over a few documents)."""
    from reports.rendering import render_pdf_and_signature_box
    from reports.services import render_html
    from reports.signing_services import document_sign_on_issue

    renders, signings = [], []
    for _ in range(5):
        draft = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=None)
        document = document_issue(document=draft, actor=None)
        html = render_html(document)
        started = time.perf_counter()
        pdf, box = render_pdf_and_signature_box(html)
        rendered = time.perf_counter()
        signed, _record = document_sign_on_issue(
            document=document, pdf=pdf, box=box, body_name=issuer.name
        )
        renders.append(rendered - started)
        signings.append(time.perf_counter() - rendered)
        assert check_signatures(signed)[0].is_good
    with capsys.disabled():
        print(
            f"\nrender s: median {statistics.median(renders):.3f} max {max(renders):.3f}; "
            f"signing s: median {statistics.median(signings):.3f} max {max(signings):.3f}"
        )
    assert max(signings) < 10


# ---------------------------------------------------------------- the demo --


@pytest.fixture
def demo_in_its_own_var(db, settings, tmp_path):
    from django.core.management import call_command

    settings.ALLOW_DEMO_DATA = True
    settings.VAR_DIR = tmp_path
    settings.SIGNING_TRUST_ROOTS = ""
    call_command("load_divisions", edition=2024)
    call_command("load_criteria")
    call_command("load_demo")


def test_the_demos_issued_documents_come_out_signed_with_demo_certificates(
    demo_in_its_own_var, settings, capsys
):
    from reports import issuers
    from reports.rendering import render_pdf
    from reports.services import render_html
    from reports.signing_services import document_sign_on_issue

    """load_demo gives each issuer a throwaway certificate whose subject says DEMO; the demo
    installation trusts its root (var/signing/demo-roots.pem), no key is in the repository."""
    assert settings.ALLOW_DEMO_DATA
    certificates = SigningCertificate.objects.all()
    assert certificates.exists()
    assert all(row.is_demo and "DEMO" in row.subject for row in certificates)
    issued = Document.objects.filter(state=Document.State.ISSUED)
    assert issued.exists()
    renders, signings = [], []
    for document in issued:
        document = document_render(document_id=document.pk)
        [check] = check_signatures(read(document.pdf))
        assert check.is_good, (document.number_label, check.problem)
        assert "DEMO" in check.signer
        # Measured again on each seed document: render, then sign.
        html = render_html(document)
        started = time.perf_counter()
        pdf = render_pdf(html)
        rendered = time.perf_counter()
        document_sign_on_issue(
            document=document,
            pdf=bytes(pdf),
            box=pdf.signature_box,
            body_name=issuers.of_document(document).name,
        )
        renders.append(rendered - started)
        signings.append(time.perf_counter() - rendered)
    with capsys.disabled():
        print(
            f"\n{len(renders)} demo documents — render s: median "
            f"{statistics.median(renders):.3f} max {max(renders):.3f}; signing s: median "
            f"{statistics.median(signings):.3f} max {max(signings):.3f}"
        )

"""Writes about digital signatures: an issuer's signing certificate and images, the portal's
signature on issue, and a token-signed PDF uploaded back. The rules are in reports/signing.py;
docs/documents-signing.md tells them in words."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from django.core.files.base import ContentFile
from django.db import transaction

from ntm_portal.models import User
from ntm_portal.uploads import MAX_BYTES, UploadRejected, accept_upload, store_with_file

from . import signing
from .issuers import Issuer
from .models import ChangeRecord, Document, DocumentSignature, Signatory, SigningCertificate
from .signing import Appearance, SignatureBox, SigningError

logger = logging.getLogger(__name__)


class SignatureRefused(Exception):
    """A refused signed upload; `messages` say why, in Vietnamese. Nothing was written."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


# ---------------------------------------------------------------- certificates and images --


@transaction.atomic
def signing_certificate_save(
    *,
    issuer: Issuer,
    pkcs12_data: bytes,
    password: str,
    seal_png: bytes | None = None,
    seal_diameter_mm: int | None = None,
    actor: User | None,
    is_demo: bool = False,
) -> SigningCertificate:
    """Keep an issuer's PKCS#12 and its password, encrypted; the history names the certificate,
    never its key. SigningError when the file does not open or has no key."""
    if issuer.profile is None:
        raise SigningError("Cơ quan chưa có thông tin ban hành văn bản: hãy lưu phần đó trước.")
    _key, certificate, _others = signing.read_pkcs12(pkcs12_data, password)
    facts = signing.certificate_facts(certificate)
    row = SigningCertificate.objects.filter(profile=issuer.profile).first() or SigningCertificate(
        profile=issuer.profile
    )
    row.sealed_pkcs12 = signing.seal(pkcs12_data)
    row.sealed_password = signing.seal(password.encode())
    row.subject = facts.subject
    row.certificate_issuer = facts.issuer
    row.serial = facts.serial
    row.fingerprint = facts.fingerprint
    row.valid_from, row.valid_until = facts.valid_from, facts.valid_until
    row.is_demo = is_demo
    row.uploaded_by = actor
    if seal_png:
        row.seal_image = signing.check_image(seal_png, "Ảnh con dấu")
    if seal_diameter_mm:
        row.seal_diameter_mm = seal_diameter_mm
    row.save()
    ChangeRecord.objects.create(
        series=issuer.series,
        action="Lưu chứng thư số ký văn bản",
        detail=f"{facts.subject}; cấp bởi {facts.issuer}; hiệu lực "
        f"{facts.valid_from:%d/%m/%Y}–{facts.valid_until:%d/%m/%Y}",
        actor=actor,
    )
    return row


@transaction.atomic
def signatory_signature_image_save(*, signatory: Signatory, image_png: bytes, actor: User | None):
    signatory.signature_image = signing.check_image(image_png, "Ảnh chữ ký")
    signatory.save(update_fields=["signature_image"])
    ChangeRecord.objects.create(
        series=_series(signatory), action=f"Lưu ảnh chữ ký của {signatory}", actor=actor
    )


def _series(signatory: Signatory) -> str:
    profile = signatory.profile
    if profile.agency_id:
        return f"agency:{profile.agency_id}"
    for name in ("commune", "district", "province"):
        if getattr(profile, f"{name}_id"):
            return f"{name}:{getattr(profile, f'{name}_id')}"
    return ""


# ---------------------------------------------------------------- the portal's signature --


@transaction.atomic
def document_sign_on_issue(
    *, document: Document, pdf: bytes, box: SignatureBox | None, body_name: str
) -> tuple[bytes, DocumentSignature | None]:
    """The issued PDF signed with its issuer's certificate (PKCS#11 token, else the uploaded
    PKCS#12), and the unsaved record of that signature; the PDF as it was when the issuer has
    none. SigningError when the key cannot be used."""
    certificate = _certificate_of(document)
    signer = signing.pkcs11_signer(document.series)
    if signer is None and certificate is None:
        return pdf, None
    if signer is None:
        signer = signing.pkcs12_signer(certificate.sealed_pkcs12, certificate.sealed_password)
    signatory = document.signatory
    appearance = Appearance(
        body_name=body_name,
        seal_png=bytes(certificate.seal_image) if certificate else b"",
        seal_diameter_mm=certificate.seal_diameter_mm if certificate else 36,
        signature_png=bytes(signatory.signature_image) if signatory else b"",
    )
    when = datetime.now(UTC)
    try:
        signed = signing.sign_pdf(pdf, signer=signer, appearance=appearance, box=box, when=when)
        cert = signer.signing_cert
    finally:
        # A token's session is opened for this document only.
        session = getattr(signer, "pkcs11_session", None)
        if session is not None:
            session.close()
    record = DocumentSignature(
        document=document,
        way=DocumentSignature.Way.PORTAL,
        signer=str(cert.subject.native.get("common_name") or cert.subject.human_friendly)[:400],
        certificate_issuer=cert.issuer.human_friendly[:400],
        serial=format(cert.serial_number, "x")[:100],
        signed_at=when,
        size=len(signed),
        sha256=hashlib.sha256(signed).hexdigest(),
    )
    return signed, record


def _certificate_of(document: Document) -> SigningCertificate | None:
    from . import issuers

    profile = issuers.of_document(document).profile
    if profile is None:
        return None
    return SigningCertificate.objects.filter(profile=profile).first()


# ---------------------------------------------------------------- a token-signed upload --


def document_signed_upload(*, document: Document, upload, actor: User) -> DocumentSignature:
    """Accept a PDF signed outside the portal (the signer's USB token) as the document of record,
    only if it is the current document of record, byte for byte, with signatures added after it
    (an incremental update), each new signature intact, valid and from a certificate that chains
    to the deployment's trust roots, and the last one covering the whole file. Anything else is
    SignatureRefused and nothing is written."""
    if not document.is_issued or document.status != Document.Status.DONE or not document.pdf:
        raise SignatureRefused("Chỉ văn bản đã ban hành và đã tạo xong tệp PDF mới nhận bản ký số.")
    try:
        accepted = accept_upload(upload)
    except UploadRejected as error:
        raise SignatureRefused(str(error)) from None
    if accepted.content_type != "application/pdf":
        raise SignatureRefused(f"Tệp “{accepted.name}” không phải PDF: chỉ nhận bản PDF đã ký số.")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    with document.record_file().open("rb") as handle:
        record = handle.read()
    label = document.number_label
    if data == record:
        raise SignatureRefused(
            f"Tệp tải lên chính là bản đang lưu của văn bản số {label}: chưa có chữ ký số mới."
        )
    if not data.startswith(record):
        raise SignatureRefused(
            f"Tệp tải lên không phải văn bản số {label} như đã ban hành: nội dung gốc phải giữ "
            "nguyên từng byte, chỉ được ký số thêm (tệp của văn bản khác, hoặc đã bị sửa, "
            "in lại hay chuyển đổi)."
        )
    try:
        checks = signing.check_signatures(data)
    except SigningError as error:
        raise SignatureRefused(str(error)) from None
    new = [check for check in checks if check.signed_length > len(record)]
    if not new:
        raise SignatureRefused(
            "Phần thêm vào sau bản đã ban hành không có chữ ký số nào: hãy ký bằng thiết bị ký "
            "số rồi tải lên tệp đã ký."
        )
    problems = [
        f"Chữ ký của {check.signer or '?'}: {check.problem}" for check in new if check.problem
    ]
    if problems:
        raise SignatureRefused(*problems)
    if not new[-1].covers_whole_file:
        raise SignatureRefused(
            "Sau chữ ký số cuối cùng, tệp còn bị thêm nội dung không được ký: không nhận."
        )
    return _record_token_signature(document, data, accepted, new[-1], actor)


@transaction.atomic
def _record_token_signature(document, data, accepted, check, actor) -> DocumentSignature:
    signature = DocumentSignature(
        document=document,
        way=DocumentSignature.Way.TOKEN,
        signer=check.signer,
        certificate_issuer=check.certificate_issuer,
        serial=check.serial,
        signed_at=check.signed_at or datetime.now(UTC),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    store_with_file(signature, "file", f"{document.pk}.pdf", ContentFile(data))
    when = signing.signing_time_text(signature.signed_at)
    ChangeRecord.objects.create(
        series=document.series,
        action=f"Nhận bản ký số của văn bản số {document.number_label}: {check.signer}, {when}",
        detail=f"Chứng thư cấp bởi {check.certificate_issuer}; SHA-256 {signature.sha256}",
        actor=actor,
    )
    logger.info("Document %s token-signed by %s, uploaded by %s", document.pk, check.signer, actor)
    return signature

"""A throwaway certificate authority for the signing tests, made with `cryptography`, and a
signer that stands for a USB token (pyHanko signing outside the portal)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

# One key size for every test key: 2048 bits, as the Government CA's are at least.
KEY_BITS = 2048


@dataclass
class Authority:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def write_roots(self, path) -> str:
        path.write_bytes(self.pem())
        return str(path)

    def issue(self, common_name: str, *, expired: bool = False) -> Holder:
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        now = datetime.now(UTC)
        start, end = (
            (now - timedelta(days=400), now - timedelta(days=30))
            if expired
            else (now - timedelta(days=1), now + timedelta(days=365))
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                    ]
                )
            )
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(signing=True), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        return Holder(key=key, certificate=certificate, authority=self)


@dataclass
class Holder:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    authority: Authority

    def pkcs12(self, password: str) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"test",
            self.key,
            self.certificate,
            [self.authority.certificate],
            serialization.BestAvailableEncryption(password.encode()),
        )

    def signer(self):
        from pyhanko.keys.internal import (
            translate_pyca_cryptography_cert_to_asn1,
            translate_pyca_cryptography_key_to_asn1,
        )
        from pyhanko.sign.signers import SimpleSigner
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        store = SimpleCertificateStore()
        store.register(translate_pyca_cryptography_cert_to_asn1(self.authority.certificate))
        return SimpleSigner(
            signing_cert=translate_pyca_cryptography_cert_to_asn1(self.certificate),
            signing_key=translate_pyca_cryptography_key_to_asn1(self.key),
            cert_registry=store,
        )

    def sign_on_token(self, pdf: bytes, field_name: str = "ChuKyNguoiKy") -> bytes:
        """What the signer's own software does: a PAdES signature as an incremental update."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers
        from pyhanko.sign.fields import SigSeedSubFilter

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        output = io.BytesIO()
        signers.sign_pdf(
            writer,
            signers.PdfSignatureMetadata(
                field_name=field_name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256"
            ),
            signer=self.signer(),
            output=output,
        )
        return output.getvalue()


def make_authority(name: str = "Test Root CA") -> Authority:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1000))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(key=key, certificate=certificate)


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


# ---------------------------------------------------------------- fixtures --
# Imported by the test modules under their function names; pytest knows them by `name`.

PASSWORD = "mật-khẩu-thử"


@pytest.fixture(scope="module", name="authority")
def authority_fixture() -> Authority:
    return make_authority("Root CA thử nghiệm")


@pytest.fixture(scope="module", name="body_holder")
def body_holder_fixture(authority) -> Holder:
    """The issuing body's certificate, uploaded by the admin as PKCS#12."""
    return authority.issue("Sở Kế hoạch và Đầu tư tỉnh Quảng Trị")


@pytest.fixture(scope="module", name="token_holder")
def token_holder_fixture(authority) -> Holder:
    """Another key of the same authority: the signer's own USB token."""
    return authority.issue("Trương Chí Trung")


@pytest.fixture(name="trusted")
def trusted_fixture(settings, tmp_path, authority) -> Authority:
    """The deployment trusts the test authority, and nothing of a demo."""
    settings.SIGNING_TRUST_ROOTS = authority.write_roots(tmp_path / "roots.pem")
    settings.ALLOW_DEMO_DATA = False
    return authority


@pytest.fixture(name="issuer")
def issuer_fixture(world, body_holder, trusted):
    """Agency A's issuer with its certificate, its seal and its signer's signature image."""
    from reports import issuers
    from reports.demo_signing import demo_seal_png, demo_signature_png
    from reports.signing_services import signatory_signature_image_save, signing_certificate_save

    from .test_documents import signed_issuer

    issuer = signed_issuer(world.agency_a)
    signing_certificate_save(
        issuer=issuer,
        pkcs12_data=body_holder.pkcs12(PASSWORD),
        password=PASSWORD,
        seal_png=demo_seal_png(issuer.name),
        actor=None,
    )
    signatory = issuer.profile.signatories.get()
    signatory_signature_image_save(
        signatory=signatory, image_png=demo_signature_png(signatory.full_name), actor=None
    )
    return issuers.of_agency(world.agency_a)


def issued_document(issuer, actor=None):
    from reports.models import Document
    from reports.services import document_create, document_issue, document_render

    draft = document_create(kind=Document.Kind.SPONSORSHIP_PLAN, issuer=issuer, actor=actor)
    document = document_issue(document=draft, actor=actor)
    return document_render(document_id=document.pk)


def read(file) -> bytes:
    with file.open("rb") as handle:
        return handle.read()


def pdf_upload(data: bytes, name: str = "da-ky.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")

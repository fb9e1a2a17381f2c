"""Throwaway signing certificates for the demo's issuers, made at load_demo time (no private key
is ever committed): one demo root per load, whose key is forgotten once the issuers' certificates
are made, and a certificate per issuer whose subject says it is a demo. The root is added to
var/signing/demo-roots.pem, which a demo installation trusts (reports/signing.py), so that the
demo's signed documents verify. Seal and signature images are drawn here too."""

from __future__ import annotations

import io
import math
import secrets
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw, ImageFont

from ntm_portal.models import User

from .issuers import Issuer
from .models import Signatory, SigningCertificate
from .signing import FONT, demo_roots_path
from .signing_services import signatory_signature_image_save, signing_certificate_save

DEMO_MARK = "DEMO - không có giá trị pháp lý"
# This process's demo root per trust file (a test may point VAR_DIR elsewhere).
_roots: dict[str, tuple] = {}


def demo_certificate_ensure(issuer: Issuer, actor: User) -> None:
    """Give the issuer a demo certificate and seal, unless it has a certificate already."""
    if issuer.profile is None or SigningCertificate.objects.filter(profile=issuer.profile).exists():
        return
    root_key, root_certificate = _demo_root()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_MARK),
                    x509.NameAttribute(NameOID.COMMON_NAME, f"{issuer.name} (DEMO)"[:64]),
                ]
            )
        )
        .issuer_name(root_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_signing_key_usage(), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    password = secrets.token_urlsafe(16)
    data = pkcs12.serialize_key_and_certificates(
        b"demo",
        key,
        certificate,
        [root_certificate],
        serialization.BestAvailableEncryption(password.encode()),
    )
    signing_certificate_save(
        issuer=issuer,
        pkcs12_data=data,
        password=password,
        seal_png=demo_seal_png(issuer.name),
        seal_diameter_mm=36,
        actor=actor,
        is_demo=True,
    )


def demo_signature_ensure(signatory: Signatory, actor: User) -> None:
    if not signatory.signature_image:
        signatory_signature_image_save(
            signatory=signatory, image_png=demo_signature_png(signatory.full_name), actor=actor
        )


def _signing_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _demo_root():
    """This load's demo root: made once per process, its certificate appended to the demo's
    trust file; its key lives only in memory."""
    path = demo_roots_path()
    if str(path) in _roots and path.exists():
        return _roots[str(path)]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_MARK),
            x509.NameAttribute(NameOID.COMMON_NAME, "NTM Portal DEMO Root CA"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as roots:
        roots.write(certificate.public_bytes(serialization.Encoding.PEM))
    _roots[str(path)] = (key, certificate)
    return _roots[str(path)]


def demo_seal_png(body_name: str) -> bytes:
    """A red round seal with the body's name and DEMO across it, on a transparent ground."""
    size = 600
    red = (200, 16, 30, 230)
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=14)
    draw.ellipse((70, 70, size - 70, size - 70), outline=red, width=6)
    font = ImageFont.truetype(str(FONT), 40)
    # The name around the ring, one letter at a time.
    text = body_name.upper()[:48]
    for index, letter in enumerate(text):
        angle = math.pi * (1.1 + 0.8 * index / max(len(text) - 1, 1))
        x = size / 2 + 235 * math.cos(angle)
        y = size / 2 + 235 * math.sin(angle)
        draw.text((x, y), letter, font=font, fill=red, anchor="mm")
    draw.text(
        (size / 2, size / 2), "DEMO", font=ImageFont.truetype(str(FONT), 110), fill=red, anchor="mm"
    )
    return _png(image)


def demo_signature_png(name: str) -> bytes:
    """A blue scrawl and the signer's family name, on a transparent ground."""
    width, height = 700, 260
    blue = (20, 50, 170, 255)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(60 + x, 150 + 55 * math.sin(x / 38) * math.exp(-x / 900)) for x in range(0, 580, 6)]
    draw.line(points, fill=blue, width=7, joint="curve")
    font = ImageFont.truetype(str(FONT.with_name("LiberationSerif-Italic.ttf")), 64)
    draw.text(
        (width / 2, 70),
        name.split()[-1] if name.split() else name,
        font=font,
        fill=blue,
        anchor="mm",
    )
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

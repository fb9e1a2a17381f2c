"""Digital signatures of issued documents: keys kept sealed, PAdES signing, validation.

- An issuer's PKCS#12 (certificate and key) and its password are stored encrypted (Fernet) with
  the key SIGNING_KEY_SECRET from the environment; they are opened only to sign.
- Signing is PAdES (ETSI.CAdES.detached) with pyHanko, with the visible signature Nghị định
  30/2020 describes for electronic documents (docs/documents-signing.md): the signer's signature
  image centred in the space between the authority line and the name, the body's seal at its
  actual size over the left third of it, and the body's name with the signing time in ISO 8601
  at Vietnam's offset.
- Validation reads every signature of a PDF and says, for each, whether it is intact, valid and
  chains to the deployment's trust roots (SIGNING_TRUST_ROOTS, a PEM file).
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

logger = logging.getLogger(__name__)

VIETNAM = timezone(timedelta(hours=7), "ICT")
FONT = Path(__file__).resolve().parent / "print_assets" / "fonts" / "LiberationSerif-Regular.ttf"
POINTS_PER_MM = 72 / 25.4
# The appearance is drawn at 300 dots per inch, then placed in points.
DOTS_PER_POINT = 300 / 72
# Nghị định 30: the information line is Times New Roman 10 pt, upright, black.
INFO_FONT_POINTS = 10
MAX_IMAGE_BYTES = 1024 * 1024
MAX_IMAGE_PIXELS = 4000 * 4000
FIELD_NAME = "ChuKySoCoQuan"


class SigningError(ValueError):
    """A refusal in Vietnamese; str() says what is wrong."""


# ---------------------------------------------------------------- sealed keys --


def _fernet() -> Fernet:
    secret = settings.SIGNING_KEY_SECRET or f"derived-from-secret-key:{settings.SECRET_KEY}"
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))


def seal(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def unseal(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken:
        raise SigningError(
            "Không mở được chứng thư số đã lưu: khóa SIGNING_KEY_SECRET của máy chủ đã đổi; "
            "quản trị viên cần tải lại tệp PKCS#12."
        ) from None


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    common_name: str
    issuer: str
    serial: str
    fingerprint: str
    valid_from: datetime
    valid_until: datetime


def certificate_facts(certificate: x509.Certificate) -> CertificateFacts:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return CertificateFacts(
        subject=certificate.subject.rfc4514_string()[:400],
        common_name=str(names[0].value) if names else certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string()[:400],
        serial=format(certificate.serial_number, "x")[:100],
        fingerprint=hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest(),
        valid_from=certificate.not_valid_before_utc,
        valid_until=certificate.not_valid_after_utc,
    )


def read_pkcs12(data: bytes, password: str):
    """(key, certificate, other certificates) of a PKCS#12 file; SigningError names the fault."""
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except ValueError:
        raise SigningError(
            "Tệp PKCS#12 không mở được: sai mật khẩu hoặc không phải tệp .p12/.pfx."
        ) from None
    if key is None or certificate is None:
        raise SigningError("Tệp PKCS#12 phải có cả chứng thư số và khóa bí mật.")
    return key, certificate, others or []


def check_image(data: bytes, what: str) -> bytes:
    """A transparent PNG of bounded size, or SigningError."""
    if len(data) > MAX_IMAGE_BYTES:
        raise SigningError(f"{what}: ảnh nặng quá 1 MB.")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise SigningError(f"{what}: ảnh quá lớn (tối đa 4000×4000 điểm ảnh).")
            image.load()
            if "A" not in image.mode and "transparency" not in image.info:
                raise SigningError(f"{what}: ảnh phải là PNG nền trong suốt.")
    except SigningError:
        raise
    except Exception:
        raise SigningError(f"{what}: không phải ảnh PNG đọc được.") from None
    return data


# ---------------------------------------------------------------- signers --


def pkcs12_signer(sealed_pkcs12: bytes, sealed_password: bytes):
    """A pyHanko signer from an issuer's sealed PKCS#12."""
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key, certificate, others = read_pkcs12(unseal(sealed_pkcs12), unseal(sealed_password).decode())
    store = SimpleCertificateStore()
    store.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in others])
    return SimpleSigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=store,
    )


def pkcs11_signer(series: str):
    """A signer on the PKCS#11 token or HSM named in the environment, or None without one. The
    key and certificate of an issuer carry its series as their label (or the one label set)."""
    if not settings.SIGNING_PKCS11_MODULE:
        return None
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    session = open_pkcs11_session(
        settings.SIGNING_PKCS11_MODULE,
        token_label=settings.SIGNING_PKCS11_TOKEN or None,
        user_pin=settings.SIGNING_PKCS11_PIN or None,
    )
    label = settings.SIGNING_PKCS11_KEY_LABEL or series
    return PKCS11Signer(session, cert_label=label, key_label=label)


# ---------------------------------------------------------------- the visible signature --


@dataclass(frozen=True)
class SignatureBox:
    """Where the signature image goes: the page (from 0) and the space between the authority
    and title lines and the signer's name, in PDF points from the page's lower left corner."""

    page: int
    left: float
    bottom: float
    right: float
    top: float


@dataclass(frozen=True)
class Appearance:
    body_name: str
    seal_png: bytes = b""
    seal_diameter_mm: int = 36
    signature_png: bytes = b""


def _dots(points: float) -> int:
    return max(1, round(points * DOTS_PER_POINT))


def appearance_image(
    appearance: Appearance, width: float, height: float, gap: float, when: datetime
) -> Image.Image:
    """The visible signature as one transparent image of width × height points whose lowest
    `gap` points are the space above the signer's name: the signer's signature centred in that
    space, the seal over its left third (rising above it when larger), the body's name and the
    signing time at its lower right."""
    canvas = Image.new("RGBA", (_dots(width), _dots(height)), (255, 255, 255, 0))
    gap_top = canvas.height - _dots(gap)
    # The signature's own space: the middle 60 % of the width, the gap's height.
    signature_width, signature_height = canvas.width * 0.6, _dots(gap) * 0.9
    signature_left = (canvas.width - signature_width) / 2
    if appearance.signature_png:
        with Image.open(io.BytesIO(appearance.signature_png)) as signature:
            signature = signature.convert("RGBA")
            signature.thumbnail((int(signature_width), int(signature_height)))
            signature_width = signature.width
            signature_left = (canvas.width - signature.width) / 2
            top = gap_top + (_dots(gap) - signature.height) // 2
            canvas.alpha_composite(signature, (int(signature_left), top))
    if appearance.seal_png:
        diameter = _dots(appearance.seal_diameter_mm * POINTS_PER_MM)
        with Image.open(io.BytesIO(appearance.seal_png)) as seal_image:
            seal_image = seal_image.convert("RGBA").resize((diameter, diameter))
            # Its right edge a third into the signature: it covers the signature's left third
            # (kept inside the field when the column is narrow).
            left = max(0, int(signature_left + signature_width / 3 - diameter))
            top = min(canvas.height - diameter, gap_top + (_dots(gap) - diameter) // 2)
            seal_layer = Image.new("RGBA", canvas.size, (255, 255, 255, 0))
            seal_layer.paste(seal_image, (left, max(0, top)))
            canvas.alpha_composite(seal_layer)
    font = ImageFont.truetype(str(FONT), _dots(INFO_FONT_POINTS))
    draw = ImageDraw.Draw(canvas)
    lines = [appearance.body_name, signing_time_text(when)]
    line_height = _dots(INFO_FONT_POINTS * 1.15)
    top = canvas.height - line_height * len(lines)
    for index, line in enumerate(lines):
        draw.text(
            (canvas.width - 2, top + index * line_height),
            line,
            font=font,
            fill=(0, 0, 0, 255),
            anchor="ra",
        )
    return canvas


def signing_time_text(when: datetime) -> str:
    """ "2026-12-08T09:15:02+07:00": ISO 8601 at Vietnam's offset, to the second."""
    return when.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def sign_pdf(
    pdf: bytes,
    *,
    signer,
    appearance: Appearance,
    box: SignatureBox | None,
    when: datetime | None = None,
) -> bytes:
    """The PDF signed PAdES as an incremental update, with the visible signature in `box`
    (grown to hold the seal at its actual size), timestamped when a server is configured."""
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import BoxConstraints, Margins, SimpleBoxLayoutRule
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.stamp import StaticStampStyle

    when = when or datetime.now(UTC)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    style = None
    field_box = None
    page = 0
    if box is not None:
        # Never below the gap, where the signer's name is: a larger seal rises over the
        # authority lines, as a seal on paper does.
        seal_points = appearance.seal_diameter_mm * POINTS_PER_MM if appearance.seal_png else 0
        gap = box.top - box.bottom
        height = max(gap, seal_points)
        field_box = (box.left, box.bottom, box.right, box.bottom + height)
        page = box.page
        image = appearance_image(appearance, box.right - box.left, height, gap, when)
        background: PdfContent = PdfImage(image, box=BoxConstraints(box.right - box.left, height))
        style = StaticStampStyle(
            background=background,
            border_width=0,
            background_layout=SimpleBoxLayoutRule(
                x_align=_middle(), y_align=_middle(), margins=Margins.uniform(0)
            ),
        )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        name=appearance.body_name,
        location=None,
    )
    timestamper = (
        timestamps.HTTPTimeStamper(settings.SIGNING_TIMESTAMP_URL)
        if settings.SIGNING_TIMESTAMP_URL
        else None
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        timestamper=timestamper,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=FIELD_NAME,
            on_page=page,
            box=field_box,
        )
        if field_box
        else None,
    )
    output = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=output)
    return output.getvalue()


def _middle():
    from pyhanko.pdf_utils.layout import AxisAlignment

    return AxisAlignment.ALIGN_MID


# ---------------------------------------------------------------- validation --


@dataclass(frozen=True)
class SignatureCheck:
    """One signature of a PDF, as validation found it."""

    signer: str
    certificate_issuer: str
    serial: str
    fingerprint: str
    signed_at: datetime | None
    intact: bool  # the bytes it covers are unchanged
    valid: bool  # the signature over them is cryptographically right
    trusted: bool  # its certificate chains to a trust root and was valid then
    covers_whole_file: bool
    modifications_allowed: bool  # what came after it only adds signatures or fills fields
    signed_length: int  # the bytes of the file the signature covers (its revision's end)
    problem: str  # what is wrong, in Vietnamese; "" when nothing

    @property
    def is_good(self) -> bool:
        return not self.problem


def trust_roots() -> list:
    """The deployment's trust roots (SIGNING_TRUST_ROOTS), and on a demo installation the
    demo's own root (var/signing/demo-roots.pem, written by load_demo)."""
    paths = [settings.SIGNING_TRUST_ROOTS] if settings.SIGNING_TRUST_ROOTS else []
    if settings.ALLOW_DEMO_DATA:
        paths.append(str(demo_roots_path()))
    roots = []
    for path in paths:
        roots.extend(_roots_in(path, _mtime(path)))
    return roots


def demo_roots_path() -> Path:
    return Path(settings.VAR_DIR) / "signing" / "demo-roots.pem"


def _mtime(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


@cache
def _roots_in(path: str, mtime: float) -> tuple:
    from pyhanko.keys import load_certs_from_pemder

    if not mtime:
        if path == settings.SIGNING_TRUST_ROOTS:
            logger.error("SIGNING_TRUST_ROOTS %s cannot be read", path)
        return ()
    return tuple(load_certs_from_pemder([path]))


def validation_context():
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=trust_roots(),
        allow_fetching=settings.SIGNING_CHECK_REVOCATION,
        revocation_mode="soft-fail",
    )


def check_signatures(pdf: bytes) -> list[SignatureCheck]:
    """Every signature of the PDF, in the order they were made; [] for an unsigned PDF.
    SigningError when the file is not a PDF that can be read."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        raise SigningError("Tệp không đọc được như một tệp PDF.") from None
    context = validation_context()
    checks = []
    for signature in embedded:
        try:
            status = validate_pdf_signature(signature, context)
        except Exception as error:  # a malformed signature dictionary or CMS blob
            logger.info("Signature %s could not be validated: %s", signature.field_name, error)
            checks.append(_broken(signature))
            continue
        checks.append(_check_of(signature, status))
    return checks


def _check_of(signature, status) -> SignatureCheck:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    certificate = status.signing_cert
    names = certificate.subject.native
    signer = names.get("common_name") or certificate.subject.human_friendly
    problem = ""
    if not status.intact:
        problem = "Nội dung đã bị sửa sau khi ký: chữ ký không còn khớp với văn bản."
    elif not status.valid:
        problem = "Chữ ký số không hợp lệ."
    elif not status.trusted:
        problem = _trust_problem(status)
    elif status.docmdp_ok is False:
        problem = "Sau khi ký, tệp đã bị thay đổi nhiều hơn việc thêm chữ ký."
    byte_range = signature.sig_object.get("/ByteRange")
    signed_length = int(byte_range[2]) + int(byte_range[3]) if byte_range else 0
    return SignatureCheck(
        signer=str(signer)[:400],
        certificate_issuer=certificate.issuer.human_friendly[:400],
        serial=format(certificate.serial_number, "x")[:100],
        fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
        signed_at=status.signer_reported_dt,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modifications_allowed=status.docmdp_ok is not False,
        signed_length=signed_length,
        problem=problem,
    )


def _trust_problem(status) -> str:
    certificate = status.signing_cert
    now = datetime.now(UTC)
    not_after = certificate["tbs_certificate"]["validity"]["not_after"].native
    not_before = certificate["tbs_certificate"]["validity"]["not_before"].native
    if status.revoked:
        return "Chứng thư số của người ký đã bị thu hồi."
    if not_after < now:
        return (
            f"Chứng thư số của người ký đã hết hạn ngày {not_after.astimezone(VIETNAM):%d/%m/%Y}."
        )
    if not_before > now:
        return "Chứng thư số của người ký chưa đến ngày có hiệu lực."
    return (
        "Chứng thư số của người ký không do tổ chức cung cấp dịch vụ chứng thực chữ ký số được "
        "tin cậy cấp."
    )


def _broken(signature) -> SignatureCheck:
    return SignatureCheck(
        signer="",
        certificate_issuer="",
        serial="",
        fingerprint="",
        signed_at=None,
        intact=False,
        valid=False,
        trusted=False,
        covers_whole_file=False,
        modifications_allowed=False,
        signed_length=0,
        problem="Chữ ký số hỏng, không kiểm tra được.",
    )

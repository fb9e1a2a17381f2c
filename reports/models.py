"""Generated documents (KẾ HOẠCH, BÁO CÁO): each is a row with its number, version and file."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, District, Province, Village
from criteria.models import CriteriaSet, RecognitionCase
from ntm_portal.choices import ChoiceLabels
from ntm_portal.models import AwaitedWork
from sponsorships.models import Agency, AssignmentDecision, Inspection

from .kinds.registry import kind_choices, kind_label


def exactly_one(*fields: str) -> models.Q:
    """A CHECK condition: exactly one of these foreign keys is set."""
    condition = models.Q()
    for chosen in fields:
        case = models.Q(**{f"{chosen}__isnull": False})
        for other in fields:
            if other != chosen:
                case &= models.Q(**{f"{other}__isnull": True})
        condition |= case
    return condition


class DocumentCounter(ChoiceLabels, models.Model):
    """One register (sổ đăng ký văn bản đi) of an issuer for one year: the last number given.

    Under Nghị định 30/2020 the number is the document's order in its issuer's register for the
    year. `register` is "" for the one register an issuer shares across its administrative
    documents (the default), or a document kind for an issuer that keeps one per type.
    `series` names the issuer: "agency:12", "commune:345", "district:7", "province:2"."""

    series = models.CharField(max_length=40)
    register = models.CharField(max_length=30, blank=True)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)
    # The last number already used on paper this year, entered by hand: the register goes on.
    entered_last = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "register", "year"], name="one_register_per_issuer_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series}/{self.register or '*'}/{self.year}: {self.last_number}"


class IssuerProfile(ChoiceLabels, models.Model):
    """How one issuer writes its documents, from its own data: the header lines, the symbol
    ("KH-CCB", "SKH-KTN"), its register, its place name and its standing recipients. Keyed to
    an agency or to the People's Committee of a commune, district or province."""

    class SymbolStyle(models.TextChoices):
        TYPE_ISSUER = "type_issuer", _("Loại văn bản - cơ quan (KH-CCB)")
        TYPE_ISSUER_UNIT = (
            "type_issuer_unit",
            _("Loại văn bản - cơ quan - đơn vị soạn thảo (KH-SKH-KTN)"),
        )
        ISSUER_UNIT = "issuer_unit", _("Cơ quan - đơn vị soạn thảo (SKH-KTN)")

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="issuer_profile", null=True, blank=True
    )
    commune = models.OneToOneField(
        Commune, on_delete=models.CASCADE, related_name="issuer_profile", null=True, blank=True
    )
    district = models.OneToOneField(
        District, on_delete=models.CASCADE, related_name="issuer_profile", null=True, blank=True
    )
    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, related_name="issuer_profile", null=True, blank=True
    )
    parent_body = models.CharField(
        _("cơ quan chủ quản"),
        max_length=200,
        blank=True,
        help_text=_("Dòng trên tên cơ quan, ví dụ UBND TỈNH QUẢNG TRỊ; để trống với UBND."),
    )
    header_name = models.CharField(
        _("tên cơ quan trên tiêu đề"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ SỞ KẾ HOẠCH VÀ ĐẦU TƯ; để trống thì dùng tên cơ quan."),
    )
    name_in_text = models.CharField(
        _("tên cơ quan trong nội dung"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ Hội CCB tỉnh."),
    )
    abbreviation = models.CharField(
        _("chữ viết tắt tên cơ quan"), max_length=20, help_text=_("Ví dụ CCB, SKH, UBND.")
    )
    symbol_style = models.CharField(
        _("cách ghi ký hiệu"),
        max_length=20,
        choices=SymbolStyle.choices,
        default=SymbolStyle.TYPE_ISSUER,
    )
    register_per_type = models.BooleanField(
        _("mỗi loại văn bản một sổ đăng ký"),
        default=False,
        help_text=_("Mặc định mọi văn bản hành chính của cơ quan dùng chung một sổ trong năm."),
    )
    place = models.CharField(_("địa danh"), max_length=100)
    superior = models.CharField(
        _("cơ quan cấp trên nhận báo cáo"),
        max_length=200,
        blank=True,
        help_text=_("Ghi ở Nơi nhận kèm (b/c), ví dụ UBND tỉnh."),
    )
    coordination_office = models.CharField(
        _("cơ quan điều phối nhận văn bản"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ VPĐP NTM tỉnh."),
    )
    standing_recipients = models.TextField(
        _("nơi nhận thường xuyên khác"), blank=True, help_text=_("Mỗi dòng một nơi nhận.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thông tin ban hành văn bản")
        verbose_name_plural = _("thông tin ban hành văn bản")
        constraints = [
            models.CheckConstraint(
                condition=exactly_one("agency", "commune", "district", "province"),
                name="issuer_profile_has_one_issuer",
            )
        ]

    def __str__(self) -> str:
        return self.header_name or self.abbreviation

    @property
    def standing_recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.standing_recipients.splitlines() if line.strip()]


class Signatory(ChoiceLabels, models.Model):
    """Who may sign for an issuer, with the authority line their signature usually carries."""

    profile = models.ForeignKey(
        IssuerProfile,
        on_delete=models.CASCADE,
        related_name="signatories",
        verbose_name=_("cơ quan ban hành"),
    )
    full_name = models.CharField(_("họ tên người ký"), max_length=100)
    title = models.CharField(_("chức vụ"), max_length=100, help_text=_("Ví dụ Phó Giám đốc."))
    authority = models.CharField(
        _("thẩm quyền ký"),
        max_length=200,
        blank=True,
        help_text=_(
            "Các dòng trên chức vụ, cách nhau bởi “/”, ví dụ TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH."
        ),
    )
    is_active = models.BooleanField(_("còn ký"), default=True)
    # Nghị định 30, Phụ lục I: the signer's handwritten signature as a transparent PNG (blue),
    # shown in the visible digital signature (docs/documents-signing.md).
    signature_image = models.BinaryField(_("ảnh chữ ký"), blank=True, default=b"", editable=False)

    class Meta:
        verbose_name = _("người ký")
        verbose_name_plural = _("người ký")
        ordering = ["-is_active", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.title})"

    @property
    def authority_lines(self) -> list[str]:
        return split_lines(self.authority)


def split_lines(text: str) -> list[str]:
    """ "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH", or one per line: the lines of a signature block."""
    return [part.strip() for part in text.replace("\n", "/").split("/") if part.strip()]


class OrganisationUnit(ChoiceLabels, models.Model):
    """A unit of the issuer (Phòng Kinh tế ngành, KTN): drafts documents, takes on tasks."""

    profile = models.ForeignKey(IssuerProfile, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("tên đơn vị"), max_length=200)
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=20)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("đơn vị trực thuộc")
        verbose_name_plural = _("đơn vị trực thuộc")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "abbreviation"], name="unit_abbreviation_per_issuer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"


class LegalDocument(ChoiceLabels, models.Model):
    """A document that plans cite: a decision, a plan, a resolution, the official letter that
    asked for the plan. Registered once per province (or nationally), cited by many."""

    class Kind(models.TextChoices):
        DECISION = "quyet_dinh", _("Quyết định")
        PLAN = "ke_hoach", _("Kế hoạch")
        RESOLUTION = "nghi_quyet", _("Nghị quyết")
        LETTER = "cong_van", _("Công văn")
        DIRECTIVE = "chi_thi", _("Chỉ thị")
        PROGRAMME = "chuong_trinh", _("Chương trình")
        NOTICE = "thong_bao", _("Thông báo")
        OTHER = "van_ban", _("Văn bản")

    class Verb(models.TextChoices):
        BASIS = "can_cu", _("Căn cứ")
        CARRYING_OUT = "thuc_hien", _("Thực hiện")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    kind = models.CharField(_("loại văn bản"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("số, ký hiệu"), max_length=50, blank=True)
    date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    verb = models.CharField(_("cách dẫn"), max_length=10, choices=Verb.choices, default=Verb.BASIS)
    # The kinds of document this one is proposed for as a basis (e.g. the letter that asked
    # every agency for its sponsorship plan).
    default_for = models.CharField(
        _("đề xuất cho loại văn bản"), max_length=300, blank=True, editable=False
    )
    valid_until = models.DateField(_("đề xuất đến ngày"), null=True, blank=True)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    assignment_decision = models.OneToOneField(
        AssignmentDecision,
        on_delete=models.SET_NULL,
        related_name="legal_document",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản căn cứ")
        verbose_name_plural = _("văn bản căn cứ")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        return self.citation()

    @staticmethod
    def kinds_field(kinds) -> str:
        """ ",sponsorship_plan,village_plan,": kinds stored so that one is found by `contains`."""
        return f",{','.join(kinds)}," if kinds else ""

    def citation(self) -> str:
        """ "Căn cứ Quyết định số 1841/QĐ-UBND ngày 14/7/2020 của UBND tỉnh Quảng Trị về …"."""
        words = [self.get_verb_display(), self.get_kind_display()]
        # Without a number (a party congress resolution, a work programme) the subject names
        # the document and the date only orders the register.
        if self.number:
            words.append(f"số {self.number}")
            if self.date:
                words.append(f"ngày {nd30_date(self.date)}")
        if self.issuer:
            words.append(f"của {self.issuer}")
        words.append(self.subject)
        return " ".join(words)


def nd30_date(day) -> str:
    """14/7/2020, 03/8/2017, 12/01/2021: Nghị định 30 pads days below 10 and months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


class ChangeRecord(ChoiceLabels, models.Model):
    """The history of the data documents are made from: issuer profiles, signatories, units,
    registers, legal documents and targets. Issued documents themselves never change."""

    series = models.CharField(max_length=40, db_index=True)  # the issuer, or "legal:<pk>"
    action = models.TextField()
    detail = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.action


def _file_stem(document: Document) -> str:
    # One folder per issuer, so that two issuers' "01/KH-…" never compete for a name.
    issuer = document.series.replace(":", "-")
    number = document.number if document.number else f"du-thao-{document.lineage.hex[:8]}"
    return f"documents/{document.year}/{issuer}/{document.kind}-{number}-v{document.version}"


def document_path(instance: Document, filename: str) -> str:
    return f"{_file_stem(instance)}.pdf"


def docx_path(instance: Document, filename: str) -> str:
    return f"{_file_stem(instance)}.docx"


class Document(ChoiceLabels, AwaitedWork):
    """One version of a document. Drafts (DỰ THẢO) have no number; issuing takes the next
    number of the issuer's register and makes the final, immutable version."""

    class Kind(models.TextChoices):
        SPONSORSHIP_PLAN = "sponsorship_plan", _("Kế hoạch đỡ đầu, phụ trách xây dựng NTM")
        INSPECTION_REPORT = "inspection_report", _("Báo cáo kết quả kiểm tra")
        INSPECTION_PLAN = "inspection_plan", _("Kế hoạch kiểm tra trong kỳ")
        AGENCY_REPORT = "agency_report", _("Báo cáo 6 tháng của cơ quan đỡ đầu, phụ trách")
        COMMUNE_PLAN = "commune_plan", _("Kế hoạch xây dựng nông thôn mới năm của xã")
        VILLAGE_PLAN = "village_plan", _("Kế hoạch xây dựng thôn nông thôn mới của xã")
        ADVANCED_PLAN = (
            "advanced_plan",
            _("Kế hoạch xây dựng nông thôn mới nâng cao gắn với giảm nghèo bền vững"),
        )
        AREA_PLAN = "area_plan", _("Kế hoạch xây dựng nông thôn mới của huyện, tỉnh")
        CAMPAIGN_PLAN = (
            "campaign_plan",
            _(
                "Kế hoạch thực hiện Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh”"
            ),
        )
        # The dossier of a recognition case (QĐ 18/2022/QĐ-TTg), generated from the case.
        RECOGNITION_REQUEST = (
            "recognition_request",
            _("Tờ trình đề nghị thẩm tra, xét công nhận xã đạt chuẩn"),
        )
        RECOGNITION_RESULTS = (
            "recognition_results",
            _("Báo cáo kết quả xây dựng nông thôn mới của xã"),
        )
        RECOGNITION_COMMENTS = (
            "recognition_comments",
            _("Báo cáo tổng hợp ý kiến tham gia"),
        )
        RECOGNITION_COMMUNE_MINUTES = (
            "recognition_commune_minutes",
            _("Biên bản họp của UBND xã đề nghị xét công nhận"),
        )
        RECOGNITION_REVIEW = ("recognition_review", _("Báo cáo kết quả thẩm tra"))
        RECOGNITION_COUNCIL_MINUTES = (
            "recognition_council_minutes",
            _("Biên bản họp hội đồng thẩm định"),
        )
        RECOGNITION_APPRAISAL = ("recognition_appraisal", _("Báo cáo kết quả thẩm định"))
        RECOGNITION_DECISION = ("recognition_decision", _("Quyết định công nhận (thu hồi)"))

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang tạo")
        DONE = "done", _("Đã tạo")
        FAILED = "failed", _("Lỗi")

    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")

    # The registered kinds (reports/kinds/): a new kind needs no migration. `Kind` above names the
    # kinds the code refers to; a test checks that the registry has each of them.
    kind = models.CharField(_("loại văn bản"), max_length=30, choices=kind_choices)
    # Exactly one issuer: an agency, or the People's Committee of a commune, district or province.
    issuer = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("cơ quan ban hành"),
        null=True,
        blank=True,
    )
    issuer_commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name=_("xã ban hành"),
    )
    issuer_district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name=_("huyện ban hành"),
    )
    issuer_province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name=_("tỉnh ban hành"),
    )
    series = models.CharField(max_length=40, verbose_name=_("sổ đăng ký"))
    # The versions of one document share a lineage; issuing ends it.
    lineage = models.UUIDField(default=uuid.uuid4, db_index=True, verbose_name=_("văn bản gốc"))
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=State.choices, default=State.DRAFT
    )
    # What the document is about, for documents about one inspection.
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name=_("đợt kiểm tra"),
    )
    # The period a document covers (a quarter's inspection plan, a plan's year).
    period_start = models.DateField(_("đầu kỳ"), null=True, blank=True)
    period_end = models.DateField(_("cuối kỳ"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    register = models.CharField(max_length=30, blank=True, verbose_name=_("sổ văn bản"))
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=30)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    # A draft's intended date: its date line leaves the day blank, its figures are as of then.
    dated_for = models.DateField(_("ngày dự kiến ban hành"), null=True, blank=True)
    signatory = models.ForeignKey(
        Signatory,
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name=_("người ký"),
    )
    drafting_unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name=_("đơn vị soạn thảo"),
    )
    citations = models.ManyToManyField(
        LegalDocument,
        through="DocumentCitation",
        related_name="cited_by",
        blank=True,
        verbose_name=_("căn cứ"),
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="corrections",
        null=True,
        blank=True,
        verbose_name=_("thay thế văn bản"),
    )
    # The recognition cases a dossier document is about (a decision: every case in its annex).
    recognition_cases = models.ManyToManyField(
        RecognitionCase, related_name="documents", blank=True, verbose_name=_("hồ sơ công nhận")
    )
    # The editable narrative sections; an issued document holds all of them, frozen.
    narrative = models.JSONField(default=dict, blank=True, verbose_name=_("nội dung soạn"))
    # The issued text, frozen at issue: its files are rendered from it and never from live data.
    html = models.TextField(blank=True, verbose_name=_("bản HTML"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("trạng thái")
    )
    error = models.TextField(blank=True, verbose_name=_("lỗi"))
    missing = models.JSONField(default=list, blank=True, verbose_name=_("còn thiếu"))
    pdf = models.FileField(
        upload_to=document_path, max_length=200, blank=True, verbose_name=_("tệp PDF")
    )
    docx = models.FileField(
        upload_to=docx_path, max_length=200, blank=True, verbose_name=_("tệp DOCX")
    )
    checksum = models.CharField(max_length=64, blank=True, verbose_name=_("mã kiểm tra"))
    # Given on issue, printed with its QR code on the first page: /xac-thuc/<code>/ (public).
    verification_code = models.CharField(
        _("mã xác thực"), max_length=16, unique=True, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))
    rendered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("dựng lúc"))

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="one_row_per_version"),
            # Nghị định 30: one number per register and year, and number + symbol unique in
            # the year; the database keeps it so even when two issues race.
            models.UniqueConstraint(
                fields=["series", "register", "year", "number"],
                condition=models.Q(state="issued"),
                name="one_number_per_register_year",
            ),
            models.UniqueConstraint(
                fields=["series", "year", "number", "symbol"],
                condition=models.Q(state="issued"),
                name="number_and_symbol_unique_in_year",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft")
                | models.Q(number__isnull=False, issued_on__isnull=False),
                name="issued_document_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=exactly_one(
                    "issuer", "issuer_commune", "issuer_district", "issuer_province"
                ),
                name="document_has_one_issuer",
            ),
        ]
        # Beat's sweep reads the pending documents every minute: a few rows of a large table.
        indexes = [
            models.Index(
                fields=["created_at"], condition=models.Q(status="pending"), name="document_pending"
            )
        ]

    def get_kind_display(self) -> str:
        """The kind's name as the registry holds it now (a kind registered after the field's
        choices were first read is named too; an unregistered code is shown as itself)."""
        return str(kind_label(self.kind))

    def __str__(self) -> str:
        return f"{self.number_label} ({_('bản')} {self.version})"

    @property
    def is_issued(self) -> bool:
        return self.state == self.State.ISSUED

    @property
    def number_text(self) -> str:
        return f"{self.number:02d}" if self.number else "…"

    @property
    def number_label(self) -> str:
        return f"{self.number_text}/{self.symbol}"

    @property
    def as_of(self):
        """The day the document speaks for: its issue date, a draft's intended date, or today."""
        return self.issued_on or self.dated_for or timezone.localdate()

    def record_signature(self) -> DocumentSignature | None:
        """The signature whose file is the document of record (the last one uploaded), or None
        when the rendered PDF is."""
        return self.signatures.exclude(file="").order_by("-pk").first()

    def record_file(self):
        """The document of record: the last signed upload, else the rendered (maybe signed) PDF."""
        signed = self.record_signature()
        return signed.file if signed else self.pdf

    def record_checksum(self) -> str:
        signed = self.record_signature()
        return signed.sha256 if signed else self.checksum


class SigningCertificate(ChoiceLabels, models.Model):
    """The certificate and private key an issuer's documents are signed with on issue (PAdES).

    The admin uploads them once as PKCS#12 with its password; both are kept encrypted with the
    key in the environment (SIGNING_KEY_SECRET) and never shown again: the admin sees the
    certificate's subject, issuer and validity only (reports/signing.py)."""

    profile = models.OneToOneField(
        IssuerProfile,
        on_delete=models.CASCADE,
        related_name="signing_certificate",
        verbose_name=_("cơ quan ban hành"),
    )
    sealed_pkcs12 = models.BinaryField(_("tệp PKCS#12 đã mã hoá"), editable=False)
    sealed_password = models.BinaryField(_("mật khẩu đã mã hoá"), editable=False)
    subject = models.CharField(_("chủ thể chứng thư"), max_length=400, editable=False)
    certificate_issuer = models.CharField(_("tổ chức cấp"), max_length=400, editable=False)
    serial = models.CharField(_("số hiệu"), max_length=100, editable=False)
    # SHA-256 of the DER
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, editable=False)
    valid_from = models.DateTimeField(_("hiệu lực từ"), editable=False)
    valid_until = models.DateTimeField(_("hiệu lực đến"), editable=False)
    # The body's seal as a transparent PNG (red), printed at its actual diameter.
    seal_image = models.BinaryField(_("ảnh con dấu"), blank=True, default=b"", editable=False)
    seal_diameter_mm = models.PositiveSmallIntegerField(_("đường kính dấu (mm)"), default=36)
    is_demo = models.BooleanField(_("chứng thư thử nghiệm"), default=False, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now=True)

    class Meta:
        verbose_name = _("chứng thư số ký văn bản")
        verbose_name_plural = _("chứng thư số ký văn bản")

    def __str__(self) -> str:
        return f"{self.profile}: {self.subject}"


def signed_document_path(instance: DocumentSignature, filename: str) -> str:
    return f"{_file_stem(instance.document)}-ky-{uuid.uuid4().hex[:8]}.pdf"


class DocumentSignature(ChoiceLabels, models.Model):
    """A digital signature an issued document received: by the portal on issue (in the rendered
    PDF), or on the signer's own token outside the portal, uploaded back (its file is then the
    document of record). Only ever added, never changed."""

    class Way(models.TextChoices):
        PORTAL = "portal", _("Ký trên cổng bằng chứng thư số của cơ quan")
        TOKEN = "token", _("Ký bằng thiết bị ký số, tải lên")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="signatures")
    way = models.CharField(_("cách ký"), max_length=10, choices=Way.choices)
    signer = models.CharField(_("người ký số"), max_length=400)
    certificate_issuer = models.CharField(_("tổ chức cấp chứng thư"), max_length=400)
    serial = models.CharField(max_length=100)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    file = models.FileField(upload_to=signed_document_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chữ ký số của văn bản")
        verbose_name_plural = _("chữ ký số của văn bản")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.document}: {self.signer}"


class DocumentCitation(ChoiceLabels, models.Model):
    """A legal document cited by one version of a document, in order."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="citation_rows")
    legal_document = models.ForeignKey(LegalDocument, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "legal_document"], name="cited_once_per_document"
            )
        ]

    def __str__(self) -> str:
        return str(self.legal_document)


def area_field(area: Commune | District | Province) -> str:
    """ "commune", "district" or "province": the field that holds this kind of area."""
    return {Commune: "commune", District: "district", Province: "province"}[type(area)]


class PlanTargetQuerySet(models.QuerySet):
    def for_area(self, area: Commune | District | Province) -> PlanTargetQuerySet:
        return self.filter(**{area_field(area): area})


class PlanTarget(ChoiceLabels, models.Model):
    """A target a commune, district or province sets itself for a year ("61,5% số xã đạt chuẩn
    nông thôn mới"). The actual figure is computed from the portal's data for the measures it
    knows; for other targets it is entered."""

    class Measure(models.TextChoices):
        XA_NTM_SHARE = "xa_ntm_share", _("Tỷ lệ xã đạt chuẩn nông thôn mới")
        XA_NTM_COUNT = "xa_ntm_count", _("Số xã đạt chuẩn nông thôn mới")
        AVERAGE_CRITERIA = "average_criteria", _("Bình quân số tiêu chí đạt/xã")
        CRITERIA_MET = "criteria_met", _("Số tiêu chí xã đạt")
        VILLAGES_MET = "villages_met", _("Số thôn đạt chuẩn nông thôn mới")
        OTHER = "other", _("Chỉ tiêu khác (nhập kết quả)")

    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        related_name="plan_targets",
        null=True,
        blank=True,
        verbose_name=_("xã"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        related_name="plan_targets",
        null=True,
        blank=True,
        verbose_name=_("huyện"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.CASCADE,
        related_name="plan_targets",
        null=True,
        blank=True,
        verbose_name=_("tỉnh"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    measure = models.CharField(_("loại chỉ tiêu"), max_length=20, choices=Measure.choices)
    label = models.CharField(_("nội dung chỉ tiêu"), max_length=300, blank=True)
    target = models.DecimalField(_("chỉ tiêu"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("đơn vị tính"), max_length=30)
    actual = models.DecimalField(
        _("kết quả (nhập)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", _("Đạt khi bằng hoặc cao hơn chỉ tiêu")
        AT_MOST = "at_most", _("Đạt khi bằng hoặc thấp hơn chỉ tiêu")

    direction = models.CharField(
        _("chiều đánh giá"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    # Targets with the same item share one numbered line of the plan: "(4) 87,5% hộ …; 80,5% …".
    item = models.PositiveSmallIntegerField(_("mục tiêu số"), null=True, blank=True)
    # A target for one kind of plan only (e.g. the nâng cao plan's "05 vườn mẫu"); blank: all.
    plan_kind = models.CharField(_("thuộc loại kế hoạch"), max_length=30, blank=True)
    # The villages a VILLAGES_MET target plans to bring to the standard (seed 001: Tứ, Khánh).
    villages = models.ManyToManyField(
        Village, blank=True, related_name="+", verbose_name=_("thôn phấn đấu đạt chuẩn")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))

    objects = PlanTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu kế hoạch")
        verbose_name_plural = _("chỉ tiêu kế hoạch")
        ordering = ["year", "item", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one("commune", "district", "province"),
                name="plan_target_has_one_area",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.label or self.get_measure_display()} {self.target} {self.unit}"


class PublicProvincePage(ChoiceLabels, models.Model):
    """Whether a province publishes its public results page (off until its office turns it on).
    The page shows aggregates and official decisions only (reports/public.py)."""

    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, related_name="public_page", verbose_name=_("tỉnh")
    )
    is_published = models.BooleanField(_("công khai"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trang công khai của tỉnh")
        verbose_name_plural = _("trang công khai của tỉnh")

    def __str__(self) -> str:
        return str(self.province)


class CommuneBoundarySet(ChoiceLabels, models.Model):
    """The commune boundaries a province uploaded (no open source has them), checked, simplified
    and projected once (reports/boundaries.py): SVG path data per commune code, ready to draw."""

    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, related_name="commune_boundaries"
    )
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    paths = models.JSONField(default=dict)  # commune code → SVG path data
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ranh giới xã")
        verbose_name_plural = _("ranh giới xã")

    def __str__(self) -> str:
        return f"{self.province}: {len(self.paths)}"


def boundary_upload_path(instance: CommuneBoundaryUpload, filename: str) -> str:
    return f"boundaries/{instance.province_id}/{uuid.uuid4().hex}.geojson"


class CommuneBoundaryUpload(ChoiceLabels, models.Model):
    """A boundary file the office sent, waiting for the worker to check, simplify and project it
    (reports/boundaries.py): the settings page shows its status, and its refusal reasons."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang xử lý")
        DONE = "done", _("Đã lưu")
        FAILED = "failed", _("Không dùng được")

    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="boundary_uploads"
    )
    # Removed once processed: the drawing is what is kept.
    file = models.FileField(upload_to=boundary_upload_path, max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    errors = models.JSONField(default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tệp ranh giới xã")
        verbose_name_plural = _("tệp ranh giới xã")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.province}: {self.original_name} ({self.status})"

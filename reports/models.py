"""Generated documents (KẾ HOẠCH, BÁO CÁO): each is a row with its number, version and file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, District, Province
from sponsorships.models import Agency, Inspection


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


class DocumentCounter(models.Model):
    """The last number an issuer gave to one type of document in one year ("Số: 05/KH-CCB").

    `series` names the issuer: "agency:12", "commune:345", "district:7", "province:2"."""

    series = models.CharField(max_length=40)
    kind = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["series", "kind", "year"], name="one_counter_per_issuer_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series}/{self.kind}/{self.year}: {self.last_number}"


def _file_stem(document: Document) -> str:
    # One folder per issuer, so that two issuers' "01/KH-…" never compete for a name.
    issuer = document.series.replace(":", "-")
    return (
        f"documents/{document.year}/{issuer}/{document.kind}-{document.number}-v{document.version}"
    )


def document_path(instance: Document, filename: str) -> str:
    return f"{_file_stem(instance)}.pdf"


def docx_path(instance: Document, filename: str) -> str:
    return f"{_file_stem(instance)}.docx"


class Document(models.Model):
    class Kind(models.TextChoices):
        SPONSORSHIP_PLAN = "sponsorship_plan", _("Kế hoạch đỡ đầu, phụ trách xây dựng NTM")
        INSPECTION_REPORT = "inspection_report", _("Báo cáo kết quả kiểm tra")
        INSPECTION_PLAN = "inspection_plan", _("Kế hoạch kiểm tra trong kỳ")
        AGENCY_REPORT = "agency_report", _("Báo cáo 6 tháng của cơ quan đỡ đầu, phụ trách")
        COMMUNE_PLAN = "commune_plan", _("Kế hoạch xây dựng nông thôn mới năm của xã")
        AREA_PLAN = "area_plan", _("Kế hoạch xây dựng nông thôn mới của huyện, tỉnh")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang tạo")
        DONE = "done", _("Đã tạo")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại văn bản"), max_length=30, choices=Kind.choices)
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
        Commune, on_delete=models.PROTECT, related_name="documents", null=True, blank=True
    )
    issuer_district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="documents", null=True, blank=True
    )
    issuer_province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="documents", null=True, blank=True
    )
    series = models.CharField(max_length=40)
    # What the document is about, for documents about one inspection.
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="documents", null=True, blank=True
    )
    # The period a document covers (a quarter's inspection plan).
    period_start = models.DateField(_("đầu kỳ"), null=True, blank=True)
    period_end = models.DateField(_("cuối kỳ"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    symbol = models.CharField(_("ký hiệu"), max_length=30)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    issued_on = models.DateField(_("ngày ban hành"))
    # The editable narrative sections, with their defaults filled in at creation.
    narrative = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    missing = models.JSONField(default=list, blank=True)
    pdf = models.FileField(upload_to=document_path, max_length=200, blank=True)
    docx = models.FileField(upload_to=docx_path, max_length=200, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "kind", "year", "number", "version"],
                name="one_version_per_issuer_series",
            ),
            models.CheckConstraint(
                condition=exactly_one(
                    "issuer", "issuer_commune", "issuer_district", "issuer_province"
                ),
                name="document_has_one_issuer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} ({_('bản')} {self.version})"

    @property
    def number_label(self) -> str:
        return f"{self.number:02d}/{self.symbol}"


def area_field(area: Commune | District | Province) -> str:
    """ "commune", "district" or "province": the field that holds this kind of area."""
    return {Commune: "commune", District: "district", Province: "province"}[type(area)]


class PlanTargetQuerySet(models.QuerySet):
    def for_area(self, area: Commune | District | Province) -> PlanTargetQuerySet:
        return self.filter(**{area_field(area): area})


class PlanTarget(models.Model):
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
        Commune, on_delete=models.CASCADE, related_name="plan_targets", null=True, blank=True
    )
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="plan_targets", null=True, blank=True
    )
    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="plan_targets", null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    measure = models.CharField(_("loại chỉ tiêu"), max_length=20, choices=Measure.choices)
    label = models.CharField(_("nội dung chỉ tiêu"), max_length=300, blank=True)
    target = models.DecimalField(_("chỉ tiêu"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("đơn vị tính"), max_length=30)
    actual = models.DecimalField(
        _("kết quả (nhập)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu kế hoạch")
        verbose_name_plural = _("chỉ tiêu kế hoạch")
        ordering = ["year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one("commune", "district", "province"),
                name="plan_target_has_one_area",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.label or self.get_measure_display()} {self.target} {self.unit}"

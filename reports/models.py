"""Generated documents (KẾ HOẠCH, BÁO CÁO): each is a row with its number, version and file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sponsorships.models import Agency, Inspection


class DocumentCounter(models.Model):
    """The last number an issuer gave to one type of document in one year ("Số: 05/KH-CCB")."""

    issuer = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "kind", "year"], name="one_counter_per_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}/{self.kind}/{self.year}: {self.last_number}"


def document_path(instance: Document, filename: str) -> str:
    return f"documents/{instance.year}/{instance.kind}-{instance.number}-v{instance.version}.pdf"


def docx_path(instance: Document, filename: str) -> str:
    return f"documents/{instance.year}/{instance.kind}-{instance.number}-v{instance.version}.docx"


class Document(models.Model):
    class Kind(models.TextChoices):
        SPONSORSHIP_PLAN = "sponsorship_plan", _("Kế hoạch đỡ đầu, phụ trách xây dựng NTM")
        INSPECTION_REPORT = "inspection_report", _("Báo cáo kết quả kiểm tra")
        INSPECTION_PLAN = "inspection_plan", _("Kế hoạch kiểm tra trong kỳ")

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang tạo")
        DONE = "done", _("Đã tạo")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại văn bản"), max_length=30, choices=Kind.choices)
    issuer = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("cơ quan ban hành"),
    )
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
                fields=["issuer", "kind", "year", "number", "version"],
                name="one_document_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_label} ({_('bản')} {self.version})"

    @property
    def number_label(self) -> str:
        return f"{self.number:02d}/{self.symbol}"

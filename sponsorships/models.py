"""Sponsoring agencies and their assignments to communes.

Minimal for now: enough to scope an agency member to the communes their agency is assigned.
The sponsorship issue adds decisions, targets, name history and the inspection calendar.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Province


class Agency(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "so_nganh", _("Sở, ban, ngành")
        MASS_ORGANISATION = "doan_the", _("Mặt trận, đoàn thể")
        ENTERPRISE = "doanh_nghiep", _("Doanh nghiệp")
        OTHER = "khac", _("Khác")

    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("tỉnh")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["province", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="agency_name_per_province")
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(models.QuerySet):
    def active_on(self, day: date | None = None) -> AssignmentQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(start__lte=day), Q(end__isnull=True) | Q(end__gte=day))


class Assignment(models.Model):
    """An agency sponsors (đỡ đầu) or supervises (phụ trách) one commune for a time."""

    class Kind(models.TextChoices):
        SPONSORED = "do_dau", _("Đỡ đầu")
        SUPERVISED = "phu_trach", _("Phụ trách")

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("cơ quan")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("xã")
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["agency", "commune"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="assignment_ends_after_start",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.commune} ({self.get_kind_display()})"

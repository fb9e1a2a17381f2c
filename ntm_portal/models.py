"""Users and the scope their role gives them. What a scope lets them see is decided in each
app's access.py, on the rule of ntm_portal/access.py."""

from __future__ import annotations

import json

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ntm_portal.choices import ChoiceLabels

from .rosters.registry import kind_choices
from .text import PERIOD_TEMPLATES, retranslate


class Role(models.TextChoices):
    NONE = "", _("Chưa phân quyền")
    ADMIN = "admin", _("Quản trị hệ thống")
    PROVINCE = "province", _("Văn phòng Điều phối NTM tỉnh")
    DISTRICT = "district", _("Cán bộ huyện")
    COMMUNE = "commune", _("Cán bộ xã")
    AGENCY = "agency", _("Cơ quan đỡ đầu, phụ trách")


# Which scope field each role needs; every other scope field must be empty.
ROLE_SCOPE_FIELD = {
    Role.NONE: None,
    Role.ADMIN: None,
    Role.PROVINCE: "province",
    Role.DISTRICT: "district",
    Role.COMMUNE: "commune",
    Role.AGENCY: "agency",
}
SCOPE_FIELDS = ("province", "district", "commune", "agency")


def _scope_rule() -> Q:
    """role ↔ exactly the scope field that role needs, as one database check."""
    rule = Q()
    for role, needed in ROLE_SCOPE_FIELD.items():
        fields = Q(role=role.value)
        for field in SCOPE_FIELDS:
            fields &= Q(**{f"{field}__isnull": field != needed})
        rule |= fields
    return rule


class User(ChoiceLabels, AbstractUser):
    role = models.CharField(
        _("vai trò"), max_length=20, choices=Role.choices, default=Role.NONE, blank=True
    )
    province = models.ForeignKey(
        "communes.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tỉnh"),
    )
    district = models.ForeignKey(
        "communes.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huyện"),
    )
    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã"),
    )
    agency = models.ForeignKey(
        "sponsorships.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("cơ quan"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=_scope_rule(),
                name="user_scope_matches_role",
                violation_error_message=_(
                    "Phạm vi không khớp vai trò: cán bộ tỉnh chọn tỉnh, cán bộ huyện chọn huyện, "
                    "cán bộ xã chọn xã, thành viên cơ quan chọn cơ quan; quản trị không chọn gì."
                ),
            )
        ]

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def scope_label(self) -> str:
        if self.is_admin:
            return str(_("toàn quốc"))
        field = ROLE_SCOPE_FIELD.get(Role(self.role))
        target = getattr(self, field) if field else None
        return str(target) if target else ""


class Notification(ChoiceLabels, models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("nội dung"), max_length=500)
    # The sentence as a catalogue entry and its values, so each reader sees it in their own
    # language; `message` is the Vietnamese text (the email, and rows from before).
    template = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        """The notification in the reader's language (the active one)."""
        if not self.template:
            return self.message
        params = {
            key: retranslate(str(value), PERIOD_TEMPLATES, ()) for key, value in self.params.items()
        }
        try:
            return gettext(self.template) % params
        except (KeyError, TypeError, ValueError):
            return self.message


def roster_path(instance: RosterImport, filename: str) -> str:
    # Never the user's name: the file is only served through the permission-checked view.
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    return f"rosters/{instance.kind}/{instance.sha256[:16]}{suffix}"


class TextJSONEncoder(json.JSONEncoder):
    """JSON with Vietnamese as itself rather than \\uXXXX escapes: a third shorter, and no
    backslash for the database driver to escape again, row by row, in a bulk insert."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **{**kwargs, "ensure_ascii": False})


class AwaitedWork(models.Model):
    """What a row handed to the worker records of its progress, for beat's sweep and its page
    (the rule is ntm_portal/waiting.py)."""

    # How many times a worker started the work, and how many times a sweep sent it again.
    attempts = models.PositiveSmallIntegerField(
        default=0, editable=False, verbose_name=_("số lần thử")
    )
    resends = models.PositiveSmallIntegerField(
        default=0, editable=False, verbose_name=_("số lần gửi lại")
    )
    # The last sign of life: a worker started it or moved it on, or a sweep sent it again.
    worked_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("xử lý lúc")
    )
    # When a sweep first found it overdue; the admins were told then.
    stalled_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("dừng lại lúc")
    )

    class Meta:
        abstract = True


class RosterImport(ChoiceLabels, AwaitedWork):
    """One uploaded roster: its file, the validation result and, once confirmed, what it wrote.

    Kept for good: who imported what, when, from which file (checksum) and with what counts.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ kiểm tra")
        VALIDATING = "validating", _("Đang kiểm tra")
        VALIDATED = "validated", _("Đã kiểm tra, chờ xác nhận")
        REJECTED = "rejected", _("Tệp bị từ chối")
        IMPORTED = "imported", _("Đã nhập")

    kind = models.CharField(_("loại danh sách"), max_length=20, choices=kind_choices)
    file = models.FileField(upload_to=roster_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(_("mã kiểm tra SHA-256"), max_length=64)
    # Empty for imports run from the command line.
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    file_error = models.TextField(blank=True)
    # What the preview says of the whole file: its notices, the header's row and how many errors
    # (each row's outcome is a RosterImportRow: a page reads only the rows it shows).
    result = models.JSONField(default=dict, blank=True)
    # The rows as read from the file: confirming checks them again against the database without
    # parsing the workbook a second time. Large; left out of pages (see ntm_portal/access.py).
    table = models.JSONField(default=dict, blank=True, editable=False, encoder=TextJSONEncoder)
    new_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập danh sách")
        verbose_name_plural = _("lần nhập danh sách")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.original_name}"

    @property
    def is_finished_checking(self) -> bool:
        return self.status in (self.Status.VALIDATED, self.Status.REJECTED, self.Status.IMPORTED)

    @property
    def has_errors(self) -> bool:
        return self.status == self.Status.VALIDATED and (
            self.error_count > 0 or bool(self.file_error)
        )

    @property
    def status_label(self) -> str:
        """The badge: a checked file with errors is never "waiting for confirmation"."""
        if self.has_errors:
            return gettext("Có lỗi, chưa ghi gì")
        return self.get_status_display()

    @property
    def status_class(self) -> str:
        return "has-errors" if self.has_errors else self.status

    @property
    def can_confirm(self) -> bool:
        return (
            self.status == self.Status.VALIDATED and self.error_count == 0 and not self.file_error
        )


class RosterImportRow(ChoiceLabels, models.Model):
    """One row of a checked roster as the preview shows it: its number in the file, its outcome,
    and what the check found (`detail`: label, matches, changes, errors). Replaced whole at each
    check; the rows as read, which confirming checks again, stay on the import (`table`)."""

    roster_import = models.ForeignKey(RosterImport, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10)
    detail = models.JSONField(default=dict, encoder=TextJSONEncoder)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["roster_import", "number"], name="roster_import_row_once"
            ),
        ]
        # The preview pages the rows of one status in file order.
        indexes = [
            models.Index(
                fields=["roster_import", "status", "number"], name="roster_import_row_status"
            )
        ]
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.roster_import_id}:{self.number} {self.status}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class RevokedReason(models.TextChoices):
    """Why a token stopped working before it expired: its owner's page says so."""

    OWNER = "owner", _("Đã thu hồi")
    PASSWORD = "password", _("Đã thu hồi khi đổi mật khẩu")
    LOCKED = "locked", _("Đã thu hồi khi tài khoản bị khoá")


class ApiToken(ChoiceLabels, models.Model):
    """A key for the JSON API, acting as its user (it sees exactly what the user sees).

    Only the SHA-256 of the key is kept: the key itself is shown once, when it is made. A
    random 256-bit key needs no slow hash (nothing to guess from a dictionary), and the digest
    lets a request find its token with one indexed lookup.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên khóa"), max_length=100)
    # The key's first characters, to tell one's keys apart; not enough to use one.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(
        _("lý do thu hồi"), max_length=10, choices=RevokedReason.choices, blank=True
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now

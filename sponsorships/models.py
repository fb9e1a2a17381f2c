"""Sponsoring agencies, their assignments to communes, inspections and inspection reports."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Province
from criteria.models import Criterion, Recognition
from ntm_portal.choices import ChoiceLabels
from ntm_portal.text import retranslate
from ntm_portal.uploads import StoredUpload, file_suffix

from .periods import Frequency, Period


class Agency(ChoiceLabels, models.Model):
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
    # The secret in the agency's calendar feed address, for phones that cannot sign in.
    calendar_token = models.CharField(
        max_length=64, unique=True, default=secrets.token_urlsafe, verbose_name=_("mã lịch ICS")
    )
    # A merged agency keeps its row, name, inspections and documents (history reads them under
    # the old name); from `merged_on` the surviving agency carries on (services.agency_merge).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absorbed",
        verbose_name=_("đã sáp nhập vào"),
    )
    merged_on = models.DateField(_("sáp nhập từ ngày"), null=True, blank=True)
    # How many mergers deep an agency's history may go (merged into one that merged in turn…):
    # the reach of access.agency_family, far beyond what any agency has lived through.
    MERGE_DEPTH = 4

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["province", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="agency_name_per_province"),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True, merged_on__isnull=True)
                | (Q(merged_into__isnull=False, merged_on__isnull=False) & ~Q(merged_into=F("pk"))),
                name="agency_merged_into_another_on_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def choice_label(self) -> str:
        """In a list of every province's agencies, where "Hội Nông dân tỉnh" repeats: with its
        province and edition (selected with it)."""
        return f"{self.name} – {self.province.choice_label()}"

    def surviving_on(self, day: date) -> Agency:
        """The agency that carries this one's work on `day`: itself, or the one it was merged
        into (and so on, if that one was merged in turn)."""
        agency = self
        while agency.merged_into_id and agency.merged_on <= day:
            agency = agency.merged_into
        return agency

    def absence_on(self, day: date) -> str:
        """Why nothing new can be given to this agency on `day` ("" when it still works)."""
        if self.merged_into_id and self.merged_on <= day:
            return gettext("%(agency)s đã sáp nhập vào %(into)s từ %(since)s.") % {
                "agency": self.name,
                "into": self.merged_into.name,
                "since": f"{self.merged_on:%d/%m/%Y}",
            }
        return ""

    def name_on(self, day: date) -> str:
        """The name the agency had that day (names change: Sở KH&ĐT joined Sở Tài chính)."""
        for former in self.former_names.all():
            if former.valid_to >= day and (former.valid_from is None or former.valid_from <= day):
                return former.name
        return self.name


class AgencyFormerName(ChoiceLabels, models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="former_names", verbose_name=_("cơ quan")
    )
    name = models.CharField(_("tên cũ"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"))

    class Meta:
        verbose_name = _("tên cũ của cơ quan")
        verbose_name_plural = _("tên cũ của cơ quan")
        ordering = ["-valid_to"]

    def __str__(self) -> str:
        return self.name


class AgencyChange(ChoiceLabels, models.Model):
    """A merger (Sở Kế hoạch và Đầu tư into Sở Tài chính, 01/03/2025) or the move of an agency
    of a 2024 province to the 2025 province it became part of: who recorded it and when, and
    what moved with it (members, assignments) in `detail`."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Sáp nhập")
        REHOME = "rehome", _("Chuyển sang tỉnh mới")

    kind = models.CharField(_("loại thay đổi"), max_length=10, choices=Kind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="changes", verbose_name=_("cơ quan")
    )
    into = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="absorptions",
        verbose_name=_("sáp nhập vào"),
    )
    from_province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("từ tỉnh"),
    )
    to_province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sang tỉnh"),
    )
    on = models.DateField(_("từ ngày"))
    detail = models.JSONField(default=dict, blank=True, verbose_name=_("nội dung"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("lúc"))

    class Meta:
        verbose_name = _("thay đổi cơ quan")
        verbose_name_plural = _("thay đổi cơ quan")
        ordering = ["-on", "-pk"]
        constraints = [
            # A merger happens once: two confirmations (or two at once) cannot both record it.
            models.UniqueConstraint(
                fields=["agency"], condition=Q(kind="merge"), name="agency_merged_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.agency}"

    @property
    def from_province_name(self) -> str:
        """ "Tỉnh Quảng Trị (trước 01/07/2025)": never "từ Tỉnh Quảng Trị sang Tỉnh Quảng Trị"."""
        if self.from_province is None:
            return ""
        if self.to_province is None:
            return self.from_province.name
        return self.from_province.name_beside(self.to_province)


class SteeringMember(ChoiceLabels, models.Model):
    """A member of the agency's steering team (seed 000: five members, headed by the Vice-Chair)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="steering_team", verbose_name=_("cơ quan")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản"),
    )
    full_name = models.CharField(_("họ tên"), max_length=100)
    position = models.CharField(_("chức vụ"), max_length=100, blank=True)
    # Free text; the usual roles are in the catalogue, so an English reader sees them translated.
    team_role = models.CharField(_("nhiệm vụ trong ban"), max_length=100, blank=True)
    USUAL_ROLES = (
        gettext_noop("Thành viên"),
        gettext_noop("Phó Trưởng ban"),
        gettext_noop("Phó Trưởng ban thường trực"),
        gettext_noop("Thư ký"),
        gettext_noop("Thường trực"),
    )
    is_head = models.BooleanField(_("trưởng ban"), default=False)

    class Meta:
        verbose_name = _("thành viên ban chỉ đạo")
        verbose_name_plural = _("thành viên ban chỉ đạo")
        ordering = ["-is_head", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class AssignmentDecision(ChoiceLabels, models.Model):
    """The decision assigning agencies to communes (e.g. 1841/QĐ-UBND, 14/7/2020)."""

    number = models.CharField(_("số"), max_length=50)
    date = models.DateField(_("ngày"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh")
    )
    subject = models.CharField(_("trích yếu"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quyết định phân công")
        verbose_name_plural = _("quyết định phân công")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "number"], name="decision_number_per_province"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d/%m/%Y})"


class AssignmentQuerySet(models.QuerySet):
    def active_on(self, day: date | None = None) -> AssignmentQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(start__lte=day), Q(end__isnull=True) | Q(end__gte=day))


class Assignment(ChoiceLabels, models.Model):
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
    # The inspection regime: sponsored communes once a quarter, supervised ones twice a year.
    INSPECTION_FREQUENCY = {Kind.SPONSORED: Frequency.QUARTER, Kind.SUPERVISED: Frequency.HALF_YEAR}

    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)
    decision = models.ForeignKey(
        AssignmentDecision,
        on_delete=models.PROTECT,
        related_name="assignments",
        null=True,
        blank=True,
        verbose_name=_("quyết định"),
    )
    target_level = models.CharField(
        _("mục tiêu"), max_length=10, choices=Recognition.Level.choices, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("năm đạt mục tiêu"), null=True, blank=True)
    criteria_to_support = models.ManyToManyField(
        Criterion, blank=True, related_name="+", verbose_name=_("tiêu chí cần hỗ trợ")
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    # Where assignments meet on one commune (communes or agencies merged), several agencies may
    # supervise it, but one agency sponsors it: the rule the transfer across 01/07/2025 applies.
    SHARED_KINDS = frozenset({Kind.SUPERVISED})

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

    @property
    def inspection_frequency(self) -> Frequency:
        return self.INSPECTION_FREQUENCY[self.kind]


class AssignmentTransfer(ChoiceLabels, models.Model):
    """An assignment on a 2024 commune, ended on 30/06/2025 and carried (or not) to a 2025
    commune by a transfer decision. One row per old assignment: a transfer happens once."""

    class Outcome(models.TextChoices):
        CARRIED = "carried", _("Chuyển sang xã mới")
        ENDED = "ended", _("Kết thúc, không chuyển")

    previous = models.OneToOneField(
        Assignment,
        on_delete=models.PROTECT,
        related_name="transfer",
        verbose_name=_("phân công cũ"),
    )
    decision = models.ForeignKey(
        AssignmentDecision,
        on_delete=models.PROTECT,
        related_name="transfers",
        verbose_name=_("quyết định"),
    )
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    successor = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("xã mới"),
    )
    # The assignment that continues it: its own new one, or the one kept instead of it.
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_from",
        verbose_name=_("phân công mới"),
    )
    reason = models.TextField(_("lý do"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))

    class Meta:
        verbose_name = _("chuyển phân công")
        verbose_name_plural = _("chuyển phân công")
        ordering = ["decision", "previous__commune__search_name", "pk"]

    def __str__(self) -> str:
        return f"{self.previous} → {self.successor or '—'}"


def overdue_on_q(day: date) -> Q:
    """The overdue rule, in one place: still planned, past its due date, and planned before it
    was due. An inspection planned after its period ended (an assignment confirmed late, a
    decision entered after the fact) is not overdue but unrecorded: what was done on paper is
    recorded, or it is marked not done. Done, acknowledged and cancelled ones never are."""
    return Q(status=Inspection.Status.PLANNED, due_date__lt=day, planned_after_due=False)


def unrecorded_on_q(day: date) -> Q:
    """Planned after its period ended and not yet recorded (see overdue_on_q)."""
    return Q(status=Inspection.Status.PLANNED, due_date__lt=day, planned_after_due=True)


class InspectionQuerySet(models.QuerySet):
    def overdue_on(self, day: date) -> InspectionQuerySet:
        return self.filter(overdue_on_q(day))

    def unrecorded_on(self, day: date) -> InspectionQuerySet:
        return self.filter(unrecorded_on_q(day))


class Inspection(ChoiceLabels, models.Model):
    """One visit of an agency to a commune: planned by the calendar job, or ad hoc (đột xuất)."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Định kỳ")
        AD_HOC = "ad_hoc", _("Đột xuất")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Chưa thực hiện")
        DONE = "done", _("Đã kiểm tra")
        CANCELLED = "cancelled", _("Đã hủy")

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("phân công"),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.SCHEDULED)
    period_start = models.DateField(_("đầu kỳ"))
    period_end = models.DateField(_("cuối kỳ"))
    due_date = models.DateField(_("hạn"), db_index=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    overdue_since = models.DateField(_("quá hạn từ"), null=True, blank=True)
    # Planned once its period had ended (overdue_on_q): set when it is made, never after.
    planned_after_due = models.BooleanField(_("lập sau kỳ"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("nhắc lúc"))
    overdue_reminded_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("nhắc quá hạn lúc")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt kiểm tra")
        verbose_name_plural = _("đợt kiểm tra")
        ordering = ["due_date", "pk"]
        constraints = [
            # The calendar job may run twice, or twice at once: the database keeps one per period.
            models.UniqueConstraint(
                fields=["assignment", "period_start"],
                condition=Q(kind="scheduled"),
                name="one_scheduled_inspection_per_period",
            )
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.assignment.commune} – {self.period.label()}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)

    def state_on(self, day: date) -> str:
        """planned / done / cancelled, or overdue / unrecorded (overdue_on_q): what the calendar
        colours."""
        if self.status == self.Status.PLANNED and self.due_date < day:
            return "unrecorded" if self.planned_after_due else "overdue"
        return self.status


class AgencyReport(ChoiceLabels, models.Model):
    """The agency's six-monthly report to its standing committee, planned by the calendar job."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="reports_due")
    period_start = models.DateField(_("đầu kỳ"))
    period_end = models.DateField(_("cuối kỳ"))
    due_date = models.DateField(_("hạn"))
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo 6 tháng")
        verbose_name_plural = _("báo cáo 6 tháng")
        ordering = ["due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "period_start"], name="one_agency_report_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {Period(self.period_start, self.period_end).label()}"


class InspectionReport(ChoiceLabels, models.Model):
    """What the agency found (BÁO CÁO kết quả kiểm tra): draft → submitted → acknowledged."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã nộp")
        ACKNOWLEDGED = "acknowledged", _("Tỉnh đã ghi nhận")

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT, related_name="report")
    inspected_on = models.DateField(_("ngày kiểm tra"))
    participants = models.TextField(_("thành phần tham gia"))
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    resources_vnd = models.DecimalField(
        _("nguồn lực huy động (đồng)"), max_digits=16, decimal_places=0, default=0
    )
    resources_in_kind = models.TextField(_("hỗ trợ bằng hiện vật, ngày công"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=15, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo kiểm tra")
        verbose_name_plural = _("báo cáo kiểm tra")

    def __str__(self) -> str:
        return f"{_('Báo cáo')} {self.inspection}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class InspectionFinding(ChoiceLabels, models.Model):
    report = models.ForeignKey(InspectionReport, on_delete=models.CASCADE, related_name="findings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    met = models.BooleanField(_("đạt"), null=True)
    note = models.TextField(_("nhận xét"), blank=True)

    class Meta:
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "criterion"], name="one_finding_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.met}"


def attachment_path(instance: InspectionAttachment, filename: str) -> str:
    return f"inspections/{instance.report_id}/{instance.sha256[:16]}{file_suffix(filename)}"


class InspectionAttachment(StoredUpload):
    report = models.ForeignKey(
        InspectionReport, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)


class InspectionLog(ChoiceLabels, models.Model):
    """The history of an inspection and its report."""

    class Action(models.TextChoices):
        PLANNED = "planned", _("Lập kế hoạch")
        CREATED_AD_HOC = "ad_hoc", _("Tạo đợt đột xuất")
        REPORT_SAVED = "report_saved", _("Lưu báo cáo")
        SUBMITTED = "submitted", _("Nộp báo cáo")
        ACKNOWLEDGED = "acknowledged", _("Ghi nhận")
        CANCELLED = "cancelled", _("Hủy")
        CANCEL_PROPOSED = "cancel_proposed", _("Đề nghị hủy")
        ATTACHMENT_ADDED = "attachment", _("Thêm tệp")
        REFUSED = "refused", _("Bị từ chối")
        TRANSFERRED = "transferred", _("Chuyển phân công")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.TextField(blank=True)

    # Details the portal writes itself (in Vietnamese), shown in the reader's language.
    SYSTEM_DETAILS = (
        gettext_noop("Chuyển từ phân công %(old)s"),
        gettext_noop("Bắt đầu báo cáo (%(period)s)"),
        gettext_noop("Bắt đầu báo cáo"),
    )

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.get_action_display()

    @property
    def detail_text(self) -> str:
        """The portal's own sentences translated; what a person typed (a cancellation's reason)
        as typed."""
        if self.action in (self.Action.TRANSFERRED, self.Action.REPORT_SAVED):
            return retranslate(self.detail, self.SYSTEM_DETAILS)
        return self.detail


class SponsorshipLog(ChoiceLabels, models.Model):
    """The history of what a province office decides in the portal: assignment decisions, the
    assignments they make, end and transfer, and agencies' member accounts, steering teams and
    former names."""

    class Action(models.TextChoices):
        DECISION = "decision", _("Ghi quyết định phân công")
        ASSIGNED = "assigned", _("Phân công")
        ENDED = "ended", _("Kết thúc phân công")
        TRANSFERRED = "transferred", _("Chuyển phân công")
        TEAM = "team", _("Ban chỉ đạo")
        NAME = "name", _("Tên cũ")
        MEMBER = "member", _("Tài khoản thành viên")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh")
    )
    decision = models.ForeignKey(
        AssignmentDecision,
        on_delete=models.PROTECT,
        related_name="log",
        null=True,
        blank=True,
        verbose_name=_("quyết định"),
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="log",
        null=True,
        blank=True,
        verbose_name=_("phân công"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="log",
        null=True,
        blank=True,
        verbose_name=_("cơ quan"),
    )
    action = models.CharField(max_length=12, choices=Action.choices, verbose_name=_("thao tác"))
    detail = models.TextField(blank=True, verbose_name=_("nội dung"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("lúc"))

    class Meta:
        verbose_name = _("nhật ký đỡ đầu, phụ trách")
        verbose_name_plural = _("nhật ký đỡ đầu, phụ trách")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%d/%m/%Y %H:%M})"

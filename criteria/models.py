"""The versioned criteria catalogue, and how communes and villages stand against it.

The catalogue is data (fixtures/criteria/*.json, editable in the admin): no criterion, indicator
or threshold is written in Python. Derived facts (an indicator met, a criterion met, the tally)
are computed by criteria/rules.py and stored by criteria/services.py, the only writer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, CommuneGroup, Province, Region, Village
from ntm_portal.choices import ChoiceLabels
from ntm_portal.rosters.registry import IMPORTED_FROM
from ntm_portal.text import format_number, lower_first, retranslate
from ntm_portal.uploads import StoredUpload, file_suffix

# How a yes/no indicator's answer is stored.
YES, NO = Decimal(1), Decimal(0)


class CriteriaSetQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> CriteriaSetQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)

    def newest_first(self) -> CriteriaSetQuerySet:
        """By period, the newest first: the set in force today heads a list."""
        return self.order_by("-valid_from", "level", "code")


class CriteriaSet(ChoiceLabels, models.Model):
    class Level(models.TextChoices):
        XA_NTM = "xa_ntm", _("Xã nông thôn mới")
        XA_NANG_CAO = "xa_nang_cao", _("Xã nông thôn mới nâng cao")
        XA_KIEU_MAU = "xa_kieu_mau", _("Xã nông thôn mới kiểu mẫu")
        THON = "thon", _("Thôn nông thôn mới")
        HUYEN = "huyen", _("Huyện nông thôn mới")

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    # Provincial sets (villages) apply in one province, named as in both editions.
    province_name = models.CharField(_("tỉnh ban hành"), max_length=100, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    needs_review = models.BooleanField(_("cần rà soát"), default=False)
    review_note = models.TextField(_("ghi chú rà soát"), blank=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering = ["-valid_from", "code"]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Criterion(ChoiceLabels, models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("bộ")
    )
    number = models.PositiveSmallIntegerField(_("số"))
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    group = models.CharField(_("nhóm"), max_length=100, blank=True)
    # The criteria whose failure, at 30–50% failed, puts a recognition at risk (docs/domain.md).
    revocation_key = models.BooleanField(_("tiêu chí then chốt khi xét thu hồi"), default=False)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="criterion_number_per_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Indicator(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Đạt/Chưa đạt")
        PERCENT = "percent", _("Tỷ lệ (%)")
        COUNT = "count", _("Số lượng")
        MONEY = "money", _("Tiền")
        AREA = "area", _("Diện tích")
        NUMBER = "number", _("Số")

    class Direction(models.TextChoices):
        AT_LEAST = "at_least", _("Tối thiểu (≥)")
        AT_MOST = "at_most", _("Tối đa (≤)")

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("tiêu chí")
    )
    number = models.CharField(_("số"), max_length=10)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("thứ tự"))
    name = models.TextField(_("tên"))
    kind = models.CharField(_("kiểu giá trị"), max_length=10, choices=Kind.choices)
    unit = models.CharField(_("đơn vị"), max_length=50, blank=True)
    direction = models.CharField(
        _("chiều"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    needs_review = models.BooleanField(_("cần rà soát"), default=False)
    review_note = models.TextField(_("ghi chú rà soát"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["criterion", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "number"], name="indicator_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_yes_no(self) -> bool:
        return self.kind == self.Kind.YES_NO

    def display_value(self, value: Decimal | None) -> str:
        """A value as pages and documents show it: "Đạt", "61,5 %", "45.000.000 đồng"."""
        return display_value(self.kind, self.unit, value)


def display_value(kind: str, unit: str, value: Decimal | None) -> str:
    """An indicator's value as pages, documents and the API show it, from the indicator's kind
    and unit alone (so plain rows need no Indicator object): "Đạt", "61,5 %", "45.000.000 đồng"."""
    if value is None:
        return "—"
    if kind == Indicator.Kind.YES_NO:
        return gettext("Đạt") if value == YES else gettext("Chưa đạt")
    return f"{format_number(value)} {unit}".strip()


class Threshold(ChoiceLabels, models.Model):
    """A threshold of an indicator, for all communes or only a region, a group or some years."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("chỉ tiêu")
    )
    value = models.DecimalField(_("ngưỡng"), max_digits=16, decimal_places=3)
    region = models.CharField(_("vùng"), max_length=30, choices=Region.choices, blank=True)
    commune_group = models.PositiveSmallIntegerField(
        _("nhóm xã"), choices=CommuneGroup.choices, null=True, blank=True
    )
    year_from = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)

    class Meta:
        verbose_name = _("ngưỡng")
        verbose_name_plural = _("ngưỡng")
        ordering = ["indicator", "region", "commune_group", "year_from"]

    def __str__(self) -> str:
        return f"{self.indicator.number}: {self.value}"


class EvaluationQuerySet(models.QuerySet):
    def of_communes(self) -> EvaluationQuerySet:
        return self.filter(village__isnull=True)

    def of_villages(self) -> EvaluationQuerySet:
        return self.filter(village__isnull=False)

    def approved(self) -> EvaluationQuerySet:
        return self.filter(status=Evaluation.Status.APPROVED)

    def latest_first(self) -> EvaluationQuerySet:
        return self.order_by("-period_end", "-half", "-pk")


class Evaluation(ChoiceLabels, models.Model):
    """How one commune (or one of its villages) stands against one set, for one period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang nhập")
        SUBMITTED = "submitted", _("Chờ thẩm định")
        RETURNED = "returned", _("Bị trả lại")
        APPROVED = "approved", _("Đã duyệt")

    class Half(models.IntegerChoices):
        WHOLE_YEAR = 0, _("Cả năm")
        FIRST = 1, _("6 tháng đầu năm")
        SECOND = 2, _("6 tháng cuối năm")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("xã")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="evaluations",
        null=True,
        blank=True,
        verbose_name=_("thôn"),
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("bộ")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    half = models.PositiveSmallIntegerField(_("kỳ"), choices=Half.choices, default=Half.WHOLE_YEAR)
    period_end = models.DateField(_("cuối kỳ"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Optimistic locking: every save states the version it started from.
    version = models.PositiveIntegerField(default=1, verbose_name=_("lần sửa"))
    met_count = models.PositiveSmallIntegerField(_("số tiêu chí đạt"), default=0)
    # Criteria neither met nor failed: values missing, or thresholds that need the commune group.
    undecided_count = models.PositiveSmallIntegerField(_("số tiêu chí chưa xác định"), default=0)
    criteria_count = models.PositiveSmallIntegerField(_("số tiêu chí"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("người gửi"),
    )
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("gửi lúc"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("người thẩm định"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("thẩm định lúc"))
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        ordering = ["-period_end", "-half", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "criteria_set", "year", "half"],
                condition=Q(village__isnull=True),
                name="one_commune_evaluation_per_period",
            ),
            models.UniqueConstraint(
                fields=["village", "criteria_set", "year", "half"],
                condition=Q(village__isnull=False),
                name="one_village_evaluation_per_period",
            ),
            models.CheckConstraint(
                condition=Q(met_count__lte=F("criteria_count")), name="tally_within_total"
            ),
            models.CheckConstraint(
                condition=Q(undecided_count__lte=F("criteria_count") - F("met_count")),
                name="undecided_within_total",
            ),
        ]
        indexes = [models.Index(fields=["status", "period_end"])]

    def __str__(self) -> str:
        subject = self.village or self.commune
        return f"{subject} – {self.period_label()}"

    def period_label(self) -> str:
        if self.half == self.Half.WHOLE_YEAR:
            return _("năm %(year)s") % {"year": self.year}
        return _("%(half)s %(year)s") % {"half": self.get_half_display(), "year": self.year}

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED

    @staticmethod
    def period_end_of(year: int, half: int) -> date:
        return date(year, 6, 30) if half == Evaluation.Half.FIRST else date(year, 12, 31)

    @property
    def reference_day(self) -> date:
        """The day whose commune group decides the thresholds: the end of the period."""
        return self.period_end


class IndicatorValue(ChoiceLabels, models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    # Yes/no values are stored as 1 (Đạt) and 0 (Chưa đạt).
    value = models.DecimalField(_("giá trị"), max_digits=16, decimal_places=3, null=True)
    note = models.TextField(_("ghi chú"), blank=True)
    met = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="one_value_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"

    @property
    def display(self) -> str:
        return self.indicator.display_value(self.value)


class CriterionResult(ChoiceLabels, models.Model):
    """A criterion's derived status in an evaluation, kept so lists and dashboards need no math."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="results")
    met = models.BooleanField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="one_result_per_criterion"
            )
        ]
        indexes = [models.Index(fields=["criterion", "met"])]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.met}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is not the user's: it is served only through the permission-checked view.
    return f"evidence/{instance.evaluation_id}/{instance.sha256[:16]}{file_suffix(filename)}"


class Evidence(StoredUpload):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    file = models.FileField(upload_to=evidence_path, max_length=200)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta(StoredUpload.Meta):
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")


class EvaluationLogQuerySet(models.QuerySet):
    def history(self) -> EvaluationLogQuerySet:
        """What happened to the evaluation. Refusals were once written here too; they belong to
        the security log, and the rows left from then are not part of the history."""
        return self.exclude(action=EvaluationLog.Action.REFUSED)


class EvaluationLog(ChoiceLabels, models.Model):
    """The audit history of an evaluation: every value change and every state change."""

    class Action(models.TextChoices):
        CREATED = "created", _("Tạo")
        VALUE_CHANGED = "value_changed", _("Sửa giá trị")
        SUBMITTED = "submitted", _("Gửi thẩm định")
        RETURNED = "returned", _("Trả lại")
        APPROVED = "approved", _("Duyệt")
        REOPENED = "reopened", _("Mở lại")
        EVIDENCE_ADDED = "evidence_added", _("Thêm minh chứng")
        # No longer written (see EvaluationLogQuerySet.history); kept for the rows of old.
        REFUSED = "refused", _("Bị từ chối")
        RECOMPUTED = "recomputed", _("Tính lại theo bộ tiêu chí")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="log", verbose_name=_("đánh giá")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("lúc"))
    action = models.CharField(max_length=20, choices=Action.choices, verbose_name=_("thao tác"))
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("chỉ tiêu"),
    )
    old_value = models.CharField(max_length=100, blank=True, verbose_name=_("giá trị cũ"))
    new_value = models.CharField(max_length=100, blank=True, verbose_name=_("giá trị mới"))
    reason = models.TextField(blank=True, verbose_name=_("lý do"))

    objects = EvaluationLogQuerySet.as_manager()

    # Reasons the portal writes itself (in Vietnamese), shown in the reader's language.
    SYSTEM_REASONS = (gettext_noop("Bắt đầu từ số liệu %(period)s"), IMPORTED_FROM)

    class Meta:
        verbose_name = _("nhật ký đánh giá")
        verbose_name_plural = _("nhật ký đánh giá")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%d/%m/%Y %H:%M})"

    @property
    def reason_text(self) -> str:
        """The reason as the reader reads it: the portal's own sentences translated, what a
        person typed (a return, a reopening) as typed."""
        if self.action in (self.Action.CREATED, self.Action.RECOMPUTED, self.Action.VALUE_CHANGED):
            return retranslate(self.reason, self.SYSTEM_REASONS)
        return self.reason


class RecognitionQuerySet(models.QuerySet):
    def in_force_on(self, day: date) -> RecognitionQuerySet:
        """Recognitions decided by that day and not revoked by then (`Recognition.is_in_force_on`
        says the same of one row already read)."""
        return self.filter(decision_date__lte=day).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
        )


class Recognition(ChoiceLabels, models.Model):
    """A decision recognising a commune (NTM, nâng cao, kiểu mẫu), and its revocation if any."""

    class Level(models.TextChoices):
        NTM = "ntm", _("Đạt chuẩn nông thôn mới")
        NANG_CAO = "nang_cao", _("Đạt chuẩn nông thôn mới nâng cao")
        KIEU_MAU = "kieu_mau", _("Đạt chuẩn nông thôn mới kiểu mẫu")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("xã")
    )
    level = models.CharField(_("mức"), max_length=10, choices=Level.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=50)
    decision_date = models.DateField(_("ngày quyết định"))
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    # As the decision was signed (blank for rows from before these fields, and for the cases'
    # decisions, whose issuer is their document's).
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("bộ tiêu chí"),
    )
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revocation_decision = models.CharField(_("quyết định thu hồi"), max_length=50, blank=True)

    class Source(models.TextChoices):
        PAPER = "paper", _("Nhập từ quyết định trên giấy")
        CASE = "case", _("Theo hồ sơ xét công nhận")
        INHERITED = "inherited", _("Quyết định kế thừa")

    # Who entered it, and how (rows from before these fields say nothing: blank).
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("người ghi"),
    )
    recorded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ghi lúc"))
    revocation_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("người ghi thu hồi"),
    )
    revocation_recorded_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("ghi thu hồi lúc")
    )

    objects = RecognitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("công nhận")
        verbose_name_plural = _("công nhận")
        ordering = ["-decision_date"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} – {self.decision_number}"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None

    def is_in_force_on(self, day: date) -> bool:
        """RecognitionQuerySet.in_force_on, for a row already read."""
        return self.decision_date <= day and (self.revoked_on is None or self.revoked_on > day)


class CommuneStanding(ChoiceLabels, models.Model):
    """The dashboards' summary table: one row per approved commune evaluation.

    Criteria are stored as bit masks (bit n: criterion number n), so a dashboard counts, for every
    criterion at once, the communes that meet it or not with one conditional aggregation, and a
    heat map row needs no join. Written only by criteria.standings.standings_refresh, called by
    the services that approve, reopen or recompute an evaluation, and by beat for what changes
    elsewhere (recognitions entered in the admin).
    """

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="standings")
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="+")
    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField(choices=Evaluation.Half.choices)
    period_end = models.DateField()
    met_count = models.PositiveSmallIntegerField()
    criteria_count = models.PositiveSmallIntegerField()
    all_met = models.BooleanField()
    met_mask = models.BigIntegerField(default=0)
    unmet_mask = models.BigIntegerField(default=0)
    # The latest approved evaluation of the commune against the set: "where it stands now".
    is_latest = models.BooleanField()
    # Recognised at the period's end, and at risk of revocation by criteria.rules.revocation_risk.
    at_risk = models.BooleanField(default=False)
    risk_reason = models.CharField(max_length=300, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["criteria_set", "is_latest", "commune"]),
            models.Index(fields=["criteria_set", "year", "half"]),
            models.Index(fields=["commune", "criteria_set"]),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id}/{self.criteria_set_id} {self.year}-{self.half}"

    @staticmethod
    def bit(criterion_number: int) -> int:
        return 1 << criterion_number

    def state_of(self, criterion_number: int) -> bool | None:
        """Met, not met, or undecided (no value) in this evaluation."""
        bit = self.bit(criterion_number)
        if self.met_mask & bit:
            return True
        if self.unmet_mask & bit:
            return False
        return None


class CommuneSummary(ChoiceLabels, models.Model):
    """Per commune: its highest active recognition and its villages met (summary table)."""

    commune = models.OneToOneField(
        Commune, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    recognition_level = models.CharField(
        max_length=10, choices=Recognition.Level.choices, blank=True
    )
    villages_total = models.PositiveIntegerField(default=0)
    villages_met = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.recognition_level or '-'}"


class CommuneGroupDecision(ChoiceLabels, models.Model):
    """A decision of a province setting the commune group (QĐ 51/2025/QĐ-TTg) of some of its xã,
    from a given day. Recorded by criteria.services.commune_groups_decide, never edited: a
    correction is a new decision."""

    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="group_decisions",
        verbose_name=_("tỉnh"),
    )
    number = models.CharField(_("số quyết định"), max_length=50)
    date = models.DateField(_("ngày quyết định"))
    applies_from = models.DateField(_("áp dụng từ ngày"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("tạo lúc"))

    class Meta:
        verbose_name = _("quyết định phân nhóm xã")
        verbose_name_plural = _("quyết định phân nhóm xã")
        ordering = ["-applies_from", "-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "number", "date"], name="group_decision_once"
            )
        ]

    def __str__(self) -> str:
        return gettext("Quyết định số %(number)s ngày %(date)s") % {
            "number": self.number,
            "date": f"{self.date:%d/%m/%Y}",
        }


class CommuneGroupSetting(ChoiceLabels, models.Model):
    """The group one decision sets for one xã."""

    decision = models.ForeignKey(
        CommuneGroupDecision,
        on_delete=models.CASCADE,
        related_name="settings",
        verbose_name=_("quyết định"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="group_settings", verbose_name=_("xã")
    )
    group = models.PositiveSmallIntegerField(_("nhóm xã"), choices=CommuneGroup.choices)

    class Meta:
        verbose_name = _("nhóm xã")
        verbose_name_plural = _("nhóm xã")
        constraints = [
            models.UniqueConstraint(fields=["decision", "commune"], name="one_group_per_decision")
        ]
        indexes = [models.Index(fields=["commune", "decision"], name="group_setting_by_commune")]

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.group}"


class InheritanceRule(ChoiceLabels, models.Model):
    """What a commune formed on 01/07/2025 inherits of its predecessors' recognition: a rule kept
    as data (marked needs review until a national guideline settles it), never assumed in code.

    A 2025 commune is proposed the highest `level` whose rule it meets: at least `share_percent`
    of its predecessors recognised at that level or above on 30/06/2025, and, with `whole_only`,
    every predecessor merged into it wholly. The proposal reads "kế thừa"; the province confirms
    or replaces it by a decision (`InheritanceDecision`).
    """

    level = models.CharField(
        _("mức kế thừa"), max_length=10, choices=Recognition.Level.choices, unique=True
    )
    share_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ xã cũ đạt chuẩn tối thiểu (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    whole_only = models.BooleanField(_("chỉ khi mọi xã cũ nhập toàn bộ"), default=True)
    needs_review = models.BooleanField(_("cần rà soát"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quy tắc kế thừa công nhận")
        verbose_name_plural = _("quy tắc kế thừa công nhận")

    def __str__(self) -> str:
        return f"{self.get_level_display()} ≥ {self.share_percent}%"


class InheritanceDecision(ChoiceLabels, models.Model):
    """The province's decision on what a 2025 commune inherits: the proposal confirmed, or
    replaced by another level (or none). A level decided becomes the commune's `Recognition`."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Xác nhận kế thừa")
        REPLACED = "replaced", _("Quyết định khác đề xuất")

    commune = models.OneToOneField(
        Commune, on_delete=models.PROTECT, related_name="inheritance_decision"
    )
    proposed_level = models.CharField(
        _("mức đề xuất"), max_length=10, choices=Recognition.Level.choices, blank=True
    )
    level = models.CharField(
        _("mức quyết định"), max_length=10, choices=Recognition.Level.choices, blank=True
    )
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=50)
    decision_date = models.DateField(_("ngày quyết định"))
    reason = models.TextField(_("lý do"), blank=True)
    recognition = models.OneToOneField(
        Recognition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định kế thừa công nhận")
        verbose_name_plural = _("quyết định kế thừa công nhận")

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.get_outcome_display()} – {self.decision_number}"


# --- Recognition cases (QĐ 18/2022/QĐ-TTg) ------------------------------------------------------


class RecognitionProcedureQuerySet(models.QuerySet):
    def valid_on(self, day: date) -> RecognitionProcedureQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class RecognitionProcedure(ChoiceLabels, models.Model):
    """How a commune is recognised (or its recognition revoked) in a period: the steps of QĐ
    18/2022/QĐ-TTg in order, who acts on each, how long each may take, and the conditions'
    thresholds. Data, editable in the admin, because the rules of 2026–2030 may differ and
    districts no longer review after 30/06/2025: each period has its own list of steps."""

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300)
    # How documents cite it after its number: "ban hành Quy định điều kiện, trình tự, …".
    legal_subject = models.CharField(_("trích yếu văn bản căn cứ"), max_length=500, blank=True)
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    # The results are posted publicly for comments at least this many days (QĐ 18, Điều 7).
    posting_days = models.PositiveSmallIntegerField(
        _("số ngày công khai lấy ý kiến tối thiểu"),
        default=15,
        validators=[MaxValueValidator(365)],
    )
    # The appraisal council passes a case with at least this share of its members for it.
    council_approval_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ thành viên hội đồng đồng ý tối thiểu (%)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    needs_review = models.BooleanField(_("cần rà soát"), default=True)
    review_note = models.TextField(_("ghi chú rà soát"), blank=True)

    objects = RecognitionProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("quy trình xét công nhận")
        verbose_name_plural = _("quy trình xét công nhận")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name


class RecognitionStep(ChoiceLabels, models.Model):
    """One step of a procedure. What each kind of step records is fixed (the case's fields);
    their order, names, who acts and the time allowed are the procedure's data."""

    class Kind(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá, đề nghị")
        REVIEW = "review", _("Thẩm tra")
        APPRAISAL = "appraisal", _("Thẩm định")
        DECISION = "decision", _("Quyết định")

    class Actor(models.TextChoices):
        COMMUNE = "commune", _("UBND xã")
        DISTRICT = "district", _("UBND huyện")
        PROVINCE = "province", _("UBND tỉnh, sở ngành chủ trì")

    procedure = models.ForeignKey(
        RecognitionProcedure, on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    kind = models.CharField(_("loại bước"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên bước"), max_length=200)
    actor = models.CharField(_("cấp thực hiện"), max_length=10, choices=Actor.choices)
    days_allowed = models.PositiveSmallIntegerField(
        _("số ngày tối đa"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_("Để trống: không giới hạn."),
    )

    class Meta:
        verbose_name = _("bước xét công nhận")
        verbose_name_plural = _("bước xét công nhận")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="step_position_once"),
            models.UniqueConstraint(fields=["procedure", "kind"], name="step_kind_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class RecognitionRequirement(ChoiceLabels, models.Model):
    """The thresholds of a procedure's conditions for one level (resident satisfaction)."""

    procedure = models.ForeignKey(
        RecognitionProcedure, on_delete=models.CASCADE, related_name="requirements"
    )
    level = models.CharField(_("mức"), max_length=10, choices=Recognition.Level.choices)
    satisfaction_percent = models.DecimalField(
        _("tỷ lệ người dân hài lòng tối thiểu (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    needs_review = models.BooleanField(_("cần rà soát"), default=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("điều kiện xét công nhận")
        verbose_name_plural = _("điều kiện xét công nhận")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "level"], name="requirement_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ≥ {self.satisfaction_percent}%"


class RecognitionCaseQuerySet(models.QuerySet):
    def open(self) -> RecognitionCaseQuerySet:
        return self.filter(status__in=RecognitionCase.OPEN_STATUSES)

    def overdue_on(self, day: date) -> RecognitionCaseQuerySet:
        """Open cases past their step's time, or whose year has ended undecided."""
        return self.open().filter(Q(step_due__lt=day) | Q(year__lt=day.year))


class RecognitionCase(ChoiceLabels, models.Model):
    """A recognition dossier (hồ sơ xét công nhận) of one commune for a level and a year — or a
    revocation case for a recognised commune at risk — moving through its procedure's steps.
    Written only by criteria/recognition.py, which records every change in its history."""

    class Kind(models.TextChoices):
        RECOGNITION = "recognition", _("Xét công nhận")
        REVOCATION = "revocation", _("Xét thu hồi công nhận")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Xã đang lập hồ sơ")
        RETURNED = "returned", _("Trả lại xã")
        IN_PROGRESS = "in_progress", _("Đang xét")
        DECIDED = "decided", _("Đã có quyết định")

    OPEN_STATUSES = (Status.DRAFT, Status.RETURNED, Status.IN_PROGRESS)

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="recognition_cases", verbose_name=_("xã")
    )
    kind = models.CharField(
        _("loại hồ sơ"), max_length=12, choices=Kind.choices, default=Kind.RECOGNITION
    )
    level = models.CharField(_("mức"), max_length=10, choices=Recognition.Level.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    procedure = models.ForeignKey(
        RecognitionProcedure, on_delete=models.PROTECT, related_name="cases"
    )
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="recognition_cases"
    )
    # Recognition: the one the decision made. Revocation: the one being revoked.
    recognition = models.ForeignKey(
        Recognition, on_delete=models.PROTECT, related_name="cases", null=True, blank=True
    )
    step = models.ForeignKey(RecognitionStep, on_delete=models.PROTECT, related_name="cases")
    step_since = models.DateTimeField(_("ở bước này từ"))
    step_due = models.DateField(_("hạn của bước"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    review_round = models.PositiveSmallIntegerField(default=0)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)

    # 1. Self-assessment by the UBND xã.
    satisfaction_percent = models.DecimalField(
        _("tỷ lệ người dân hài lòng (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    satisfaction_surveyed_on = models.DateField(
        _("ngày khảo sát sự hài lòng"), null=True, blank=True
    )
    debt_vnd = models.DecimalField(
        _("nợ đọng xây dựng cơ bản (đồng)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    security_stable = models.BooleanField(
        _("an ninh, trật tự ổn định, không có khiếu kiện đông người kéo dài"), null=True
    )
    security_note = models.TextField(_("ghi chú về an ninh, trật tự"), blank=True)
    posted_from = models.DateField(_("công khai lấy ý kiến từ ngày"), null=True, blank=True)
    posted_to = models.DateField(_("đến ngày"), null=True, blank=True)
    posted_where = models.CharField(_("nơi công khai"), max_length=300, blank=True)
    comments_count = models.PositiveIntegerField(_("số ý kiến nhận được"), null=True, blank=True)
    comments_summary = models.TextField(_("tổng hợp ý kiến tham gia"), blank=True)
    meeting_on = models.DateField(_("ngày họp UBND xã đề nghị"), null=True, blank=True)
    meeting_participants = models.TextField(_("thành phần cuộc họp xã"), blank=True)

    # 3. Appraisal by the lead provincial department and its council.
    lead_department = models.CharField(_("sở, ngành chủ trì thẩm định"), max_length=200, blank=True)
    council_met_on = models.DateField(_("ngày họp hội đồng thẩm định"), null=True, blank=True)
    council_members = models.TextField(_("thành viên hội đồng dự họp"), blank=True)
    council_size = models.PositiveSmallIntegerField(
        _("số thành viên dự họp"), null=True, blank=True
    )
    votes_for = models.PositiveSmallIntegerField(_("số phiếu đồng ý"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(
        _("số phiếu không đồng ý"), null=True, blank=True
    )
    appraisal_conclusion = models.TextField(_("kết luận của hội đồng"), blank=True)

    # 4. Decision by the Chairman of UBND tỉnh.
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký"), max_length=200, blank=True)
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    published_where = models.CharField(_("nơi công bố"), max_length=200, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = RecognitionCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ xét công nhận")
        verbose_name_plural = _("hồ sơ xét công nhận")
        ordering = ["-year", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "kind", "level", "year"], name="one_case_per_level_and_year"
            )
        ]
        indexes = [models.Index(fields=["status", "step"], name="case_by_status_step")]

    def __str__(self) -> str:
        return gettext("%(kind)s %(commune)s – %(level)s năm %(year)s") % {
            "kind": self.get_kind_display(),
            "commune": self.commune,
            "level": lower_first(self.get_level_display()),
            "year": self.year,
        }

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_revocation(self) -> bool:
        return self.kind == self.Kind.REVOCATION


class RecognitionCriterionCheck(ChoiceLabels, models.Model):
    """The review of one criterion of a case, in one round: confirmed, or returned with a reason
    (and the commune's answer to it before the next round)."""

    case = models.ForeignKey(RecognitionCase, on_delete=models.CASCADE, related_name="checks")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField()
    confirmed = models.BooleanField()
    reason = models.TextField(_("lý do trả lại"), blank=True)
    response = models.TextField(_("giải trình của xã"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "criterion", "round"], name="one_check_per_criterion_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.criterion_id}#{self.round}: {self.confirmed}"


class RecognitionCaseLog(ChoiceLabels, models.Model):
    """The history of a case: every change of its data and every step, who and when."""

    class Action(models.TextChoices):
        OPENED = "opened", _("Mở hồ sơ")
        SAVED = "saved", _("Cập nhật tự đánh giá")
        RESPONDED = "responded", _("Giải trình tiêu chí bị trả lại")
        SUBMITTED = "submitted", _("Gửi hồ sơ")
        REVIEWED = "reviewed", _("Thẩm tra đạt")
        RETURNED = "returned", _("Trả lại xã")
        APPRAISED = "appraised", _("Thẩm định")
        DECIDED = "decided", _("Quyết định")
        ATTACHED = "attached", _("Thêm tệp")
        DOCUMENT = "document", _("Văn bản của hồ sơ")

    case = models.ForeignKey(RecognitionCase, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    step = models.ForeignKey(
        RecognitionStep, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%d/%m/%Y %H:%M})"


def case_attachment_path(instance: RecognitionAttachment, filename: str) -> str:
    return f"recognition/{instance.case_id}/{instance.sha256[:16]}{file_suffix(filename)}"


class RecognitionAttachment(StoredUpload):
    """A photo, a scanned signed page or another file of a case, served only through the
    permission-checked view."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Ảnh")
        SIGNED_SCAN = "signed_scan", _("Bản chụp văn bản đã ký")
        OTHER = "other", _("Tài liệu khác")

    case = models.ForeignKey(RecognitionCase, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(
        RecognitionStep, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    kind = models.CharField(_("loại tệp"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(upload_to=case_attachment_path, max_length=200)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta(StoredUpload.Meta):
        verbose_name = _("tệp của hồ sơ")
        verbose_name_plural = _("tệp của hồ sơ")

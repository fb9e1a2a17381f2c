"""Forms of the criteria pages that are more than a list of values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ntm_portal.limits import YEAR_MAX, YEAR_MIN
from ntm_portal.text import nfc, nfc_values, parse_decimal

from .models import Recognition, RecognitionCase

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# As officials write dates, on every phone: a native date picker shows the browser's order.
DAY_INPUT = forms.DateInput(
    format="%d/%m/%Y", attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"}
)


class GroupDecisionForm(forms.Form):
    """The heading of a province's decision on commune groups; the group of each xã is posted
    beside it as `group_<xã id>` and checked by criteria.services.commune_groups_check."""

    number = forms.CharField(
        label=_("Số quyết định"),
        max_length=50,
        error_messages={"required": _("Số quyết định: không được để trống.")},
    )
    date = forms.DateField(
        label=_("Ngày quyết định"),
        input_formats=DATE_FORMATS,
        widget=DAY_INPUT,
        error_messages={
            "required": _("Ngày quyết định: không được để trống (dd/mm/yyyy)."),
            "invalid": _("Ngày quyết định: ngày không hợp lệ, ghi theo dạng dd/mm/yyyy."),
        },
    )
    applies_from = forms.DateField(
        label=_("Áp dụng từ ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DAY_INPUT,
        help_text=_("Để trống: áp dụng từ ngày quyết định."),
        error_messages={
            "invalid": _("Áp dụng từ ngày: ngày không hợp lệ, ghi theo dạng dd/mm/yyyy."),
        },
    )
    issuer = forms.CharField(
        label=_("Cơ quan ban hành"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Cơ quan ban hành: tối đa 200 ký tự.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].error_messages["max_length"] = _("Số quyết định: tối đa 50 ký tự.")

    def clean_number(self) -> str:
        number = nfc(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError(self.fields["number"].error_messages["required"])
        return number

    def clean_issuer(self) -> str:
        return nfc(self.cleaned_data["issuer"])


# --- Recognition cases (QĐ 18/2022/QĐ-TTg) ------------------------------------------------------


def _day(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DAY_INPUT,
        error_messages={
            "required": _("Ghi ngày theo dạng dd/mm/yyyy."),
            "invalid": _("Ngày không hợp lệ, ghi theo dạng dd/mm/yyyy (ví dụ 15/08/2026)."),
        },
    )


def _text(label, max_length: int, *, rows: int = 0, required: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        error_messages={
            "max_length": _("Tối đa %(limit_value)s ký tự."),
            "required": _("Không được để trống."),
        },
    )


def _count(label, maximum: int, *, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=maximum,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Ghi một số nguyên."),
            "min_value": _("Không được là số âm."),
            "max_value": _("Tối đa %(limit_value)s."),
            "required": _("Không được để trống."),
        },
    )


class DecimalText(forms.CharField):
    """A number as officials type it ("95,5", "0", "1.250.000"), read by ntm_portal.text."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_decimal(text)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” không phải là số (ví dụ 95,5).") % {"value": text[:30]}
            ) from None


class CaseOpenForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Loại hồ sơ"), choices=RecognitionCase.Kind.choices, initial="recognition"
    )
    level = forms.ChoiceField(
        label=_("Mức công nhận"), choices=Recognition.Level.choices, required=False
    )
    year = forms.IntegerField(
        label=_("Năm xét"),
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Ghi năm bằng 4 chữ số."),
            "min_value": _("Năm từ %(limit_value)s."),
            "max_value": _("Năm đến %(limit_value)s."),
            "required": _("Không được để trống."),
        },
    )


SECURITY_CHOICES = [
    ("", _("— chọn —")),
    ("1", _("Ổn định, không có khiếu kiện đông người kéo dài")),
    ("0", _("Chưa ổn định (có khiếu kiện đông người kéo dài)")),
]


class CaseAssessmentForm(forms.Form):
    """The commune's self-assessment; the rules (thresholds, posting days) are the service's."""

    satisfaction_percent = DecimalText(label=_("Tỷ lệ người dân hài lòng (%)"))
    satisfaction_surveyed_on = _day(_("Ngày khảo sát sự hài lòng"))
    debt_vnd = DecimalText(
        label=_("Nợ đọng xây dựng cơ bản (đồng)"), help_text=_("Ghi 0 nếu không còn nợ.")
    )
    security_stable = forms.ChoiceField(
        label=_("An ninh, trật tự"), choices=SECURITY_CHOICES, required=False
    )
    security_note = _text(_("Ghi chú về an ninh, trật tự"), 2000, rows=2)
    posted_from = _day(_("Công khai lấy ý kiến từ ngày"))
    posted_to = _day(_("Công khai lấy ý kiến đến ngày"))
    posted_where = _text(_("Nơi công khai"), 300)
    comments_count = _count(_("Số ý kiến nhận được"), 1_000_000)
    comments_summary = _text(_("Tổng hợp ý kiến tham gia"), 8000, rows=3)
    meeting_on = _day(_("Ngày họp UBND xã đề nghị xét công nhận"))
    meeting_participants = _text(_("Thành phần cuộc họp xã"), 4000, rows=2)

    def clean_security_stable(self) -> bool | None:
        return {"1": True, "0": False}.get(self.cleaned_data.get("security_stable") or "")

    def clean(self):
        return nfc_values(super().clean())

    @classmethod
    def initial_of(cls, case: RecognitionCase) -> dict:
        initial = {name: getattr(case, name) for name in cls.base_fields}
        stable = case.security_stable
        initial["security_stable"] = "" if stable is None else "1" if stable else "0"
        for name in ("satisfaction_percent", "debt_vnd"):
            value = initial[name]
            initial[name] = "" if value is None else f"{value.normalize():f}".replace(".", ",")
        return initial


class CaseAppraisalForm(forms.Form):
    lead_department = _text(_("Sở, ngành chủ trì thẩm định"), 200, required=True)
    council_met_on = _day(_("Ngày họp hội đồng thẩm định"), required=True)
    council_members = _text(
        _("Thành viên hội đồng dự họp (mỗi dòng một người)"), 8000, rows=4, required=True
    )
    council_size = _count(_("Số thành viên dự họp"), 200, required=True)
    votes_for = _count(_("Số phiếu đồng ý"), 200, required=True)
    votes_against = _count(_("Số phiếu không đồng ý"), 200, required=True)
    appraisal_conclusion = _text(_("Kết luận của hội đồng"), 8000, rows=3)


class RecognitionRecordForm(forms.Form):
    """A recognition decided on paper (past years), entered by the province's office."""

    commune = forms.TypedChoiceField(label=_("Xã"), coerce=int, choices=())
    level = forms.ChoiceField(label=_("Mức công nhận"), choices=Recognition.Level.choices)
    decision_number = _text(_("Số quyết định"), 50)
    decision_date = _day(_("Ngày quyết định"), required=True)
    signer = _text(_("Người ký"), 200)

    def __init__(self, *args, communes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("— chọn xã —")), *communes]
        self.fields["commune"].error_messages["invalid_choice"] = _(
            "Chọn một xã trong danh sách của tỉnh."
        )


class RevocationRecordForm(forms.Form):
    recognition = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    revocation_number = _text(_("Số quyết định thu hồi"), 50)
    revoked_on = _day(_("Ngày thu hồi"), required=True)

"""Forms of the province office's sponsorship pages: every error names its field, in Vietnamese."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.models import Recognition
from ntm_portal.limits import YEAR_MAX, YEAR_MIN

from .models import Assignment

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DAY_INPUT = forms.DateInput(
    format="%d/%m/%Y", attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"}
)


def day(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DAY_INPUT,
        help_text=help_text,
        error_messages={
            "required": _("%(field)s: không được để trống (dd/mm/yyyy).") % {"field": label},
            "invalid": _("%(field)s: ngày không hợp lệ, ghi theo dạng dd/mm/yyyy.")
            % {"field": label},
        },
    )


def text(label, max_length: int, *, required: bool = True, widget=None) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        error_messages={
            "required": _("%(field)s: không được để trống.") % {"field": label},
            "max_length": _("%(field)s: tối đa %(max)s ký tự.")
            % {"field": label, "max": max_length},
        },
    )


def choice(label, choices=(), *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        error_messages={
            "required": _("%(field)s: hãy chọn một mục.") % {"field": label},
            "invalid_choice": _("%(field)s: hãy chọn một mục trong danh sách.") % {"field": label},
        },
    )


class DecisionForm(forms.Form):
    number = text(_("Số quyết định"), 50)
    date = day(_("Ngày quyết định"))
    issuer = text(_("Cơ quan ban hành"), 200)
    subject = text(_("Trích yếu"), 300, required=False)


class AssignmentForm(forms.Form):
    agency = choice(_("Cơ quan"))
    commune = choice(_("Xã"))
    kind = choice(_("Hình thức"), Assignment.Kind.choices)
    start = day(_("Từ ngày"))
    end = day(_("Đến ngày"), required=False, help_text=_("Để trống: chưa kết thúc."))
    target_level = choice(_("Mục tiêu"), [("", "—"), *Recognition.Level.choices], required=False)
    target_year = forms.IntegerField(
        label=_("Năm đạt mục tiêu"),
        required=False,
        min_value=YEAR_MIN,
        max_value=YEAR_MAX,
        error_messages={
            "invalid": _("Năm đạt mục tiêu: ghi một năm, ví dụ 2027."),
            "min_value": _("Năm đạt mục tiêu: từ %(min)s đến %(max)s.")
            % {"min": YEAR_MIN, "max": YEAR_MAX},
            "max_value": _("Năm đạt mục tiêu: từ %(min)s đến %(max)s.")
            % {"min": YEAR_MIN, "max": YEAR_MAX},
        },
    )
    notes = text(_("Ghi chú"), 2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=(), communes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—"), *agencies]
        self.fields["commune"].choices = [("", "—"), *communes]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Đến ngày: phải sau ngày bắt đầu."))
        return data


class EndForm(forms.Form):
    end = day(_("Đến ngày"))
    reason = text(_("Lý do"), 300)


class TransferForm(forms.Form):
    agency = choice(_("Cơ quan nhận"))
    on = day(_("Từ ngày"))
    decision = choice(_("Quyết định"))

    def __init__(self, *args, agencies=(), decisions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—"), *agencies]
        self.fields["decision"].choices = [("", "—"), *decisions]


class SteeringMemberForm(forms.Form):
    full_name = text(_("Họ tên"), 100)
    position = text(_("Chức vụ"), 100, required=False)
    team_role = text(_("Nhiệm vụ trong ban"), 100, required=False)
    is_head = forms.BooleanField(label=_("Trưởng ban"), required=False)


class FormerNameForm(forms.Form):
    name = text(_("Tên cũ"), 200)
    short_name = text(_("Tên viết tắt"), 50, required=False)
    valid_from = day(_("Từ ngày"), required=False)
    valid_to = day(_("Đến ngày"))

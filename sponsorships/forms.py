"""Forms of the province office's sponsorship pages: every error names its field, in Vietnamese."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from criteria.models import Recognition
from ntm_portal.limits import YEAR_MAX, YEAR_MIN, day_in_range
from ntm_portal.text import nfc_values

from .models import Assignment

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DAY_INPUT = forms.DateInput(
    format="%d/%m/%Y", attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"}
)


class DayField(forms.DateField):
    """dd/mm/yyyy, in the years the portal accepts (ntm_portal.limits)."""

    def clean(self, value):
        day = super().clean(value)
        if day is not None and not day_in_range(day):
            raise forms.ValidationError(
                gettext("%(field)s: năm phải từ %(first)s đến %(last)s.")
                % {"field": self.label, "first": YEAR_MIN, "last": YEAR_MAX}
            )
        return day


def day(label, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return DayField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DAY_INPUT,
        help_text=help_text,
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
    )


class NamedForm(forms.Form):
    """Every error names its field, in the language of the request; text comes out in NFC
    (a name typed on a phone's keyboard is often decomposed), multi-line text only trimmed."""

    def clean(self) -> dict:
        return nfc_values(super().clean())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            named = {"field": field.label}
            field.error_messages["required"] = (
                gettext("%(field)s: không được để trống (dd/mm/yyyy).") % named
                if isinstance(field, forms.DateField)
                else gettext("%(field)s: hãy chọn một mục.") % named
                if isinstance(field, forms.ChoiceField)
                else gettext("%(field)s: không được để trống.") % named
            )
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = (
                    gettext("%(field)s: ngày không hợp lệ, ghi theo dạng dd/mm/yyyy.") % named
                )
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = (
                    gettext("%(field)s: hãy chọn một mục trong danh sách.") % named
                )
            if isinstance(field, forms.CharField) and field.max_length:
                # A validator of its own: the field's list is shared with the class's field.
                message = gettext("%(field)s: tối đa %(max)s ký tự.") % {
                    **named,
                    "max": field.max_length,
                }
                field.validators = [
                    MaxLengthValidator(field.max_length, message=message)
                    if isinstance(validator, MaxLengthValidator)
                    else validator
                    for validator in field.validators
                ]


class DecisionForm(NamedForm):
    number = text(_("Số quyết định"), 50)
    date = day(_("Ngày quyết định"))
    issuer = text(_("Cơ quan ban hành"), 200)
    subject = text(_("Trích yếu"), 300, required=False)


class AssignmentForm(NamedForm):
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
    )
    notes = text(_("Ghi chú"), 2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=(), communes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—"), *agencies]
        self.fields["commune"].choices = [("", "—"), *communes]
        # Made per request: in the language of the request, not of the import.
        out_of_range = gettext("Năm đạt mục tiêu: từ %(min)s đến %(max)s.") % {
            "min": YEAR_MIN,
            "max": YEAR_MAX,
        }
        self.fields["target_year"].error_messages.update(
            invalid=gettext("Năm đạt mục tiêu: ghi một năm, ví dụ 2027."),
            min_value=out_of_range,
            max_value=out_of_range,
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Đến ngày: phải sau ngày bắt đầu."))
        return data


class EndForm(NamedForm):
    end = day(_("Đến ngày"))
    reason = text(_("Lý do"), 300)


class TransferForm(NamedForm):
    agency = choice(_("Cơ quan nhận"))
    on = day(_("Từ ngày"))
    decision = choice(_("Quyết định"))

    def __init__(self, *args, agencies=(), decisions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "—"), *agencies]
        self.fields["decision"].choices = [("", "—"), *decisions]


class SteeringMemberForm(NamedForm):
    full_name = text(_("Họ tên"), 100)
    position = text(_("Chức vụ"), 100, required=False)
    team_role = text(_("Nhiệm vụ trong ban"), 100, required=False)
    is_head = forms.BooleanField(label=_("Trưởng ban"), required=False)


class AgencyMemberForm(NamedForm):
    username = text(
        _("Tên đăng nhập"),
        150,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
    )
    full_name = text(_("Họ tên"), 150)
    # The address is checked by the service (one rule with the users roster): a phone's keyboard
    # for addresses, nothing refused by the browser first.
    email = text(_("Email"), 254, widget=forms.TextInput(attrs={"inputmode": "email"}))


class FormerNameForm(NamedForm):
    name = text(_("Tên cũ"), 200)
    short_name = text(_("Tên viết tắt"), 50, required=False)
    valid_from = day(_("Từ ngày"), required=False)
    valid_to = day(_("Đến ngày"))

"""Forms of the criteria pages that are more than a list of values."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ntm_portal.text import nfc

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

from django import forms
from django.utils.translation import gettext_lazy as _

from ntm_portal.limits import decimal_fits
from ntm_portal.text import nfc, parse_decimal

from . import issuers
from .content import default_narrative
from .models import Document, PlanTarget

LINES_HELP = _("Mỗi dòng một ý.")


class NarrativeForm(forms.Form):
    """The sections a user may rewrite; everything else comes from the portal's data."""

    parent_body = forms.CharField(label=_("Cơ quan chủ quản"), max_length=200, required=False)
    place = forms.CharField(label=_("Địa danh"), max_length=100)
    subject = forms.CharField(label=_("Trích yếu"), max_length=300)
    bases = forms.CharField(
        label=_("Căn cứ"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=5000,
    )
    purposes = forms.CharField(
        label=_("Mục đích, yêu cầu"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=LINES_HELP,
        max_length=5000,
    )
    tasks = forms.CharField(
        label=_("Nhiệm vụ và giải pháp"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=LINES_HELP,
        max_length=5000,
    )
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=5000,
    )
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một dòng của khối chữ ký, ví dụ: TM. Ủy ban nhân dân / Chủ tịch."),
        max_length=200,
        required=False,
    )
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=100, required=False)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=2000,
    )

    LIST_FIELDS = ("bases", "purposes", "tasks", "difficulties", "recipients")

    def __init__(self, *args, document: Document, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the sections this kind of document has.
        sections = defaults_of(document)
        for name in list(self.fields):
            if name not in sections:
                del self.fields[name]

    def narrative(self) -> dict:
        data = {name: nfc(value) for name, value in self.cleaned_data.items()}
        for name in self.LIST_FIELDS:
            if name in self.cleaned_data:
                data[name] = [
                    nfc(line) for line in self.cleaned_data[name].splitlines() if line.strip()
                ]
        if "signer_title" in self.cleaned_data:
            lines = self.cleaned_data["signer_title"].splitlines()
            data["signer_title"] = "\n".join(nfc(line) for line in lines if line.strip())
        return data


def defaults_of(document: Document) -> dict:
    return default_narrative(issuers.of_document(document), document.kind, year=document.year)


def narrative_initial(document: Document) -> dict:
    narrative = {**defaults_of(document), **document.narrative}
    return {
        name: "\n".join(value) if isinstance(value, list) else value
        for name, value in narrative.items()
        if name in NarrativeForm.base_fields
    }


class PlanTargetForm(forms.ModelForm):
    """A year's target; numbers as officials type them ("61,5")."""

    target = forms.CharField(label=_("Chỉ tiêu"), max_length=30)
    actual = forms.CharField(
        label=_("Kết quả (chỉ với chỉ tiêu khác)"), max_length=30, required=False
    )

    class Meta:
        model = PlanTarget
        fields = ["year", "measure", "label", "target", "unit", "actual"]

    def _number(self, name: str):
        raw = self.cleaned_data.get(name, "")
        if not raw and name == "actual":
            return None
        try:
            value = parse_decimal(raw)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” không phải là số (ví dụ: 61,5).") % {"value": raw}
            ) from None
        column = PlanTarget._meta.get_field(name)
        if not decimal_fits(
            value, max_digits=column.max_digits, decimal_places=column.decimal_places
        ):
            raise forms.ValidationError(
                _("Số quá lớn hoặc quá nhiều chữ số thập phân (tối đa %(places)s).")
                % {"places": column.decimal_places}
            )
        return value

    def clean_target(self):
        return self._number("target")

    def clean_actual(self):
        return self._number("actual")

    def clean_label(self):
        return nfc(self.cleaned_data["label"])

    def clean_unit(self):
        return nfc(self.cleaned_data["unit"])

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2010 <= year <= 2100:
            raise forms.ValidationError(_("Năm phải từ 2010 đến 2100."))
        return year

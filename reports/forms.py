from django import forms
from django.utils.translation import gettext_lazy as _

from communes.text import nfc

from .content import default_narrative
from .models import Document

LINES_HELP = _("Mỗi dòng một ý.")


class NarrativeForm(forms.Form):
    """The sections a user may rewrite; everything else comes from the portal's data."""

    parent_body = forms.CharField(label=_("Cơ quan chủ quản"), max_length=200)
    place = forms.CharField(label=_("Địa danh"), max_length=100)
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
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)
    signer_name = forms.CharField(label=_("Họ tên người ký"), max_length=100, required=False)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=2000,
    )

    LIST_FIELDS = ("purposes", "tasks", "recipients")

    def narrative(self) -> dict:
        data = {name: nfc(value) for name, value in self.cleaned_data.items()}
        for name in self.LIST_FIELDS:
            data[name] = [
                nfc(line) for line in self.cleaned_data[name].splitlines() if line.strip()
            ]
        return data


def narrative_initial(document: Document) -> dict:
    narrative = {**default_narrative(document.issuer), **document.narrative}
    return {
        name: "\n".join(value) if isinstance(value, list) else value
        for name, value in narrative.items()
        if name in NarrativeForm.base_fields
    }

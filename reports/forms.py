"""Forms of the documents pages. Every number and date has a range; a refusal names its field
in Vietnamese; nothing is written until everything is valid."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from ntm_portal.limits import decimal_fits
from ntm_portal.text import nfc, parse_day, parse_decimal

from . import content, issuers
from .kinds.registry import kind_choices, kind_for, kind_label, plan_kinds
from .models import Document, IssuerProfile, LegalDocument, OrganisationUnit, PlanTarget, Signatory

LINES_HELP = _("Mỗi dòng một ý.")
FIRST_DAY = date(1945, 9, 2)
ABBREVIATION = re.compile(r"^[A-ZĐ0-9][A-ZĐ0-9&-]{0,19}$")


def day_field(label, *, required: bool = True, help_text=None) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=10,
        required=required,
        help_text=help_text or _("dd/mm/yyyy, ví dụ 08/12/2020."),
    )


def clean_day(raw: str, label: str, *, latest: date | None = None) -> date | None:
    """ "31/02/2020" is no day; a date before 02/9/1945 or after `latest` cannot be right."""
    raw = (raw or "").strip()
    if not raw:
        return None
    day = parse_day(raw)
    if day is None:
        raise forms.ValidationError(
            _("%(field)s: “%(value)s” không phải là ngày có thật (ghi dd/mm/yyyy).")
            % {"field": label, "value": raw}
        )
    latest = latest or date(2100, 12, 31)
    if not FIRST_DAY <= day <= latest:
        raise forms.ValidationError(
            _("%(field)s: ngày %(value)s nằm ngoài khoảng %(first)s – %(last)s.")
            % {
                "field": label,
                "value": f"{day:%d/%m/%Y}",
                "first": f"{FIRST_DAY:%d/%m/%Y}",
                "last": f"{latest:%d/%m/%Y}",
            }
        )
    return day


def _lines(text: str) -> list[str]:
    return [nfc(line) for line in (text or "").splitlines() if line.strip()]


class DocumentForm(forms.Form):
    """The parts of a draft a user may choose or rewrite; everything else comes from the data."""

    subject = forms.CharField(label=_("Trích yếu"), max_length=300)
    purposes = forms.CharField(
        label=_("Mục đích"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=8000,
        required=False,
    )
    requirements = forms.CharField(
        label=_("Yêu cầu"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=8000,
        required=False,
    )
    general_objective = forms.CharField(
        label=_("Mục tiêu chung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=8000,
        required=False,
    )
    tasks = forms.CharField(
        label=_("Nhiệm vụ"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=LINES_HELP,
        max_length=8000,
        required=False,
    )
    solutions = forms.CharField(
        label=_("Giải pháp"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=8000,
        required=False,
    )
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=8000,
        required=False,
    )
    organisation = forms.CharField(
        label=_("Tổ chức thực hiện"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=LINES_HELP,
        max_length=8000,
        required=False,
    )
    responsibilities = forms.CharField(
        label=_("Nhiệm vụ theo đơn vị"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một đơn vị: “Tên đơn vị: nhiệm vụ”."),
        max_length=12000,
        required=False,
    )
    closing = forms.CharField(
        label=_("Đoạn kết"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    signatory = forms.ModelChoiceField(
        label=_("Người ký"), queryset=Signatory.objects.none(), required=False
    )
    drafting_unit = forms.ModelChoiceField(
        label=_("Đơn vị soạn thảo"), queryset=OrganisationUnit.objects.none(), required=False
    )
    citations = forms.ModelMultipleChoiceField(
        label=_("Căn cứ, văn bản thực hiện"),
        queryset=LegalDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    dated_for = day_field(_("Ngày dự kiến ban hành"), required=False)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mỗi dòng một nơi nhận; để trống để dùng danh sách đề xuất từ dữ liệu."),
        max_length=3000,
        required=False,
    )
    archive = forms.CharField(
        label=_("Lưu"), max_length=100, required=False, help_text=_("Ví dụ: VT, KTN.")
    )

    # The version the form was shown: the service refuses the save when a newer one exists.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    LIST_FIELDS = (
        "purposes",
        "requirements",
        "general_objective",
        "tasks",
        "solutions",
        "difficulties",
        "organisation",
    )
    OPTIONAL_OVERRIDES = ("recipients", "archive")

    def __init__(self, *args, document: Document, legal_documents, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.document = document
        kind = kind_for(document.kind)
        sections = set(kind.sections)
        if kind.responsibilities:
            sections.add("responsibilities")
        if kind.cites:
            sections.add("citations")
        sections |= {"signatory", "drafting_unit", "dated_for", "recipients", "archive", "version"}
        for name in list(self.fields):
            if name not in sections:
                del self.fields[name]
        profile = issuers.of_document(document).profile
        if profile is not None:
            self.fields["signatory"].queryset = profile.signatories.filter(is_active=True)
            self.fields["drafting_unit"].queryset = profile.units.filter(is_active=True)
        if "citations" in self.fields:
            self.fields["citations"].queryset = legal_documents

    def clean_responsibilities(self) -> list[list[str]]:
        rows = []
        for number, line in enumerate(_lines(self.cleaned_data.get("responsibilities")), start=1):
            unit, colon, task = line.partition(":")
            if not colon or not unit.strip() or not task.strip():
                raise forms.ValidationError(
                    _("Nhiệm vụ theo đơn vị, dòng %(line)s: ghi “Tên đơn vị: nhiệm vụ”.")
                    % {"line": number}
                )
            rows.append([unit.strip(), task.strip()])
        return rows

    def clean_dated_for(self):
        return clean_day(self.cleaned_data.get("dated_for"), str(_("Ngày dự kiến ban hành")))

    def narrative(self) -> tuple[dict, tuple[str, ...]]:
        """The sections to store, and the overrides to drop (back to the data's proposal)."""
        data, cleared = {}, []
        for name in ("subject", "closing"):
            if name in self.cleaned_data:
                data[name] = nfc(self.cleaned_data[name])
        for name in self.LIST_FIELDS:
            if name in self.cleaned_data:
                data[name] = _lines(self.cleaned_data[name])
        if "responsibilities" in self.cleaned_data:
            data["responsibilities"] = self.cleaned_data["responsibilities"]
        if self.cleaned_data.get("recipients", "").strip():
            data["recipients"] = _lines(self.cleaned_data["recipients"])
        else:
            cleared.append("recipients")
        if self.cleaned_data.get("archive", "").strip():
            data["archive"] = nfc(self.cleaned_data["archive"])
        else:
            cleared.append("archive")
        return data, tuple(cleared)


def document_initial(document: Document) -> dict:
    issuer = issuers.of_document(document)
    year = document.period_start.year if document.period_start else document.as_of.year
    narrative = {**content.default_narrative(issuer, document.kind, year), **document.narrative}
    initial = {
        name: "\n".join(value) if isinstance(value, list) else value
        for name, value in narrative.items()
        if name in DocumentForm.base_fields and name != "responsibilities"
    }
    initial["responsibilities"] = "\n".join(
        f"{unit}: {task}" for unit, task in narrative.get("responsibilities", [])
    )
    initial["signatory"] = document.signatory_id
    initial["drafting_unit"] = document.drafting_unit_id
    initial["citations"] = [row.legal_document_id for row in document.citation_rows.all()]
    initial["dated_for"] = f"{document.dated_for:%d/%m/%Y}" if document.dated_for else ""
    initial["version"] = document.version
    return initial


def capacity_field() -> forms.ChoiceField:
    """In what capacity the signer signs this document: the authority line follows from it."""
    return forms.ChoiceField(
        label=_("Thẩm quyền ký"),
        choices=issuers.Capacity.CHOICES,
        required=False,
        help_text=_(
            "Dòng thẩm quyền in trên văn bản (TM., KT., Q., TL., TUQ.) theo lựa chọn này; để "
            "trống: theo chức danh của người ký."
        ),
    )


class IssueForm(forms.Form):
    issued_on = day_field(_("Ngày ban hành"))
    capacity = capacity_field()

    def clean_issued_on(self):
        return clean_day(
            self.cleaned_data["issued_on"], str(_("Ngày ban hành")), latest=timezone.localdate()
        )


class IssuerProfileForm(forms.ModelForm):
    class Meta:
        model = IssuerProfile
        fields = [
            "parent_body",
            "header_name",
            "name_in_text",
            "abbreviation",
            "symbol_style",
            "register_per_type",
            "place",
            "superior",
            "coordination_office",
            "standing_recipients",
        ]
        widgets = {"standing_recipients": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = (
                    "\n".join(_lines(value)) if name == "standing_recipients" else nfc(value)
                )
        return data

    def clean_abbreviation(self):
        value = nfc(self.cleaned_data["abbreviation"]).upper()
        if not ABBREVIATION.match(value):
            raise forms.ValidationError(
                _("Chữ viết tắt tên cơ quan: chỉ chữ in hoa, chữ số và dấu gạch, ví dụ CCB, SKH.")
            )
        return value


class SignatoryForm(forms.Form):
    full_name = forms.CharField(label=_("Họ tên người ký"), max_length=100)
    title = forms.CharField(label=_("Chức vụ"), max_length=100)
    authority = forms.CharField(
        label=_("Thẩm quyền ký"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH; để trống nếu người đứng đầu ký."),
    )

    def clean(self):
        return {name: nfc(value) for name, value in super().clean().items()}


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Tên đơn vị"), max_length=200)
    abbreviation = forms.CharField(label=_("Chữ viết tắt"), max_length=20)

    def clean_abbreviation(self):
        value = nfc(self.cleaned_data["abbreviation"]).upper()
        if not ABBREVIATION.match(value):
            raise forms.ValidationError(
                _("Chữ viết tắt: chỉ chữ in hoa, chữ số và dấu gạch, ví dụ KTN, TH-QH.")
            )
        return value

    def clean_name(self):
        return nfc(self.cleaned_data["name"])


class RegisterStartForm(forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2010, max_value=2100)
    kind = forms.ChoiceField(
        label=_("Sổ"),
        choices=lambda: [("", _("Sổ chung của cơ quan")), *kind_choices()],
        required=False,
    )
    last_used = forms.IntegerField(
        label=_("Số cuối cùng đã dùng trên giấy"), min_value=0, max_value=99_999
    )


class LegalDocumentForm(forms.ModelForm):
    date = day_field(_("Ngày ban hành"), required=False)
    valid_until = day_field(
        _("Đề xuất đến ngày"),
        required=False,
        help_text=_("Sau ngày này văn bản không còn được đề xuất làm căn cứ (dd/mm/yyyy)."),
    )
    default_for = forms.MultipleChoiceField(
        label=_("Đề xuất làm căn cứ cho"),
        choices=kind_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LegalDocument
        fields = ["kind", "number", "date", "issuer", "subject", "verb", "valid_until"]

    def clean_date(self):
        return clean_day(
            self.cleaned_data.get("date"), str(_("Ngày ban hành")), latest=timezone.localdate()
        )

    def clean_valid_until(self):
        return clean_day(self.cleaned_data.get("valid_until"), str(_("Đề xuất đến ngày")))

    def clean(self):
        data = super().clean()
        for name in ("number", "issuer", "subject"):
            if isinstance(data.get(name), str):
                data[name] = nfc(data[name])
        return data


class PlanTargetForm(forms.ModelForm):
    """A year's target; numbers as officials type them ("61,5")."""

    target = forms.CharField(label=_("Chỉ tiêu"), max_length=30)
    actual = forms.CharField(
        label=_("Kết quả (chỉ với chỉ tiêu khác)"), max_length=30, required=False
    )
    item = forms.IntegerField(label=_("Mục tiêu số"), min_value=1, max_value=99, required=False)

    class Meta:
        model = PlanTarget
        fields = [
            "year",
            "measure",
            "label",
            "target",
            "unit",
            "direction",
            "item",
            "plan_kind",
            "villages",
            "actual",
        ]
        help_texts = {
            "label": _("Ghi “{}” ở chỗ đặt con số, ví dụ: Có {} số xã đạt chuẩn nông thôn mới."),
        }

    def __init__(self, *args, area=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].required = False
        kinds = plan_kinds("commune" if area is not None and _is_commune(area) else "district")
        self.fields["plan_kind"] = forms.ChoiceField(
            label=_("Thuộc loại kế hoạch"),
            choices=[("", _("Mọi kế hoạch năm")), *[(k, kind_label(k)) for k in kinds]],
            required=False,
        )
        if area is not None and _is_commune(area):
            self.fields["villages"].queryset = area.villages.all()
        else:
            del self.fields["villages"]

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
        return value.quantize(1) if value == value.to_integral() else value

    def clean_direction(self):
        return self.cleaned_data.get("direction") or PlanTarget.Direction.AT_LEAST

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


def _is_commune(area) -> bool:
    return isinstance(area, Commune)

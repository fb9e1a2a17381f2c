from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import issuers, signing
from .models import Document, IssuerProfile, PlanTarget, Signatory, SigningCertificate
from .signing import SigningError
from .signing_services import signatory_signature_image_save, signing_certificate_save


@admin.register(PlanTarget)
class PlanTargetAdmin(admin.ModelAdmin):
    list_display = ["year", "label", "measure", "target", "unit", "commune", "district", "province"]
    list_filter = ["year", "measure"]
    raw_id_fields = ["commune", "district", "province"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Documents are made by the portal; the admin only looks at them."""

    list_display = ["number_label", "kind", "series", "version", "status", "issued_on"]
    list_filter = ["kind", "status", "year"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# An uploaded key or image is small; anything larger is not one.
MAX_FILE_BYTES = 1024 * 1024


def issuer_of_profile(profile: IssuerProfile) -> issuers.Issuer:
    if profile.agency_id:
        return issuers.of_agency(profile.agency, profile)
    return issuers.of_area(profile.commune or profile.district or profile.province, profile)


class SigningCertificateForm(forms.ModelForm):
    """The PKCS#12 and its password are written once and never shown again; they are checked
    here, so that a wrong password is said on the form."""

    pkcs12_file = forms.FileField(
        label=_("Tệp PKCS#12 (.p12, .pfx): chứng thư số và khóa bí mật"), required=True
    )
    password = forms.CharField(
        label=_("Mật khẩu của tệp PKCS#12"), widget=forms.PasswordInput, required=False
    )
    seal_file = forms.FileField(label=_("Ảnh con dấu (PNG nền trong suốt, màu đỏ)"), required=False)
    seal_diameter_mm = forms.IntegerField(
        label=_("Đường kính dấu (mm)"), min_value=20, max_value=60, initial=36
    )

    class Meta:
        model = SigningCertificate
        fields = ["profile"]

    def clean(self):
        data = super().clean()
        upload = data.get("pkcs12_file")
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                self.add_error("pkcs12_file", _("Tệp PKCS#12 nặng quá 1 MB."))
            else:
                data["pkcs12_data"] = upload.read()
                try:
                    signing.read_pkcs12(data["pkcs12_data"], data.get("password") or "")
                except SigningError as error:
                    self.add_error("pkcs12_file", str(error))
        seal = data.get("seal_file")
        if seal is not None:
            data["seal_png"] = seal.read(MAX_FILE_BYTES + 1)
            try:
                signing.check_image(data["seal_png"], _("Ảnh con dấu"))
            except SigningError as error:
                self.add_error("seal_file", str(error))
        return data


@admin.register(SigningCertificate)
class SigningCertificateAdmin(admin.ModelAdmin):
    """Per issuer: upload the certificate and key; afterwards only their facts are shown."""

    form = SigningCertificateForm
    list_display = ["profile", "subject", "certificate_issuer", "valid_from", "valid_until"]
    readonly_fields = [
        "subject",
        "certificate_issuer",
        "serial",
        "valid_from",
        "valid_until",
        "is_demo",
        "uploaded_by",
        "uploaded_at",
    ]
    raw_id_fields = ["profile"]

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        saved = signing_certificate_save(
            issuer=issuer_of_profile(data["profile"]),
            pkcs12_data=data["pkcs12_data"],
            password=data.get("password") or "",
            seal_png=data.get("seal_png") or None,
            seal_diameter_mm=data.get("seal_diameter_mm"),
            actor=request.user,
        )
        obj.pk = saved.pk


class SignatoryImageForm(forms.ModelForm):
    signature_file = forms.FileField(
        label=_("Ảnh chữ ký (PNG nền trong suốt, màu xanh)"), required=True
    )

    class Meta:
        model = Signatory
        fields = []

    def clean_signature_file(self):
        upload = self.cleaned_data["signature_file"]
        data = upload.read(MAX_FILE_BYTES + 1)
        try:
            return signing.check_image(data, _("Ảnh chữ ký"))
        except SigningError as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    """Signatories are kept on their issuer's page; here only their signature image."""

    form = SignatoryImageForm
    list_display = ["full_name", "title", "profile", "is_active"]
    readonly_fields = ["full_name", "title", "authority", "profile", "is_active"]
    search_fields = ["full_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        signatory_signature_image_save(
            signatory=obj, image_png=form.cleaned_data["signature_file"], actor=request.user
        )

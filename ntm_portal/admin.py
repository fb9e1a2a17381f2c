from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .api_tokens import api_tokens_revoke_all
from .models import RevokedReason, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    raw_id_fields = ["province", "district", "commune", "agency"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (
            _("Vai trò và phạm vi"),
            {"fields": ["role", "province", "district", "commune", "agency"]},
        ),
    ]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A locked account's keys are revoked, not just unusable while it is locked: they
            # must not come back if it is opened again.
            api_tokens_revoke_all(user=obj, reason=RevokedReason.LOCKED, actor=request.user)

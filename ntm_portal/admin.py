from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


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

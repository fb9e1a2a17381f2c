"""The users' admin: role and scope are asked on the first screen, and every place or agency is
named with its edition and parents, since "Tỉnh Nghệ An" exists in both editions."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .accounts import scope_problem, username_problem
from .api_tokens import api_tokens_revoke_all
from .models import ROLE_SCOPE_FIELD, SCOPE_FIELDS, RevokedReason, User

# What each scope's label reads besides the row itself (choice_label), selected with it.
CHOICE_RELATED = {
    "province": [],
    "district": ["province"],
    "commune": ["province", "district__province"],
    "agency": ["province"],
}
ROLE_AND_SCOPE = ["role", "province", "district", "commune", "agency"]


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, answering with a unit's or agency's `choice_label` (edition and
    parents) instead of its bare name: 3,321 + 10,051 communes are too many for a select, and
    their names repeat."""

    def get_queryset(self):
        queryset = super().get_queryset()
        related = CHOICE_RELATED.get(self.source_field.name)
        return queryset.select_related(*related) if related else queryset

    def serialize_result(self, obj: Model, to_field_name: str) -> dict:
        result = super().serialize_result(obj, to_field_name)
        if hasattr(obj, "choice_label"):
            result["text"] = obj.choice_label()
        return result


def _autocomplete_view(request):
    return LabelledAutocompleteJsonView.as_view(admin_site=admin.site)(request)


# The admin's URLs are built after every admin module is imported: they take this view.
admin.site.autocomplete_view = _autocomplete_view


class ScopeFormMixin:
    """Role and scope checked by the one rule of ntm_portal.accounts, so a refusal names the
    wrong field in Vietnamese before the database's check would refuse the row."""

    def clean(self) -> dict:
        cleaned = super().clean()
        if "role" in cleaned and (problem := scope_problem(cleaned["role"], cleaned)):
            needed = ROLE_SCOPE_FIELD.get(cleaned["role"])
            extra = [name for name in SCOPE_FIELDS if name != needed and cleaned.get(name)]
            # On a field of the constraint: the model's own check of it is then skipped, so the
            # form says it once.
            wrong = extra[0] if extra else needed or "role"
            self.add_error(wrong if wrong in self.fields else None, problem)
        return cleaned


class UserCreationForm(ScopeFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "last_name", "email", *ROLE_AND_SCOPE]

    def clean_username(self) -> str:
        username = super().clean_username()
        if problem := username_problem(username):
            raise forms.ValidationError(problem)
        return username


class UserChangeForm(ScopeFormMixin, DjangoUserAdmin.form):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["username", "email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    # The province list (97 of both editions) stays a select; the long ones search as typed.
    autocomplete_fields = ["district", "commune", "agency"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Vai trò và phạm vi"), {"fields": ROLE_AND_SCOPE}),
    ]
    add_fieldsets = [
        (
            _("Vai trò và phạm vi"),
            {
                "fields": ROLE_AND_SCOPE,
                "description": _(
                    "Cán bộ tỉnh chọn tỉnh, cán bộ huyện chọn huyện, cán bộ xã chọn xã, thành "
                    "viên cơ quan chọn cơ quan; quản trị không chọn gì."
                ),
            },
        ),
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A locked account's keys are revoked, not just unusable while it is locked: they
            # must not come back if it is opened again.
            api_tokens_revoke_all(user=obj, reason=RevokedReason.LOCKED, actor=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in CHOICE_RELATED:
            related = CHOICE_RELATED[db_field.name]
            queryset = field.queryset.select_related(*related) if related else field.queryset
            if db_field.name == "province":
                queryset = queryset.order_by("-edition", "name")
            field.queryset = queryset
            field.label_from_instance = lambda obj: obj.choice_label()
        return field

from django.contrib import admin

from .models import Document, PlanTarget


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

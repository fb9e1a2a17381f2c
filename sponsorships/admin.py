from django.contrib import admin

from .models import Agency, Assignment


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["province"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["agency", "commune", "kind", "start", "end"]
    list_filter = ["kind"]
    list_select_related = ["agency", "commune"]
    raw_id_fields = ["agency", "commune"]

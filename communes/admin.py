from django.contrib import admin

from .access import province_lineage_changed
from .models import (
    Commune,
    CommuneLineage,
    District,
    DivisionCorrection,
    Province,
    ProvinceLineage,
    Village,
)


class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "edition"]
    list_filter = ["edition", "kind"]
    search_fields = ["code", "name", "search_name"]
    readonly_fields = ["edition", "code"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        # Official units come from load_divisions only.
        return False

    def save_model(self, request, obj, form, change) -> None:
        obj.refresh_search_name()
        super().save_model(request, obj, form, change)


@admin.register(Province)
class ProvinceAdmin(AdministrativeUnitAdmin):
    pass


@admin.register(District)
class DistrictAdmin(AdministrativeUnitAdmin):
    list_display = ["code", "name", "kind", "province", "edition"]
    list_select_related = ["province"]
    raw_id_fields = ["province"]


@admin.register(Commune)
class CommuneAdmin(AdministrativeUnitAdmin):
    list_display = ["code", "name", "kind", "district", "province", "edition"]
    list_select_related = ["province", "district"]
    raw_id_fields = ["province", "district"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "commune"]
    list_select_related = ["commune"]
    list_filter = ["kind"]
    search_fields = ["name", "search_name", "commune__name"]
    raw_id_fields = ["commune"]

    def save_model(self, request, obj, form, change) -> None:
        obj.refresh_search_name()
        super().save_model(request, obj, form, change)


@admin.register(CommuneLineage)
class CommuneLineageAdmin(admin.ModelAdmin):
    """Loaded by `load_lineage`; the legal basis (and a reviewed note) is what people add here."""

    list_display = ["predecessor", "predecessor_district", "successor", "kind", "needs_review"]
    list_select_related = ["predecessor", "predecessor_district", "successor"]
    list_filter = ["kind", "needs_review", "source"]
    search_fields = ["predecessor__name", "predecessor__code", "successor__name", "successor__code"]
    raw_id_fields = ["predecessor", "predecessor_district", "successor"]
    show_full_result_count = False


@admin.register(ProvinceLineage)
class ProvinceLineageAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "legal_basis"]
    list_select_related = ["predecessor", "successor"]
    raw_id_fields = ["predecessor", "successor"]

    # A province office's reach follows these rows (communes.access.province_family, cached).
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        province_lineage_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        province_lineage_changed()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        province_lineage_changed()


@admin.register(DivisionCorrection)
class DivisionCorrectionAdmin(admin.ModelAdmin):
    """A record of what `load_divisions` corrected: read only."""

    list_display = [
        "corrected_at",
        "edition",
        "level",
        "old_code",
        "old_name",
        "new_code",
        "new_name",
    ]
    list_filter = ["edition", "level"]
    search_fields = ["old_code", "new_code", "old_name", "new_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

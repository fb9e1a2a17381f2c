from django.contrib import admin

from .models import Commune, District, Province, Village


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

from django.contrib import admin

from .catalogue_cache import catalogue_changed
from .models import (
    CommuneGroupDecision,
    CommuneGroupSetting,
    CriteriaSet,
    Criterion,
    Evaluation,
    EvaluationLog,
    Indicator,
    Recognition,
    Threshold,
)


class ChangesCatalogue:
    """An admin edit of a set, a criterion, an indicator or their inlines (thresholds) changes
    the catalogue's version: the pages build it again."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        catalogue_changed()

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        catalogue_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        catalogue_changed()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        catalogue_changed()


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ChangesCatalogue, admin.ModelAdmin):
    list_display = ["code", "name", "level", "valid_from", "valid_to", "needs_review"]
    list_filter = ["level", "needs_review"]
    inlines = [CriterionInline]


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(ChangesCatalogue, admin.ModelAdmin):
    list_display = ["criteria_set", "number", "name", "short_name", "revocation_key"]
    list_filter = ["criteria_set"]
    inlines = [IndicatorInline]


class ThresholdInline(admin.TabularInline):
    model = Threshold
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ChangesCatalogue, admin.ModelAdmin):
    list_display = ["number", "name", "kind", "direction", "needs_review"]
    list_filter = ["needs_review", "kind", "criterion__criteria_set"]
    search_fields = ["number", "name"]
    inlines = [ThresholdInline]


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ["commune", "level", "decision_number", "decision_date", "revoked_on"]
    list_filter = ["level"]
    raw_id_fields = ["commune"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    """Read-only: evaluations change only through the workflow, which keeps the history."""

    list_display = ["commune", "village", "criteria_set", "year", "half", "status", "met_count"]
    list_filter = ["status", "criteria_set"]
    list_select_related = ["commune", "village", "criteria_set"]
    raw_id_fields = ["commune", "village"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EvaluationLog)
class EvaluationLogAdmin(EvaluationAdmin):
    list_display = ["evaluation", "at", "actor", "action", "indicator", "old_value", "new_value"]
    list_filter = ["action"]
    list_select_related = ["evaluation", "actor", "indicator"]
    raw_id_fields = []


class CommuneGroupSettingInline(admin.TabularInline):
    model = CommuneGroupSetting
    extra = 0
    raw_id_fields = ["commune"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CommuneGroupDecision)
class CommuneGroupDecisionAdmin(EvaluationAdmin):
    """Read-only: a decision is recorded on the province's group page or by roster, which
    recompute the evaluations it changes; a correction is a new decision."""

    list_display = ["number", "date", "applies_from", "province", "issuer"]
    list_filter = ["applies_from"]
    list_select_related = ["province"]
    raw_id_fields = []
    search_fields = ["number"]
    inlines = [CommuneGroupSettingInline]

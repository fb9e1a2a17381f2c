from django.contrib import admin

from .models import (
    Agency,
    AgencyChange,
    AgencyFormerName,
    Assignment,
    AssignmentDecision,
    AssignmentTransfer,
    Inspection,
    SponsorshipLog,
    SteeringMember,
)
from .services import assignment_create, assignment_refusals, decision_refusals
from .versions import inspections_changed


class ChangesInspections:
    """An admin edit of what the dashboards' agency figures count (an agency's name or
    province, an inspection) changes their version, as the services' writes do."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        inspections_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        inspections_changed()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        inspections_changed()


class FormerNameInline(admin.TabularInline):
    model = AgencyFormerName
    extra = 0


class SteeringMemberInline(admin.TabularInline):
    model = SteeringMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(ChangesInspections, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["province"]
    exclude = ["calendar_token"]
    # A merger moves members and assignments: only agency_merge (the agencies page) records it.
    readonly_fields = ["merged_into", "merged_on"]
    inlines = [FormerNameInline, SteeringMemberInline]


@admin.register(AgencyChange)
class AgencyChangeAdmin(admin.ModelAdmin):
    list_display = ["on", "kind", "agency", "into", "from_province", "to_province", "actor", "at"]
    list_filter = ["kind"]
    list_select_related = ["agency", "into", "from_province", "to_province", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AssignmentTransfer)
class AssignmentTransferAdmin(admin.ModelAdmin):
    list_display = ["previous", "outcome", "successor", "assignment", "decision", "created_by"]
    list_filter = ["outcome"]
    list_select_related = [
        "previous__agency",
        "previous__commune",
        "successor",
        "assignment__agency",
        "assignment__commune",
        "decision",
        "created_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SponsorshipLog)
class SponsorshipLogAdmin(admin.ModelAdmin):
    """What province offices decided in the portal: read only, as every history."""

    list_display = ["at", "province", "action", "agency", "detail", "actor"]
    list_filter = ["action"]
    list_select_related = ["province", "agency", "actor"]
    search_fields = ["detail", "agency__name"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AssignmentDecision)
class AssignmentDecisionAdmin(admin.ModelAdmin):
    """Read-only: a decision is recorded on its province's page (sponsorships.decisions), which
    checks its number against the province's others."""

    list_display = ["number", "date", "issuer", "province"]
    raw_id_fields = ["province"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """A new assignment goes through assignment_create (its form refuses what the services would,
    with their own words: assignment_refusals, and decision_refusals when a decision makes it); an existing one is read-only here: it is ended or transferred
    on its province's decision pages, which keep the history."""

    list_display = ["agency", "commune", "kind", "start", "end", "target_level", "target_year"]
    list_filter = ["kind"]
    list_select_related = ["agency", "commune"]
    raw_id_fields = ["agency", "commune", "decision"]
    filter_horizontal = ["criteria_to_support"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        created = assignment_create(
            agency=obj.agency,
            commune=obj.commune,
            kind=obj.kind,
            start=obj.start,
            end=obj.end,
            decision=obj.decision,
            target_level=obj.target_level,
            target_year=obj.target_year,
            notes=obj.notes,
            actor=request.user,
        )
        obj.pk = created.pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        original_clean = form.clean

        def clean(form_self):
            cleaned = original_clean(form_self)
            if all(cleaned.get(name) for name in ("agency", "commune", "kind", "start")):
                refusals = assignment_refusals(
                    agency=cleaned["agency"],
                    commune=cleaned["commune"],
                    kind=cleaned["kind"],
                    start=cleaned["start"],
                    end=cleaned.get("end"),
                )
                if decision := cleaned.get("decision"):
                    # Made by a decision: the decisions page's rule, in its words.
                    refusals = {
                        **decision_refusals(
                            province=decision.province,
                            decision_date=decision.date,
                            agency=cleaned["agency"],
                            commune=cleaned["commune"],
                            start=cleaned["start"],
                        ),
                        **refusals,
                    }
                for name, message in refusals.items():
                    form_self.add_error(name if name in form_self.fields else None, message)
            return cleaned

        form.clean = clean
        return form


@admin.register(Inspection)
class InspectionAdmin(ChangesInspections, admin.ModelAdmin):
    list_display = ["assignment", "kind", "period_start", "due_date", "status", "overdue_since"]
    list_filter = ["status", "kind"]
    list_select_related = ["assignment__agency", "assignment__commune"]
    raw_id_fields = ["assignment"]
    readonly_fields = ["reminded_at", "overdue_reminded_at", "overdue_since"]

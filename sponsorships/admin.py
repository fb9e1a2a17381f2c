from django.contrib import admin

from .models import (
    Agency,
    AgencyFormerName,
    Assignment,
    AssignmentDecision,
    Inspection,
    SteeringMember,
)
from .services import assignment_overlap


class FormerNameInline(admin.TabularInline):
    model = AgencyFormerName
    extra = 0


class SteeringMemberInline(admin.TabularInline):
    model = SteeringMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "province"]
    list_filter = ["kind"]
    list_select_related = ["province"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["province"]
    exclude = ["calendar_token"]
    inlines = [FormerNameInline, SteeringMemberInline]


@admin.register(AssignmentDecision)
class AssignmentDecisionAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "issuer", "province"]
    raw_id_fields = ["province"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["agency", "commune", "kind", "start", "end", "target_level", "target_year"]
    list_filter = ["kind"]
    list_select_related = ["agency", "commune"]
    raw_id_fields = ["agency", "commune", "decision"]
    filter_horizontal = ["criteria_to_support"]

    def save_model(self, request, obj, form, change) -> None:
        # New assignments go through the service, which refuses overlaps and reversed dates.
        if change:
            super().save_model(request, obj, form, change)
            return
        from .services import assignment_create

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
            start, end = cleaned.get("start"), cleaned.get("end")
            if start and end and end < start:
                form_self.add_error("end", "Ngày kết thúc phải sau ngày bắt đầu.")
            elif start and cleaned.get("agency") and cleaned.get("commune"):
                # The same rule as assignment_create, so the admin cannot save an overlap.
                problem = assignment_overlap(
                    agency=cleaned["agency"],
                    commune=cleaned["commune"],
                    start=start,
                    end=end,
                    exclude_pk=obj.pk if obj else None,
                )
                if problem:
                    form_self.add_error(None, problem)
            return cleaned

        form.clean = clean
        return form


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["assignment", "kind", "period_start", "due_date", "status", "overdue_since"]
    list_filter = ["status", "kind"]
    list_select_related = ["assignment__agency", "assignment__commune"]
    raw_id_fields = ["assignment"]
    readonly_fields = ["reminded_at", "overdue_reminded_at", "overdue_since"]

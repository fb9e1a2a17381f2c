"""What each endpoint returns. Read-only, and fed only querysets that the views have scoped and
prefetched: no serializer here runs a query of its own per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from communes.models import Commune, Province
from criteria.models import (
    CommuneStanding,
    CriteriaSet,
    Criterion,
    CriterionResult,
    Evaluation,
    Indicator,
    IndicatorValue,
    Recognition,
    Threshold,
    display_value,
)
from criteria.rules import tally_sentence
from reports.models import Document
from sponsorships.access import reads_report_drafts
from sponsorships.models import (
    Agency,
    Assignment,
    Inspection,
    InspectionAttachment,
    InspectionFinding,
    InspectionReport,
)

NUMBER = {"max_digits": 16, "decimal_places": 3, "coerce_to_string": False}
NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


def _absolute(context: dict, name: str, pk: int) -> str:
    url = reverse(name, args=[pk])
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


# --- Places -------------------------------------------------------------------------------------


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ProvinceLinkSerializer(serializers.Serializer):
    """One step of the lineage: the other edition's province and how it went."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class ProvinceSerializer(serializers.ModelSerializer):
    formed_from = serializers.SerializerMethodField()
    went_into = serializers.SerializerMethodField()

    class Meta:
        model = Province
        fields = [
            "id",
            "edition",
            "code",
            "name",
            "short_name",
            "kind",
            "region",
            "valid_from",
            "valid_to",
            "formed_from",
            "went_into",
        ]

    @extend_schema_field(ProvinceLinkSerializer(many=True))
    def get_formed_from(self, province: Province) -> list[dict]:
        return [_link(step.predecessor, step.kind) for step in province.origins.all()]

    @extend_schema_field(ProvinceLinkSerializer(many=True))
    def get_went_into(self, province: Province) -> list[dict]:
        return [_link(step.successor, step.kind) for step in province.successions.all()]


def _link(unit, kind: str) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "kind": kind}


class CommuneLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class CommuneSerializer(serializers.ModelSerializer):
    province = UnitRefSerializer()
    district = UnitRefSerializer(allow_null=True)
    formed_from = serializers.SerializerMethodField()
    went_into = serializers.SerializerMethodField()

    class Meta:
        model = Commune
        fields = [
            "id",
            "edition",
            "code",
            "name",
            "short_name",
            "kind",
            "province",
            "district",
            "valid_from",
            "valid_to",
            "formed_from",
            "went_into",
        ]

    @extend_schema_field(CommuneLinkSerializer(many=True))
    def get_formed_from(self, commune: Commune) -> list[dict]:
        links = []
        for step in commune.origins.all():
            unit = step.predecessor or step.predecessor_district
            links.append(
                {
                    "id": step.predecessor_id,
                    "code": unit.code,
                    "name": unit.name,
                    "kind": step.kind,
                }
            )
        return links

    @extend_schema_field(CommuneLinkSerializer(many=True))
    def get_went_into(self, commune: Commune) -> list[dict]:
        return [_link(step.successor, step.kind) for step in commune.successions.all()]


# --- Catalogue ----------------------------------------------------------------------------------


class ThresholdSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(**NUMBER)

    class Meta:
        model = Threshold
        fields = ["value", "region", "commune_group", "year_from", "year_to"]


class IndicatorSerializer(serializers.ModelSerializer):
    thresholds = ThresholdSerializer(many=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "number",
            "name",
            "kind",
            "unit",
            "direction",
            "needs_review",
            "thresholds",
        ]


class CriterionSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True)

    class Meta:
        model = Criterion
        fields = ["id", "number", "name", "short_name", "group", "revocation_key", "indicators"]


class CriteriaSetSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True)

    class Meta:
        model = CriteriaSet
        fields = [
            "id",
            "code",
            "name",
            "legal_basis",
            "level",
            "province_name",
            "valid_from",
            "valid_to",
            "needs_review",
            "criteria",
        ]


# --- Evaluations --------------------------------------------------------------------------------


class SetRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()


class VillageRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ValueSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="indicator.number")
    value = serializers.DecimalField(**NUMBER, allow_null=True)
    display = serializers.CharField()

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "number", "value", "display", "met", "note"]


class ResultSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="criterion.number")

    class Meta:
        model = CriterionResult
        fields = ["criterion", "number", "met"]


class TallySerializer(serializers.Serializer):
    met = serializers.IntegerField(source="met_count")
    undecided = serializers.IntegerField(source="undecided_count")
    total = serializers.IntegerField(source="criteria_count")
    sentence = serializers.SerializerMethodField()

    def get_sentence(self, evaluation: Evaluation) -> str:
        return str(
            tally_sentence(
                evaluation.met_count, evaluation.criteria_count, evaluation.undecided_count
            )
        )


class EvaluationSerializer(serializers.ModelSerializer):
    commune = UnitRefSerializer()
    village = VillageRefSerializer(allow_null=True)
    criteria_set = SetRefSerializer()
    tally = TallySerializer(source="*")
    results = ResultSerializer(many=True)
    values = ValueSerializer(many=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "commune",
            "village",
            "criteria_set",
            "year",
            "half",
            "period_end",
            "status",
            "version",
            "tally",
            "results",
            "values",
        ]


# What `evaluation_rows` reads of each evaluation (`.values(*EVALUATION_FIELDS)`); "pk" is the
# cursor's ordering, read from the row as it would be from an object.
EVALUATION_FIELDS = (
    "pk",
    "commune_id",
    "commune__code",
    "commune__name",
    "village_id",
    "village__name",
    "criteria_set_id",
    "criteria_set__code",
    "year",
    "half",
    "period_end",
    "status",
    "version",
    "met_count",
    "undecided_count",
    "criteria_count",
)


def evaluation_rows(evaluations: Sequence[dict]) -> list[dict]:
    """EvaluationSerializer's output, built from plain rows in one pass: the evaluations as
    `.values(*EVALUATION_FIELDS)`, their values and results fetched as tuples (two queries) and
    grouped here. A page of 500 evaluations holds ~30,000 values: as model objects through
    field-by-field serializers they cost seconds and hundreds of MB (issue 29); as tuples,
    tens of milliseconds. The serializer stays the schema's and the reference (a test holds the
    two equal)."""
    ids = [row["pk"] for row in evaluations]
    values: dict[int, list[dict]] = defaultdict(list)
    results: dict[int, list[dict]] = defaultdict(list)
    if ids:
        number, day = serializers.DecimalField(**NUMBER, allow_null=True), serializers.DateField()
        shown: dict[tuple[int, Decimal | None], tuple[object, str]] = {}
        for evaluation_id, indicator_id, code, kind, unit, value, met, note in (
            IndicatorValue.objects.filter(evaluation_id__in=ids)
            .order_by(
                "evaluation_id",
                "indicator__criterion__number",
                "indicator__position",
                "indicator_id",
            )
            .values_list(
                "evaluation_id",
                "indicator_id",
                "indicator__number",
                "indicator__kind",
                "indicator__unit",
                "value",
                "met",
                "note",
            )
        ):
            key = (indicator_id, value)
            if key not in shown:  # a page repeats the same few values thousands of times
                typed = None if value is None else number.to_representation(value)
                shown[key] = (typed, display_value(kind, unit, value))
            typed, display = shown[key]
            values[evaluation_id].append(
                {
                    "indicator": indicator_id,
                    "number": code,
                    "value": typed,
                    "display": display,
                    "met": met,
                    "note": note,
                }
            )
        for evaluation_id, criterion_id, code, met in (
            CriterionResult.objects.filter(evaluation_id__in=ids)
            .order_by("evaluation_id", "criterion__number")
            .values_list("evaluation_id", "criterion_id", "criterion__number", "met")
        ):
            results[evaluation_id].append({"criterion": criterion_id, "number": code, "met": met})
    sentences: dict[tuple[int, int, int], str] = {}
    data = []
    for row in evaluations:
        tally = (row["met_count"], row["criteria_count"], row["undecided_count"])
        if tally not in sentences:
            sentences[tally] = str(tally_sentence(*tally))
        data.append(
            {
                "id": row["pk"],
                "commune": {
                    "id": row["commune_id"],
                    "code": row["commune__code"],
                    "name": row["commune__name"],
                },
                "village": None
                if row["village_id"] is None
                else {"id": row["village_id"], "name": row["village__name"]},
                "criteria_set": {"id": row["criteria_set_id"], "code": row["criteria_set__code"]},
                "year": row["year"],
                "half": row["half"],
                "period_end": day.to_representation(row["period_end"]),
                "status": row["status"],
                "version": row["version"],
                "tally": {
                    "met": row["met_count"],
                    "undecided": row["undecided_count"],
                    "total": row["criteria_count"],
                    "sentence": sentences[tally],
                },
                "results": results[row["pk"]],
                "values": values[row["pk"]],
            }
        )
    return data


def _id_errors(what: str) -> dict:
    message = _("%(what)s phải là một mã số (số nguyên dương).") % {"what": what}
    return {
        "required": _("Thiếu %(what)s.") % {"what": what},
        "null": _("Thiếu %(what)s.") % {"what": what},
        "invalid": message,
        "min_value": message,
        "max_value": message,
        "max_string_length": message,
    }


def _text_errors(what: str, longest: int) -> dict:
    return {
        "required": _("Thiếu %(what)s.") % {"what": what},
        "invalid": _("%(what)s phải là chữ hoặc số.") % {"what": what},
        "null": _("Thiếu %(what)s.") % {"what": what},
        "max_length": _("%(what)s dài quá %(count)s ký tự.") % {"what": what, "count": longest},
    }


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "maxLength": 100, "pattern": r"^[^\u0000]*$"},
            {"type": "number", "minimum": -(10**13), "maximum": 10**13},
        ],
        "nullable": True,
        "description": 'Như gõ trên form (61,5; Đạt), hoặc một số JSON; null hoặc "" xóa giá trị.',
    }
)
class TypedValueField(serializers.CharField):
    """A value as typed in the form ("61,5", "Đạt") or a JSON number (DRF's CharField reads
    both); the document says so, where it would say a string only. A number is bounded like the
    stored values (16 digits, 3 of them decimals), so its text always fits."""

    LIMIT = 10**13

    def to_internal_value(self, data):
        is_number = isinstance(data, int | float) and not isinstance(data, bool)
        if is_number and not -self.LIMIT <= data <= self.LIMIT:
            raise serializers.ValidationError(_("Số phải từ -10^13 đến 10^13."), code="max_value")
        return super().to_internal_value(data)


class JsonIntegerField(serializers.IntegerField):
    """An integer as JSON writes it: DRF would also read "5" (a string), which the document
    calls invalid."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        return super().to_internal_value(data)


class JsonTextField(serializers.CharField):
    """Text as JSON writes it: DRF would also read 5 (a number), which the document calls
    invalid."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ValueInputSerializer(serializers.Serializer):
    indicator = JsonIntegerField(min_value=1, max_value=2**62)
    # As typed in the form ("61,5", "Đạt"), or a JSON number; null or "" clears the value.
    value = TypedValueField(allow_blank=True, allow_null=True, max_length=100)
    note = JsonTextField(allow_blank=True, required=False, default="", max_length=2000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # DRF's own words are not all in Vietnamese: ours, from the portal's catalogue.
        self.fields["indicator"].error_messages.update(_id_errors(_("Mã chỉ tiêu")))
        self.fields["value"].error_messages.update(_text_errors(_("Giá trị"), 100))
        self.fields["note"].error_messages.update(
            {**_text_errors(_("Ghi chú"), 2000), "invalid": _("Ghi chú phải là một chuỗi ký tự.")}
        )
        self.error_messages["invalid"] = _("Mỗi giá trị phải là một đối tượng (indicator, value).")


class ValuesInputSerializer(serializers.Serializer):
    version = JsonIntegerField(min_value=1, max_value=2**31)
    values = ValueInputSerializer(many=True, allow_empty=False, max_length=500)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        version = _("Phiên bản (version) của đánh giá, như khi đọc nó")
        self.fields["version"].error_messages.update(
            {
                **_id_errors(version),
                "required": _("Thiếu phiên bản (version) của đánh giá: đọc đánh giá để lấy."),
            }
        )
        self.fields["values"].error_messages.update(
            {
                "required": _("Thiếu danh sách giá trị (values)."),
                "null": _("Thiếu danh sách giá trị (values)."),
                "not_a_list": _("values phải là một danh sách các (indicator, value)."),
                "empty": _("values không được trống."),
                "max_length": _("Tối đa 500 giá trị một lần."),
            }
        )
        self.error_messages["invalid"] = _("Nội dung phải là một đối tượng JSON (version, values).")


class ValuesResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField()
    evaluation = EvaluationSerializer()


class StandingSerializer(serializers.ModelSerializer):
    commune = UnitRefSerializer()
    met_criteria = serializers.SerializerMethodField()
    unmet_criteria = serializers.SerializerMethodField()

    class Meta:
        model = CommuneStanding
        fields = [
            "id",
            "commune",
            "criteria_set",
            "evaluation",
            "year",
            "half",
            "period_end",
            "met_count",
            "criteria_count",
            "all_met",
            "met_criteria",
            "unmet_criteria",
            "is_latest",
            "at_risk",
            "risk_reason",
            "refreshed_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_met_criteria(self, standing: CommuneStanding) -> list[int]:
        return _bits(standing.met_mask)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_unmet_criteria(self, standing: CommuneStanding) -> list[int]:
        return _bits(standing.unmet_mask)


def _bits(mask: int) -> list[int]:
    """Criterion numbers of a standing's bit mask (bit n: criterion n)."""
    return [number for number in range(1, 63) if mask & CommuneStanding.bit(number)]


class RecognitionSerializer(serializers.ModelSerializer):
    commune = UnitRefSerializer()

    class Meta:
        model = Recognition
        fields = [
            "id",
            "commune",
            "level",
            "decision_number",
            "decision_date",
            "signer",
            "revoked_on",
            "revocation_decision",
        ]


# --- Agencies and inspections -------------------------------------------------------------------


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AgencySerializer(serializers.ModelSerializer):
    province = UnitRefSerializer()

    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "kind", "province", "merged_into", "merged_on"]


class DecisionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    date = serializers.DateField()
    issuer = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer()
    commune = UnitRefSerializer()
    decision = DecisionRefSerializer(allow_null=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "agency",
            "commune",
            "kind",
            "start",
            "end",
            "decision",
            "target_level",
            "target_year",
            "criteria_to_support",
        ]


class FindingSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="criterion.number")

    class Meta:
        model = InspectionFinding
        fields = ["criterion", "number", "met", "note"]


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = InspectionAttachment
        fields = ["id", "name", "content_type", "size", "url"]

    def get_url(self, attachment: InspectionAttachment) -> str:
        return _absolute(self.context, "api:attachment_file", attachment.pk)


class InspectionReportSerializer(serializers.ModelSerializer):
    resources_vnd = serializers.DecimalField(
        max_digits=16, decimal_places=0, coerce_to_string=False, allow_null=True
    )
    findings = FindingSerializer(many=True)
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = InspectionReport
        fields = [
            "inspected_on",
            "participants",
            "difficulties",
            "proposals",
            "resources_vnd",
            "resources_in_kind",
            "status",
            "submitted_at",
            "acknowledged_at",
            "findings",
            "attachments",
        ]


class InspectionSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer(source="assignment.agency")
    commune = UnitRefSerializer(source="assignment.commune")
    report = InspectionReportSerializer(allow_null=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "assignment",
            "agency",
            "commune",
            "kind",
            "period_start",
            "period_end",
            "due_date",
            "status",
            "overdue_since",
            "report",
        ]

    def to_representation(self, inspection):
        data = super().to_representation(inspection)
        report = data["report"]
        # Drafts stay with their authors (sponsorships/access.py): the commune reads the report
        # once it is submitted.
        if (
            report
            and report["status"] == InspectionReport.Status.DRAFT
            and not reads_report_drafts(self.context["request"].user)
        ):
            data["report"] = None
        return data


# --- Documents ----------------------------------------------------------------------------------


class IssuerSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["agency", "commune", "district", "province"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class DocumentSerializer(serializers.ModelSerializer):
    issuer = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "state",
            "status",
            "issuer",
            "year",
            "number",
            "symbol",
            "version",
            "issued_on",
            "dated_for",
            "period_start",
            "period_end",
            "replaces",
            "pdf_url",
            "docx_url",
        ]

    @extend_schema_field(IssuerSerializer(allow_null=True))
    def get_issuer(self, document: Document) -> dict | None:
        for kind, field in (
            ("agency", "issuer"),
            ("commune", "issuer_commune"),
            ("district", "issuer_district"),
            ("province", "issuer_province"),
        ):
            unit = getattr(document, field)
            if unit is not None:
                return {"type": kind, "id": unit.pk, "name": unit.name}
        return None

    # Null until the file is made (pending, running or failed).
    @extend_schema_field(NULLABLE_URI)
    def get_pdf_url(self, document: Document) -> str | None:
        if document.status != Document.Status.DONE or not document.pdf:
            return None
        return _absolute(self.context, "api:document_pdf", document.pk)

    @extend_schema_field(NULLABLE_URI)
    def get_docx_url(self, document: Document) -> str | None:
        if document.status != Document.Status.DONE or not document.docx:
            return None
        return _absolute(self.context, "api:document_docx", document.pk)


# --- Dashboard ----------------------------------------------------------------------------------


class DashboardScopeSerializer(serializers.Serializer):
    level = serializers.CharField()
    title = serializers.CharField()
    edition = serializers.IntegerField()
    criteria_set = SetRefSerializer(allow_null=True)
    period = serializers.CharField(allow_blank=True)
    province = serializers.IntegerField(allow_null=True)
    district = serializers.IntegerField(allow_null=True)
    agency = serializers.IntegerField(allow_null=True)


class GroupFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", allow_null=True)
    name = serializers.CharField()
    communes = serializers.IntegerField(source="total")
    evaluated = serializers.IntegerField()
    all_met = serializers.IntegerField()
    average_met = serializers.DecimalField(
        max_digits=6, decimal_places=1, coerce_to_string=False, allow_null=True
    )
    at_risk = serializers.IntegerField()
    ntm = serializers.IntegerField()
    nang_cao = serializers.IntegerField()
    kieu_mau = serializers.IntegerField()
    not_recognised = serializers.IntegerField()
    villages_total = serializers.IntegerField()
    villages_met = serializers.IntegerField()


class CriterionFiguresSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion.pk")
    number = serializers.IntegerField(source="criterion.number")
    short_name = serializers.CharField(source="criterion.short_name")
    met = serializers.IntegerField()
    unmet = serializers.IntegerField()
    undecided = serializers.IntegerField()


class PeriodFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    half = serializers.IntegerField()
    evaluated = serializers.IntegerField()
    all_met = serializers.IntegerField()
    average_met = serializers.DecimalField(
        max_digits=6, decimal_places=1, coerce_to_string=False, allow_null=True
    )
    at_risk = serializers.IntegerField()


class AgencyFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    due = serializers.IntegerField()
    done_on_time = serializers.IntegerField()
    done_late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    upcoming = serializers.IntegerField()
    reports_due = serializers.IntegerField()
    reports_filed = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    scope = DashboardScopeSerializer()
    total = GroupFiguresSerializer()
    breakdown = GroupFiguresSerializer(many=True)
    criteria = CriterionFiguresSerializer(many=True)
    progress = PeriodFiguresSerializer(many=True)
    agencies = AgencyFiguresSerializer(many=True)
    standings_at = serializers.DateTimeField(allow_null=True)
    summaries_at = serializers.DateTimeField(allow_null=True)

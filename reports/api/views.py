"""The endpoints. Each begins from one access helper, as the pages do: a list is that helper's
queryset, filtered; an object outside it answers 404 like a missing one. Every list is
paginated by cursor and prefetched, so its query count does not grow with its length."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from communes.access import communes_visible_to, provinces_visible_to
from communes.models import Commune, CommuneLineage, ProvinceLineage
from criteria.access import (
    can_edit_evaluation,
    evaluations_visible_to,
    recognitions_visible_to,
    standings_visible_to,
)
from criteria.models import (
    CriteriaSet,
    Criterion,
    CriterionResult,
    Evaluation,
    Indicator,
    IndicatorValue,
    Recognition,
)
from criteria.services import (
    EvaluationConflict,
    EvaluationError,
    FieldErrors,
    evaluation_save_values,
)
from ntm_portal.security import log_refusal, security_log
from ntm_portal.uploads import ALLOWED, download_response
from sponsorships.access import (
    agencies_visible_to,
    assignments_visible_to,
    get_attachment_or_404,
    inspections_visible_to,
)
from sponsorships.models import Assignment, InspectionFinding

from .. import dashboards
from ..access import can_view_dashboards, documents_visible_to, get_document_or_404
from ..views import _file_name
from . import params
from . import serializers as s
from .errors import Unprocessable

EDITION = OpenApiParameter("edition", int, enum=[2024, 2025], description="Phiên bản bản đồ")
PROVINCE = OpenApiParameter("province", params.ID_SCHEMA, description="Mã số (id) tỉnh")
COMMUNE = OpenApiParameter("commune", params.ID_SCHEMA, description="Mã số (id) xã")
CRITERIA_SET = OpenApiParameter(
    "criteria_set", params.ID_SCHEMA, description="Mã số (id) bộ tiêu chí"
)
AGENCY = OpenApiParameter("agency", params.ID_SCHEMA, description="Mã số (id) cơ quan")
PERIOD = OpenApiParameter(
    "period",
    params.PERIOD_SCHEMA,
    description="Kỳ: 2025-1 (6 tháng đầu), 2025-2 (6 tháng cuối), 2025 hoặc 2025-0 (cả năm)",
)


class Cursor(CursorPagination):
    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        params.text_param(request, self.cursor_query_param)  # once, or refused by name
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request) -> int:
        """Strictly: a number from 1 to 500, or refused by name (DRF would ignore it)."""
        raw = params.text_param(request, self.page_size_query_param)
        if not raw:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Số dòng một trang phải từ 1 đến %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Con trỏ trang: chỉ lấy từ next hoặc previous của trang trước.",
                "schema": {"type": "string", "maxLength": 1000},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Số dòng một trang (mặc định {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except Exception as error:  # DRF raises NotFound for a bad cursor: name the field
            if getattr(error, "status_code", None) == status.HTTP_404_NOT_FOUND:
                raise ValidationError({"cursor": [_("Con trỏ trang không hợp lệ.")]}) from None
            raise


class ScopedList(generics.ListAPIView):
    pagination_class = Cursor
    permission_classes = [IsAuthenticated]


class ScopedDetail(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]


# --- Places -------------------------------------------------------------------------------------


def _provinces(request: Request) -> QuerySet:
    return provinces_visible_to(request.user).prefetch_related(
        Prefetch("origins", ProvinceLineage.objects.select_related("predecessor")),
        Prefetch("successions", ProvinceLineage.objects.select_related("successor")),
    )


@extend_schema_view(get=extend_schema(parameters=[EDITION], summary="Tỉnh, thành phố"))
class ProvinceList(ScopedList):
    serializer_class = s.ProvinceSerializer

    def get_queryset(self):
        provinces = _provinces(self.request)
        if (edition := params.edition_param(self.request)) is not None:
            provinces = provinces.filter(edition=edition)
        return provinces


class ProvinceDetail(ScopedDetail):
    serializer_class = s.ProvinceSerializer

    def get_queryset(self):
        return _provinces(self.request)


def _communes(request: Request) -> QuerySet:
    return (
        communes_visible_to(request.user)
        .with_places()
        .prefetch_related(
            Prefetch(
                "origins",
                CommuneLineage.objects.select_related("predecessor", "predecessor_district"),
            ),
            Prefetch("successions", CommuneLineage.objects.select_related("successor")),
        )
    )


@extend_schema_view(
    get=extend_schema(
        parameters=[
            EDITION,
            PROVINCE,
            OpenApiParameter("kind", str, enum=Commune.Kind.values, description="Loại đơn vị"),
        ],
        summary="Xã, phường, thị trấn, đặc khu",
    )
)
class CommuneList(ScopedList):
    serializer_class = s.CommuneSerializer

    def get_queryset(self):
        communes = _communes(self.request)
        if (edition := params.edition_param(self.request)) is not None:
            communes = communes.filter(edition=edition)
        if province := params.id_param(self.request, "province"):
            communes = communes.filter(province_id=province)
        if kind := params.choice_param(self.request, "kind", Commune.Kind.values):
            communes = communes.filter(kind=kind)
        return communes


class CommuneDetail(ScopedDetail):
    serializer_class = s.CommuneSerializer

    def get_queryset(self):
        return _communes(self.request)


# --- Catalogue ----------------------------------------------------------------------------------


def _criteria_sets() -> QuerySet:
    return CriteriaSet.objects.prefetch_related(
        Prefetch(
            "criteria",
            Criterion.objects.order_by("number").prefetch_related(
                Prefetch(
                    "indicators",
                    Indicator.objects.order_by("position", "pk").prefetch_related("thresholds"),
                )
            ),
        )
    )


@extend_schema_view(get=extend_schema(summary="Bộ tiêu chí, tiêu chí, chỉ tiêu và ngưỡng"))
class CriteriaSetList(ScopedList):
    """The catalogue is read by everyone signed in, as its pages are."""

    serializer_class = s.CriteriaSetSerializer

    def get_queryset(self):
        return _criteria_sets()


class CriteriaSetDetail(ScopedDetail):
    serializer_class = s.CriteriaSetSerializer

    def get_queryset(self):
        return _criteria_sets()


# --- Evaluations --------------------------------------------------------------------------------


def _evaluations(request: Request) -> QuerySet:
    """As model objects, for the one evaluation a write answers with (EvaluationSerializer);
    lists and reads go through `_evaluation_rows`."""
    return (
        evaluations_visible_to(request.user)
        .select_related("commune", "village", "criteria_set")
        .prefetch_related(
            Prefetch(
                "values",
                IndicatorValue.objects.select_related("indicator").order_by(
                    "indicator__criterion__number", "indicator__position", "indicator_id"
                ),
            ),
            Prefetch(
                "results",
                CriterionResult.objects.select_related("criterion").order_by("criterion__number"),
            ),
        )
    )


def _period_filter(request: Request, rows: QuerySet) -> QuerySet:
    if period := params.period_param(request):
        rows = rows.filter(year=period[0], half=period[1])
    return rows


@extend_schema_view(
    get=extend_schema(
        parameters=[
            CRITERIA_SET,
            PERIOD,
            COMMUNE,
            PROVINCE,
            EDITION,
            OpenApiParameter("status", str, enum=Evaluation.Status.values),
            OpenApiParameter("villages", bool, description="true: đánh giá thôn; mặc định: xã"),
        ],
        summary="Đánh giá: giá trị chỉ tiêu, trạng thái tiêu chí và tổng số tiêu chí đạt",
    )
)
class EvaluationList(ScopedList):
    serializer_class = s.EvaluationSerializer  # the schema's; rows are built by evaluation_rows

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset().values(*s.EVALUATION_FIELDS))
        return self.get_paginated_response(s.evaluation_rows(page))

    def get_queryset(self):
        rows = _period_filter(self.request, evaluations_visible_to(self.request.user))
        rows = (
            rows.of_villages()
            if params.bool_param(self.request, "villages")
            else rows.of_communes()
        )
        if criteria_set := params.id_param(self.request, "criteria_set"):
            rows = rows.filter(criteria_set_id=criteria_set)
        if commune := params.id_param(self.request, "commune"):
            rows = rows.filter(commune_id=commune)
        if province := params.id_param(self.request, "province"):
            rows = rows.filter(commune__province_id=province)
        if (edition := params.edition_param(self.request)) is not None:
            rows = rows.filter(commune__edition=edition)
        if state := params.choice_param(self.request, "status", Evaluation.Status.values):
            rows = rows.filter(status=state)
        return rows


class EvaluationDetail(ScopedDetail):
    serializer_class = s.EvaluationSerializer  # the schema's; the row is built by evaluation_rows

    def retrieve(self, request, *args, **kwargs):
        rows = s.evaluation_rows(
            evaluations_visible_to(request.user)
            .filter(pk=kwargs["pk"])
            .values(*s.EVALUATION_FIELDS)
        )
        if not rows:
            raise Http404
        return Response(rows[0])

    def get_queryset(self):
        return _evaluations(self.request)


class EvaluationValues(APIView):
    """A commune's indicator values for an open evaluation, through the form's own service: the
    same parsing and messages, the same history, the same optimistic version."""

    permission_classes = [IsAuthenticated]
    # The body is JSON: a nested list has no form encoding the serializer could read.
    parser_classes = [
        parser
        for parser in api_settings.DEFAULT_PARSER_CLASSES
        if parser.media_type == "application/json"
    ]

    @extend_schema(
        request=s.ValuesInputSerializer,
        responses={200: s.ValuesResultSerializer},
        summary="Ghi giá trị chỉ tiêu của một đánh giá đang mở",
    )
    def put(self, request: Request, pk: int) -> Response:
        evaluation = (
            evaluations_visible_to(request.user)
            .filter(pk=pk)
            .select_related("commune__province", "criteria_set")
            .first()
        )
        if evaluation is None:
            log_refusal(request, what="evaluation", pk=pk, action="api-values")
            raise Http404
        if not can_edit_evaluation(request.user, evaluation):
            log_refusal(request, what="evaluation", pk=pk, action="api-values")
            raise PermissionDenied
        body = s.ValuesInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        items = body.validated_data["values"]
        indicators = dict(
            Indicator.objects.filter(criterion__criteria_set=evaluation.criteria_set).values_list(
                "pk", "number"
            )
        )
        errors, seen = {}, set()
        for index, item in enumerate(items):
            if item["indicator"] not in indicators:
                errors[f"values[{index}].indicator"] = [
                    _("Chỉ tiêu %(id)s không thuộc bộ tiêu chí của đánh giá này.")
                    % {"id": item["indicator"]}
                ]
            elif item["indicator"] in seen:
                errors[f"values[{index}].indicator"] = [_("Chỉ tiêu này đã có ở trên.")]
            seen.add(item["indicator"])
        if errors:
            raise Unprocessable(errors)
        position = {item["indicator"]: index for index, item in enumerate(items)}
        try:
            changed = evaluation_save_values(
                evaluation=evaluation,
                raw_values={item["indicator"]: item["value"] or "" for item in items},
                notes={item["indicator"]: item["note"] for item in items},
                version=body.validated_data["version"],
                actor=request.user,
            )
        except FieldErrors as error:
            raise Unprocessable(
                {
                    f"values[{position[indicator]}].value": [f"{indicators[indicator]}: {message}"]
                    for indicator, message in error.errors.items()
                }
            ) from None
        except EvaluationConflict as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except EvaluationError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        token = request.auth
        security_log.info(
            "API write: %s values of evaluation %s by user=%s token=%s",
            changed,
            evaluation.pk,
            request.user.pk,
            getattr(token, "pk", "session"),
        )
        fresh = _evaluations(request).get(pk=evaluation.pk)
        result = {"changed": changed, "evaluation": fresh}
        return Response(s.ValuesResultSerializer(result, context={"request": request}).data)


@extend_schema_view(
    get=extend_schema(
        parameters=[
            CRITERIA_SET,
            PERIOD,
            PROVINCE,
            EDITION,
            OpenApiParameter(
                "latest",
                bool,
                description="Chỉ kỳ được duyệt mới nhất (mặc định khi không chọn kỳ)",
            ),
        ],
        summary="Vị trí của từng xã: đánh giá đã duyệt, tiêu chí đạt và chưa đạt",
    )
)
class StandingList(ScopedList):
    serializer_class = s.StandingSerializer

    def get_queryset(self):
        rows = _period_filter(
            self.request, standings_visible_to(self.request.user).select_related("commune")
        )
        latest = params.bool_param(self.request, "latest")
        if latest or (latest is None and not self.request.query_params.get("period")):
            rows = rows.filter(is_latest=True)
        if criteria_set := params.id_param(self.request, "criteria_set"):
            rows = rows.filter(criteria_set_id=criteria_set)
        if province := params.id_param(self.request, "province"):
            rows = rows.filter(commune__province_id=province)
        if (edition := params.edition_param(self.request)) is not None:
            rows = rows.filter(commune__edition=edition)
        return rows


@extend_schema_view(
    get=extend_schema(
        parameters=[
            COMMUNE,
            PROVINCE,
            EDITION,
            OpenApiParameter("level", str, enum=Recognition.Level.values, description="Mức"),
            OpenApiParameter("year", params.YEAR_SCHEMA, description="Năm của quyết định"),
        ],
        summary="Quyết định công nhận",
    )
)
class RecognitionList(ScopedList):
    serializer_class = s.RecognitionSerializer

    def get_queryset(self):
        rows = recognitions_visible_to(self.request.user).select_related("commune")
        if commune := params.id_param(self.request, "commune"):
            rows = rows.filter(commune_id=commune)
        if province := params.id_param(self.request, "province"):
            rows = rows.filter(commune__province_id=province)
        if (edition := params.edition_param(self.request)) is not None:
            rows = rows.filter(commune__edition=edition)
        if level := params.choice_param(self.request, "level", Recognition.Level.values):
            rows = rows.filter(level=level)
        if (year := params.year_param(self.request)) is not None:
            rows = rows.filter(decision_date__year=year)
        return rows


# --- Dashboard ----------------------------------------------------------------------------------

# API parameter → the dashboard page's, and the filter's attribute it must come back as.
DASHBOARD_PARAMETERS = {
    "criteria_set": ("bo", "criteria_set"),
    "province": ("tinh", "province"),
    "district": ("huyen", "district"),
    "agency": ("co_quan", "agency"),
}


class Dashboard(APIView):
    """The figures of the dashboard page (reports/dashboards.py) for the token's scope."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            CRITERIA_SET,
            EDITION,
            PROVINCE,
            OpenApiParameter("district", params.ID_SCHEMA, description="Mã số (id) huyện"),
            AGENCY,
            PERIOD,
        ],
        responses={200: s.DashboardSerializer},
        summary="Số liệu tổng hợp của phạm vi: như trang Tổng quan",
    )
    def get(self, request: Request) -> Response:
        if not can_view_dashboards(request.user):
            raise PermissionDenied(_("Bạn không có quyền xem số liệu tổng hợp."))
        page = QueryDict(mutable=True)
        asked = {}
        for name, (page_name, _attribute) in DASHBOARD_PARAMETERS.items():
            if (value := params.id_param(request, name)) is not None:
                page[page_name] = str(value)
                asked[name] = value
        if (edition := params.edition_param(request)) is not None:
            page["phien_ban"] = str(edition)
        if period := params.period_param(request):
            page["ky"] = f"{period[0]}-{period[1]}"
        filters = dashboards.read_filters(request.user, page)
        errors = {
            name: [_("Không tìm thấy trong phạm vi của bạn.")]
            for name, value in asked.items()
            if getattr(getattr(filters, DASHBOARD_PARAMETERS[name][1]), "pk", None) != value
        }
        if errors:
            raise Unprocessable(errors)
        scope = dashboards.scope_for(request.user, filters)
        groups = dashboards.breakdown(scope)
        criteria = dashboards.criteria_of(scope)
        body = {
            "scope": {
                "level": scope.level,
                "title": scope.title,
                "edition": filters.edition,
                "criteria_set": filters.criteria_set,
                "period": filters.period_key,
                "province": getattr(filters.province, "pk", None),
                "district": getattr(filters.district, "pk", None),
                "agency": getattr(filters.agency, "pk", None),
            },
            "total": groups.total,
            "breakdown": groups.rows,
            "criteria": dashboards.criterion_counts(scope, criteria),
            "progress": dashboards.progress(scope),
            "agencies": dashboards.agency_performance(scope),
            "standings_at": groups.standings_at,
            "summaries_at": groups.summaries_at,
        }
        return Response(s.DashboardSerializer(body).data)


# --- Agencies and inspections -------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(parameters=[PROVINCE, EDITION], summary="Cơ quan đỡ đầu, phụ trách")
)
class AgencyList(ScopedList):
    serializer_class = s.AgencySerializer

    def get_queryset(self):
        rows = agencies_visible_to(self.request.user).select_related("province")
        if province := params.id_param(self.request, "province"):
            rows = rows.filter(province_id=province)
        if (edition := params.edition_param(self.request)) is not None:
            rows = rows.filter(province__edition=edition)
        return rows


class AgencyDetail(ScopedDetail):
    serializer_class = s.AgencySerializer

    def get_queryset(self):
        return agencies_visible_to(self.request.user).select_related("province")


@extend_schema_view(
    get=extend_schema(
        parameters=[
            COMMUNE,
            EDITION,
            AGENCY,
            OpenApiParameter("active", bool),
        ],
        summary="Phân công đỡ đầu, phụ trách",
    )
)
class AssignmentList(ScopedList):
    serializer_class = s.AssignmentSerializer

    def get_queryset(self):
        rows = (
            assignments_visible_to(self.request.user)
            .select_related("agency", "commune", "decision")
            .prefetch_related("criteria_to_support")
        )
        if commune := params.id_param(self.request, "commune"):
            rows = rows.filter(commune_id=commune)
        if agency := params.id_param(self.request, "agency"):
            rows = rows.filter(agency_id=agency)
        if (edition := params.edition_param(self.request)) is not None:
            rows = rows.filter(commune__edition=edition)
        if params.bool_param(self.request, "active"):
            rows = rows.filter(pk__in=Assignment.objects.active_on().values("pk"))
        return rows


def _inspections(request: Request) -> QuerySet:
    return (
        inspections_visible_to(request.user)
        .select_related("assignment__agency", "assignment__commune", "report")
        .prefetch_related(
            Prefetch(
                "report__findings",
                InspectionFinding.objects.select_related("criterion").order_by("criterion__number"),
            ),
            "report__attachments",
        )
    )


@extend_schema_view(
    get=extend_schema(
        parameters=[
            COMMUNE,
            EDITION,
            AGENCY,
            OpenApiParameter("status", str, enum=["planned", "done", "cancelled"]),
            OpenApiParameter("year", params.YEAR_SCHEMA, description="Năm của hạn kiểm tra"),
        ],
        summary="Lịch kiểm tra và biên bản kiểm tra",
    )
)
class InspectionList(ScopedList):
    serializer_class = s.InspectionSerializer

    def get_queryset(self):
        rows = _inspections(self.request)
        if commune := params.id_param(self.request, "commune"):
            rows = rows.filter(assignment__commune_id=commune)
        if agency := params.id_param(self.request, "agency"):
            rows = rows.filter(assignment__agency_id=agency)
        if (edition := params.edition_param(self.request)) is not None:
            rows = rows.filter(assignment__commune__edition=edition)
        if state := params.choice_param(self.request, "status", ["planned", "done", "cancelled"]):
            rows = rows.filter(status=state)
        if (year := params.year_param(self.request)) is not None:
            rows = rows.filter(due_date__year=year)
        return rows


class InspectionDetail(ScopedDetail):
    serializer_class = s.InspectionSerializer

    def get_queryset(self):
        return _inspections(self.request)


class AttachmentFile(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            (200, content_type): OpenApiTypes.BINARY
            for content_type in sorted(set(ALLOWED.values()))
        },
        summary="Tệp đính kèm biên bản kiểm tra",
    )
    def get(self, request: Request, pk: int):
        attachment = get_attachment_or_404(request.user, pk)
        return download_response(
            attachment.file, name=attachment.original_name, content_type=attachment.content_type
        )


# --- Documents ----------------------------------------------------------------------------------


def _documents(request: Request) -> QuerySet:
    return (
        documents_visible_to(request.user)
        .select_related("issuer", "issuer_commune", "issuer_district", "issuer_province")
        .defer("html", "narrative")
    )


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("year", params.YEAR_SCHEMA, description="Năm của văn bản"),
            OpenApiParameter("state", str, enum=["draft", "issued"]),
        ],
        summary="Văn bản: thông tin và đường dẫn tệp",
    )
)
class DocumentList(ScopedList):
    serializer_class = s.DocumentSerializer

    def get_queryset(self):
        rows = _documents(self.request)
        if (year := params.year_param(self.request)) is not None:
            rows = rows.filter(year=year)
        if state := params.choice_param(self.request, "state", ["draft", "issued"]):
            rows = rows.filter(state=state)
        return rows


class DocumentDetail(ScopedDetail):
    serializer_class = s.DocumentSerializer

    def get_queryset(self):
        return _documents(self.request)


class DocumentFile(APIView):
    """The document's PDF or DOCX once made (404 while it is pending or failed)."""

    permission_classes = [IsAuthenticated]
    kind = "pdf"

    def get(self, request: Request, pk: int):
        document = get_document_or_404(request.user, pk)
        file = document.pdf if self.kind == "pdf" else document.docx
        if document.status != document.Status.DONE or not file:
            raise Http404
        if self.kind == "pdf":
            # The document of record: a token-signed upload once there is one.
            file = document.record_file()
        if not file:
            raise Http404
        return download_response(
            file, name=f"{_file_name(document)}.{self.kind}", content_type=ALLOWED[self.kind]
        )


class DocumentPdf(DocumentFile):
    kind = "pdf"

    @extend_schema(
        responses={(200, ALLOWED["pdf"]): OpenApiTypes.BINARY}, summary="Tệp PDF của văn bản"
    )
    def get(self, request: Request, pk: int):
        return super().get(request, pk)


class DocumentDocx(DocumentFile):
    kind = "docx"

    @extend_schema(
        responses={(200, ALLOWED["docx"]): OpenApiTypes.BINARY}, summary="Tệp DOCX của văn bản"
    )
    def get(self, request: Request, pk: int):
        return super().get(request, pk)


# The lists the index names, by URL name; the details hang off them.
INDEX = {
    "provinces": "api:province_list",
    "communes": "api:commune_list",
    "criteria_sets": "api:criteria_set_list",
    "evaluations": "api:evaluation_list",
    "standings": "api:standing_list",
    "dashboard": "api:dashboard",
    "recognitions": "api:recognition_list",
    "agencies": "api:agency_list",
    "assignments": "api:assignment_list",
    "inspections": "api:inspection_list",
    "documents": "api:document_list",
}


@extend_schema(
    summary="Mục lục của API",
    description="Where the documentation, the schema and each list are; no key needed.",
    responses=inline_serializer(
        "ApiIndex",
        {
            "name": serializers.CharField(),
            "version": serializers.CharField(),
            "docs": serializers.URLField(),
            "schema": serializers.URLField(),
            "endpoints": serializers.DictField(child=serializers.URLField()),
        },
    ),
)
class ApiRoot(APIView):
    """/api/v1/ itself: an index a developer finds by trying the base address."""

    permission_classes: list = []

    def get(self, request: Request) -> Response:
        def absolute(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "name": _("API của Cổng NTM"),
                "version": "1",
                "docs": absolute("api:docs"),
                "schema": absolute("api:schema"),
                "endpoints": {key: absolute(name) for key, name in INDEX.items()},
            }
        )

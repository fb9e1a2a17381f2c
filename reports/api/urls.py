from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import schema, views

app_name = "api"
# Registers the token scheme with drf-spectacular before the schema is built.
assert schema.TokenScheme


def _open(view):
    """The API authenticates by itself (token or session); the site's login redirect must not
    stand in its way."""
    return login_not_required(view)


urlpatterns = [
    path("", _open(views.ApiRoot.as_view()), name="root"),
    # The docs page and its schema are not counted against the reader's rate limit: a person
    # reading them must not use up the requests of their programs.
    path(
        "schema/",
        _open(SpectacularAPIView.as_view(permission_classes=[], throttle_classes=[])),
        name="schema",
    ),
    path(
        "docs/",
        _open(
            # The split view serves its init script from a URL: no inline script (CSP).
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", permission_classes=[], throttle_classes=[]
            )
        ),
        name="docs",
    ),
    path("provinces/", _open(views.ProvinceList.as_view()), name="province_list"),
    path("provinces/<int:pk>/", _open(views.ProvinceDetail.as_view()), name="province_detail"),
    path("communes/", _open(views.CommuneList.as_view()), name="commune_list"),
    path("communes/<int:pk>/", _open(views.CommuneDetail.as_view()), name="commune_detail"),
    path("criteria-sets/", _open(views.CriteriaSetList.as_view()), name="criteria_set_list"),
    path(
        "criteria-sets/<int:pk>/",
        _open(views.CriteriaSetDetail.as_view()),
        name="criteria_set_detail",
    ),
    path("evaluations/", _open(views.EvaluationList.as_view()), name="evaluation_list"),
    path(
        "evaluations/<int:pk>/", _open(views.EvaluationDetail.as_view()), name="evaluation_detail"
    ),
    path(
        "evaluations/<int:pk>/values/",
        _open(views.EvaluationValues.as_view()),
        name="evaluation_values",
    ),
    path("standings/", _open(views.StandingList.as_view()), name="standing_list"),
    path("dashboard/", _open(views.Dashboard.as_view()), name="dashboard"),
    path("recognitions/", _open(views.RecognitionList.as_view()), name="recognition_list"),
    path("agencies/", _open(views.AgencyList.as_view()), name="agency_list"),
    path("agencies/<int:pk>/", _open(views.AgencyDetail.as_view()), name="agency_detail"),
    path("assignments/", _open(views.AssignmentList.as_view()), name="assignment_list"),
    path("inspections/", _open(views.InspectionList.as_view()), name="inspection_list"),
    path(
        "inspections/<int:pk>/", _open(views.InspectionDetail.as_view()), name="inspection_detail"
    ),
    path(
        "inspection-attachments/<int:pk>/",
        _open(views.AttachmentFile.as_view()),
        name="attachment_file",
    ),
    path("documents/", _open(views.DocumentList.as_view()), name="document_list"),
    path("documents/<int:pk>/", _open(views.DocumentDetail.as_view()), name="document_detail"),
    path(
        "documents/<int:pk>/pdf/",
        _open(views.DocumentPdf.as_view()),
        name="document_pdf",
    ),
    path(
        "documents/<int:pk>/docx/",
        _open(views.DocumentDocx.as_view()),
        name="document_docx",
    ),
]

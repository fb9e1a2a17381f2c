from django.urls import path

from . import dossier_views, signing_views, start_views, views

app_name = "reports"
urlpatterns = [
    path("co-quan/<int:agency_pk>/ke-hoach/", views.document_new, name="document_new"),
    path(
        "kiem-tra/<int:inspection_pk>/bao-cao/",
        views.inspection_document_new,
        name="inspection_document_new",
    ),
    path(
        "co-quan/<int:agency_pk>/bao-cao-6-thang/",
        views.agency_report_new,
        name="agency_report_new",
    ),
    path("xa/<int:pk>/", views.commune_plans, name="commune_plans"),
    path("huyen/<int:pk>/", views.district_plans, name="district_plans"),
    path("tinh/<int:pk>/", views.province_plans, name="province_plans"),
    path("co-quan/<int:pk>/thong-tin/", views.agency_settings, name="agency_settings"),
    path("xa/<int:pk>/thong-tin/", views.commune_settings, name="commune_settings"),
    path("huyen/<int:pk>/thong-tin/", views.district_settings, name="district_settings"),
    path("tinh/<int:pk>/thong-tin/", views.province_settings, name="province_settings"),
    path("tinh/<int:pk>/bat-dau/", start_views.province_start, name="province_start"),
    path("can-cu/", views.legal_documents, name="legal_documents"),
    path("ho-so-cong-nhan/<int:pk>/", dossier_views.case_dossier, name="case_dossier"),
    path("ho-so-cong-nhan/<int:pk>/quyet-dinh/", dossier_views.case_decide, name="case_decide"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/ban-hanh/", views.document_issue_view, name="document_issue"),
    path("<int:pk>/dinh-chinh/", views.document_correct_view, name="document_correct"),
    path("<int:pk>/tao-lai/", views.document_regenerate_view, name="document_regenerate"),
    path("<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("<int:pk>/docx/", views.document_docx, name="document_docx"),
    path(
        "<int:pk>/ban-ky-so/",
        signing_views.document_signed_upload_view,
        name="document_signed_upload",
    ),
]

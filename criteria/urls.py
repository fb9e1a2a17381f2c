from django.urls import path

from . import inheritance_views, recognition_views, views

app_name = "criteria"
urlpatterns = [
    path("xa/<int:pk>/", views.commune_status, name="commune_status"),
    path("xa/<int:pk>/danh-gia-moi/", views.evaluation_create_view, name="evaluation_create"),
    path("danh-gia/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("danh-gia/<int:pk>/nhap/", views.evaluation_edit, name="evaluation_edit"),
    *[
        path(
            f"danh-gia/<int:pk>/{slug}/",
            views.evaluation_transition,
            {"action": action},
            name=f"evaluation_{action}",
        )
        for slug, action in [
            ("gui", "submit"),
            ("duyet", "approve"),
            ("tra-lai", "return"),
            ("mo-lai", "reopen"),
        ]
    ],
    path("danh-gia/<int:pk>/minh-chung/", views.evidence_upload, name="evidence_upload"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("tham-dinh/", views.review_queue, name="review_queue"),
    path("bo-tieu-chi/", views.criteria_set_list, name="criteria_set_list"),
    path("bo-tieu-chi/<int:pk>/", views.criteria_set_detail, name="criteria_set_detail"),
    path("tinh/<int:pk>/nhom-xa/", views.commune_groups, name="commune_groups"),
    path("tinh/<int:pk>/ke-thua/", inheritance_views.inheritance_list, name="inheritance_list"),
    path(
        "xa/<int:pk>/ke-thua/",
        inheritance_views.inheritance_decide_view,
        name="inheritance_decide",
    ),
    # Recognition cases (QĐ 18/2022/QĐ-TTg).
    path("xa/<int:pk>/xet-cong-nhan/", recognition_views.case_open, name="case_open"),
    path("ho-so-cong-nhan/", recognition_views.case_list, name="case_list"),
    path("ho-so-cong-nhan/<int:pk>/", recognition_views.case_detail, name="case_detail"),
    path(
        "ho-so-cong-nhan/<int:pk>/tu-danh-gia/",
        recognition_views.case_assessment,
        name="case_assessment",
    ),
    path("ho-so-cong-nhan/<int:pk>/gui/", recognition_views.case_submit, name="case_submit"),
    path("ho-so-cong-nhan/<int:pk>/tham-tra/", recognition_views.case_review, name="case_review"),
    path(
        "ho-so-cong-nhan/<int:pk>/tham-dinh/",
        recognition_views.case_appraise,
        name="case_appraise",
    ),
    path("ho-so-cong-nhan/<int:pk>/tep/", recognition_views.case_attach, name="case_attach"),
    path(
        "ho-so-cong-nhan/tep/<int:pk>/",
        recognition_views.case_attachment_download,
        name="case_attachment_download",
    ),
    path("tinh/<int:pk>/cong-nhan/", recognition_views.recognitions, name="recognitions"),
]

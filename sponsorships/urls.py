from django.urls import path

from . import decision_views, reorganisation_views, views

app_name = "sponsorships"
urlpatterns = [
    path("", reorganisation_views.agency_list, name="agency_list"),
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
    path("<int:pk>/sap-nhap/", reorganisation_views.agency_merge_view, name="agency_merge"),
    path("<int:pk>/chuyen-tinh/", reorganisation_views.agency_rehome_view, name="agency_rehome"),
    # What the province office decides (issue 16): decisions, assignments, steering teams.
    path(
        "tinh/<int:pk>/quyet-dinh-phan-cong/",
        decision_views.decision_list,
        name="decision_list",
    ),
    path(
        "quyet-dinh-phan-cong/<int:pk>/",
        decision_views.decision_detail,
        name="decision_detail",
    ),
    path("phan-cong/<int:pk>/", decision_views.assignment_manage, name="assignment_manage"),
    path("<int:pk>/ban-chi-dao/", decision_views.agency_team, name="agency_team"),
    path(
        "<int:pk>/ban-chi-dao/<int:member_pk>/bo/",
        decision_views.steering_member_remove_view,
        name="steering_member_remove",
    ),
    path(
        "<int:pk>/thanh-vien/<int:member_pk>/khoa/",
        decision_views.agency_member_remove_view,
        name="agency_member_remove",
    ),
    path("chuyen-giao/", reorganisation_views.transfer_index, name="transfer_index"),
    path("chuyen-giao/<int:pk>/", reorganisation_views.transfer, name="transfer"),
    path("<int:pk>/doi-dia-chi-lich/", views.calendar_feed_rotate, name="calendar_feed_rotate"),
    path("lich/", views.calendar, name="calendar"),
    path("lich/<str:token>.ics", views.calendar_ics, name="calendar_ics"),
    path("kiem-tra/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("kiem-tra/<int:pk>/lap-bao-cao/", views.report_begin, name="report_begin"),
    path("kiem-tra/<int:pk>/bao-cao/", views.report_edit, name="report_edit"),
    path(
        "kiem-tra/<int:pk>/nop/",
        views.report_transition,
        {"action": "submit"},
        name="report_submit",
    ),
    path(
        "kiem-tra/<int:pk>/ghi-nhan/",
        views.report_transition,
        {"action": "acknowledge"},
        name="report_acknowledge",
    ),
    path("kiem-tra/<int:pk>/tep/", views.attachment_upload, name="attachment_upload"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("kiem-tra/<int:pk>/huy/", views.inspection_cancel_view, name="inspection_cancel"),
    path("kiem-tra/<int:pk>/dot-xuat/", views.inspection_ad_hoc, name="inspection_ad_hoc"),
]

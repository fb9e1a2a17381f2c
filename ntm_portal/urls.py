from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import forms, offline, views

admin.site.site_header = "Cổng NTM – Quản trị"
admin.site.site_title = "Cổng NTM"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
    # The installable app: its service worker must be served from the root to control every page.
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="web_manifest"),
    path(
        "tai-khoan/login/",
        auth_views.LoginView.as_view(authentication_form=forms.LoginForm),
        name="login",
    ),
    path(
        "tai-khoan/password_reset/",
        views.PasswordResetRequestView.as_view(),
        name="password_reset",
    ),
    path(
        "tai-khoan/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("tai-khoan/ho-so/", views.profile, name="profile"),
    path(
        "tai-khoan/khoa-api/<int:pk>/thu-hoi/",
        views.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("tai-khoan/", include("django.contrib.auth.urls")),
    # The language switch must work on the login page too.
    path("ngon-ngu/", login_not_required(set_language), name="set_language"),
    path("dia-ban/", include("communes.urls")),
    path("tieu-chi/", include("criteria.urls")),
    path("co-quan/", include("sponsorships.urls")),
    path("thong-bao/", views.notification_list, name="notification_list"),
    path("van-ban/", include("reports.urls")),
    path("nhap-lieu/", include("ntm_portal.rosters.urls")),
    path("tong-quan/", include("reports.dashboard_urls")),
    path("cong-khai/", include("reports.public_urls")),
    # Public: whoever holds an issued document checks it here (its QR code leads here).
    path("xac-thuc/", include("reports.verification_urls")),
    path("api/v1/", include("reports.api.urls")),
    path("admin/", admin.site.urls),
]

# The site's error pages, and JSON ones under /api/ (ntm_portal/views.py).
handler400 = "ntm_portal.views.bad_request"
handler403 = "ntm_portal.views.permission_denied"
handler404 = "ntm_portal.views.page_not_found"
handler500 = "ntm_portal.views.server_error"

from django.urls import path

from . import public_views as views

app_name = "public"
urlpatterns = [
    path("tinh/<int:pk>/", views.province_page, name="province"),
    path("tinh/<int:pk>/cai-dat/", views.province_settings, name="province_settings"),
]

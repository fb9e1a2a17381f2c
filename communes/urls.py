from django.urls import path

from . import views

app_name = "communes"
urlpatterns = [
    path("", views.province_list, name="province_list"),
    path("tinh/<int:pk>/", views.province_detail, name="province_detail"),
    path("huyen/<int:pk>/", views.district_detail, name="district_detail"),
    path("xa/", views.commune_list, name="commune_list"),
    path("xa/<int:pk>/", views.commune_detail, name="commune_detail"),
    path(
        "tai-khoan-huyen/<int:pk>/khoa/",
        views.district_account_lock,
        name="district_account_lock",
    ),
]

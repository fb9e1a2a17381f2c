from django.urls import path

from . import views

app_name = "rosters"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("tai-len/", views.import_new, name="import_new"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/tien-do/", views.import_progress, name="import_progress"),
    path("<int:pk>/loi.xlsx", views.import_errors, name="import_errors"),
    path("<int:pk>/xac-nhan/", views.import_confirm, name="import_confirm"),
    path("mau/<str:kind>.xlsx", views.template_download, name="template"),
]

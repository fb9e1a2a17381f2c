from django.urls import path

from . import views

app_name = "sponsorships"
urlpatterns = [
    path("<int:pk>/", views.agency_detail, name="agency_detail"),
]

from django.urls import path

from . import verification_views as views

app_name = "verification"
urlpatterns = [
    path("<str:code>/", views.document_verification, name="document"),
]

from django.urls import path

from . import dashboard_views as views

app_name = "dashboards"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ban-do-nhiet/", views.heatmap, name="heatmap"),
    path("xa/", views.commune_list, name="commune_list"),
]

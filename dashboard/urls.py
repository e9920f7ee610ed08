from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<slug:key>/", views.drill_down, name="drill_down"),
    path("indicators/<slug:key>/export.xlsx", views.drill_down_export, name="drill_down_export"),
]

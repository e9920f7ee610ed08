from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("composite/", views.composite_table, name="composite"),
    path("composite/export.xlsx", views.composite_export, name="composite_export"),
]

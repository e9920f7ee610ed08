from django.urls import path

from . import ledger_views, views

app_name = "audit"

urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("composite/", views.composite_table, name="composite"),
    path("composite/export.xlsx", views.composite_export, name="composite_export"),
    path("rectification/", ledger_views.ledger, name="ledger"),
    path("rectification/export.xlsx", ledger_views.ledger_export, name="ledger_export"),
    path("rectification/new/", ledger_views.item_new, name="ledger_new"),
    path("rectification/<int:item_id>/", ledger_views.item_detail, name="ledger_item"),
    path("rectification/<int:item_id>/<str:action>/", ledger_views.item_action, name="ledger_action"),
    path("rectification/evidence/<int:evidence_id>/", ledger_views.evidence_download, name="evidence_download"),
]

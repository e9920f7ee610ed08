from django.urls import path

from . import alert_views, views

app_name = "integrity"

urlpatterns = [
    path("alerts/", alert_views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", alert_views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/<str:action>/", alert_views.alert_action, name="alert_action"),
    path("scan/", alert_views.scan_start, name="scan_start"),
    path("units/<str:code>/risk-points/", views.risk_register, name="risk_register"),
    path("cases/<int:case_id>/evidence/", views.case_evidence, name="case_evidence"),
    path("case-evidence/<int:evidence_id>/", views.case_evidence_download, name="case_evidence_download"),
]

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("officers/<str:staff_no>/appraisal.pdf", views.appraisal_pdf, name="appraisal_pdf"),
    path("units/<str:code>/report.pdf", views.unit_report_pdf, name="unit_report_pdf"),
    path("units/<str:code>/appraisals.zip", views.appraisal_batch, name="appraisal_batch"),
    path("units/<str:code>/reports.zip", views.unit_reports_batch, name="unit_reports_batch"),
]

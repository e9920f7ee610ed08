from django.urls import path

from . import views

app_name = "integrity"

urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="alert_action"),
    path("units/<str:code>/risk-points/", views.risk_register, name="risk_register"),
]

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/", views.two_factor_verify, name="two_factor_verify"),
]

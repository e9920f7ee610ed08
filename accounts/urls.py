from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.DirectoryLoginView.as_view(), name="login"),
    path("two-factor/setup/", views.two_factor_setup_page, name="two_factor_setup"),
    path("two-factor/", views.two_factor_verify_page, name="two_factor_verify"),
]

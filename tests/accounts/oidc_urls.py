"""The project's URLs with OpenID Connect switched on, as config/urls.py
builds them when OIDC_RP_CLIENT_ID is set in the environment."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("oidc/", include("mozilla_django_oidc.urls")), *project_urlpatterns]

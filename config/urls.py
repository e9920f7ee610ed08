from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path
from django.views.i18n import set_language

from core.importing.views import import_confirm
from integrity.admin import AccessLoggedAutocompleteView


def admin_login(request):
    # One login page for the whole system.
    return redirect(f"/accounts/login/?{request.META.get('QUERY_STRING', '')}")


urlpatterns = [
    path("admin/login/", admin_login),
    # The admin's own autocomplete, plus the access log for need-to-know kinds.
    path(
        "admin/autocomplete/",
        admin.site.admin_view(AccessLoggedAutocompleteView.as_view(admin_site=admin.site)),
        name="autocomplete",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("reports/", include("reports.urls")),
    path("integrity/", include("integrity.urls")),
    path("audit/", include("audit.urls")),
    path("people/", include("people.urls")),
    path("api/", include("api.urls")),
    path("", include("jobs.urls")),
    path("imports/<uuid:job_id>/confirm/", import_confirm, name="import_confirm"),
    # The dashboard is the landing page after login.
    path("", include("dashboard.urls")),
]

if settings.OIDC_ENABLED:
    # OpenID Connect single sign-on (docs/integration.md): /oidc/authenticate/ and its callback.
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))

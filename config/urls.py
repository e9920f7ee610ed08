from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import include, path
from django.views.i18n import set_language


@login_required
def home(request):
    return redirect("admin:index")


def admin_login(request):
    # One login page for the whole system.
    return redirect(f"/accounts/login/?{request.META.get('QUERY_STRING', '')}")


urlpatterns = [
    path("", home, name="home"),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]

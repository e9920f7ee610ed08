"""/api/: the record kinds (generated from the import registry), alerts,
indicators, import files, the reader's jobs, the schema and its
documentation pages."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import tokens
from .jobs import JobViewSet
from .kinds import record_kinds
from .schema import SchemaView
from .views import AlertViewSet, ImportView, IndicatorsView, record_viewset

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
for kind in record_kinds():
    router.register(kind.name, record_viewset(kind), basename=kind.name)
router.register("alerts", AlertViewSet, basename="alerts")
router.register("jobs", JobViewSet, basename="jobs")

urlpatterns = [
    path("indicators/", IndicatorsView.as_view(), name="indicators"),
    path("imports/<slug:kind>/", ImportView.as_view(), name="import"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="swagger",
    ),
    # Redoc styles its page with <style> elements it creates at run time:
    # this page alone allows inline styles; scripts stay this site's own.
    path(
        "redoc/",
        csp_update({"style-src": [SELF, UNSAFE_INLINE]})(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    *router.urls,
]

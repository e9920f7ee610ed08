"""The OpenAPI schema view, generated once per process for each language."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

from core.addresses import url_scheme


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, keeping what it generates.

    The schema is built from the code alone: it is served public
    (``SERVE_PUBLIC``), listing every endpoint whoever asks, so it changes
    only with the language of its texts, the version and the URLs. Generating
    it walks every view and serializer (about a quarter of a second); it is
    done once per process for each of those and rendered per request. A
    language the site does not offer (``?lang=`` takes any text) is answered
    without being kept.
    """

    _generated: ClassVar[dict[tuple, dict]] = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        language = translation.get_language()
        key = (language, version, url_scheme())
        schema = self._generated.get(key)
        if schema is None:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            schema = generator.get_schema(request=request, public=self.serve_public)
            if language in dict(settings.LANGUAGES):
                self._generated[key] = schema
        return Response(
            data=schema,
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )

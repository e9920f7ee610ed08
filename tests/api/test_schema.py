"""The OpenAPI schema validates; the documentation pages load their scripts
from the installed sidecar package, never a CDN or an inline script."""

import re

import pytest
from openapi_spec_validator import validate
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _client(service):
    client = APIClient()
    client.force_login(service.users["hr"])
    return client


def test_the_schema_validates_as_openapi_3_and_lists_every_endpoint(service):
    schema = _client(service).get("/api/schema/?format=json").json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/indicators/",
        "/api/imports/{kind}/",
        "/api/alerts/{id}/",
        "/api/cases/",
        "/api/training/",
        "/api/units/{id}/",
        "/api/jobs/",
        "/api/jobs/{job_id}/",
        "/api/jobs/{job_id}/download/",
    ):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/training/"]
    # A large import answers 202 with its job, whose status the jobs endpoint reads.
    started = schema["paths"]["/api/imports/{kind}/"]["post"]["responses"]["202"]
    assert started["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/JobStarted"}
    job = schema["components"]["schemas"]["Job"]["properties"]
    assert {"status", "done", "total", "error", "result", "download"} <= set(job)
    assert schema["components"]["schemas"]["JobStatusEnum"]["enum"] == ["queued", "running", "succeeded", "failed"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_pages_run_no_inline_script_and_nothing_external(service, url):
    answer = _client(service).get(url)
    assert answer.status_code == 200
    html = answer.content.decode()
    policy = answer["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == ("'self'" if url == "/api/docs/" else "'self' 'unsafe-inline'")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, body in scripts:
        assert body.strip() == "", f"inline script on {url}"
        source = re.search(r'src="([^"]+)"', attributes).group(1)
        assert source.startswith("/"), source
    assert "cdn" not in html.lower() and "https://" not in html
    if url == "/api/docs/":
        assert "<style" not in html


def test_the_swagger_script_is_served_from_this_site(service):
    client = _client(service)
    html = client.get("/api/docs/").content.decode()
    own = [src for src in re.findall(r'src="([^"]+)"', html) if src.startswith("/api/")]
    assert own, "the split view serves its initialiser from the API"
    script = client.get(own[0])
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_the_browsable_api_answers_a_session_and_runs_only_files_of_this_site(service):
    answer = _client(service).get("/api/units/", HTTP_ACCEPT="text/html")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/html")
    html = answer.content.decode()
    assert "黄埔海关" in html
    for attributes, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert 'src="/static/' in attributes or 'type="application/json"' in attributes, attributes

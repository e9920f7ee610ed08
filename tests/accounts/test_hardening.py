"""Content-Security-Policy, HSTS, session lifetime and the production checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings

from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


def test_every_page_carries_a_policy_without_inline_script_or_style(db, client):
    user = UserFactory(username="clerk", is_superuser=True)
    pages = [client.get("/accounts/login/")]
    client.force_login(user)
    pages += [client.get("/admin/"), client.get("/admin/personnel/officer/"), client.get("/")]
    for response in pages:
        assert response.status_code == 200
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_hsts_goes_out_on_https_for_a_year_with_subdomains(db, client):
    response = client.get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/").headers


def test_a_session_lasts_eight_hours_and_ends_with_the_browser(db, client):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    user = UserFactory(username="clerk")
    user.set_password("right-horse-battery")
    user.save()
    response = client.post("/accounts/login/", {"username": "clerk", "password": "right-horse-battery"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # A browser-session cookie: no expiry date, no max-age.
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"] is True and cookie["secure"] is True
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 3600


def _settings_in_a_fresh_process(env: dict, names: list[str]) -> dict:
    code = f"import config.settings.base as s\nfor name in {names!r}: print(name, repr(getattr(s, name)))\n"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "AXES_", "DEBUG"))}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())


def test_the_hardening_settings_come_from_the_environment():
    names = [
        "SESSION_COOKIE_AGE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "SESSION_COOKIE_SECURE",
    ]
    values = _settings_in_a_fresh_process(
        {
            "SECRET_KEY": "x" * 60,
            "SESSION_COOKIE_AGE": "3600",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE": "0",
            "SECURE_HSTS_SECONDS": "600",
            "SECURE_HSTS_PRELOAD": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
            "AXES_FAILURE_LIMIT": "3",
            "AXES_COOLOFF_MINUTES": "10",
        },
        names,
    )
    assert values == {
        "SESSION_COOKIE_AGE": "3600",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": "False",
        "SECURE_HSTS_SECONDS": "600",
        "SECURE_HSTS_PRELOAD": "False",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "AXES_FAILURE_LIMIT": "3",
        "AXES_COOLOFF_TIME": "datetime.timedelta(seconds=600)",
        "SESSION_COOKIE_SECURE": "True",
    }
    development = _settings_in_a_fresh_process({"DEBUG": "1"}, ["SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"])
    assert development == {"SECURE_HSTS_SECONDS": "0", "SECURE_SSL_REDIRECT": "False"}


def test_check_deploy_is_clean_with_the_production_settings_of_the_readme():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "AXES_", "DEBUG"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "k7#Qz9!vR2@mW4$tY6%uI8^oP0&aS1*dF3(gH5)jK7_lZ9+xC-b4Nm8pQ2wE6",
        "ALLOWED_HOSTS": "hr.customs.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _project_template_files():
    dirs = [ROOT / "templates"]
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.is_relative_to(ROOT) and ".venv" not in path.parts and (path / "templates").is_dir():
            dirs.append(path / "templates")
    return sorted(f for d in dirs for f in d.rglob("*.html"))


def test_no_project_template_has_inline_script_style_or_handler():
    files = _project_template_files()
    assert ROOT / "templates" / "base.html" in files and len(files) >= 10
    for path in files:
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.search(r"<style\b", text), path
        assert not re.search(r"\sstyle\s*=", text), path
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert "javascript:" not in text, path

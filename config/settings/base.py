"""Settings for the workforce and integrity-risk information system.

Everything that differs between a developer's laptop, CI and production comes
from the environment, so one settings module serves all three.
"""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A production instance with a guessable key would let anyone forge
        # sessions, so refuse to start rather than fall back to a default.
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug"

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "import_export",
    "simple_history",
    "personnel",
    "training",
    "indicators",
    "audit",
    "integrity",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the project's own CSS and the admin's assets when DEBUG is off,
    # so a deployment needs no separate static server and nothing external.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.access: the user's grants, resolved once per request.
    "org.access.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No anonymous guardian user: an anonymous visitor holds no grant at all.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

# django-import-export: importing and exporting are privileges of their own,
# never implied by being staff. The admin checks grants on units on top.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# Uploaded personnel spreadsheets are sensitive: keep them in the cache
# between preview and confirm and delete them after, never in a temp folder.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "cache_table",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Thresholds of the team-building indicators (shared/spec/indicators.md).
# They are policy, so they live here and nowhere else.
TEAM_INDICATORS = {
    "training_days_min": 12,
    "leader_fulltime_days_min": 90,
    "leader_fulltime_window_years": 5,
    "reserve_leadership_posts_min": 2,
    "reserve_grassroots_posts_min": 1,
    "team_age_low": 45,
    "team_age_high": 55,
    "audit_window_years": 5,
}

# --- Composite assessment of each directly-affiliated customs (audit/composite.py,
# docs/composite.md). Each indicator's weight is on its definition
# (``Indicator.weight``, 1 unless it says otherwise); a deployment may
# override it here per indicator key, e.g. {"audit_coverage": 2}.
COMPOSITE_WEIGHTS = {}

# --- Integrity-risk early warning (shared/spec/indicators.md). Policy, so
# thresholds and weights live here; integrity.risk reads nothing else.
INTEGRITY_RISK = {
    "rotation_years": 5,
    "complaints_window_days": 365,
    "complaints_min": 2,
    "enforcement_months": 6,
    "enforcement_min_declarations": 100,
    "enforcement_z_max": 3.5,
    "unit_case_window_days": 365,
    "unit_case_rate_max": 0.004,
    # A closed alert is not raised again for the same rule and subject for
    # this many days after its closure, so a daily scan does not undo a review.
    "closed_quiet_days": 90,
    "weights": {
        "rotation_overdue": 40,
        "repeated_complaints": 30,
        "enforcement_outlier": 30,
        "unit_case_rate": 50,
    },
}

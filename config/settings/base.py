"""Settings for the workforce and integrity-risk information system.

Everything that differs between a developer's laptop, CI and production comes
from the environment, so one settings module serves all three.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
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

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    # Django's admin with the project's site (core/admin_site.py).
    "core.admin_site.ProjectAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "org",
    "core",
    "personnel",
    "accounts",
    "training",
    "dashboard",
    "audit",
    "integrity",
    "reports",
    "people",
    "api",
    "demo",
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
    # request.user.is_verified(): whether this session has passed a TOTP code.
    "django_otp.middleware.OTPMiddleware",
    # Sends a local account that must use two factors to set up or verify
    # its TOTP device before any other page (TWO_FACTOR_REQUIRED).
    "accounts.middleware.TwoFactorMiddleware",
    # request.access: the user's grants, resolved once per request.
    "org.access.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                # The one navigation bar (core/navigation.py): product name and entries.
                "core.navigation.navigation",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves concurrent users: WAL lets readers go on
    # while one connection writes; IMMEDIATE takes the write lock when a
    # transaction starts, so a read-then-write transaction waits its turn
    # (up to the busy timeout) instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, as django-axes requires: refuses a locked-out login before any
    # password is checked.
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

# --- Directory login (docs/integration.md). Each directory is off unless its
# server is named; its groups map to grants through a JSON table, e.g.
# [{"group": "cn=hr,ou=groups,dc=customs,dc=example", "role": "hr", "unit": "5100"}].
LDAP_SERVER_URI = os.environ.get("LDAP_SERVER_URI", "")
LDAP_GRANT_MAP = ()
if LDAP_SERVER_URI:
    try:
        import ldap
        from django_auth_ldap.config import (
            ActiveDirectoryGroupType,
            GroupOfNamesType,
            LDAPSearch,
            NestedActiveDirectoryGroupType,
            PosixGroupType,
        )
    except ImportError as exc:
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set but python-ldap is not installed: pip install -r requirements-ldap.txt"
        ) from exc
    AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
    AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
    AUTH_LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")
    AUTH_LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        os.environ.get("LDAP_USER_SEARCH_BASE", ""),
        ldap.SCOPE_SUBTREE,
        os.environ.get("LDAP_USER_FILTER", "(uid=%(user)s)"),
    )
    AUTH_LDAP_GROUP_SEARCH = LDAPSearch(
        os.environ.get("LDAP_GROUP_SEARCH_BASE", ""),
        ldap.SCOPE_SUBTREE,
        os.environ.get("LDAP_GROUP_FILTER", "(objectClass=*)"),
    )
    AUTH_LDAP_GROUP_TYPE = {
        "groupOfNames": GroupOfNamesType,
        "posixGroup": PosixGroupType,
        "activeDirectory": ActiveDirectoryGroupType,
        "nestedActiveDirectory": NestedActiveDirectoryGroupType,
    }[os.environ.get("LDAP_GROUP_TYPE", "groupOfNames")]()
    AUTH_LDAP_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail"}
    AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 10}
    AUTH_LDAP_CACHE_TIMEOUT = 0  # group membership is read afresh at every login
    LDAP_GRANT_MAP = os.environ.get("LDAP_GRANT_MAP", "")
    AUTHENTICATION_BACKENDS.insert(2, "accounts.ldap.DirectoryLDAPBackend")

OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_GRANT_MAP = ()
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
    OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_OP_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_OP_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"  # a refused sign-on comes back to the login page
    OIDC_GRANT_MAP = os.environ.get("OIDC_GRANT_MAP", "")
    AUTHENTICATION_BACKENDS.append("accounts.oidc.DirectoryOIDCBackend")

# --- Two-factor authentication (TOTP, django-otp) for local accounts: when
# required, a superuser or a holder of a supervision grant who logged in with
# a local password sets up or verifies an authenticator app before any page.
# On unless DEBUG (the demo's accounts log in with their password alone).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "队伍建设信息系统")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # no device key or QR code in the admin

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
# A working day, and nothing left behind on a shared computer.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

# HTTPS. The HSTS header goes out on HTTPS responses only, so these defaults
# are harmless behind plain HTTP; a TLS-terminating proxy names its header in
# SECURE_PROXY_SSL_HEADER (e.g. HTTP_X_FORWARDED_PROTO).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts
# from this site only; no inline script or style, no plugin, no framing.
# The admin's JSON data islands (<script type="application/json">) are not
# executed, so the policy does not need to allow them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Password guessing (django-axes): after AXES_FAILURE_LIMIT wrong passwords
# for one account from one address, that pair is refused for
# AXES_COOLOFF_MINUTES, even with the right password. Locking the pair, not
# the account alone, keeps one colleague's typing from locking another out
# of their account; a successful login clears the count. The attempts live in
# the database (axes' AccessAttempt); logins and lockouts go to the security
# event log (accounts), so axes keeps no access log of its own.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# django-import-export: importing and exporting are privileges of their own,
# never implied by being staff. The admin checks grants on units on top.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Off: it strips a leading "=", which breaks the export -> import round trip
# and leaves + - @ tab CR alone. The project's formats and text widgets
# escape the OWASP way instead (core/importing/formats.py).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# Uploaded personnel spreadsheets are sensitive: keep them in the cache
# between preview and confirm and delete them after, never in a temp folder.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
# Uploads stay in memory, never in a temporary folder; past the import file
# limit the rest of an upload is counted, not kept (docs/importing.md).
FILE_UPLOAD_HANDLERS = ["core.importing.uploads.BoundedMemoryUploadHandler"]

# --- Bounds of an import file (docs/importing.md), checked before the rows
# are read: the file's size, its data rows, one cell's characters, and for
# an .xlsx workbook the uncompressed size of its parts (a zip bomb) and the
# columns its sheet declares.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", 200 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 1_048_576))
IMPORT_MAX_CELL_CHARS = int(os.environ.get("IMPORT_MAX_CELL_CHARS", 4000))
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = int(os.environ.get("IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", 200))


# A rendered dashboard is kept for its reader this long at most, and only
# while the figures, the reader's grants and the calendar are unchanged
# (dashboard/views.py; docs/performance.md).
DASHBOARD_PAGE_SECONDS = int(os.environ.get("DASHBOARD_PAGE_SECONDS", "600"))

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

# --- The risk-point register (integrity.RiskPoint, docs/integrity.md): a
# point is due for review when not reviewed within the last ``review_months``;
# the review-rate indicator's target.
RISK_POINT_REGISTER = {
    "review_months": 12,
    "review_rate_target": 1.0,
}

# --- Integrity-risk early warning (shared/spec/indicators.md). Policy, so
# thresholds and weights live here; integrity.risk reads nothing else.
INTEGRITY_RISK = {
    # rotation_overdue: years in a post of each risk level (the named risk
    # point's level, else the posting's post_risk) after which rotation is
    # overdue; None: no limit for that level.
    "rotation_years": {"high": 5, "medium": None, "low": None},
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

# --- Small counts (shared/spec/access.md, core/disclosure.py): a
# need-to-know figure counted over fewer officers than this is withheld from
# readers who may not see the records behind it.
SMALL_COUNT_THRESHOLD = int(os.environ.get("SMALL_COUNT_THRESHOLD", "5"))


# The REST API (api/, docs/integration.md). Sessions (CSRF enforced by DRF)
# for the browsable API and the documentation pages; per-user bearer tokens
# for programs. Throttled per token (per user for a session).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.TokenWriteAllowed",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Workforce information system API",
    "VERSION": "1",
    # Swagger UI and ReDoc from the installed sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {"JobStatusEnum": "jobs.models.Job.Status"},
}

# --- Evidence attachments (佐证材料, core/evidence.py, docs/audit.md). Files are
# kept in their own storage, never under STATIC_ROOT or a public media URL:
# every download goes through a view that checks access. The default is a
# local folder; any django-storages backend can replace it here.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("EVIDENCE_ROOT", str(BASE_DIR / "evidence")), "base_url": None},
    },
}
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
# The types accepted, decided from the file's first bytes (not its name),
# with the file-name extensions each may carry.
EVIDENCE_TYPES = {
    "application/pdf": ["pdf"],
    "image/jpeg": ["jpg", "jpeg"],
    "image/png": ["png"],
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ["docx"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["xlsx"],
}

# --- The rectification ledger (整改台账, docs/audit.md): the three-colour
# warning of a deadline (green above ``yellow_days`` days left, yellow up to
# it, red up to ``red_days`` or overdue) and the completion-rate target.
RECTIFICATION = {
    "yellow_days": 20,
    "red_days": 10,
    "completion_target": 1.00,
}

# --- Background jobs (jobs/, docs/jobs.md), written against the Django Tasks
# API (django-tasks, the backport of Django 6's django.tasks). The database
# backend is the embedded default: `manage.py db_worker` runs the jobs, no
# other server needed. TASKS_BACKEND=rq with REDIS_URL switches to RQ on
# Redis (django-tasks-rq): `manage.py rqworker default`, on as many machines
# as needed.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": int(os.environ.get("JOBS_TIMEOUT", 6 * 3600))}}
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "jobs"]
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    INSTALLED_APPS += ["django_rq"]
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured("TASKS_BACKEND must be 'database' or 'rq'.")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("jobs.context_processors.inbox")

JOBS = {
    # A finished job's result file and record are deleted this many days
    # after it finished (`manage.py run_schedules` prunes them).
    "result_days": int(os.environ.get("JOBS_RESULT_DAYS", "7")),
    # An import file with more data rows than this, on the admin's import
    # page or through the API, is previewed and written by a job instead of
    # inside the request.
    "import_rows_threshold": int(os.environ.get("JOBS_IMPORT_ROWS_THRESHOLD", "20000")),
    # Dossiers per part of a batch zip: the parts render on as many workers
    # as there are, then one job step stores them in one zip.
    "dossier_part_size": int(os.environ.get("JOBS_DOSSIER_PART_SIZE", "50")),
    # Bytes per stored chunk of a result or upload file.
    "chunk_bytes": 1024 * 1024,
}

# --- Reminders (docs/jobs.md). The colour thresholds of a rectification
# deadline are RECTIFICATION's (yellow_days, red_days).
REMINDERS = {
    # Supervision: an alert raised within this many days is new; one still
    # open or in review this many days after it was raised is past its due date.
    "new_alert_days": int(os.environ.get("REMINDER_NEW_ALERT_DAYS", "7")),
    "alert_review_days": int(os.environ.get("REMINDER_ALERT_REVIEW_DAYS", "30")),
    # HR: the training shortfalls are reminded from this (month, day) of each
    # year to its end, once a month per unit.
    "training_from": (10, 1),
}
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")

"""Moyeu settings, read from the environment (12-factor).

Every variable is documented in docs/operations.md. Values are validated here, at start-up,
so that a wrong setting fails with a clear message instead of a stack trace later.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from moyeu.core.config import env_bool, env_int, env_list, load_secret_key

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MOYEU_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = env_bool("MOYEU_DEBUG", default=False)
SECRET_KEY = load_secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("MOYEU_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MOYEU_CSRF_TRUSTED_ORIGINS", default=[])
# The address users reach Moyeu at, for links in e-mails and documents sent out of a request
# (notifications, quotes, invitations): https://crm.example.com.
PUBLIC_URL = os.environ.get("MOYEU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
if not PUBLIC_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"MOYEU_PUBLIC_URL must start with http:// or https://, not {PUBLIC_URL!r}"
    )
# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto (https) so that
# absolute links Moyeu builds (calendar subscription links) say https. Only set it when the
# proxy always sets or overwrites that header; a client reaching Moyeu directly could
# otherwise forge it.
MOYEU_TRUSTED_PROXY = env_bool("MOYEU_TRUSTED_PROXY", default=False)
if MOYEU_TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("MOYEU_TRUSTED_PROXY_HOST", default=False)

# --- Modules -----------------------------------------------------------------------------
# Built-in business modules; MOYEU_DISABLED_MODULES turns some off. Third-party modules are
# discovered from the "moyeu.modules" entry point group by moyeu.core.registry.
BUILTIN_MODULES = [
    "moyeu.identity",
    "moyeu.directory",
    "moyeu.documents",
    "moyeu.activities",
    "moyeu.sales",
    "moyeu.billing",
    "moyeu.service",
    "moyeu.integrations",
    "moyeu.portal",
]
DISABLED_MODULES = env_list("MOYEU_DISABLED_MODULES", default=[])
_unknown = sorted(set(DISABLED_MODULES) - {m.rsplit(".", 1)[1] for m in BUILTIN_MODULES})
if _unknown:
    raise ImproperlyConfigured(f"MOYEU_DISABLED_MODULES names unknown modules: {_unknown}")
if "identity" in DISABLED_MODULES:
    raise ImproperlyConfigured("MOYEU_DISABLED_MODULES: identity cannot be turned off")

from moyeu.core.registry import discover_entry_point_modules  # noqa: E402

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs page's assets locally (no CDN, strict CSP)
    "django_tasks",
    "moyeu.core",
    *[m for m in BUILTIN_MODULES if m.rsplit(".", 1)[1] not in DISABLED_MODULES],
    *discover_entry_point_modules(),
    "moyeu.dataio",
    "moyeu.api",
    "moyeu.web",
]

MIDDLEWARE = [
    "moyeu.core.middleware.CorrelationIdMiddleware",
    "moyeu.core.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "moyeu.core.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "moyeu.urls"
WSGI_APPLICATION = "moyeu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# --- Database ----------------------------------------------------------------------------
# Embedded default: one SQLite file in WAL mode under var/. PostgreSQL when DATABASE_URL says so.
_default_db_url = f"sqlite:///{VAR_DIR / 'moyeu.sqlite3'}"
_db = dj_database_url.parse(
    os.environ.get("DATABASE_URL", _default_db_url),
    conn_max_age=env_int("MOYEU_DB_CONN_MAX_AGE", default=60),
    conn_health_checks=True,
)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
        # with "database is locked" half-way through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
        ),
    }
    _db["CONN_MAX_AGE"] = 0 if _db["NAME"] == ":memory:" else _db["CONN_MAX_AGE"]
    # The test database is a file (one per test process), not SQLite's in-memory default, so
    # that tests can run real worker and server subprocesses against it.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL: unsupported engine {_db['ENGINE']!r}; use sqlite:/// or postgres://"
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity ----------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["moyeu.identity.auth.RateLimitedModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
MOYEU_LOGIN_RATE = env_int("MOYEU_LOGIN_RATE", default=10)  # failed attempts per 5 min per key

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("MOYEU_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MOYEU_MAX_BODY_BYTES", default=2 * 1024 * 1024)

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("MOYEU_LANGUAGE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("MOYEU_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it

# --- Documents (files attached to records) -----------------------------------------------
# "local": a folder under var/ (embedded and team shapes); "s3": S3-compatible object storage
# through django-storages (scale-out). Files are stored under random names and served only by
# the access-checked views of moyeu.documents. See docs/operations.md, "Documents".
MOYEU_DOCUMENTS_STORAGE = os.environ.get("MOYEU_DOCUMENTS_STORAGE", "local")
MOYEU_DOCUMENTS_ROOT = Path(os.environ.get("MOYEU_DOCUMENTS_ROOT", VAR_DIR / "documents"))
MOYEU_DOCUMENTS_MAX_BYTES = env_int("MOYEU_DOCUMENTS_MAX_BYTES", default=25 * 1024 * 1024)
MOYEU_DOCUMENTS_ALLOWED_TYPES = env_list(
    "MOYEU_DOCUMENTS_ALLOWED_TYPES",
    default=[
        "pdf", "png", "jpeg", "gif", "webp", "txt", "csv",
        "docx", "xlsx", "pptx", "odt", "ods", "odp",
    ],
)  # fmt: skip
MOYEU_DOCUMENTS_TRASH_DAYS = env_int("MOYEU_DOCUMENTS_TRASH_DAYS", default=30)
if MOYEU_DOCUMENTS_MAX_BYTES < 1:
    raise ImproperlyConfigured("MOYEU_DOCUMENTS_MAX_BYTES must be a positive number of bytes")
if MOYEU_DOCUMENTS_STORAGE == "local":
    _documents_storage: dict[str, object] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(MOYEU_DOCUMENTS_ROOT),
            "base_url": None,  # never served by URL: only through the access-checked views
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    }
elif MOYEU_DOCUMENTS_STORAGE == "s3":
    _bucket = os.environ.get("MOYEU_DOCUMENTS_S3_BUCKET", "")
    if not _bucket:
        raise ImproperlyConfigured(
            "MOYEU_DOCUMENTS_STORAGE=s3 needs MOYEU_DOCUMENTS_S3_BUCKET (the bucket's name)"
        )
    _documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": os.environ.get("MOYEU_DOCUMENTS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MOYEU_DOCUMENTS_S3_REGION") or None,
            "access_key": os.environ.get("MOYEU_DOCUMENTS_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("MOYEU_DOCUMENTS_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("MOYEU_DOCUMENTS_S3_PREFIX", "documents"),
            "addressing_style": os.environ.get("MOYEU_DOCUMENTS_S3_ADDRESSING_STYLE") or None,
            "default_acl": None,  # private objects: the bucket's policy applies
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured("MOYEU_DOCUMENTS_STORAGE must be 'local' or 's3'")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "documents": _documents_storage,
}
WHITENOISE_USE_FINDERS = True

# --- Background work ---------------------------------------------------------------------
# Business code uses django_tasks' @task and .enqueue(); the backend is a setting. The
# database backend (moyeu.core.jobs) needs no broker; a distributed backend can replace it.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("MOYEU_TASK_BACKEND", "moyeu.core.jobs.backend.DatabaseBackend"),
        "QUEUES": ["default", "imports", "exports", "events"],
        "OPTIONS": {},
    }
}
MOYEU_JOB_MAX_ATTEMPTS = env_int("MOYEU_JOB_MAX_ATTEMPTS", default=5)
MOYEU_JOB_LEASE_SECONDS = env_int("MOYEU_JOB_LEASE_SECONDS", default=60)
MOYEU_JOB_RETRY_BASE_SECONDS = env_int("MOYEU_JOB_RETRY_BASE_SECONDS", default=10)
MOYEU_JOB_RETRY_MAX_SECONDS = env_int("MOYEU_JOB_RETRY_MAX_SECONDS", default=3600)
MOYEU_JOB_RETENTION_DAYS = env_int("MOYEU_JOB_RETENTION_DAYS", default=14)

# Region of phone numbers written without a country code, when the record has no country.
MOYEU_DEFAULT_PHONE_REGION = os.environ.get("MOYEU_DEFAULT_PHONE_REGION", "FR")
# Currency (ISO 4217) of amounts entered without one: opportunities, quotes.
MOYEU_DEFAULT_CURRENCY = os.environ.get("MOYEU_DEFAULT_CURRENCY", "EUR").upper()
MOYEU_WORKER_HEARTBEAT_SECONDS = env_int("MOYEU_WORKER_HEARTBEAT_SECONDS", default=10)
MOYEU_WORKER_HEARTBEAT_STALE_SECONDS = env_int("MOYEU_WORKER_HEARTBEAT_STALE", default=60)
MOYEU_OUTBOX_LEASE_SECONDS = env_int("MOYEU_OUTBOX_LEASE_SECONDS", default=30)
MOYEU_OUTBOX_RETRY_BASE_SECONDS = env_int("MOYEU_OUTBOX_RETRY_BASE_SECONDS", default=5)
MOYEU_OUTBOX_RETRY_MAX_SECONDS = env_int("MOYEU_OUTBOX_RETRY_MAX_SECONDS", default=900)
MOYEU_OUTBOX_RETENTION_DAYS = env_int("MOYEU_OUTBOX_RETENTION_DAYS", default=30)
MOYEU_OUTBOX_READY_MAX_AGE_SECONDS = env_int("MOYEU_OUTBOX_READY_MAX_AGE", default=300)

# --- Integrations: outbound HTTP, webhooks, AMQP (docs/integrations.md) ------------------
# Hosts, addresses or networks the outbound client may call although they are internal
# (loopback, private...): an administrator's explicit exception to the SSRF guard.
MOYEU_OUTBOUND_ALLOWED_HOSTS = env_list("MOYEU_OUTBOUND_ALLOWED_HOSTS", default=[])
MOYEU_OUTBOUND_CONNECT_TIMEOUT = env_int("MOYEU_OUTBOUND_CONNECT_TIMEOUT", default=5)
MOYEU_OUTBOUND_READ_TIMEOUT = env_int("MOYEU_OUTBOUND_READ_TIMEOUT", default=10)
MOYEU_OUTBOUND_TOTAL_TIMEOUT = env_int("MOYEU_OUTBOUND_TOTAL_TIMEOUT", default=15)
MOYEU_OUTBOUND_MAX_RESPONSE_BYTES = env_int("MOYEU_OUTBOUND_MAX_RESPONSE_BYTES", default=65536)
MOYEU_WEBHOOK_CONCURRENCY = env_int("MOYEU_WEBHOOK_CONCURRENCY", default=16)
MOYEU_WEBHOOK_MAX_ATTEMPTS = env_int("MOYEU_WEBHOOK_MAX_ATTEMPTS", default=13)
MOYEU_WEBHOOK_RETRY_BASE_SECONDS = env_int("MOYEU_WEBHOOK_RETRY_BASE_SECONDS", default=15)
MOYEU_WEBHOOK_RETRY_MAX_SECONDS = env_int("MOYEU_WEBHOOK_RETRY_MAX_SECONDS", default=86400)
MOYEU_WEBHOOK_LEASE_SECONDS = env_int("MOYEU_WEBHOOK_LEASE_SECONDS", default=60)
MOYEU_WEBHOOK_STALL_SECONDS = env_int("MOYEU_WEBHOOK_STALL_SECONDS", default=900)
MOYEU_AMQP_URL = os.environ.get("MOYEU_AMQP_URL", "")
MOYEU_AMQP_EXCHANGE = os.environ.get("MOYEU_AMQP_EXCHANGE", "moyeu.events")
if MOYEU_WEBHOOK_MAX_ATTEMPTS < 1 or MOYEU_WEBHOOK_CONCURRENCY < 1:
    raise ImproperlyConfigured("MOYEU_WEBHOOK_MAX_ATTEMPTS and _CONCURRENCY must be at least 1")

# --- Operations --------------------------------------------------------------------------
MOYEU_METRICS_TOKEN = os.environ.get("MOYEU_METRICS_TOKEN", "")
MOYEU_LOG_FORMAT = os.environ.get("MOYEU_LOG_FORMAT", "json")
if MOYEU_LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("MOYEU_LOG_FORMAT must be 'json' or 'text'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"correlation": {"()": "moyeu.core.logging.CorrelationFilter"}},
    "formatters": {
        "json": {"()": "moyeu.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": MOYEU_LOG_FORMAT,
            "filters": ["correlation"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("MOYEU_LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}

# --- E-mail ------------------------------------------------------------------------------
# Quotes, reminders, notices and meeting invitations leave through this SMTP server
# (docs/operations.md, "E-mail").
EMAIL_BACKEND = os.environ.get("MOYEU_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("MOYEU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MOYEU_EMAIL_PORT", default=25)
EMAIL_HOST_USER = os.environ.get("MOYEU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MOYEU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MOYEU_EMAIL_STARTTLS", default=False)
EMAIL_USE_SSL = env_bool("MOYEU_EMAIL_SSL", default=False)
EMAIL_TIMEOUT = env_int("MOYEU_EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = os.environ.get("MOYEU_EMAIL_FROM", "Moyeu <no-reply@localhost>")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("MOYEU_EMAIL_STARTTLS and MOYEU_EMAIL_SSL: choose one")

MOYEU_API_PAGE_SIZE = 25
MOYEU_API_MAX_PAGE_SIZE = 200
MOYEU_REQUIRE_SERVICES = env_bool("MOYEU_REQUIRE_SERVICES", default=False)

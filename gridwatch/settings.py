"""GridWatch settings: one module, read from the environment.

GRIDWATCH_ENV selects the mode:
- ``development`` (default): DEBUG on, SQLite, immediate tasks, an insecure fixed key clearly named.
- ``demo``: like development, but the demo accounts print their TOTP secrets (see ``make demo``).
- ``production``: every secret must come from the environment; ``check --deploy`` is clean.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


GRIDWATCH_ENV = env("GRIDWATCH_ENV", "development")
if GRIDWATCH_ENV not in {"development", "demo", "production"}:
    raise ImproperlyConfigured("GRIDWATCH_ENV must be development, demo or production")
PRODUCTION = GRIDWATCH_ENV == "production"
DEMO_MODE = GRIDWATCH_ENV == "demo"


def secret(name, dev_default):
    value = env(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in the environment in production")
    return dev_default


SECRET_KEY = secret("SECRET_KEY", "insecure-development-key-never-use-in-production-" + "x" * 20)
# Keys for field encryption (comma separated, newest first) and the pepper for keyed hashes.
GRIDWATCH_FIELD_KEYS = env_list("GRIDWATCH_FIELD_KEYS") or (
    [] if PRODUCTION else ["insecure-development-field-key"]
)
if PRODUCTION and not GRIDWATCH_FIELD_KEYS:
    raise ImproperlyConfigured("GRIDWATCH_FIELD_KEYS must be set in the environment in production")
GRIDWATCH_PEPPER = secret("GRIDWATCH_PEPPER", "insecure-development-pepper")

DEBUG = env_bool("GRIDWATCH_DEBUG", default=GRIDWATCH_ENV == "development")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "gridwatch.core",
    "gridwatch.audit",
    "gridwatch.geography",
    "gridwatch.people",
    "gridwatch.accounts",
    "gridwatch.cases",
    "gridwatch.supervision",
    "gridwatch.monthly",
    "gridwatch.commitments",
    "gridwatch.formal_warnings",
    "gridwatch.evaluations",
    "gridwatch.dashboard",
    "gridwatch.portal",
    "gridwatch.api",
]

MIDDLEWARE = [
    # Outermost, so that every response carries the security headers: static files served by WhiteNoise,
    # errors, redirects (SECURITY.md item 9).
    "gridwatch.core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridwatch.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gridwatch.core.middleware.RejectNulMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gridwatch.accounts.middleware.SessionPolicyMiddleware",
    "gridwatch.accounts.middleware.LoginRequiredMiddleware",
    "gridwatch.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridwatch.urls"
WSGI_APPLICATION = "gridwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gridwatch" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "gridwatch.core.context_processors.gridwatch",
            ],
        },
    }
]

# Database: SQLite (WAL) by default; DATABASE_URL selects PostgreSQL.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("GRIDWATCH_SQLITE_PATH", str(BASE_DIR / "var" / "gridwatch.sqlite3")),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    # 32 MB of page cache per connection instead of SQLite's 2 MB: a county's rows are
                    # spread over the file, and a province-size database misses the default cache
                    # (docs/performance.md).
                    "PRAGMA busy_timeout=5000; PRAGMA cache_size=-32000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        # Django's database cache with one statement a write (gridwatch/core/cache.py).
        "BACKEND": "gridwatch.core.cache.DatabaseCache"
        if PRODUCTION
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "gridwatch_cache",
        # Room for a day of one-time submission tokens (SECURITY.md item 10) and the per-source counters:
        # with Django's default of 300 entries a cull could drop a used token within its 24 hours, and a
        # second POST of the same form would file a second report. Expired entries are culled first.
        "OPTIONS": {"MAX_ENTRIES": int(env("GRIDWATCH_CACHE_MAX_ENTRIES", 200_000))},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gridwatch.accounts.passwords.CharacterClassValidator"},
    {"NAME": "gridwatch.accounts.passwords.PlaceNameValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: idle timeout (30 minutes, renewed on each request) and an absolute lifetime.
SESSION_COOKIE_AGE = int(env("GRIDWATCH_IDLE_TIMEOUT_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
GRIDWATCH_SESSION_ABSOLUTE_SECONDS = int(env("GRIDWATCH_SESSION_ABSOLUTE_SECONDS", 12 * 3600))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True

# Lockout (django-axes): 5 failures per user and address; the proxy count is configured so a
# spoofed X-Forwarded-For cannot reset it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=int(env("GRIDWATCH_LOCKOUT_MINUTES", 30)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Number of trusted reverse proxies in front of the application (0: X-Forwarded-For is ignored).
AXES_IPWARE_PROXY_COUNT = int(env("GRIDWATCH_PROXY_COUNT", 0))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_CLIENT_IP_CALLABLE = "gridwatch.accounts.lockout.client_ip"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "GridWatch"
# Demo accounts print their TOTP secret; outside demo mode staff enrol at first sign-in.
GRIDWATCH_REQUIRE_2FA = env_bool("GRIDWATCH_REQUIRE_2FA", default=True)

# Internationalisation: zh-hans is the default, English selectable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "gridwatch" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("GRIDWATCH_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Report attachments (gridwatch.cases.attachments, SECURITY.md item 7): photos and PDFs, limited per file,
# per submission and per report; images re-encoded with their long edge capped.
GRIDWATCH_ATTACHMENT_MAX_BYTES = int(env("GRIDWATCH_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))
GRIDWATCH_ATTACHMENT_REPORT_MAX_BYTES = int(env("GRIDWATCH_ATTACHMENT_REPORT_MAX_BYTES", 20 * 1024 * 1024))
GRIDWATCH_ATTACHMENT_MAX_FILES = int(env("GRIDWATCH_ATTACHMENT_MAX_FILES", 6))
GRIDWATCH_ATTACHMENT_IMAGE_EDGE = int(env("GRIDWATCH_ATTACHMENT_IMAGE_EDGE", 2560))
GRIDWATCH_ATTACHMENT_MAX_PIXELS = int(env("GRIDWATCH_ATTACHMENT_MAX_PIXELS", 40_000_000))
# The ClamAV daemon every attachment is streamed to, when set: tcp://host:port or unix:///path/clamd.ctl.
# A scanner that cannot be reached refuses the file (fail closed).
GRIDWATCH_CLAMD = env("GRIDWATCH_CLAMD", "")
GRIDWATCH_CLAMD_TIMEOUT = float(env("GRIDWATCH_CLAMD_TIMEOUT", 30))
GRIDWATCH_PDF_FONT = env("GRIDWATCH_PDF_FONT", "")  # Chinese TrueType font for PDFs (gridwatch.core.pdf)
# The monthly information report (R13) is due by the end of this day of the following month.
GRIDWATCH_MONTHLY_DUE_DAY = int(env("GRIDWATCH_MONTHLY_DUE_DAY", 5))
GRIDWATCH_EVALUATION_MIN_BALLOTS = int(env("GRIDWATCH_EVALUATION_MIN_BALLOTS", 5))  # valid, per group
GRIDWATCH_EVALUATION_FLAG_NEGATIVE_SHARE = env("GRIDWATCH_EVALUATION_FLAG_NEGATIVE_SHARE", "0.333")
GRIDWATCH_EVALUATION_FLAG_POSITIVE_BELOW = env("GRIDWATCH_EVALUATION_FLAG_POSITIVE_BELOW", "0.667")
GRIDWATCH_EVALUATION_FORMULA = env("GRIDWATCH_EVALUATION_FORMULA", "standard")  # standard, strict or weighted
# The public portal (R23): the origins (e.g. https://www.example.gov.cn) whose pages may frame the portal's
# embeddable pages (?embed=1); every other response keeps frame-ancestors 'none'.
GRIDWATCH_EMBED_ORIGINS = [o for o in env("GRIDWATCH_EMBED_ORIGINS", "").split() if o]
# The portal's address as residents reach it (e.g. https://jdjc.example.gov.cn), for the QR codes of the
# notice-board sheets; empty: the address of the request that makes the sheet.
GRIDWATCH_PUBLIC_URL = env("GRIDWATCH_PUBLIC_URL", "").rstrip("/")
# How long browsers and proxies may keep a public page (seconds).
GRIDWATCH_PUBLIC_MAX_AGE = int(env("GRIDWATCH_PUBLIC_MAX_AGE", 300))
GRIDWATCH_EVALUATION_COMBINE_RULE = env("GRIDWATCH_EVALUATION_COMBINE_RULE", "lower")  # lower or unit_first

# Security headers (SECURITY.md item 9).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = int(env("GRIDWATCH_HSTS_SECONDS", 31536000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("GRIDWATCH_SSL_REDIRECT", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("GRIDWATCH_BEHIND_PROXY") else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Background work: Django's Tasks API (django-tasks backport).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if env("GRIDWATCH_TASKS", "immediate" if not PRODUCTION else "database") == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}

# Outgoing messages: one interface, e-mail and SMS backends (file backends in the demo).
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = BASE_DIR / "var" / "outbox" / "email"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", 25))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "gridwatch@localhost")
GRIDWATCH_SMS_BACKEND = env(
    "GRIDWATCH_SMS_BACKEND",
    "gridwatch.core.messaging.FileSMSBackend" if not PRODUCTION else "gridwatch.core.messaging.LogSMSBackend",
)
GRIDWATCH_SMS_FILE_PATH = BASE_DIR / "var" / "outbox" / "sms"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GridWatch API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema is for signed-in staff, not for anonymous visitors.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

GRIDWATCH_PAGE_SIZE = 25
GRIDWATCH_AUDIT_RETENTION_DAYS = 184
# Time limits of case handling, in working days (gridwatch.cases.deadlines): pass a report on to the right
# level, verify it once accepted, tell a named reporter it was accepted, tell the reporter the result.
GRIDWATCH_CASE_DAYS = {
    "transfer": int(env("GRIDWATCH_CASE_DAYS_TRANSFER", 5)),
    "verify": int(env("GRIDWATCH_CASE_DAYS_VERIFY", 15)),
    "acceptance_reply": int(env("GRIDWATCH_CASE_DAYS_ACCEPTANCE_REPLY", 15)),
    "result_reply": int(env("GRIDWATCH_CASE_DAYS_RESULT_REPLY", 15)),
}
# Time limits of the follow-ups a warning notice requires, in working days from its issue
# (gridwatch.formal_warnings): the unit's warning education, the number one's written explanation (from the
# third notice), the public notification and accountability (at the fifth).
GRIDWATCH_WARNING_DAYS = {
    "education": int(env("GRIDWATCH_WARNING_DAYS_EDUCATION", 10)),
    "explanation": int(env("GRIDWATCH_WARNING_DAYS_EXPLANATION", 15)),
    "notification": int(env("GRIDWATCH_WARNING_DAYS_NOTIFICATION", 20)),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("GRIDWATCH_LOG_LEVEL", "INFO")},
    # Never log request lines with addresses for public pages (SECURITY.md item 1).
    "loggers": {
        "django.server": {"handlers": [], "propagate": False},
        # The PDF parser's complaints about a resident's attachment may quote the file: never logged.
        "pypdf": {"handlers": [], "propagate": False},
        # The demo runs tasks at once (ImmediateBackend): their start and end lines would only bury the logins.
        "django_tasks": {"level": "WARNING" if DEMO_MODE else "INFO"},
    },
}

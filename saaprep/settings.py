"""saaprep settings: one file, driven by environment variables.

Defaults suit a newcomer's laptop (SQLite, console email). Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL; see README.md for the full list.
"""

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from saaprep import cache as saaprep_cache

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """A whole number from the environment; a plain message and exit 1 for anything else."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"saaprep: {name} must be a whole number, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A plain message, not a traceback: this is the first thing a deployer meets.
        sys.exit(
            "saaprep: DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "accounts.apps.SignInEmailsConfig",  # allauth.account, titled for the admin
    "csp",
    "accounts",
    "cards",
    "study",
    "classrooms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    # Last, so the 413 page has the site's layout, language and headers; nothing above reads the
    # body (saaprep/bodylimit.py).
    "saaprep.bodylimit.RequestBodyLimitMiddleware",
]

ROOT_URLCONF = "saaprep.urls"
WSGI_APPLICATION = "saaprep.wsgi.application"

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
                "classrooms.context_processors.role",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file for a newcomer. Persistent connections with health
# checks: without them throughput falls to a third, and a PostgreSQL restart costs 500s.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while the dev server writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run five times on a connection prepared:
    # the study loop's statements are then planned once per connection, not on every request
    # (planning was a third of their database time; bench/README.md). Behind a transaction-mode
    # pooler such as PgBouncer without prepared-statement support, set
    # DJANGO_DB_PREPARE_THRESHOLD=off.
    prepare_off = os.environ.get("DJANGO_DB_PREPARE_THRESHOLD", "").strip().lower() == "off"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "server_side_binding": True,
            "prepare_threshold": None if prepare_off else env_int("DJANGO_DB_PREPARE_THRESHOLD", 5),
        }
    )

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Cache: shared by every web process, because login throttling counters (allauth's rate limits)
# live here. Always a table in the main database, never Redis: it must be there whenever the app
# can serve at all, so an outage of Redis never stops anyone signing in (bin/start and `make
# migrate` create the table). Redis, when REDIS_URL is set, only accelerates the heavy pages
# ("pages" below). Never per-process memory: each worker would count alone.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "saaprep_cache",
    }
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's and allauth's backends, loading the user with their teacher role (for the header).
# A session remembers its backend's path: sessions made under other paths end (sign in again).
AUTHENTICATION_BACKENDS = [
    "classrooms.backends.ModelBackend",
    "classrooms.backends.AuthenticationBackend",
]

# django-allauth: email + password, no usernames shown.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up must not tell whether an address already has an account. allauth can only hide it when
# verification is mandatory: a sign-up with a taken address then answers exactly like a new one
# ("we sent you an email") and mails the owner instead. So production makes it mandatory; the
# development server (DEBUG, `make run`, console email) keeps it optional, so a newcomer can sign
# up and study at once. Confirming in the browser that signed up signs in.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get(
    "ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory"
).strip()
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    sys.exit(
        "saaprep: ACCOUNT_EMAIL_VERIFICATION must be mandatory, optional or none, "
        f"not {ACCOUNT_EMAIL_VERIFICATION!r}."
    )
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # Per IP and per account; counters live in the shared cache above.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
    # Compiling a notebook costs up to a second of CPU: previews and saves, per learner.
    "notebook_upload": os.environ.get("NOTEBOOK_UPLOAD_RATE", "10/m/user,60/h/user"),
    # Suspending, unsuspending and reporting cards: plenty for a reader, too few to flood.
    "card_flag": "30/m/user,300/h/user",
}
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# allauth prefixes subjects with the site's name, which without the sites framework is the host
# the request came to ("[127.0.0.1:8000] ..."): name the product instead.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[saaprep] "
# Don't email strangers: a reset for an unknown address sends nothing (the page is the same).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

# Email: the console by default; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "saaprep <noreply@localhost>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Internationalisation: Korean and English, chosen by the browser or the header switcher.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# Uploads (the data import is the only one): no file is read past 5 MB, wherever it comes from.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# No request body past this is read at all: 413 (saaprep/bodylimit.py). Above the import limit,
# so a file a little over 5 MB still gets the import form's own message.
MAX_REQUEST_BODY_BYTES = env_int("DJANGO_MAX_REQUEST_BODY_BYTES", 6 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "saaprep.uploads.SizeCappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Learners' own notebooks (cards.notebooks): each upload at most this many bytes of Markdown,
# this many notebooks and this many cards (generated questions included) per learner.
NOTEBOOK_MAX_BYTES = env_int("NOTEBOOK_MAX_BYTES", 1_000_000)
NOTEBOOK_MAX_PER_USER = env_int("NOTEBOOK_MAX_PER_USER", 20)
NOTEBOOK_MAX_CARDS_PER_USER = env_int("NOTEBOOK_MAX_CARDS_PER_USER", 5000)

# Static files: whitenoise, hashed names with far-future cache headers.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security. Production (DEBUG off) runs behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container healthcheck speaks plain HTTP
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS preload is a decision for the domain's owner, not the app: silence only that check.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Spaced repetition: fuzzing spreads reviews in production; tests turn it off for exact dates.
FSRS_FUZZING = env_bool("FSRS_FUZZING", True)

# The heaviest pages (progress, exam results, a teacher's assignment dashboard and its CSV) keep
# their rendered figures in the "pages" cache. Each copy is keyed on what it shows, so a new
# answer shows at once; these seconds bound how stale the figures the key cannot see may get
# (cards falling due as time passes, card texts edited, re-grades). 0 turns it off.
# Only with a shared Redis: copies in each worker's memory would let two workers disagree, and
# the database table costs several round trips per copy, more than most pages save.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 60)
if PAGE_CACHE_SECONDS > 0 and REDIS_URL:
    # An accelerator, never a single point of failure: with Redis down every read is a miss and
    # every write is dropped (django-redis' IGNORE_EXCEPTIONS), so the pages render uncached;
    # redis-py reconnects by itself once it is back. Short timeouts keep a Redis that hangs from
    # holding a worker; saaprep/cache.py logs each outage once, not once per request.
    CACHES["pages"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pages",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
            "CONNECTION_POOL_KWARGS": {"redis_connect_func": saaprep_cache.connected},
        },
    }
else:
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = saaprep_cache.LOGGER_NAME

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"once_per_outage": {"()": "saaprep.cache.OncePerOutage"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django adds its own console handler in DEBUG; let records reach the root handler once.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        saaprep_cache.LOGGER_NAME: {"filters": ["once_per_outage"]},
    },
}

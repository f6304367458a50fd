"""Settings for facematch. Every environment variable is read here, once.

All variables carry the FACEMATCH_ prefix; see README.md for the list. Runtime
data (database, uploads, frames, thumbnails) lives under FACEMATCH_DATA_DIR so
a deployment backs up one folder.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from facematch_ui.lib.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_optional_str,
    env_path,
    env_str,
    persistent_secret,
    redis_cache_from_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Runtime data -----------------------------------------------------------
DATA_DIR = env_path("DATA_DIR", BASE_DIR / "var")
MEDIA_ROOT = DATA_DIR / "media"  # engine uploads, frames, thumbnails
REVIEW_THUMBNAIL_DIR = DATA_DIR / "review-thumbnails"  # the dashboard's cache
MEDIA_URL = "/media/"

# --- Core -------------------------------------------------------------------
# development: a fresh clone runs with no configuration (`make demo`, `make
# test`). production: no generated secrets, secure cookies, HTTPS, HSTS,
# collected static files.
ENVIRONMENT = env_choice("ENV", "development", ("development", "production"))
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", False)
_secret_key = env_optional_str("SECRET_KEY")
if _secret_key is None and PRODUCTION:
    # A key generated on one machine would differ on the next: sessions and
    # share links would break at random behind a load balancer.
    raise ImproperlyConfigured(
        "FACEMATCH_SECRET_KEY must be set when FACEMATCH_ENV=production "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
SECRET_KEY = _secret_key or persistent_secret(DATA_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- HTTP hardening ---------------------------------------------------------
# On in production; each can be turned off, e.g. SSL_REDIRECT=0 when the
# proxy in front already redirects.
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", PRODUCTION)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", PRODUCTION)
# Opt-in: only behind a proxy that sets X-Forwarded-Proto itself (and strips
# the client's), or any client could claim HTTPS.
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Our own origin only, no inline script or style, in every environment so
# tests meet the policy browsers enforce (face boxes are SVG rects, htmx's
# indicator styles live in app.css). FACEMATCH_CSP replaces the whole
# policy; an empty value sends none.
CONTENT_SECURITY_POLICY = env_str(
    "CSP",
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "facematch_ui.review",
    "facematch_ui.engine",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "facematch_ui.lib.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "facematch_ui.urls"
WSGI_APPLICATION = "facematch_ui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database_url = env_optional_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            # The web server and the task worker write concurrently: WAL lets
            # readers proceed during a write, IMMEDIATE avoids upgrade deadlocks.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:job_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
# Development serves static/ as it is, no collectstatic step. Production
# serves `manage.py collectstatic` output: hashed names, compressed, cached
# for a year by browsers (whitenoise).
STATIC_STORAGE = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if PRODUCTION
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": STATIC_STORAGE},
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Uploads: stream large files to disk, cap the size.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 2 * 1024**3, minimum=1)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024**2
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2  # non-file body (JSON with a base64 image)
FILE_UPLOAD_TEMP_DIR = None

# Two caches. "local", in each process: job counts and rendered gallery
# pieces (~150 KB each), keyed by a per-job version, so entries are never
# stale, only evicted; no network hop for the largest values. "default":
# what every process must agree on (share-link guess limits, sync throttles,
# and sessions when shared). With FACEMATCH_CACHE_URL (Redis) it is shared by
# every worker on every machine, and sessions are read from it before the
# database (cached_db); without it each process counts for itself.
CACHE_URL = env_optional_str("CACHE_URL")
_local_cache = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "facematch-local",
    "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1000, minimum=10)},
}
if CACHE_URL:
    CACHES = {"default": redis_cache_from_url(CACHE_URL), "local": _local_cache}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "facematch-default",
        },
        "local": _local_cache,
    }

# --- Background work (Django's tasks API) ------------------------------------
TASK_BACKEND = env_choice("TASK_BACKEND", "database", ("database", "rq", "immediate"))
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASK_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- The face API the dashboard talks to -------------------------------------
# Unset: the embedded engine, called in-process (no HTTP, no key needed).
# Set (e.g. https://api.cloudglue.dev/v1 with FACEMATCH_API_KEY): that API.
FACE_API_URL = env_optional_str("API_URL")
FACE_API_KEY = env_optional_str("API_KEY")
FACE_API_TIMEOUT = env_float("API_TIMEOUT", 30.0, minimum=0.1)
FACE_API_MAX_RETRIES = env_int("API_MAX_RETRIES", 4, minimum=0)
FACE_API_RETRY_BUDGET = env_float("API_RETRY_BUDGET", 60.0, minimum=0)
FACE_API_CONCURRENCY = env_int("API_CONCURRENCY", 16, minimum=1)
# Base URL the in-process transport uses; the host never touches the network.
# https, so SECURE_SSL_REDIRECT does not bounce these requests; the host must
# pass ALLOWED_HOSTS like any request through the middleware.
FACE_API_EMBEDDED_URL = "https://localhost/v1"
if "localhost" not in ALLOWED_HOSTS and "*" not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append("localhost")
FACE_API_EMBEDDED_TRANSPORT = "facematch_ui.engine.transport.InProcessTransport"
# Import path of an httpx transport class used instead (tests, special setups).
FACE_API_TRANSPORT = env_optional_str("API_TRANSPORT")
REVIEW_SYNC_INTERVAL = env_float("SYNC_INTERVAL", 2.0, minimum=0.5)

# --- The embedded engine ----------------------------------------------------
ENGINE_DETECTOR = env_choice("DETECTOR", "hog", ("hog", "cnn"))
# Processes one analysis uses (0: up to 4, as the cores allow).
ENGINE_WORKERS = env_int("ENGINE_WORKERS", 0, minimum=0) or None
ENGINE_MATCH_THRESHOLD = env_float("MATCH_THRESHOLD", 0.0, minimum=0)  # 0: engine default
ENGINE_ALLOW_REMOTE_URLS = env_bool("ALLOW_REMOTE_URLS", False)
# Lifts only the public-address rule of remote fetches, for local testing.
ENGINE_ALLOW_PRIVATE_URLS = env_bool("ALLOW_PRIVATE_URLS", False)
ENGINE_REMOTE_FETCH_MAX_BYTES = env_int("REMOTE_FETCH_MAX_BYTES", 200 * 1024**2, minimum=1)
ENGINE_MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 40_000_000, minimum=1)
ENGINE_STALE_JOB_SECONDS = env_int("STALE_JOB_SECONDS", 600, minimum=10)

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}

"""Settings for the KeKo directory.

One module for every environment: production differs only by the values of environment
variables (DEBUG, SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, ADMIN_PATH).
With DEBUG off every production safeguard is on by default; `manage.py check --deploy` passes.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    return int(os.environ.get(name, "").strip() or default)


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY, or DEBUG=1 for local development.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin: its admin classes extend the admin's (content in three languages).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "django_tasks",
    "keko.apps.TaskQueueConfig",  # django_tasks_db, named in Finnish
    "keko",
    "actors",
    "funding",
    "practices",
    "glossary",
    "curation",
    "directory",
    "seeding",
    "catalogue",
    "rest_framework",
    "opendata",
]

MIDDLEWARE = [
    # First: adds the security headers to what the middleware below never sees (static files,
    # the 400 of an unknown host).
    "keko.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "keko.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After authentication, so that it sees its outcome.
    "axes.middleware.AxesMiddleware",
    # Last, so that its process_exception sees a lost database connection before any other.
    "keko.middleware.DatabaseUnavailableMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "keko.urls"

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

WSGI_APPLICATION = "keko.wsgi.application"

# No DATABASE_URL: the embedded SQLite file next to manage.py.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
IS_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes write to the one file (gunicorn's workers, the task worker, a command):
    # a transaction takes the write lock when it begins, and a writer waits up to 20 s for
    # its turn, rather than failing halfway with "database is locked". WAL lets pages be read
    # while someone writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )

# Worker processes that lay out a long workshop PDF side by side (keko.pdf); default: one per
# CPU the app server may use.
PDF_PROCESSES = env_int("PDF_PROCESSES", 0) or None
# Workshop PDFs of more actors than this are laid out in the task queue, never in a web
# request; the visitor gets a page that refreshes itself until the PDF is ready.
PDF_INLINE_MAX_ACTORS = env_int("PDF_INLINE_MAX_ACTORS", 100)
# Likewise the CSVs of more actors than this (written at about 10 000 rows a second).
CSV_INLINE_MAX_ACTORS = env_int("CSV_INLINE_MAX_ACTORS", 5000)
# At most this many PDFs laid out at a time across the whole deployment (directory.models.
# RenderSlot); each uses up to PDF_PROCESSES processes. Default: the CPUs of one machine.
PDF_CONCURRENCY = env_int("PDF_CONCURRENCY", 0) or len(os.sched_getaffinity(0))
# A render not done by then is stopped, its processes ended, and the visitor told to narrow.
PDF_RENDER_TIMEOUT = env_int("PDF_RENDER_TIMEOUT", 300)
# New PDF renders an anonymous address may start per PDF_RENDER_PERIOD seconds (PDFs already
# made, or being made for someone else, are free); past it, 429 with Retry-After. As many
# queued CSVs again, counted apart.
PDF_RENDERS_PER_ADDRESS = env_int("PDF_RENDERS_PER_ADDRESS", 10)
PDF_RENDER_PERIOD = env_int("PDF_RENDER_PERIOD", 600)

# Actor imports in the admin (actors/importing.py, curation/imports.py): files of at most
# IMPORT_MAX_BYTES and IMPORT_MAX_ROWS rows; above IMPORT_INLINE_MAX_ROWS rows the dry run and
# the import run as tasks. Uploaded files wait for the confirmation in IMPORT_DIR under random
# names that only this server hands out (signed for the user who uploaded them).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
IMPORT_INLINE_MAX_ROWS = env_int("IMPORT_INLINE_MAX_ROWS", 300)
IMPORT_DIR = os.environ.get("IMPORT_DIR", str(BASE_DIR / "var" / "imports"))
IMPORT_EXPORT_TMP_STORAGE_CLASS = "actors.importing.ImportFileStorage"

# Imports from Suomi.fi Palvelutietovaranto (catalogue/, docs/catalogue.md): the open API's
# base URL (a v12 adapter would come with its own), a polite pause between requests (seconds),
# each request's timeout and how many times a 429, a 5xx or a timeout is tried again.
PTV_API_URL = os.environ.get("PTV_API_URL", "https://api.palvelutietovaranto.suomi.fi/api/v11/")
PTV_REQUEST_DELAY = float(os.environ.get("PTV_REQUEST_DELAY", "").strip() or 0.2)
PTV_TIMEOUT = env_int("PTV_TIMEOUT", 30)
PTV_RETRIES = env_int("PTV_RETRIES", 4)

# Enriching actors from the business register's open data (YTJ, catalogue/ytj.py,
# docs/catalogue.md): the same four knobs as PTV's.
YTJ_API_URL = os.environ.get("YTJ_API_URL", "https://avoindata.prh.fi/opendata-ytj-api/v3")
YTJ_REQUEST_DELAY = float(os.environ.get("YTJ_REQUEST_DELAY", "").strip() or 0.5)
YTJ_TIMEOUT = env_int("YTJ_TIMEOUT", 30)
YTJ_RETRIES = env_int("YTJ_RETRIES", 4)

# The cache must be one that every process serving the site shares: cached pages and the
# directory version that edits move on (keko/cache.py) live there (the rate limits count in
# the database, keko/ratelimit.py). Redis through CACHE_URL for several machines; otherwise
# files in CACHE_DIR, which every worker process, management command and import of one
# machine read and write alike (a per-process memory cache would serve old pages from the
# workers that did not save).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHE_DIR = os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache"))
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "keko.filecache.FileBasedCache",
            "LOCATION": CACHE_DIR,
            # Django's file cache, counting its folder once every 100 writes rather than
            # before each (keko/filecache.py); a quarter is culled past MAX_ENTRIES.
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
        }
    )
}

# Long work (large PDFs and CSVs, imports, catalogue imports, e-mails, data packages) never
# runs in a web request: it is queued in the database and run by `manage.py db_worker`, one per
# machine beside gunicorn (docs/deployment.md). No new infrastructure, and the same on SQLite and
# PostgreSQL. TASKS_IMMEDIATE=1 runs every task at once in the process that queues it (a
# one-process setup without a worker; `make run` starts a worker instead).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Finnish at the site's root, Swedish under /sv/ and English under /en/ (i18n_patterns in
# keko/urls.py). The page's language comes from its URL alone, never from the browser, so that
# `lang`, Content-Language, Django's own messages and the page cache's key always agree
# (WCAG 2.1, 3.1.1); the admin and the API, outside the prefixes, are always Finnish.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as "3.12.2026" everywhere (keko/formats/fi/formats.py).
FORMAT_MODULE_PATH = ["keko.formats"]
# Content in three languages (django-modeltranslation): a field's Swedish or English value
# falls back to the Finnish one, which the templates then mark lang="fi".
MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi",)
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
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

# One JSON object a line on stdout, for the platform's log collector (keko/logging.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "keko.logging.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO, pikepdf its start.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}

# Where visitors may write about the service (the accessibility statement names it).
FEEDBACK_EMAIL = os.environ.get("FEEDBACK_EMAIL", "")

# --- E-mail ----------------------------------------------------------------------------------
# EMAIL_URL sets the whole transport in one variable, like DATABASE_URL:
#   smtp://user:password@host:587   STARTTLS on port 587 (or with ?tls=1), plain SMTP otherwise
#   smtps://user:password@host:465  TLS from the first byte
#   console:// | locmem:// | dummy:// | file:///path/to/folder
# User name and password are percent-encoded in the URL. Without EMAIL_URL the standard
# EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS and
# EMAIL_USE_SSL variables apply; in development (DEBUG) messages are printed to the console.
# The tests use Django's in-memory backend whatever is set here.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
}


def parse_email_url(url):
    """Return the EMAIL_* settings that `url` (EMAIL_URL) stands for."""
    parts = urlsplit(url)
    if parts.scheme not in _EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {parts.scheme!r}; use one of {', '.join(_EMAIL_BACKENDS)}."
        )
    config = {"EMAIL_BACKEND": _EMAIL_BACKENDS[parts.scheme]}
    if parts.scheme == "file":
        config["EMAIL_FILE_PATH"] = unquote(parts.path)
    if parts.scheme not in {"smtp", "smtps"}:
        return config
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps"
    port = parts.port or (465 if ssl else 25)
    tls = not ssl and query.get("tls", "1" if port == 587 else "0").lower() in {"1", "true", "yes"}
    config.update(
        EMAIL_HOST=parts.hostname or "localhost",
        EMAIL_PORT=port,
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_TLS=tls,
        EMAIL_USE_SSL=ssl,
    )
    if "timeout" in query:
        config["EMAIL_TIMEOUT"] = int(query["timeout"])
    return config


EMAIL_TIMEOUT = 30  # a stuck mail server must not hold a task worker for ever
if os.environ.get("EMAIL_URL"):
    globals().update(parse_email_url(os.environ["EMAIL_URL"]))
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND",
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "KeKo-hakemisto <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The public address of the site, for links in e-mails (sent by commands and tasks, which
# have no request to take the host from), e.g. https://keko.example.fi
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# The yearly "still correct?" e-mail (manage.py request_confirmations, curation/confirmations.py):
# an actor is asked at most once per CONFIRMATION_INTERVAL_DAYS; its signed link works for
# CONFIRMATION_LINK_DAYS; unanswered after CONFIRMATION_ANSWER_DAYS, the entry is listed as
# stale for curators.
CONFIRMATION_INTERVAL_DAYS = env_int("CONFIRMATION_INTERVAL_DAYS", 365)
CONFIRMATION_LINK_DAYS = env_int("CONFIRMATION_LINK_DAYS", 30)
CONFIRMATION_ANSWER_DAYS = env_int("CONFIRMATION_ANSWER_DAYS", 60)

# The admin's address is not advertised; production sets its own.
ADMIN_PATH = os.environ.get("ADMIN_PATH", "admin/").strip("/") + "/"

# --- HTTPS and security headers ---------------------------------------------------------------
# Production runs behind a TLS-terminating proxy that sets X-Forwarded-Proto; the proxy must
# overwrite any such header a client sends.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The load balancer's health probe may come over plain HTTP from inside the platform.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is a commitment for the whole domain (hstspreload.org), so it is opt-in.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Curators' sessions end after a working day, or when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# security.W021 asks for preloading; leaving it off is the deliberate default above.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Pages have no scripts and no inline styles; the map and the QR codes are inline SVG
# elements, and the print page's QR codes are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF],
        "script-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features no page uses (keko/middleware.py).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# --- Admin login: lockout after repeated failures (django-axes) -------------------------------
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_HOURS", 1)  # hours
AXES_RESET_ON_SUCCESS = True
# A user name from an address: a flood against one account locks out only that account from
# that address, not every curator behind the same proxy or office network.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The site's page in Finnish, 429 with Retry-After (templates/keko/lockout.html).
AXES_LOCKOUT_CALLABLE = "keko.middleware.lockout_response"
# Behind N trusted proxies the client's address is the Nth from the right of X-Forwarded-For,
# if the request comes from TRUSTED_PROXY_NETWORKS (empty: from anywhere); otherwise, and with
# a header of fewer entries, REMOTE_ADDR (keko.middleware.client_ip; docs/deployment.md).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
TRUSTED_PROXY_NETWORKS = env_list(
    "TRUSTED_PROXY_NETWORKS",
    "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7",
)
AXES_CLIENT_IP_CALLABLE = "keko.middleware.client_ip"

# --- Open-data API (opendata/, Django REST framework) ----------------------------------------
# Read-only JSON for anyone: no sessions or logins (so no drafts, whoever asks), no browsable
# HTML, and `format` left to HSDS (the API's own parameter) rather than to DRF.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": None,
}
# Requests an address may make to the API per API_RATE_PERIOD seconds (opendata/throttling.py);
# past it, 429 with Retry-After. 0: no limit.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)
API_RATE_PERIOD = env_int("API_RATE_PERIOD", 600)

# --- Request size ------------------------------------------------------------------------------
# A request's form fields (everything but files) may take at most 1 MiB: the public forms send
# a few kilobytes, the admin's largest forms some hundred. Larger bodies get a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Uploaded files (the admin's imports, at most IMPORT_MAX_BYTES) up to 2.5 MiB are kept in
# memory, larger ones in a temporary file. Public forms take no files at all
# (keko.middleware.refuse_file_uploads); the proxy limits bodies too (docs/deployment.md).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

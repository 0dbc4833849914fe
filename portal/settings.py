"""
Settings for the Niigata City My Number Card portal.

One file for every environment, read from environment variables through the
small helpers below. The defaults are the embedded, local mode: SQLite,
Celery tasks run in-process, mail printed to the console, DEBUG only when
asked. Production is this same file with variables set (see README.md and
docker-compose.yml).
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    """Return the variable, or the content of the file named by NAME_FILE."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}")
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name, default, *, minimum=None):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env_bool("REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set")
    # Embedded mode only: a fixed, obviously local key. docker-compose.yml
    # sets REQUIRE_SECRET_KEY so production refuses to start without one.
    SECRET_KEY = "local-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "portal",
    "reservations",
    "eligibility",
    "fees",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.ApiLanguageMiddleware",
    "portal.middleware.NoStoreMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite in embedded mode, PostgreSQL when DATABASE_URL is set.
# SQLite runs every transaction as BEGIN IMMEDIATE so that two writers
# serialise on the database lock instead of failing at commit (R-B6).
# With DATABASE_URL, each process keeps its connection for DATABASE_CONN_MAX_AGE seconds (0: one
# per request) and, by default, checks a kept connection once per request before using it, so a
# restarted database costs no failed request (issue #17: no connect per request).
DATABASE_URL = env_str("DATABASE_URL")
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 600, minimum=0)
DATABASE_HEALTH_CHECKS = env_bool("DATABASE_HEALTH_CHECKS", True)
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=DATABASE_HEALTH_CHECKS,
        )}
    except Exception as exc:  # dj_database_url raises several kinds
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Japanese first, English complete.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic output: production only (embedded mode serves static/ directly).
STATIC_ROOT = BASE_DIR / "staticfiles" if env_bool("STATIC_MANIFEST", False) else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Embedded mode serves static files straight from static/ (no collectstatic);
# production runs collectstatic and serves the hashed, compressed copies.
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The admin lives under a path of the operator's choosing, not /admin/.
ADMIN_PATH = env_str("ADMIN_PATH", "city-admin/").strip("/") + "/"
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"

# Sessions and cookies.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60, minimum=60)
# A session in use is written at most once a minute (portal.middleware.SessionRefreshMiddleware),
# not on every request: it still ends 30 minutes after its last use.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL = env_bool("SECURE_SSL", False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
# No script reads a cookie: every form carries its CSRF token in the page.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SECURE_SSL
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # the containers' health checks speak plain HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy: no inline scripts or styles, nothing from other hosts.
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

# Mail: printed to the console unless an SMTP server is configured.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mynumber-card@city.niigata.example")

# Celery: in-process (eager) without REDIS_URL, a real broker with it.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every Redis socket has a short timeout, so that a Redis that hangs (stopped,
# not down: connections are accepted and never answered) cannot hang the web
# tier: the post-commit publish gives up and the sweep hands the message over
# again once Redis answers (issue #18). Redis answers in well under a
# millisecond; a booking with Redis hung pays a few cache timeouts (fail open)
# and one publish (one round trip, a few on a new connection): about
# 3 x 0.5 s + 0.6 s, under 3 s.
REDIS_SOCKET_TIMEOUT = 0.5
BROKER_SOCKET_TIMEOUT = 0.25
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": BROKER_SOCKET_TIMEOUT,
    "socket_keepalive": True,
    "retry_on_timeout": False,
    "health_check_interval": 25,
}
# How often beat hands due and orphaned messages to the workers (reminders, retries).
MESSAGE_SWEEP_SECONDS = env_int("MESSAGE_SWEEP_SECONDS", 60, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "sweep-messages": {"task": "reservations.sweep_messages", "schedule": float(MESSAGE_SWEEP_SECONDS)},
    # R-L2: offers past their time end and their seats go to the next entry, every minute.
    "expire-waitlist-offers": {"task": "reservations.expire_waitlist_offers", "schedule": 60.0},
    # R-B11: every night at 03:15 (CELERY_TIMEZONE). Crontab entries run at a time of day whenever beat
    # started; with its schedule file kept (docker-compose.yml), a run missed while beat was down happens
    # at its restart.
    "erase-personal-data": {"task": "reservations.erase_personal_data", "schedule": crontab(hour=3, minute=15)},
    # Abandoned booking paths (names, notice numbers, contacts) go within the hour after they expire.
    "clear-expired-sessions": {"task": "reservations.clear_expired_sessions", "schedule": crontab(minute=45)},
}
# Celery gives up publishing at once when Redis is down or hung, so a booking
# never hangs on the broker (the sweep sends the message later). No publish
# retry: redis-py reconnects a connection that Redis dropped (a restart) by
# itself, and against a hung Redis a retry only doubles the wait.
# broker_connection_timeout bounds establishing a connection (a web worker's
# first publish, or after an error): 2 s here cost a booking 2.5 s.
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
# /readyz answers 503 when the oldest message due has waited longer than this
# (no worker or no beat): docs/operations.md.
READY_OUTBOX_LAG_SECONDS = env_int("READY_OUTBOX_LAG_SECONDS", 300, minimum=1)
# A claimed message whose worker died is taken over after this many seconds.
MESSAGE_CLAIM_TIMEOUT_SECONDS = env_int("MESSAGE_CLAIM_TIMEOUT_SECONDS", 600, minimum=1)
# R-B11: days after the appointment before a booking's personal data is erased.
BOOKING_RETENTION_DAYS = env_int("BOOKING_RETENTION_DAYS", 90, minimum=1)

# Cache (rate limits): Redis when REDIS_URL is set, shared by every process;
# in-process memory in embedded mode (one process).
if REDIS_URL:
    # Short timeouts: a Redis that hangs must not hang every request (the
    # cache, the limits and the availability cache all fail open).
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.BreakerRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions (issue #17): read from the shared cache, written to the database as well
# (portal/sessions.py: every cache error falls over to the database). In embedded mode the
# cache is each process's own memory, which several processes cannot share: the database alone.
SESSION_ENGINE = "portal.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
# The longest a session's cache entry lives (never past the session's own expiry).
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 300, minimum=1)

# Seconds a computed availability may be served from the shared cache; every
# booking, cancellation, move and admin change invalidates it at once, so this
# only bounds a missed invalidation (0 turns the cache off).
AVAILABILITY_CACHE_SECONDS = env_int("AVAILABILITY_CACHE_SECONDS", 10, minimum=0)

# R-B8: failed lookups (code + date of birth) allowed per client address.
LOOKUP_FAILURE_LIMIT = env_int("LOOKUP_FAILURE_LIMIT", 10, minimum=1)
LOOKUP_FAILURE_WINDOW_SECONDS = env_int("LOOKUP_FAILURE_WINDOW_SECONDS", 600, minimum=1)
# Booking attempts (pages and API) allowed per client address and window. A
# mobile carrier puts many residents behind one address, so the limit is far
# above what one household needs and far below what a script would send.
BOOKING_RATE_LIMIT = env_int("BOOKING_RATE_LIMIT", 30, minimum=1)
BOOKING_RATE_WINDOW_SECONDS = env_int("BOOKING_RATE_WINDOW_SECONDS", 600, minimum=1)
# Partner systems (ward kiosks, the reservation centre's gateway) that book and
# look up for many residents from one address: addresses or networks, comma-separated.
RATE_LIMIT_EXEMPT = []
for _item in env_str("RATE_LIMIT_EXEMPT", "").split(","):
    if _item.strip():
        try:
            RATE_LIMIT_EXEMPT.append(ipaddress.ip_network(_item.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"RATE_LIMIT_EXEMPT: {exc}")
# Successful online bookings allowed per Japan calendar day (issue #18, docs/decisions.md
# "Security"): per client address (IPv4 address or IPv6 /64), per e-mail and per phone. One
# booking holds a household's party of up to 4; staff and RATE_LIMIT_EXEMPT are not limited.
BOOKING_DAILY_LIMIT_PER_ADDRESS = env_int("BOOKING_DAILY_LIMIT_PER_ADDRESS", 3, minimum=1)
BOOKING_DAILY_LIMIT_PER_EMAIL = env_int("BOOKING_DAILY_LIMIT_PER_EMAIL", 2, minimum=1)
BOOKING_DAILY_LIMIT_PER_PHONE = env_int("BOOKING_DAILY_LIMIT_PER_PHONE", 2, minimum=1)
# The admins' review of clusters: upcoming bookings sharing an e-mail, a phone or a client
# address, listed from this many on, or when this many were made within the burst seconds.
CLUSTER_MIN_BOOKINGS = env_int("CLUSTER_MIN_BOOKINGS", 3, minimum=2)
CLUSTER_BURST_BOOKINGS = env_int("CLUSTER_BURST_BOOKINGS", 3, minimum=2)
CLUSTER_BURST_SECONDS = env_int("CLUSTER_BURST_SECONDS", 600, minimum=1)
# Staff and admin logins (portal.auth): failures allowed per user name from one
# address, and per address for any names, before a lock until the window ends.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900, minimum=1)
# A user name is never locked across addresses (anyone could lock staff out):
# past this many failures from all addresses, one attempt is evaluated every
# 1, 2, 4 … seconds, at most LOGIN_NAME_MAX_DELAY_SECONDS.
LOGIN_NAME_SLOWDOWN_AFTER = env_int("LOGIN_NAME_SLOWDOWN_AFTER", 10, minimum=1)
LOGIN_NAME_MAX_DELAY_SECONDS = env_int("LOGIN_NAME_MAX_DELAY_SECONDS", 30, minimum=1)
# Behind a reverse proxy, the client address is the last hop it appends.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# Booking horizon (R-B2): from today + lead_days to today + horizon_days.
BOOKING_LEAD_DAYS = env_int("BOOKING_LEAD_DAYS", 1, minimum=0)
BOOKING_HORIZON_DAYS = env_int("BOOKING_HORIZON_DAYS", 30, minimum=1)
if BOOKING_HORIZON_DAYS < BOOKING_LEAD_DAYS:
    raise ImproperlyConfigured("BOOKING_HORIZON_DAYS must not be smaller than BOOKING_LEAD_DAYS")
# R-A4: application support can be booked the same day, for slots that start at least this many
# minutes from now (a window's own value in the admin wins).
APPLICATION_SUPPORT_LEAD_MINUTES = env_int("APPLICATION_SUPPORT_LEAD_MINUTES", 30, minimum=0)
# R-L2: how long freed seats are held for the waiting-list entry they are offered to.
WAITLIST_OFFER_MINUTES = env_int("WAITLIST_OFFER_MINUTES", 30, minimum=1)
# Longest date range one calendar request may ask for (API.md: 93 days).
CALENDAR_MAX_DAYS = 93

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Never log request bodies or query strings (personal data, R-B5).
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

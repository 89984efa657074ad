"""Settings for Webcare Inbox, read from the environment.

Defaults give a working development install with no servers: SQLite and a file-system Celery
broker under ``WEBCARE_DATA_DIR``. Production sets ``DEBUG=false`` and then must set ``SECRET_KEY``
and ``ALLOWED_HOSTS`` (see README, "Configuration").
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from webcare.env import Env, _fail

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env.str("WEBCARE_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", True)


def _secret_key() -> str:
    """In development a key is generated once and kept in the data folder; production must set one."""
    value = env.str("SECRET_KEY")
    if value:
        # Django's deploy check (security.W009) asks for 50 characters, at least 5 of them different.
        if not DEBUG and (len(value) < 50 or len(set(value)) < 5):
            _fail("SECRET_KEY", "must be at least 50 random characters long in production.")
        return value
    if not DEBUG:
        _fail("SECRET_KEY", "is required when DEBUG is false.")
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    _fail("ALLOWED_HOSTS", "is required when DEBUG is false (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts",
    "monitoring",
    "inbox",
    "inbox.notifications",
    "inbox.playbook",
    "inbox.team",
    "inbox.targets",
    "inbox.cases",
    "inbox.triage",
    "inbox.activity",
    "inbox.privacy",
    "inbox.reports",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "template_partials",
]

MIDDLEWARE = [
    # Outermost, so that even a response made by the middleware below (a refused host) carries the policy.
    "webcare.middleware.security_headers_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "webcare.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After signing in: the language the person chose, whatever the browser's cookie says.
    "accounts.middleware.user_language_middleware",
    "webcare.middleware.SignInRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "webcare.middleware.NotFoundPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "webcare.urls"
CSRF_FAILURE_VIEW = "webcare.views.csrf_failure"
WSGI_APPLICATION = "webcare.wsgi.application"

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
                "django.template.context_processors.i18n",
                "accounts.context_processors.organisation",
                "inbox.team.context_processors.responsible",
            ],
            "libraries": {"kept": "webcare.kept"},
        },
    },
]

# Database -----------------------------------------------------------------------------------------
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'webcare.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE transactions take the write
    # lock up front, so two writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
_CONN_MAX_AGE = env.int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = _CONN_MAX_AGE
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long reports, not for a web app's queries: it added 0.1 to 0.4 s to
    # a search for a common word in a million mentions and won nothing on the inbox's counts.
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "options": "-c jit=off"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, cache and Celery ----------------------------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", None, schemes={"redis", "rediss", "unix"})
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis that is down makes reads misses and skips writes (webcare/cache.py); one that hangs
            # is given up on after a second instead of holding a page.
            "BACKEND": "webcare.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
# Pieces of pages that follow from their cache key alone (the language, the filters, the people), kept in
# each process's memory by {% cache … using="fragments" %}: fetching them from Redis would cost about as
# much as rendering them.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL: str = (
    env.url("CELERY_BROKER_URL", REDIS_URL, schemes={"redis", "rediss", "amqp", "filesystem"})
    or "filesystem://localhost/"
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # A broker that needs no server: messages are files in the data folder, shared by web, worker
    # and beat on one machine.
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task may run for ever: at the soft limit a task is told to stop (SoftTimeLimitExceeded), at the hard
# limit its pool process is killed and replaced. A poll cut short loses nothing: its sources stay claimed
# only for the claim's lease and are polled again after it. Both limits stay below the time the Redis
# broker waits for an acknowledgement before it hands a task to another worker (visibility_timeout), so a
# task that is still running is never run twice.
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_TIME_LIMIT = 110
CELERY_BROKER_VISIBILITY_TIMEOUT = 600
if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT}
# Installs sharing one Redis keep their work apart by queue name.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE") or "webcare"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Keep a worker's database connection for many tasks instead of reconnecting around each one; Django's
# health checks (conn_health_checks) still replace a connection that went bad.
CELERY_DB_REUSE_MAX = 200
# How much the worker gives way to the web processes on a shared machine (``os.nice``: 0 none, 19 most): polling
# feeds can wait a moment, a person at the inbox should not.
WORKER_NICE = env.int("WORKER_NICE", 10, minimum=0)
if WORKER_NICE > 19:
    _fail("WORKER_NICE", f"must be at most 19, got {WORKER_NICE}.")
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "poll-due-sources": {
        "task": "monitoring.tasks.sources_poll_due",
        "schedule": env.int("WEBCARE_POLL_TICK_SECONDS", 30, minimum=5),
    },
    "prune-fetch-logs": {"task": "monitoring.tasks.fetch_logs_prune", "schedule": 6 * 60 * 60},
    # Appointments whose day has come, and absences (by the day or by the hour) that start or end on their own:
    # the cases and mentions follow within a quarter of an hour.
    "settle-handovers": {"task": "inbox.tasks.handovers_settle", "schedule": 15 * 60},
    # A source or a watch term with more mentions in two hours than on a usual day: the responsible person hears.
    "watch-volume": {"task": "inbox.tasks.volume_watch", "schedule": 15 * 60},
    # Cases that just became at risk or breached: whoever handles them hears of it within five minutes.
    "alert-case-targets": {"task": "inbox.tasks.cases_targets_alert", "schedule": 5 * 60},
    # Personal data whose retention period passed is anonymised at night (inbox.privacy); a run that cannot
    # finish in its minute queues the rest as a run of its own.
    "apply-retention": {"task": "inbox.tasks.retention_apply", "schedule": crontab(hour=3, minute=30)},
    # Each person's daily digest goes at the hour they chose: every quarter of an hour, those whose hour came.
    "send-digests": {
        "task": "notifications.tasks.digests_due",
        "schedule": env.int("WEBCARE_DIGEST_TICK_SECONDS", 15 * 60, minimum=1),
    },
    # Last month's figures to the managers and the board, on the first of the month before the working day.
    "send-monthly-summaries": {
        "task": "inbox.tasks.reports_monthly",
        "schedule": crontab(day_of_month=1, hour=7, minute=0),
    },
}

# A case handed over while its handler was away goes back to them when they return, if nobody changed it
# meanwhile. Off: it stays with whoever stood in.
WEBCARE_HAND_BACK = env.bool("WEBCARE_HAND_BACK", True)

# Auth ----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out name before a password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.CachedPermissionsBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inbox:mention-list"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): 5 failures for one name from one address lock that pair for 15
# minutes. Failures are kept in the database, so a restart or a Redis outage forgets none.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.sign_in_locked"
AXES_CLIENT_IP_CALLABLE = "webcare.clientip.client_ip"
AXES_VERBOSE = False
# Only failures are kept (they are what locks); no history of every sign-in with its address.
AXES_DISABLE_ACCESS_LOG = True
# The header the reverse proxy in front of us sets to the client's address ("X-Forwarded-For",
# "X-Real-IP"); empty: the address of the connection. Only a header our own proxy overwrites may be
# trusted, so there is no list of guesses.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", "") or ""

# Security --------------------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Sessions stay in the database (they outlive a Redis restart), read with a statement compiled once.
SESSION_ENGINE = "webcare.sessions"
# A session ends after this long without a request (webcare/sessions.py moves its end on with use).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_HOURS", 12, minimum=1) * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", False)

# Language and time -----------------------------------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", "nl") or "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    _fail("LANGUAGE_CODE", "must be one of: nl, en.")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", "Europe/Amsterdam") or "Europe/Amsterdam"
try:
    import zoneinfo

    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    _fail("TIME_ZONE", f"is not a known time zone, got {TIME_ZONE!r}.")
USE_I18N = True
USE_TZ = True
CELERY_TIMEZONE = TIME_ZONE
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The time zone of an organisation without targets of its own, for what PostgreSQL counts per day itself
    # (inbox.reports.models.MentionDay).
    _options = DATABASES["default"]["OPTIONS"]
    _options["options"] = f"{_options.get('options', '')} -c webcare.time_zone={TIME_ZONE}".strip()

# Static files ----------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside the data folder: a volume mounted on the data folder must not hide the image's static files.
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail ----------------------------------------------------------------------------------------------
EMAIL_HOST = env.str("EMAIL_HOST")
EMAIL_PORT = env.int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    _fail("EMAIL_USE_SSL", "cannot be true together with EMAIL_USE_TLS; set EMAIL_USE_TLS=false for port 465.")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10, minimum=1)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "webcare@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# People who get an e-mail when the server hits an error: "Name <mail>, Name <mail>" or just addresses.
ADMINS = [("", address) for address in env.list("ADMINS")]

# Logging ---------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"refusal_without_traceback": {"()": "webcare.logfilters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        # One line per HTTP request would drown the worker's log; fetch failures are logged by the poll.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "django.request": {"filters": ["refusal_without_traceback"]},
    },
}

# Webcare Inbox ---------------------------------------------------------------------------------------
# The app serves its own sample feeds for the demo source, so the real fetch path runs without internet.
WEBCARE_DEMO = env.bool("WEBCARE_DEMO", DEBUG)
WEBCARE_FETCH_USER_AGENT = env.str("WEBCARE_FETCH_USER_AGENT") or "WebcareInbox/0.1 (feed reader for webcare teams)"
# Hosts ("host" or "host:port") that may be fetched although they resolve to a private address: the
# demo source and tests. Keep it empty in production.
WEBCARE_FETCH_ALLOW_PRIVATE = env.list("WEBCARE_FETCH_ALLOW_PRIVATE")
WEBCARE_FETCH_MAX_BYTES = env.int("WEBCARE_FETCH_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# How many fetches may run at once against one host, across all workers.
WEBCARE_FETCH_PER_HOST = env.int("WEBCARE_FETCH_PER_HOST", 2, minimum=1)
WEBCARE_POLL_INTERVAL_MINUTES = env.int("WEBCARE_POLL_INTERVAL_MINUTES", 15, minimum=1)
# Counts in the inbox's filters pane that took less than this (in milliseconds) to make are made again as
# soon as a mention arrives or changes; slower ones (a large inbox) are refreshed in the background
# (inbox/facets.py).
INBOX_FACETS_INLINE_SECONDS = env.int("INBOX_FACETS_INLINE_MS", 250, minimum=0) / 1000

# Notifications by e-mail: where people reach this install (links in e-mails start with it), how long a
# notification waits unread before it is e-mailed (nobody gets mail for what they saw already), and how often a
# send that the mail server refused is tried again (after 1, 2, 4, 8... minutes).
WEBCARE_BASE_URL = (env.url("WEBCARE_BASE_URL", "http://127.0.0.1:8000", schemes={"http", "https"}) or "").rstrip("/")
# The key of the pseudonyms and of the list of forgotten people (monitoring.privacy); by default SECRET_KEY.
# Changing it makes earlier pseudonyms and the forgotten list unrecognisable: set it once, keep it.
WEBCARE_PRIVACY_KEY = env.str("WEBCARE_PRIVACY_KEY") or ""
WEBCARE_MAIL_DELAY_SECONDS = env.int("WEBCARE_MAIL_DELAY_SECONDS", 120, minimum=0)
WEBCARE_MAIL_RETRIES = env.int("WEBCARE_MAIL_RETRIES", 5, minimum=0)

# Every name above came through ``env``; deployment files are checked against this list.
ENVIRONMENT_VARIABLES = frozenset(env.names)

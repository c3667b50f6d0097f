"""Settings, read from the environment (django-environ).

With debug on (``DJANGO_DEBUG=1``, what ``./scripts/run`` sets) the project runs on its
embedded default: SQLite in ``var/`` and a Celery set-up that needs no broker. With
debug off the settings fail closed: ``DATABASE_URL``, ``CELERY_BROKER_URL`` and
``DJANGO_SECRET_KEY`` must be set, unless ``MEDREVIEW_EMBEDDED_SERVICES=1`` explicitly
asks for the embedded database and broker (the test settings and ``bench/`` do), and
without ``DJANGO_ALLOWED_HOSTS`` every request is refused. Whenever debug is off the
security settings below are on (`manage.py check --deploy` is clean).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="insecure-development-key-only-for-debug-mode"
    )
else:
    try:
        SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in "
            "production, or set DJANGO_DEBUG=1 for local development."
        ) from error

# A missing DATABASE_URL or CELERY_BROKER_URL must not silently mean SQLite and tasks
# run in the web process on a production machine: only debug mode or this explicit
# switch allows the embedded database and broker.
EMBEDDED_SERVICES = DEBUG or env.bool("MEDREVIEW_EMBEDDED_SERVICES", default=False)


def require_service_url(name: str, what: str) -> None:
    if EMBEDDED_SERVICES or env.str(name, default=""):
        return
    raise ImproperlyConfigured(
        f"{name} is not set. Set it to {what} in production, or set DJANGO_DEBUG=1 "
        "for local development (MEDREVIEW_EMBEDDED_SERVICES=1 runs the embedded "
        "default with debug off, for tests and benchmarks only)."
    )


require_service_url(
    "DATABASE_URL", "the PostgreSQL database (postgres://user:password@host/name)"
)
require_service_url("CELERY_BROKER_URL", "the Celery broker (redis://host:6379/0)")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "csp",
    "django_fsm",
    "simple_history",
    "articles",
    "references",
    "reviewers",
    "editorial",
]

MIDDLEWARE = [
    # First: stores the anonymous article page with every header the stack below
    # gives it, and serves warm hits without running the stack (docs/performance.md).
    "articles.page_cache.ArticlePageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.content_security.SiteCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that reads the session, so they see the final response.
    "django.middleware.http.ConditionalGetMiddleware",
    "config.http_caching.CacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its own page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

# History reasons are editors' and reviewers' own words (why a round ended, why an
# earlier version came back): kept whole, never cut to a column's width. The forms
# and services bound what may be typed (editorial.models.REASON_MAX_LENGTH).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

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

WSGI_APPLICATION = "config.wsgi.application"

# Database: PostgreSQL through DATABASE_URL; SQLite in var/ when it is not set (debug
# or embedded services only, checked above).
if "DATABASE_URL" not in env:
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'medreview.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The article change form posts about seven fields per section: room for an article
# of 600 sections (Django's default, 1,000 fields, stopped at about 160 with a bare
# 400). Each body is limited to 20,000 characters (a form error, not a 400), so a
# form of 300 full sections stays under the request size limit.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

# Cache: Redis through django-redis from DJANGO_CACHE_URL, whose IGNORE_EXCEPTIONS turns
# a Redis outage into "no cache" instead of errors. Unset: local memory with debug on
# (one process); with debug off no cache at all, because per-process memory would let
# one gunicorn worker serve a page another worker's save has made stale.
CACHE_URL = env.str("DJANGO_CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env.str("DJANGO_CACHE_KEY_PREFIX", default="medreview"),
            "TIMEOUT": env.int("DJANGO_CACHE_TIMEOUT", default=60 * 60 * 24),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes) on every sign-in form (the admin's and the reviewers'):
# after MEDREVIEW_LOGIN_FAILURE_LIMIT failures for one username from one address, that
# pair is refused for MEDREVIEW_LOGIN_LOCKOUT_MINUTES. Locking the pair, not the
# username, keeps an attacker from locking a reviewer out from elsewhere. An editor
# lifts a lock-out by deleting the access attempt in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("MEDREVIEW_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(
    minutes=env.int("MEDREVIEW_LOGIN_LOCKOUT_MINUTES", default=60)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.locked_out_response"

LOGIN_URL = "login"
# Reviewers land on their desk, editors in the admin (editorial.views.after_sign_in).
LOGIN_REDIRECT_URL = "editorial:after_sign_in"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collectstatic (local runs, tests) WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = env.bool("DJANGO_WHITENOISE_USE_FINDERS", default=DEBUG)

# Email: the console on the embedded default; SMTP (or any backend) from the
# environment.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env.str(
    "DJANGO_EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail")
)
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Medreview <editors@medreview.invalid>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A hung SMTP server must not hold a sender for ever: the message is retried later.
EMAIL_TIMEOUT = env.float("DJANGO_EMAIL_TIMEOUT", default=30.0)

# Celery: a real broker from CELERY_BROKER_URL; without one (debug or embedded services
# only, checked above), tasks run in-process so a newcomer's laptop needs no server (see
# docs/operations.md).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The queue tasks are sent to and workers read by default; sites sharing one broker
# (or test runs) keep apart by naming their own.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", 3.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_connect_timeout": 3,
}
# Publishing after commit must not hang a web request when the broker is down or
# frozen: the outbox row is already written and the outbox sweep sends it once the
# broker is back. These bound one publish (connect, then each read or write); the web
# process never retries it.
MEDREVIEW_PUBLISH_TIMEOUT_SECONDS = env.float(
    "MEDREVIEW_PUBLISH_TIMEOUT_SECONDS", default=0.5
)
CELERY_BEAT_SCHEDULE = {
    "send-due-reminders": {
        "task": "editorial.tasks.send_due_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "flush-outbox": {"task": "editorial.tasks.flush_outbox", "schedule": 60},
    "start-due-rereviews": {
        "task": "editorial.tasks.start_due_rereviews",
        "schedule": crontab(hour=6, minute=0),
    },
    "check-cited-references": {
        "task": "references.tasks.check_cited_references",
        "schedule": crontab(hour=4, minute=30),
    },
    "replace-unreplaced-generations": {
        "task": "articles.tasks.replace_unreplaced_generations",
        "schedule": 60,
    },
    "prune-prepared-texts": {
        "task": "articles.tasks.prune_prepared_texts",
        "schedule": crontab(day_of_week="sun", hour=3, minute=15),
    },
}

# Security: on whenever debug is off.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HSTS starts short: a mistake in TLS set-up then locks browsers out for an hour,
    # not a year. Raise it once HTTPS is known to work; preload (hard to undo) is
    # opt-in.
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
    )
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Not preloading is a decision (operations.md), not an oversight to warn of.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp): scripts, styles, images, fonts and requests
# from our own origin only, and no inline script or style anywhere: an injected
# <script> or style="" in an article, a reference or a comment does nothing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The browser features no page uses are switched off (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", "INFO")},
    # In-process tasks (no broker) would log a line per email beside its summary.
    "loggers": {
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"}
    },
}

# Product settings.
# Outbox delivery: a message that failed for a passing reason (4xx, timeout, no
# connection) is tried again after 1, 2, 4… times this, up to the attempts limit; a
# message claimed by a sender that died is sent again once its claim lapses.
MEDREVIEW_EMAIL_RETRY_SECONDS = env.int("MEDREVIEW_EMAIL_RETRY_SECONDS", default=60)
MEDREVIEW_EMAIL_MAX_ATTEMPTS = env.int("MEDREVIEW_EMAIL_MAX_ATTEMPTS", default=8)
MEDREVIEW_EMAIL_CLAIM_SECONDS = env.int("MEDREVIEW_EMAIL_CLAIM_SECONDS", default=300)

# The public address of the site, for links in emails.
MEDREVIEW_BASE_URL = env.str("MEDREVIEW_BASE_URL", default="http://127.0.0.1:8000")
# Readers' follow-up questions: how many one client may send an hour, and how many
# proxies in front of the site append to X-Forwarded-For (0: use the peer address).
MEDREVIEW_QUESTIONS_PER_HOUR = env.int("MEDREVIEW_QUESTIONS_PER_HOUR", default=5)
MEDREVIEW_TRUSTED_PROXY_COUNT = env.int("MEDREVIEW_TRUSTED_PROXY_COUNT", default=0)

# Review deadlines, in whole days in the reviewer's time zone.
MEDREVIEW_RESPOND_WITHIN_DAYS = env.int("MEDREVIEW_RESPOND_WITHIN_DAYS", default=10)
MEDREVIEW_REVIEW_WITHIN_DAYS = env.int("MEDREVIEW_REVIEW_WITHIN_DAYS", default=21)
# Approved articles go back to review after this many months (overridable per article).
MEDREVIEW_REREVIEW_MONTHS = env.int("MEDREVIEW_REREVIEW_MONTHS", default=12)
# Accept/decline links in invitation emails stop working after this many days.
MEDREVIEW_INVITATION_LINK_DAYS = env.int("MEDREVIEW_INVITATION_LINK_DAYS", default=14)

# Reminder schedule: each step counts whole days from an assignment date ("invited",
# "respond_by" or "review_by"; negative is before). Checked when the apps load.
MEDREVIEW_REMINDERS = {
    "invitation_first": {"from": "invited", "days": 3},
    "invitation_second": {"from": "invited", "days": 7},
    "invitation_expiry": {"from": "respond_by", "days": 0},
    "review_early": {"from": "review_by", "days": -7},
    "review_soon": {"from": "review_by", "days": -2},
    "review_late": {"from": "review_by", "days": 1},
    "review_escalation": {"from": "review_by", "days": 7},
}
# A reminder missed (workers down) is still sent when less late than this, else skipped.
MEDREVIEW_REMINDER_LATE_LIMIT_HOURS = env.int(
    "MEDREVIEW_REMINDER_LATE_LIMIT_HOURS", default=48
)

# Bibliographic services the reference library looks identifiers up in (see
# docs/operations.md). The contact address goes into the User-Agent, as Crossref's and
# NCBI's usage policies ask, so they can reach us instead of blocking us.
MEDREVIEW_CROSSREF_URL = env.str(
    "MEDREVIEW_CROSSREF_URL", default="https://api.crossref.org"
)
MEDREVIEW_EUTILS_URL = env.str(
    "MEDREVIEW_EUTILS_URL", default="https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
)
MEDREVIEW_PMC_IDCONV_URL = env.str(
    "MEDREVIEW_PMC_IDCONV_URL",
    default="https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles",
)
MEDREVIEW_CLINICALTRIALS_URL = env.str(
    "MEDREVIEW_CLINICALTRIALS_URL", default="https://clinicaltrials.gov/api/v2"
)
MEDREVIEW_LOOKUP_CONTACT_EMAIL = env.str(
    "MEDREVIEW_LOOKUP_CONTACT_EMAIL", default="editors@medreview.invalid"
)
# Optional NCBI API key (account settings at NCBI): a higher E-utilities rate limit.
MEDREVIEW_NCBI_API_KEY = env.str("MEDREVIEW_NCBI_API_KEY", default="")
# Seconds to wait for a bibliographic service before telling the editor it is down.
MEDREVIEW_LOOKUP_TIMEOUT = env.float("MEDREVIEW_LOOKUP_TIMEOUT", default=8.0)
# How long a successful lookup is kept in the cache, in seconds.
MEDREVIEW_LOOKUP_CACHE_SECONDS = env.int(
    "MEDREVIEW_LOOKUP_CACHE_SECONDS", default=60 * 60 * 24
)
# Pause between two requests to the same service in the daily checks, in seconds.
MEDREVIEW_CHECK_PAUSE_SECONDS = env.float("MEDREVIEW_CHECK_PAUSE_SECONDS", default=1.0)
# Whether the link check may open links to loopback or private addresses (off: links
# are typed by editors, and the server's own network is not theirs to probe).
MEDREVIEW_LINK_CHECK_PRIVATE_ADDRESSES = env.bool(
    "MEDREVIEW_LINK_CHECK_PRIVATE_ADDRESSES", default=False
)
# Where the link check opens an identifier's page ({} is the identifier).
MEDREVIEW_LINK_RESOLVERS = {
    "doi": env.str("MEDREVIEW_DOI_RESOLVER", default="https://doi.org/{}"),
    "pmid": env.str(
        "MEDREVIEW_PUBMED_RESOLVER", default="https://pubmed.ncbi.nlm.nih.gov/{}/"
    ),
    "pmcid": env.str(
        "MEDREVIEW_PMC_RESOLVER", default="https://pmc.ncbi.nlm.nih.gov/articles/{}/"
    ),
    "nct_number": env.str(
        "MEDREVIEW_CLINICALTRIALS_RESOLVER",
        default="https://clinicaltrials.gov/study/{}",
    ),
}

"""Settings for the test suite: production settings with test-only conveniences.

Debug stays off (as Django's test runner forces anyway); only what would slow tests or
reach outside is swapped.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-" + "x" * 50)
# SQLite and in-process tasks when DATABASE_URL / CELERY_BROKER_URL are unset, although
# debug is off: the suite and bench/ run on a laptop with no variable set.
os.environ.setdefault("MEDREVIEW_EMBEDDED_SERVICES", "1")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
SECURE_SSL_REDIRECT = False
# Tasks run in-process in the suite, whatever CELERY_BROKER_URL says; the tests of the
# real path start Celery workers against the broker and switch this off themselves.
CELERY_TASK_ALWAYS_EAGER = True
# django-axes logs every sign-in at INFO; the suite signs in thousands of times.
LOGGING["loggers"] = {"axes": {"level": "WARNING"}}  # noqa: F405
# No test reaches the internet: the bibliographic services point at a closed local
# port unless a test starts the recorded-response server (tests/references/).
MEDREVIEW_CROSSREF_URL = "http://127.0.0.1:9/crossref"
MEDREVIEW_EUTILS_URL = "http://127.0.0.1:9/eutils"
MEDREVIEW_PMC_IDCONV_URL = "http://127.0.0.1:9/idconv"
MEDREVIEW_CLINICALTRIALS_URL = "http://127.0.0.1:9/ctgov"
MEDREVIEW_LINK_RESOLVERS = {
    name: f"http://127.0.0.1:9/links/{name}/{{}}"
    for name in ("doi", "pmid", "pmcid", "nct_number")
}
MEDREVIEW_LOOKUP_TIMEOUT = 2.0
MEDREVIEW_LINK_CHECK_PRIVATE_ADDRESSES = True  # the recorded server is on 127.0.0.1
MEDREVIEW_CHECK_PAUSE_SECONDS = 0.0
# One process: local memory is a real cache here (emptied before each test), unless
# DJANGO_CACHE_URL names a Redis.
if not CACHE_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# On SQLite the test database is a file, not memory: the live server's threads (the
# browser tests) then each get their own connection instead of sharing one, so a page
# and the requests its scripts send at once cannot interleave inside one transaction.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }

"""How long the daily reference checks take, per cited work, without the pauses.

Builds articles citing N references (the retracted, corrected and clean works of
the recordings, repeated under new identifiers), serves the recorded responses from
a local server, runs the integrity check and the link check with no pause between
requests, and prints per size: references, requests made, notices recorded, database
queries and wall time. The real run adds ``MEDREVIEW_CHECK_PAUSE_SECONDS`` per request
to one host (one second by default), which dominates: plan about two seconds per cited
work for both checks. The developer's database is never touched.

Run from the project's root: ``python bench/reference_checks.py``.
"""

import os
import sys
import time
import warnings
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

from articles.models import Article, Section  # noqa: E402
from references import checks  # noqa: E402
from references.models import Reference, ReferenceNotice  # noqa: E402
from tests.references.recorded_server import RecordedServer  # noqa: E402

SIZES = (10, 100, 300)
# Recorded works: retracted, corrected, clean.
WORKS = (
    ("10.1016/S0140-6736(97)11096-0", "9500320"),
    ("10.1161/CIR.0000000000001063", "35363499"),
    ("10.1056/NEJMoa1713137", "29151359"),
)


def build(size: int, run: int) -> None:
    author = get_user_model().objects.create_user(f"author{run}")
    article = Article.objects.create(
        title=f"Bench question {run}?", author=author, published=True
    )
    keys = []
    for index in range(size):
        doi, pmid = WORKS[index % len(WORKS)]
        # The first of each work keeps its identifiers; the others differ, so the
        # recorded server answers them as unknown (a 404, a PubMed set with nothing).
        suffix = "" if index < len(WORKS) else f".bench{run}-{index}"
        key = f"bench{run}-{index}"
        Reference.objects.create(
            kind="research",
            title=f"Bench source {run}-{index}",
            citation_key=key,
            doi=f"{doi}{suffix}",
            pmid=pmid if not suffix else str(90000000 + run * 1000 + index),
        )
        keys.append(f"[@{key}]")
    Section.objects.create(article=article, body=" ".join(keys))


def main() -> None:
    setup_test_environment()
    server = RecordedServer().start()
    for name, value in server.service_settings().items():
        setattr(settings, name, value)
    settings.MEDREVIEW_LINK_RESOLVERS = server.link_resolvers()
    settings.MEDREVIEW_CHECK_PAUSE_SECONDS = 0
    old_name = connection.settings_dict["NAME"]
    print("Creating the test database…", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(
            f"{'check':>9} {'refs':>5} {'requests':>8} {'notices':>7} "
            f"{'queries':>7} {'seconds':>8} {'ms/ref':>7}"
        )
        for run, size in enumerate(SIZES):
            Article.objects.all().delete()
            Reference.objects.all().delete()
            build(size, run)
            for name, check in (
                ("integrity", checks.references_integrity_check),
                ("links", checks.references_links_check),
            ):
                server.requests.clear()
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    check()
                elapsed = time.perf_counter() - started
                print(
                    f"{name:>9} {size:>5} {len(server.requests):>8} "
                    f"{ReferenceNotice.objects.count():>7} {len(queries):>7} "
                    f"{elapsed:>8.3f} {1000 * elapsed / size:>7.1f}",
                    flush=True,
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        server.stop()
        teardown_test_environment()


if __name__ == "__main__":
    main()

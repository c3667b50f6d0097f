"""How the public list, its search and the JSON API scale with the number of articles.

Builds 100, then 1,000, then 10,000 published articles (five sections each, every
other one approved, so half the rows are read from a frozen approved version) in a
throwaway test database, requests the list, a search, a filtered search, the filters
alone, a specialty page, the API list and the API search through Django's test
client, and prints per request: queries, median and 95th-percentile time. It runs
without a cache, so every request reads the database (as the first request after a
change does; the page cache then serves the lists). The developer's own database is
never touched.

Run from the project's root:
``python bench/article_search.py [--requests 20] [--counts 100 1000 10000]``.
With ``DATABASE_URL`` set to PostgreSQL the search is full-text search; on SQLite it
is the word-by-word fallback.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from article_page import measure  # noqa: E402 - sets Django up
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

from articles.listing import rebuild_listings  # noqa: E402
from articles.models import ApprovedVersion, Article, Section  # noqa: E402

COUNTS = (100, 1000, 10000)
SPECIALTIES = ("Oncology", "Cardiology", "Neurology", "Dermatology")
DRUGS = ("osimertinib", "apixaban", "levetiracetam", "dupilumab", "metformin")
# Every other article is approved: all the Cardiology ones, none of the Oncology ones,
# so the filters below match a quarter of the articles.
URLS = (
    ("list, page 1", "/"),
    ("search", "/?q=osimertinib+resistance"),
    ("search + filters", "/?q=osimertinib&status=approved&specialty=cardiology"),
    ("filters", "/?status=approved&specialty=cardiology"),
    ("specialty page", "/specialties/oncology/"),
    ("API list", "/api/articles/"),
    ("API search", "/api/articles/?q=osimertinib+resistance"),
)


def build_articles(start: int, count: int, author) -> None:
    """Articles in bulk (no per-row signals), then their list rows in bulk as
    ``manage.py rebuild_listings`` writes them: the reads are what is measured."""
    now = timezone.now()
    articles = Article.objects.bulk_create(
        [
            Article(
                title=f"When is {DRUGS[n % len(DRUGS)]} used in case {n}?",
                slug=f"bench-article-{n}",
                summary=f"Short answer {n} on {DRUGS[(n + 1) % len(DRUGS)]} dosing.",
                specialty=SPECIALTIES[n % len(SPECIALTIES)],
                author=author,
                published=True,
                last_updated=now,
            )
            for n in range(start, start + count)
        ]
    )
    sections = []
    versions = []
    for index, article in enumerate(articles):
        bodies = [
            f"Resistance to {DRUGS[(index + k) % len(DRUGS)]} develops in part {k}; "
            "testing at progression guides the next line of treatment."
            for k in range(5)
        ]
        sections += [
            Section(article=article, order=k, heading=f"Part {k}", body=body)
            for k, body in enumerate(bodies)
        ]
        if index % 2:
            versions.append(
                ApprovedVersion(
                    article=article,
                    number=1,
                    review_round=1,
                    approved_at=now,
                    content={
                        "title": article.title,
                        "summary": article.summary,
                        "specialty": article.specialty,
                        "keywords": "",
                        "last_updated": now.isoformat(),
                        "sections": [
                            {
                                "id": None,
                                "order": k,
                                "kind": "general",
                                "heading": f"Part {k}",
                                "body": body,
                                "numbers": {},
                            }
                            for k, body in enumerate(bodies)
                        ],
                        "references": [],
                    },
                )
            )
    Section.objects.bulk_create(sections)
    ApprovedVersion.objects.bulk_create(versions)
    rebuild_listings()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--counts",
        type=int,
        nargs="+",
        default=list(COUNTS),
        help="the article counts to build, in increasing order",
    )
    arguments = parser.parse_args()

    setup_test_environment()
    # No cache: the page cache would answer the lists from memory after the first
    # request; every request here reads the database, as the first after a change.
    no_cache = override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    )
    no_cache.enable()
    print(f"Creating a throwaway {connection.vendor} test database…", flush=True)
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    results = []
    try:
        author = get_user_model().objects.create_user("bench-editor")
        client = Client()
        built = 0
        for count in arguments.counts:
            print(f"Building {count} articles…", flush=True)
            build_articles(built, count - built, author)
            built = count
            for label, url in URLS:
                print(f"  timing {arguments.requests} requests: {label}…", flush=True)
                results.append((count, label, measure(client, url, arguments.requests)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        no_cache.disable()
        teardown_test_environment()

    print()
    print(
        f"Article list and search on {connection.vendor}, Django test client, "
        f"{arguments.requests} timed requests each"
    )
    header = (
        f"{'articles':>9}  {'request':<18}{'queries':>8}{'median ms':>11}{'p95 ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for count, label, figures in results:
        print(
            f"{count:>9}  {label:<18}{figures['queries']:>8}"
            f"{figures['median_ms']:>11.1f}{figures['p95_ms']:>9.1f}"
        )
    print(
        "Queries include BEGIN and COMMIT where the request runs in a transaction "
        "(not the public article page and lists, which only read)."
    )


if __name__ == "__main__":
    main()

"""How the public article page scales with the article's size.

Builds articles of several sizes in a throwaway test database (SQLite in memory, or
``test_<name>`` beside the database that ``DATABASE_URL`` names), requests each page
through Django's test client and prints, per size: queries per request, median and
95th-percentile time per request, and the size of the HTML. Each size is measured
twice: showing the working copy (read from the sections and citations), then showing
an approved version (read from its frozen copy). The developer's own database is never
touched; the test database is removed at the end.

Run from the project's root: ``python bench/article_page.py [--requests 50]``.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
# WhiteNoise warns when collectstatic has not run; the page's HTML is what is measured.
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from articles.services import approved_version_create  # noqa: E402
from references.models import Reference  # noqa: E402


@dataclass(frozen=True)
class ArticleSize:
    sections: int
    references: int

    @property
    def label(self) -> str:
        return f"{self.sections} sections / {self.references} refs"


SIZES = (ArticleSize(2, 5), ArticleSize(40, 100), ArticleSize(100, 300))

REFERENCE_KINDS = (
    Reference.Kind.GUIDELINE,
    Reference.Kind.DRUG_LABEL,
    Reference.Kind.RESEARCH,
    Reference.Kind.RESEARCH,
    Reference.Kind.REVIEW,
    Reference.Kind.CLINICAL_TRIAL,
)
SECTION_KINDS = (
    Section.Kind.GUIDELINES,
    Section.Kind.DRUG_LABEL,
    Section.Kind.RESEARCH,
    Section.Kind.GENERAL,
)


def build_article(size: ArticleSize, author, variant: int = 0) -> Article:
    """An article whose sections cite every reference once, plus one repeat each.

    The bodies use what editors use: bold, italics, a sub-heading and nested bullets,
    so rendering costs what it costs on a real page. Articles of the same size need
    distinct ``variant`` numbers (their references' identifiers differ).
    """
    prefix = f"s{size.sections}r{size.references}v{variant}"
    references = [
        Reference.objects.create(
            kind=REFERENCE_KINDS[number % len(REFERENCE_KINDS)],
            citation_key=f"{prefix}-{number}",
            title=f"Outcomes of targeted therapy in cohort {number}",
            authors="Martin A, Okafor B, Lindqvist C, Haddad D, Sato E, Rossi F, Kim G",
            source="J Thorac Oncol",
            year=2000 + number % 25,
            volume=str(number % 30 + 1),
            issue=str(number % 12 + 1),
            pages=f"{number}-{number + 9}",
            doi=f"10.5555/bench.{prefix}.{number}",
            pmid=str(10_000_000 + variant * 500_000 + size.sections * 1_000 + number),
        )
        for number in range(size.references)
    ]
    article = Article.objects.create(
        title=f"Benchmark article with {size.label}",
        summary="A synthetic article for measuring the public page.",
        specialty="Oncology",
        author=author,
        published=True,
    )
    per_section = -(-size.references // size.sections)  # ceiling division
    for index in range(size.sections):
        cited = references[index * per_section : (index + 1) * per_section]
        cited.append(references[index % len(references)])  # a repeat keeps its number
        markers = [f"[@{reference.citation_key}]" for reference in cited]
        bullets = "\n".join(
            f"- Finding {n} for this population {marker}\n"
            f"  - Detail on dose and duration {marker}"
            for n, marker in enumerate(markers, start=1)
        )
        Section.objects.create(
            article=article,
            order=index,
            kind=SECTION_KINDS[index % len(SECTION_KINDS)],
            heading=f"Section {index + 1}",
            body=(
                f"Patients with **stage IV** disease were studied in *part {index}* "
                f"{markers[0]}.\n\n### Clinical Outcomes\n\n{bullets}\n"
            ),
        )
    return article


def measure(client: Client, url: str, requests: int) -> dict[str, float]:
    client.get(url)  # warm caches and templates before measuring
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # read now: the next request empties the query log
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(requests):  # timed without query capture, which costs time itself
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "queries": query_count,
        "median_ms": statistics.median(timings),
        "p95_ms": statistics.quantiles(timings, n=20, method="inclusive")[18],
        "html_kb": len(response.content) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=50, help="timed requests per size"
    )
    arguments = parser.parse_args()

    setup_test_environment()
    print(f"Creating a throwaway {connection.vendor} test database…", flush=True)
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    try:
        author = get_user_model().objects.create_user("bench-editor")
        client = Client()
        results = []
        for size in SIZES:
            print(f"Building an article with {size.label}…", flush=True)
            article = build_article(size, author)
            url = article.get_absolute_url()
            print(f"  timing {arguments.requests} requests…", flush=True)
            results.append(
                (size, "working copy", measure(client, url, arguments.requests))
            )
            approved_version_create(
                article=article, approvers=[], approved_at=timezone.now()
            )
            print(f"  timing {arguments.requests} requests (approved version)…")
            results.append((size, "approved", measure(client, url, arguments.requests)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

    print()
    print(
        f"Public article page on {connection.vendor}, Django test client, "
        f"{arguments.requests} timed requests per size"
    )
    header = (
        f"{'article':<26}{'page shows':<14}{'queries':>8}{'median ms':>11}"
        f"{'p95 ms':>9}{'HTML KB':>9}"
    )
    print(header)
    print("-" * len(header))
    for size, shown, figures in results:
        print(
            f"{size.label:<26}{shown:<14}{figures['queries']:>8}"
            f"{figures['median_ms']:>11.1f}{figures['p95_ms']:>9.1f}"
            f"{figures['html_kb']:>9.1f}"
        )
    print(
        "Queries include BEGIN and COMMIT where the request runs in a transaction "
        "(not the public article page and lists, which only read)."
    )


if __name__ == "__main__":
    main()

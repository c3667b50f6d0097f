"""Readers, an editor and reviewers at once: nothing fails, nothing is lost.

In a throwaway PostgreSQL database (``test_<name>`` beside ``DATABASE_URL``'s), with
gunicorn on the production settings and the Redis cache of ``DJANGO_CACHE_URL``
(default ``redis://127.0.0.1:6379/0``, this run's keys only): 200 readers (wrk, half
on an approved article of 40 sections / 100 references, half on the home list) for
60 s, while an editor saves a section of that article every second and reviewers
send their decisions on another article. Then it checks and prints: responses by
status (no 5xx allowed), every edit saved and the last one showing, a history row
for every edit and every decision. Exits non-zero when a check fails.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/medreview \\
        .venv/bin/python bench/load.py [--duration 60] [--readers 200]
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

from throughput import (  # noqa: E402
    RUN_ID,
    Gunicorn,
    create_throwaway_database,
    delete_run_keys,
    fail,
    run_wrk,
    set_up_production_django,
)

REVIEWERS = 6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--readers", type=int, default=200, help="connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    arguments = parser.parse_args()

    cache_url = set_up_production_django()

    from article_page import ArticleSize, build_article
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test.utils import teardown_test_environment
    from django.utils import timezone

    from articles.models import ApprovedVersion, Article, ArticleStatus, Section
    from articles.services import approved_version_create
    from editorial import services
    from editorial.models import ReviewAssignment
    from reviewers.models import AdvisoryBoardMember

    old_name, test_database_url = create_throwaway_database()
    failures: list[str] = []
    try:
        print("Building the articles and the board…", flush=True)
        user_model = get_user_model()
        editor = user_model.objects.create_user("load-editor", is_staff=True)
        editor.groups.add(Group.objects.get(name="Editors"))
        read = build_article(ArticleSize(40, 100), editor)
        approved_version_create(article=read, approvers=[], approved_at=timezone.now())
        reviewed = Article.objects.create(
            title="An article the board reviews", author=editor, published=True
        )
        Section.objects.create(article=reviewed, order=0, body="Reviewed text.")
        assignments = []
        for number in range(REVIEWERS):
            user = user_model.objects.create_user(
                f"load-reviewer-{number}", email=f"reviewer{number}@example.org"
            )
            user.groups.add(Group.objects.get(name="Reviewers"))
            member = AdvisoryBoardMember.objects.create(
                display_name=f"Dr Load {number}", user=user
            )
            assignment = services.assignment_create(
                article=reviewed, reviewer=member, invited_by=editor
            )
            services.assignment_accept(assignment=assignment, user=user)
            assignments.append(assignment)
        services.review_start(article=reviewed, user=editor)
        section = read.sections.order_by("order").first()
        history_before = section.history.count()
        connection.close()

        environment = os.environ | {
            "DATABASE_URL": test_database_url,
            "DJANGO_CACHE_URL": cache_url,
        }
        edits: list[str] = []
        decisions: list[int] = []
        errors: list[str] = []
        stop = threading.Event()

        def edit_every_second() -> None:
            try:
                while not stop.wait(1):
                    text = f"Edit {len(edits) + 1} at {time.time():.3f}."
                    editable = Section.objects.get(pk=section.pk)
                    editable.body = text
                    services.section_save(
                        section=editable, user=editor, reason="Load run edit."
                    )
                    edits.append(text)
            except Exception as error:  # reported below, never hidden
                errors.append(f"editor: {error!r}")
            finally:
                connection.close()

        def decide_in_turn() -> None:
            pause = arguments.duration / (REVIEWERS + 1)
            try:
                for assignment in assignments:
                    if stop.wait(pause):
                        return
                    fresh = ReviewAssignment.objects.get(pk=assignment.pk)
                    services.review_decide(
                        assignment=fresh,
                        user=fresh.reviewer.user,
                        recommendation="approve",
                    )
                    decisions.append(fresh.pk)
            except Exception as error:
                errors.append(f"reviewer: {error!r}")
            finally:
                connection.close()

        with Gunicorn(environment, arguments.workers) as server:
            print(
                f"{arguments.readers} readers for {arguments.duration} s, an editor "
                f"saving every second, {REVIEWERS} reviewers deciding…",
                flush=True,
            )
            writers = [
                threading.Thread(target=edit_every_second),
                threading.Thread(target=decide_in_turn),
            ]
            readers: dict[str, object] = {}

            def read_page(label: str, path: str) -> None:
                readers[label] = run_wrk(
                    server.url(path),
                    duration=arguments.duration,
                    connections=arguments.readers // 2,
                    threads=1,
                    timeout=30,
                )

            reader_threads = [
                threading.Thread(
                    target=read_page, args=("article page", read.get_absolute_url())
                ),
                threading.Thread(target=read_page, args=("home list", "/")),
            ]
            for thread in writers + reader_threads:
                thread.start()
            for thread in reader_threads:
                thread.join()
            stop.set()
            for thread in writers:
                thread.join()

        print()
        print(
            f"{'readers on':<14}{'requests':>10}{'req/s':>8}{'p99 ms':>9}{'failed':>8}"
        )
        for label, figures in readers.items():
            print(
                f"{label:<14}{figures.requests:>10}"
                f"{figures.requests_per_second:>8.0f}{figures.p99_ms:>9.0f}"
                f"{figures.errors:>8}"
            )
            if figures.errors:
                failures.append(f"{label}: {figures.errors} failed responses")
        failures += errors

        section.refresh_from_db()
        texts = set(section.history.values_list("body", flat=True))
        missing = [text for text in edits if text not in texts]
        rows = section.history.count() - history_before
        reviewed.refresh_from_db()
        decided = ReviewAssignment.objects.filter(
            pk__in=decisions, recommendation="approve"
        ).count()
        decision_rows = ReviewAssignment.history.filter(
            id__in=decisions, recommendation="approve"
        ).count()
        print(f"edits saved: {len(edits)}; history rows added: {rows}")
        print(f"edits missing from history: {len(missing)}")
        print(f"last edit shown in the working copy: {section.body == edits[-1]}")
        print(
            f"decisions: {len(decisions)} sent, {decided} stored, "
            f"{decision_rows} history rows; article {reviewed.get_status_display()}"
        )
        print(
            f"approved versions of the reviewed article: "
            f"{ApprovedVersion.objects.filter(article=reviewed).count()}"
        )
        if missing or rows < len(edits) or section.body != edits[-1]:
            failures.append("an edit is missing")
        if decided != len(decisions) or decision_rows < len(decisions):
            failures.append("a decision is missing")
        if len(decisions) == REVIEWERS and reviewed.status != ArticleStatus.APPROVED:
            failures.append("every reviewer approved but the article is not approved")
    finally:
        delete_run_keys(cache_url, RUN_ID)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    if failures:
        fail("; ".join(failures))
    print("No 5xx, no lost edit, every history row present.")


if __name__ == "__main__":
    main()

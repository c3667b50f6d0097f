"""How long the reminder sweep takes as due reminders pile up.

Builds reviewers with invitations whose first reminder is due, in a throwaway test
database (SQLite in memory, or ``test_<name>`` beside the database ``DATABASE_URL``
names), runs one sweep and prints, per size: reminders due, emails sent (one per
reviewer per day), database queries, and the sweep's wall time. Emails go to Django's
in-memory backend; the developer's own database is never touched.

With ``--large`` it builds, with bulk inserts, 2,000 reviewers each invited to 50
articles (100,000 assignments) whose first reminders are due for 10 articles each
(20,000 reminders due, 2,000 emails), and prints the same figures plus the queries
per batch of the sweep; run it on PostgreSQL.

Run from the project's root: ``python bench/reminder_sweep.py [--large]``.
"""

import contextlib
import datetime
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from editorial import services, sweeps  # noqa: E402
from editorial.models import (  # noqa: E402
    Reminder,
    ReminderStatus,
    ReminderStep,
    ReviewAssignment,
)
from references.models import Reference  # noqa: E402
from reviewers.models import AdvisoryBoardMember  # noqa: E402

# (reviewers, articles each reviewer is invited to)
SIZES = ((10, 1), (100, 1), (100, 5), (300, 3))


def build(reviewers: int, articles_each: int, run: int) -> None:
    User = get_user_model()
    editor = User.objects.create_user(f"editor{run}", email=f"editor{run}@bench.test")
    editor.groups.add(Group.objects.get(name="Editors"))
    editor = User.objects.get(pk=editor.pk)
    Reference.objects.create(
        kind="research", title=f"Bench source {run}", citation_key=f"bench{run}"
    )
    articles = []
    for index in range(articles_each):
        article = Article.objects.create(
            title=f"Bench question {run}-{index}?", author=editor, published=True
        )
        Section.objects.create(article=article, body=f"Text [@bench{run}].")
        articles.append(article)
    members = []
    for index in range(reviewers):
        user = User.objects.create_user(
            f"reviewer{run}-{index}", email=f"reviewer{run}-{index}@bench.test"
        )
        members.append(
            AdvisoryBoardMember.objects.create(
                user=user, display_name=f"Reviewer {run}-{index}", time_zone="UTC"
            )
        )
    with transaction.atomic():
        for article in articles:
            for member in members:
                services.assignment_create(
                    article=article, reviewer=member, invited_by=editor
                )
            services.review_start(article=article, user=editor)


LARGE_REVIEWERS = 2000
LARGE_ARTICLES = 50
LARGE_DUE_PER_REVIEWER = 10


def build_large(moment: datetime.datetime) -> None:
    """100,000 invitations, each with its first reminder; 20,000 of them due."""
    User = get_user_model()
    editor = User.objects.create_user("editor-large", email="editor@bench.test")
    editor.groups.add(Group.objects.get(name="Editors"))
    articles = Article.objects.bulk_create(
        Article(
            title=f"Large bench question {index}?",
            slug=f"large-bench-question-{index}",
            author=editor,
            published=True,
        )
        for index in range(LARGE_ARTICLES)
    )
    users = User.objects.bulk_create(
        User(username=f"large-{index}", email=f"large-{index}@bench.test")
        for index in range(LARGE_REVIEWERS)
    )
    members = AdvisoryBoardMember.objects.bulk_create(
        AdvisoryBoardMember(
            user=user,
            display_name=f"Large Reviewer {index}",
            slug=f"large-reviewer-{index}",
            time_zone="UTC",
        )
        for index, user in enumerate(users)
    )
    due_invited_at = moment - datetime.timedelta(days=3, hours=1)
    later_invited_at = moment - datetime.timedelta(days=1)
    for number, article in enumerate(articles, 1):
        invited_at = (
            due_invited_at if number <= LARGE_DUE_PER_REVIEWER else later_invited_at
        )
        assignments = ReviewAssignment.objects.bulk_create(
            ReviewAssignment(
                article=article,
                reviewer=member,
                round=article.review_round,
                invited_by=editor,
                invited_at=invited_at,
                respond_by=invited_at + datetime.timedelta(days=10),
                review_by=invited_at + datetime.timedelta(days=21),
            )
            for member in members
        )
        Reminder.objects.bulk_create(
            Reminder(
                assignment=assignment,
                step=ReminderStep.INVITATION_FIRST,
                deadline=invited_at,
                planned_at=invited_at + datetime.timedelta(days=3),
            )
            for assignment in assignments
        )
        print(f"  built article {number} of {LARGE_ARTICLES}", flush=True)


@contextlib.contextmanager
def throwaway_database():
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    print("Creating the test database…", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def main_large() -> None:
    with throwaway_database():
        moment = timezone.now()
        print("Building 100,000 assignments…", flush=True)
        build_large(moment)
        assignments = ReviewAssignment.objects.count()
        due = Reminder.objects.filter(
            status=ReminderStatus.PENDING, planned_at__lte=moment
        ).count()
        mail.outbox = []
        print("Sweeping…", flush=True)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            report = sweeps.reminders_sweep(now=moment)
        elapsed = time.perf_counter() - started
        batches = -(-due // sweeps.BATCH_SIZE)
        emails = len(mail.outbox)
        print(
            f"{'assignments':>11} {'due':>6} {'sent':>6} {'emails':>6} "
            f"{'queries':>7} {'batches':>7} {'seconds':>8}"
        )
        print(
            f"{assignments:>11} {due:>6} {len(report.sent):>6} {emails:>6} "
            f"{len(queries):>7} {batches:>7} {elapsed:>8.1f}"
        )
        print(
            f"{len(queries) / batches:.0f} queries per batch of {sweeps.BATCH_SIZE} "
            f"due reminders, {len(queries) / max(emails, 1):.1f} per email sent",
            flush=True,
        )


def main() -> None:
    with throwaway_database():
        print(
            f"{'reviewers':>9} {'articles':>8} {'due':>6} {'emails':>6} "
            f"{'queries':>7} {'seconds':>8} {'ms/reminder':>11}"
        )
        for run, (reviewers, articles_each) in enumerate(SIZES):
            build(reviewers, articles_each, run)
            moment = timezone.now() + datetime.timedelta(days=3, hours=1)
            due = Reminder.objects.filter(
                status=ReminderStatus.PENDING, planned_at__lte=moment
            ).count()
            mail.outbox = []
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                report = sweeps.reminders_sweep(now=moment)
            elapsed = time.perf_counter() - started
            print(
                f"{reviewers:>9} {articles_each:>8} {due:>6} {len(mail.outbox):>6} "
                f"{len(queries):>7} {elapsed:>8.3f} "
                f"{1000 * elapsed / max(len(report.sent), 1):>11.2f}",
                flush=True,
            )
            Reminder.objects.filter(planned_at__lte=moment).update(
                status=ReminderStatus.CANCELLED
            )


if __name__ == "__main__":
    main_large() if "--large" in sys.argv[1:] else main()

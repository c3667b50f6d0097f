"""How long the reminder sweep takes as due reminders pile up.

Builds reviewers with invitations whose first reminder is due, in a throwaway test
database (SQLite in memory, or ``test_<name>`` beside the database ``DATABASE_URL``
names), runs one sweep and prints, per size: reminders due, emails sent (one per
reviewer per day), database queries, and the sweep's wall time. Emails go to Django's
in-memory backend; the developer's own database is never touched.

Run from the project's root: ``python bench/reminder_sweep.py``.
"""

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
from editorial.models import Reminder, ReminderStatus  # noqa: E402
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


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    print("Creating the test database…", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
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
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()

"""A short load run (``bench/load.py`` is the long one): readers, an editor saving
and reviewers deciding at once; no failed response, no lost edit or decision."""

import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.db import connection

from articles.models import ArticleStatus, Section
from editorial import services
from editorial.models import ReviewAssignment
from tests.articles.factories import ArticleFactory, SectionFactory
from tests.editorial.conftest import make_editor, make_reviewer

READERS = 12
SECONDS = 4
EDIT_EVERY_SECONDS = 0.25

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_readers_an_editor_and_reviewers_at_once_lose_nothing(live_server):
    editor = make_editor()
    read = ArticleFactory(author=editor, title="Which drug first?")
    section = SectionFactory(article=read, body="First text.")
    reviewed = ArticleFactory(author=editor, title="Reviewed under load")
    SectionFactory(article=reviewed)
    assignments = []
    for name in ("Dr Ana Ruiz", "Dr Kenji Sato", "Dr Lea Marin"):
        member = make_reviewer(name)
        assignment = services.assignment_create(
            article=reviewed, reviewer=member, invited_by=editor
        )
        services.assignment_accept(assignment=assignment, user=member.user)
        assignments.append(assignment)
    services.review_start(article=reviewed, user=editor)
    history_before = section.history.count()
    urls = [live_server.url + read.get_absolute_url(), live_server.url + "/"]
    statuses: Counter[int] = Counter()
    statuses_lock = threading.Lock()
    stop = threading.Event()

    def reader(url: str) -> None:
        while not stop.is_set():
            status = status_of(url)
            with statuses_lock:
                statuses[status] += 1

    threads = [
        threading.Thread(target=reader, args=(urls[n % 2],)) for n in range(READERS)
    ]
    for thread in threads:
        thread.start()
    edits = []
    decided = []
    try:
        started = time.monotonic()
        while time.monotonic() - started < SECONDS or len(decided) < len(assignments):
            time.sleep(EDIT_EVERY_SECONDS)
            text = f"Edit {len(edits) + 1}."
            editable = Section.objects.get(pk=section.pk)
            editable.body = text
            services.section_save(section=editable, user=editor)
            edits.append(text)
            if len(edits) % 2 == 0 and len(decided) < len(assignments):
                assignment = ReviewAssignment.objects.get(
                    pk=assignments[len(decided)].pk
                )
                services.review_decide(
                    assignment=assignment,
                    user=assignment.reviewer.user,
                    recommendation="approve",
                )
                decided.append(assignment.pk)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        connection.close()

    assert sum(statuses.values()) > READERS
    assert set(statuses) == {200}, statuses
    section.refresh_from_db()
    assert section.body == edits[-1]
    assert section.history.count() - history_before == len(edits)
    assert set(edits) <= set(section.history.values_list("body", flat=True))
    assert len(decided) == len(assignments)
    assert ReviewAssignment.history.filter(
        id__in=decided, recommendation="approve"
    ).values("id").distinct().count() == len(decided)
    reviewed.refresh_from_db()
    assert reviewed.status == ArticleStatus.APPROVED
    assert edits[-1] in page_text(live_server.url + read.get_absolute_url())


def page_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - local
        return response.read().decode()

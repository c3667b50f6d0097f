"""Editors restore an earlier version; the restore is recorded and reviewed again."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages

from articles.models import ArticleStatus, Section
from editorial import services
from editorial.models import AssignmentState
from tests.editorial.conftest import (
    ORIGINAL_GUIDELINE_TEXT,
    ORIGINAL_RESEARCH_TEXT,
    make_editor,
    workflow_state,
)
from tests.editorial.test_edit_path import long_reason

NEW_TITLE = "Which tumours need molecular testing, and when?"
EDITED_TEXT = "Test every advanced tumour, squamous ones included [@guide2024]."
ADDED_TEXT = "Repeat the biopsy at progression [@guide2024]."


def restore_url(article) -> str:
    return f"/admin/articles/article/{article.pk}/restore/"


def restore_moments(client, article) -> list[str]:
    """The moments the timeline page offers to restore, newest first."""
    page = client.get(f"/admin/articles/article/{article.pk}/timeline/")
    assert page.status_code == 200
    return re.findall(
        r'method="get" action="' + re.escape(restore_url(article)) + r'">'
        r'<input type="hidden" name="moment" value="([^"]+)">',
        page.content.decode(),
    )


def edit_everything(article, editor):
    """Change the title, edit one section, delete another, add a third."""
    services.article_content_save(
        article=article, user=editor, values={"title": NEW_TITLE}, reason="edited"
    )
    guideline, research = article.sections.order_by("order")
    guideline.body = EDITED_TEXT
    services.section_save(section=guideline, user=editor, reason="edited")
    services.section_delete(section=research, user=editor, reason="edited")
    added = Section(article=article, order=3, body=ADDED_TEXT)
    services.section_save(section=added, user=editor, reason="edited")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def current_bodies(article) -> list[str]:
    return list(article.sections.order_by("order").values_list("body", flat=True))


@pytest.fixture
def approved_then_edited(workflow, article, editor, reviewer_one):
    """An article approved, then edited and approved again; returns the moment the
    first approved content was last changed."""
    workflow.approve_with(article, reviewer_one)
    first_version = max(
        article.history.latest().history_date,
        Section.history.filter(article_id=article.pk).latest().history_date,
    )
    edit_everything(article, editor)
    workflow.start(article)
    article.refresh_from_db()
    assignments = workflow.accept(*article.review_assignments.filter(round=2))
    for assignment in assignments:
        workflow.approve(assignment)
    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED
    assert article.title == NEW_TITLE
    return first_version


@pytest.mark.django_db
def test_an_editor_restores_an_approved_version(
    approved_then_edited, article, editor, client
):
    client.force_login(editor)
    moment = next(
        value
        for value in restore_moments(client, article)
        if datetime.datetime.fromisoformat(value) == approved_then_edited
    )

    response = client.post(restore_url(article), {"moment": moment})

    assert response.status_code == 302
    assert response.url == f"/admin/articles/article/{article.pk}/change/"
    article.refresh_from_db()
    assert article.title == "Which lung tumours should be tested for driver mutations?"
    assert current_bodies(article) == [ORIGINAL_GUIDELINE_TEXT, ORIGINAL_RESEARCH_TEXT]
    assert article.status == ArticleStatus.SUBMITTED
    record = article.history.order_by("-history_date", "-history_id").filter(
        history_change_reason__startswith="restored the version of"
    )
    assert record.exists(), list(
        article.history.values_list("history_change_reason", flat=True)
    )
    restored = record.first()
    assert restored.history_user == editor
    assert restored.status == ArticleStatus.SUBMITTED
    section_record = Section.history.filter(
        article_id=article.pk,
        history_change_reason__startswith="restored the version of",
        history_user=editor,
    )
    assert section_record.exists()
    # Readers keep the latest approved text until the restored version is approved.
    public = client.get(f"/articles/{article.slug}/").content.decode()
    assert EDITED_TEXT.split(" [@")[0] in public
    assert "An update to this article is under review" in public


@pytest.mark.django_db
def test_restoring_the_current_content_is_refused(
    workflow, article, editor, client, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    client.force_login(editor)
    latest = max(
        article.history.latest().history_date,
        Section.history.filter(article_id=article.pk).latest().history_date,
    )
    before = article.history.count()

    response = client.post(restore_url(article), {"moment": latest.isoformat()})

    assert response.status_code == 302
    (message,) = messages_of(response)
    assert message.startswith("The working copy is already the version of")
    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED
    assert article.history.count() == before


@pytest.mark.django_db
def test_a_moment_before_the_article_existed_is_refused(article, editor, client):
    client.force_login(editor)
    before_birth = article.created - datetime.timedelta(days=1)
    before = article.history.count()

    response = client.post(restore_url(article), {"moment": before_birth.isoformat()})

    assert response.status_code == 302
    (message,) = messages_of(response)
    assert message.startswith("The article did not exist yet on")
    assert current_bodies(article) == [ORIGINAL_GUIDELINE_TEXT, ORIGINAL_RESEARCH_TEXT]
    assert article.history.count() == before


@pytest.mark.django_db
def test_comparing_with_a_moment_before_the_article_existed_is_not_found(
    article, editor, client
):
    client.force_login(editor)
    before_birth = (article.created - datetime.timedelta(days=1)).isoformat()

    response = client.get(
        f"/admin/articles/article/{article.pk}/compare/",
        {"from": before_birth, "to": article.last_updated.isoformat()},
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_restore_needs_the_restore_permission(
    approved_then_edited, article, client, reviewer_one
):
    limited = make_editor("junior")
    limited.groups.clear()
    limited.user_permissions.add(
        *Permission.objects.filter(codename__in=("view_article", "change_article"))
    )
    before = article.history.count()

    client.force_login(limited)
    response = client.post(
        restore_url(article), {"moment": approved_then_edited.isoformat()}
    )
    assert messages_of(response) == ["Only editors may restore an earlier version."]
    client.force_login(reviewer_one.user)
    refused = client.post(
        restore_url(article), {"moment": approved_then_edited.isoformat()}
    )
    assert refused.url.startswith("/admin/login/")

    article.refresh_from_db()
    assert article.title == NEW_TITLE
    assert article.status == ArticleStatus.APPROVED
    assert article.history.count() == before


@pytest.mark.django_db
def test_restore_is_a_post_a_get_only_asks_for_confirmation(
    approved_then_edited, article, editor, client
):
    client.force_login(editor)
    before = workflow_state(article)

    response = client.get(restore_url(article), {"moment": approved_then_edited})

    assert response.status_code == 200
    assert "Restore this version" in response.content.decode()
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_restore_first_shows_what_will_change_and_changes_nothing(
    workflow, article, editor, client, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    edit_everything(article, editor)
    workflow.send_to_review(article)
    client.force_login(editor)
    moment = restore_moments(client, article)[-1]
    before = workflow_state(article)

    response = client.get(restore_url(article), {"moment": moment})

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"- {NEW_TITLE}" in page
    assert f"+ {EDITED_TEXT}" not in page
    assert "Saving ends round 2: the 1 reviewer's assignment will be closed" in page
    assert 'method="post"' in page
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_long_reason_for_a_restore_is_kept_whole_and_given_to_the_reviewers(
    workflow, article, editor, client, reviewer_one
):
    reason = long_reason(600)
    workflow.approve_with(article, reviewer_one)
    edit_everything(article, editor)
    workflow.send_to_review(article)
    (assignment,) = article.review_assignments.filter(round=2)
    client.force_login(editor)
    moment = restore_moments(client, article)[-1]
    confirmation = client.get(restore_url(article), {"moment": moment})
    assert 'name="reason"' in confirmation.content.decode()

    response = client.post(restore_url(article), {"moment": moment, "reason": reason})

    assert response.status_code == 302
    record = article.history.latest()
    assert record.history_change_reason.startswith("restored the version of")
    assert record.history_change_reason.endswith(
        f": {reason}: round 2 closed, back to Submitted"
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CANCELLED
    assert assignment.closing_note.endswith(reason)
    assert assignment.history.latest().history_change_reason.endswith(reason)
    timeline = client.get(f"/admin/articles/article/{article.pk}/timeline/")
    assert html.escape(reason) in timeline.content.decode()


@pytest.mark.django_db
def test_a_restore_reason_over_the_limit_is_refused_and_nothing_changes(
    approved_then_edited, article, editor, client
):
    client.force_login(editor)
    before = workflow_state(article)

    response = client.post(
        restore_url(article),
        {"moment": approved_then_edited.isoformat(), "reason": long_reason(1001)},
    )

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Ensure this value has at most 1000 characters (it has 1001)." in page
    assert 'name="reason"' in page
    assert workflow_state(article) == before
    article.refresh_from_db()
    assert article.title == NEW_TITLE

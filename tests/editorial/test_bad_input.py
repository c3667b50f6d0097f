"""Bad input gets a clear 4xx message and changes nothing, never a 500."""

import html
import re

import pytest
from django.test import Client

from articles.models import Article
from editorial.models import AssignmentState, OutboundEmail
from tests.editorial.conftest import form_data, workflow_state
from tests.editorial.notify_factories import link_paths, mail_to

# As long as the title column allows: 300 characters.
LONG_TITLE = ("Which " + "very " * 60)[:286] + "long question?"


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def desk_url(assignment, action: str = "") -> str:
    return f"/review/{assignment.pk}/" + (f"{action}/" if action else "")


def decision_data(client, assignment, **changes) -> dict[str, list[str]]:
    page = client.get(desk_url(assignment))
    data = form_data(page, action=desk_url(assignment, "decide"))
    data.update({name: [value] for name, value in changes.items()})
    return data


# --- The reviewer desk ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "seen_last_updated",
    ["2026-13-45T00:00:00", "2024-02-30T10:00:00"],
    ids=["month-13", "february-30"],
)
def test_a_decision_naming_an_impossible_date_is_refused(
    workflow, article, client, reviewer_one, seen_last_updated
):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(reviewer_one.user)
    data = decision_data(
        client,
        assignment,
        recommendation="approve",
        seen_last_updated=seen_last_updated,
    )
    before = workflow_state(article)

    response = client.post(desk_url(assignment, "decide"), data)

    assert response.status_code == 400
    assert "did not say which version of the article you read" in text(response)
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_too_long_comment_says_so_and_keeps_the_text(
    workflow, article, client, reviewer_one
):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(reviewer_one.user)
    comment = "Please cite the 2024 update. " * 400  # 11,600 characters
    data = decision_data(
        client, assignment, recommendation="request_changes", comments=comment
    )
    before = workflow_state(article)

    response = client.post(desk_url(assignment, "decide"), data)

    assert response.status_code == 400
    page = text(response)
    assert "Choose approve or request changes" not in page
    assert "Ensure this value has at most 10000 characters" in page
    kept = form_data(response, action=desk_url(assignment, "decide"))
    assert kept["comments"] == [comment]
    assert kept["recommendation"] == ["request_changes"]
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_desk_decline_note_over_the_limit_is_refused_and_kept(
    workflow, article, client, reviewer_one
):
    (assignment,) = workflow.invite(article, reviewer_one)
    client.force_login(reviewer_one.user)
    note = "I am travelling for the next month. " * 60  # 2,160 characters
    before = workflow_state(article)

    response = client.post(desk_url(assignment, "decline"), {"note": note})

    assert response.status_code == 400
    assert "Ensure this value has at most 2000 characters" in text(response)
    kept = form_data(response, action=desk_url(assignment, "decline"))
    assert kept["note"] == [note]
    assert workflow_state(article) == before


# --- The invitation email's links -----------------------------------------------------


@pytest.fixture
def decline_link(
    workflow, article, reviewer_one, mailoutbox, django_capture_on_commit_callbacks
):
    """Invite Ana Ruiz; her invitation and the decline link it emailed."""

    def invite():
        with django_capture_on_commit_callbacks(execute=True):
            [assignment] = workflow.invite(article, reviewer_one)
        invitation = mail_to(mailoutbox, reviewer_one.user.email)[-1]
        return assignment, link_paths(invitation.body)["decline"]

    return invite


@pytest.mark.django_db
@pytest.mark.parametrize(
    "note, complaint",
    [
        ("Away\x00until June", "Null characters are not allowed."),
        ("x" * 2001, "Ensure this value has at most 2000 characters"),
    ],
    ids=["nul-byte", "too-long"],
)
def test_a_bad_decline_note_from_the_email_link_is_refused(
    decline_link, article, note, complaint
):
    assignment, link = decline_link()
    before = workflow_state(article)

    response = Client().post(link, {"note": note})

    assert response.status_code == 400
    assert complaint in text(response)
    assert workflow_state(article) == before
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.INVITED


# --- The editors' admin ---------------------------------------------------------------


@pytest.mark.django_db
def test_comparing_with_an_impossible_moment_is_refused(client, editor, article):
    client.force_login(editor)

    response = client.get(
        f"/admin/articles/article/{article.pk}/compare/",
        {"from": "2026-13-45T00:00:00", "to": "2026-01-01T00:00:00"},
    )

    assert response.status_code == 400
    assert "“2026-13-45T00:00:00” is not a moment in time." in text(response)


@pytest.mark.django_db
def test_filtering_by_a_reviewer_that_is_not_a_number_is_refused(
    client, editor, article
):
    client.force_login(editor)

    response = client.get("/admin/articles/article/", {"reviewer": "abc"})

    assert response.status_code == 400
    assert "The reviewer filter takes a board member's number" in text(response)


# --- Titles as long as their column ---------------------------------------------------


@pytest.mark.django_db
def test_inviting_to_an_article_with_the_longest_title_sends_the_invitation(
    workflow, article, reviewer_one
):
    Article.objects.filter(pk=article.pk).update(title=LONG_TITLE)
    article.refresh_from_db()

    (assignment,) = workflow.invite(article, reviewer_one)

    invitation = OutboundEmail.objects.get(kind="invitation")
    assert len(invitation.subject) == 300
    assert invitation.subject.startswith("Review invitation: Which very")
    assert invitation.subject.endswith("…")
    assert assignment.state == AssignmentState.INVITED


@pytest.mark.django_db
def test_accepting_an_invitation_to_a_long_titled_article_works(
    workflow, article, client, reviewer_two
):
    Article.objects.filter(pk=article.pk).update(title=LONG_TITLE[:270])
    article.refresh_from_db()
    (assignment,) = workflow.invite(article, reviewer_two)
    client.force_login(reviewer_two.user)

    response = client.post(desk_url(assignment, "accept"))

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ACCEPTED
    told = OutboundEmail.objects.filter(kind="assignment_accepted").get()
    assert told.subject.startswith("Kenji Sato accepted to review “Which very")
    assert told.subject.endswith("…")
    assert len(told.subject) == 300

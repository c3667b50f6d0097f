"""The editors' article page: the transition buttons a user may press, the reviewer
inline, and what happens when a button is forged."""

import html
import re

import pytest
from django.contrib.messages import get_messages

from articles.models import ArticleStatus
from editorial.models import AssignmentState, ReviewAssignment
from tests.editorial.conftest import change_form_data, change_url, workflow_state
from tests.reviewers.factories import AdvisoryBoardMemberFactory


def offered_transitions(client, article) -> list[str]:
    page = client.get(change_url(article)).content.decode()
    return re.findall(r'name="_fsm_transition_to"\s+value="(\w+)"', page)


def transition_url(article, name: str) -> str:
    return f"/admin/articles/article/{article.pk}/transition/{name}/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def press(client, article, transition: str):
    """Submit the change form unchanged with a transition button pressed."""
    data = change_form_data(client, article)
    data["_fsm_transition_to"] = [transition]
    return client.post(change_url(article), data)


def add_reviewer_row(data, member) -> dict:
    total = int(data["review_assignments-TOTAL_FORMS"][0])
    prefix = f"review_assignments-{total}"
    data[f"{prefix}-reviewer"] = [str(member.pk)]
    data[f"{prefix}-id"] = [""]
    data["review_assignments-TOTAL_FORMS"] = [str(total + 1)]
    return data


@pytest.fixture(params=["editor", "superuser"])
def staff_client(request, client):
    client.force_login(request.getfixturevalue(request.param))
    return client


# --- The buttons offered ------------------------------------------------------------


@pytest.mark.django_db
def test_no_start_button_before_a_reviewer_is_assigned(staff_client, article):
    assert offered_transitions(staff_client, article) == []


@pytest.mark.django_db
def test_start_review_is_offered_once_a_reviewer_is_assigned(
    workflow, staff_client, article, reviewer_one
):
    workflow.invite(article, reviewer_one)

    assert offered_transitions(staff_client, article) == ["start_review"]


@pytest.mark.django_db
def test_nothing_is_offered_while_reviewers_decide(
    workflow, staff_client, article, reviewer_one
):
    workflow.send_to_review(article, reviewer_one)

    assert offered_transitions(staff_client, article) == []


@pytest.mark.django_db
def test_only_reopen_is_offered_on_an_approved_article(
    workflow, staff_client, article, reviewer_one
):
    workflow.approve_with(article, reviewer_one)

    assert offered_transitions(staff_client, article) == ["reopen"]


@pytest.mark.django_db
def test_after_requested_changes_start_review_is_offered_again(
    workflow, staff_client, article, reviewer_one
):
    (critic,) = workflow.send_to_review(article, reviewer_one)
    workflow.request_changes(critic, comments="Shorten the summary.")

    assert offered_transitions(staff_client, article) == ["start_review"]


@pytest.mark.django_db
def test_an_editor_who_is_also_an_accepted_reviewer_gets_no_approve_button(
    workflow, client, editor, article
):
    member = AdvisoryBoardMemberFactory(user=editor)
    workflow.send_to_review(article, member)
    client.force_login(editor)

    assert offered_transitions(client, article) == []


# --- Pressing them ------------------------------------------------------------------


@pytest.mark.django_db
def test_start_review_from_the_change_form_runs_the_service(
    workflow, client, editor, article, reviewer_one
):
    workflow.invite(article, reviewer_one)
    client.force_login(editor)

    response = press(client, article, "start_review")

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW
    record = article.history.latest()
    assert record.history_change_reason == "review round 1 started by editor"
    assert record.history_user == editor
    assert messages_of(response)[-1] == f"“{article}”: Start review done."


@pytest.mark.django_db
def test_a_forged_approve_button_is_refused(
    workflow, client, editor, article, reviewer_one
):
    workflow.send_to_review(article, reviewer_one)
    client.force_login(editor)
    before = workflow_state(article)

    response = press(client, article, "approve")

    assert "“approve” is taken at the reviewer desk, not here." in messages_of(response)
    assert workflow_state(article) == before
    response = client.post(transition_url(article, "approve"))
    assert response.status_code == 404
    assert "“approve” is not an action editors take" in html.unescape(
        response.content.decode()
    )
    assert workflow_state(article) == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_transition_is_a_clear_404(client, editor, article, method):
    client.force_login(editor)
    before = workflow_state(article)

    response = getattr(client, method)(transition_url(article, "foo"))

    assert response.status_code == 404
    assert "“foo” is not an action editors take on this page" in html.unescape(
        response.content.decode()
    )
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_stale_start_button_is_refused(
    workflow, client, editor, article, reviewer_one
):
    workflow.invite(article, reviewer_one)
    client.force_login(editor)
    data = change_form_data(client, article)
    data["_fsm_transition_to"] = ["start_review"]
    workflow.start(article)
    before = workflow_state(article)

    response = client.post(change_url(article), data)

    (message,) = [text for text in messages_of(response) if "submitted" in text]
    assert "only a submitted article can be sent to review" in message
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_reopen_asks_for_a_reason_and_records_it(
    workflow, client, editor, article, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    client.force_login(editor)

    response = press(client, article, "reopen")
    assert response.status_code == 302
    assert response.url == transition_url(article, "reopen")
    form_page = client.get(response.url)
    assert "Why is the article reopened?" in html.unescape(form_page.content.decode())

    before = workflow_state(article)
    refused = client.post(transition_url(article, "reopen"), {"reason": ""})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert workflow_state(article) == before

    done = client.post(
        transition_url(article, "reopen"), {"reason": "The label changed in May."}
    )

    assert done.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW
    record = article.history.latest()
    assert record.history_change_reason == (
        "reopened by editor: The label changed in May."
    )
    assert record.history_user == editor
    assert ReviewAssignment.objects.filter(
        article=article, round=2, state=AssignmentState.INVITED
    ).exists()


@pytest.mark.django_db
def test_a_reviewer_cannot_reach_the_transition_page(
    workflow, client, article, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    client.force_login(reviewer_one.user)
    before = workflow_state(article)

    response = client.post(
        transition_url(article, "reopen"), {"reason": "I want another look."}
    )

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert workflow_state(article) == before


# --- The reviewer inline --------------------------------------------------------------


@pytest.mark.django_db
def test_adding_a_reviewer_in_the_inline_invites_through_the_service(
    client, editor, article, reviewer_one
):
    client.force_login(editor)
    data = add_reviewer_row(change_form_data(client, article), reviewer_one)

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    assignment = ReviewAssignment.objects.get(article=article)
    assert assignment.reviewer == reviewer_one
    assert assignment.state == AssignmentState.INVITED
    assert assignment.round == 1
    assert assignment.invited_by == editor
    record = assignment.history.get()
    assert record.history_change_reason == "invited by editor"
    assert record.history_user == editor
    assert offered_transitions(client, article) == ["start_review"]


@pytest.mark.django_db
def test_the_author_in_the_reviewer_inline_is_an_error(
    client, editor, article, author_member
):
    client.force_login(editor)
    data = add_reviewer_row(change_form_data(client, article), author_member)

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert (
        "Omar Haddad, MD wrote this article and cannot review it: nobody approves "
        "their own work." in page
    )
    assert not ReviewAssignment.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_the_same_member_twice_in_a_round_is_an_error(
    workflow, client, editor, article, reviewer_one
):
    workflow.invite(article, reviewer_one)
    client.force_login(editor)
    data = add_reviewer_row(change_form_data(client, article), reviewer_one)

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Ana Ruiz, MD, PhD was already invited to round 1 (invited)." in page
    assert ReviewAssignment.objects.filter(article=article).count() == 1


@pytest.mark.django_db
def test_recording_a_conflict_in_the_inline_withdraws_the_reviewer(
    workflow, client, editor, article, reviewer_one
):
    (assignment,) = workflow.invite(article, reviewer_one)
    client.force_login(editor)
    data = change_form_data(client, article)
    data["reviewer_conflicts-TOTAL_FORMS"] = ["1"]
    data["reviewer_conflicts-0-member"] = [str(reviewer_one.pk)]
    data["reviewer_conflicts-0-note"] = ["Speaker fees from the maker"]

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.WITHDRAWN
    conflict = article.reviewer_conflicts.get()
    assert conflict.recorded_by == editor

"""The reviewer desk at /review/: a member's own assignments and nothing else."""

import datetime
import html
import re

import pytest
import time_machine
from django.contrib.messages import get_messages

from articles.models import ArticleStatus
from editorial import services
from editorial.models import AssignmentState, Recommendation, ReviewAssignment
from tests.articles.factories import ArticleFactory
from tests.editorial.conftest import form_data, workflow_state

CHANGES = "Add the 2024 guideline's advice on re-biopsy."
EDITED_TEXT = "Test every advanced tumour, squamous ones included [@guide2024]."


def desk_url(assignment: ReviewAssignment, action: str = "") -> str:
    return f"/review/{assignment.pk}/" + (f"{action}/" if action else "")


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def marked_words(page: str, panel: str) -> dict[str, list[str]]:
    """The words the comparison panel with id ``panel`` marks as added and removed,
    in order."""
    page = page[page.index(f'id="{panel}"') :]
    page = page[: page.index("</section>")]
    return {
        kind: re.findall(rf'<{tag} class="diff-words__{kind}">(.*?)</{tag}>', page)
        for kind, tag in (("added", "ins"), ("removed", "del"))
    }


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def decision_data(client, assignment, recommendation, comments=""):
    """The decision form as the reviewer's page rendered it, filled in."""
    page = client.get(desk_url(assignment))
    data = form_data(page, action=desk_url(assignment, "decide"))
    data["recommendation"] = [recommendation]
    data["comments"] = [comments]
    return data


# --- Who gets in ----------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/review/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/review/"


@pytest.mark.django_db
def test_editors_are_not_reviewers(client, editor):
    client.force_login(editor)

    assert client.get("/review/").status_code == 403


@pytest.mark.django_db
def test_reviewers_cannot_enter_the_admin(client, reviewer_one):
    client.force_login(reviewer_one.user)

    for url in ("/admin/", "/admin/articles/article/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")


@pytest.mark.django_db
def test_a_member_outside_the_reviewers_group_is_refused(client, reviewer_one):
    reviewer_one.user.groups.clear()
    client.force_login(reviewer_one.user)

    assert client.get("/review/").status_code == 403


# --- My reviews -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_desk_lists_only_my_assignments(
    workflow, article, client, reviewer_one, reviewer_two
):
    other_article = ArticleFactory(title="Does aspirin prevent a first stroke?")
    (mine,) = workflow.invite(article, reviewer_one)
    workflow.invite(other_article, reviewer_two)
    client.force_login(reviewer_one.user)

    page = text(client.get("/review/"))

    assert article.title in page
    assert f'href="{desk_url(mine)}"' in page
    assert other_article.title not in page
    assert "Signed in as Ana Ruiz, MD, PhD" in page


@pytest.mark.django_db
def test_the_desk_stays_cheap_with_many_assignments(
    workflow, client, reviewer_one, django_assert_max_num_queries
):
    for number in range(6):
        workflow.invite(ArticleFactory(title=f"Question {number}?"), reviewer_one)
    client.force_login(reviewer_one.user)

    with django_assert_max_num_queries(8):
        response = client.get("/review/")

    assert text(response).count("Question ") == 6


@pytest.mark.django_db
def test_an_overdue_invitation_is_flagged(workflow, article, client, reviewer_one):
    invited_at = datetime.datetime(2025, 5, 5, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(invited_at):
        (assignment,) = workflow.invite(article, reviewer_one)
    client.force_login(reviewer_one.user)

    with time_machine.travel(invited_at + datetime.timedelta(days=3)):
        assert "Overdue" not in text(client.get("/review/"))
    with time_machine.travel(assignment.respond_by + datetime.timedelta(minutes=1)):
        desk = text(client.get("/review/"))
        detail = text(client.get(desk_url(assignment)))

    assert '<tr class="overdue">' in desk
    assert "Overdue" in desk
    assert "Overdue" in detail


@pytest.mark.django_db
def test_someone_elses_assignment_is_not_found(
    workflow, article, client, reviewer_one, reviewer_two
):
    (theirs,) = workflow.accept(*workflow.invite(article, reviewer_one))
    workflow.start(article)
    before = workflow_state(article)
    client.force_login(reviewer_two.user)

    assert client.get(desk_url(theirs)).status_code == 404
    for action in ("accept", "decline"):
        assert client.post(desk_url(theirs, action)).status_code == 404
    response = client.post(
        desk_url(theirs, "decide"),
        {
            "recommendation": Recommendation.APPROVE,
            "comments": "",
            "seen_last_updated": before["last_updated"].isoformat(),
        },
    )
    assert response.status_code == 404
    assert workflow_state(article) == before


# --- Answering and deciding -----------------------------------------------------------


@pytest.mark.django_db
def test_accepting_at_the_desk(workflow, article, client, reviewer_one):
    (assignment,) = workflow.invite(article, reviewer_one)
    client.force_login(reviewer_one.user)

    response = client.post(desk_url(assignment, "accept"))

    assert response.status_code == 302
    assert response.url == desk_url(assignment)
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ACCEPTED
    assert messages_of(response) == ["Thank you: you accepted this review."]


@pytest.mark.django_db
def test_declining_at_the_desk_with_a_reason(workflow, article, client, reviewer_one):
    (assignment,) = workflow.invite(article, reviewer_one)
    client.force_login(reviewer_one.user)

    response = client.post(
        desk_url(assignment, "decline"), {"note": "I consult for the maker."}
    )

    assert response.url == "/review/"
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DECLINED
    assert assignment.closing_note == "I consult for the maker."


@pytest.mark.django_db
def test_the_decision_form_appears_once_accepted_and_under_review(
    workflow, article, client, reviewer_one
):
    (assignment,) = workflow.invite(article, reviewer_one)
    client.force_login(reviewer_one.user)
    invited_page = text(client.get(desk_url(assignment)))
    assert "Will you review this article?" in invited_page
    assert f'action="{desk_url(assignment, "decide")}"' not in invited_page

    workflow.accept(assignment)
    workflow.start(article)

    page = text(client.get(desk_url(assignment)))
    assert f'action="{desk_url(assignment, "decide")}"' in page
    assert "Will you review this article?" not in page
    assert "Test every advanced tumour for driver mutations" in page


@pytest.mark.django_db
def test_approving_at_the_desk(workflow, article, client, reviewer_one):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(reviewer_one.user)

    response = client.post(
        desk_url(assignment, "decide"),
        decision_data(client, assignment, Recommendation.APPROVE),
    )

    assert messages_of(response) == ["Your decision is recorded."]
    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED


@pytest.mark.django_db
def test_requesting_changes_needs_a_comment(workflow, article, client, reviewer_one):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(reviewer_one.user)
    data = decision_data(client, assignment, Recommendation.REQUEST_CHANGES)
    before = workflow_state(article)

    response = client.post(desk_url(assignment, "decide"), data)

    assert messages_of(response) == [
        "Tell the editors what to change: a comment is needed."
    ]
    assert workflow_state(article) == before

    data["comments"] = [CHANGES]
    client.post(desk_url(assignment, "decide"), data)

    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assignment.refresh_from_db()
    assert assignment.comments == CHANGES


@pytest.mark.django_db
def test_a_double_click_records_one_decision(
    workflow, article, client, reviewer_one, reviewer_two
):
    first, second = workflow.send_to_review(article, reviewer_one, reviewer_two)
    client.force_login(reviewer_one.user)
    data = decision_data(client, first, Recommendation.APPROVE)
    client.post(desk_url(first, "decide"), data)
    before = workflow_state(article)

    response = client.post(desk_url(first, "decide"), data)

    assert messages_of(response)[-1] == (
        "Your decision on this round was already recorded (approve)."
    )
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_decision_from_a_page_opened_before_an_edit_is_refused(
    workflow, article, editor, client, reviewer_one
):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(reviewer_one.user)
    data = decision_data(client, assignment, Recommendation.APPROVE)
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    services.section_save(section=section, user=editor, reason="edited")
    before = workflow_state(article)

    response = client.post(desk_url(assignment, "decide"), data)

    (message,) = messages_of(response)
    assert message.startswith("The article changed after you opened it.")
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_tampered_form_is_refused(workflow, article, client, reviewer_one):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(reviewer_one.user)
    before = workflow_state(article)

    response = client.post(
        desk_url(assignment, "decide"),
        {"recommendation": "approve", "seen_last_updated": "yesterday"},
    )

    assert response.status_code == 400
    page = text(response)
    assert "Nothing was recorded: correct your decision below." in page
    assert "The page did not say which version of the article you read." in page
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_the_desk_shows_changes_since_the_approved_version(
    workflow, article, editor, references, client, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    services.section_save(section=section, user=editor, reason="edited")
    reference = references["trial2021"]
    reference.title = "Targeted therapy after profiling: final analysis"
    services.reference_save(reference=reference, user=editor)
    workflow.start(article)
    reinvited = ReviewAssignment.objects.get(article=article, round=2)
    client.force_login(reviewer_one.user)

    page = text(client.get(desk_url(reinvited)))

    assert "Changes since the approved version" in page
    assert "Comparing approved version 1 with this working copy." in page
    assert marked_words(page, "changes-since-approved") == {
        "added": [", squamous ones included", "final analysis"],
        "removed": [" for driver mutations", "a trial"],
    }


@pytest.mark.django_db
def test_no_comparison_before_a_first_approval(workflow, article, client, reviewer_one):
    (assignment,) = workflow.invite(article, reviewer_one)
    client.force_login(reviewer_one.user)

    page = text(client.get(desk_url(assignment)))

    assert "Changes since the approved version" not in page


@pytest.mark.django_db
def test_desk_actions_need_post(workflow, article, client, reviewer_one):
    (assignment,) = workflow.invite(article, reviewer_one)
    client.force_login(reviewer_one.user)

    assert client.get(desk_url(assignment, "accept")).status_code == 405
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.INVITED


@pytest.mark.django_db
def test_a_long_decline_reason_reaches_the_editors_timeline_whole(
    workflow, article, client, editor, reviewer_one
):
    note = "I consulted for the maker of osimertinib until last spring. " * 25
    assert len(note) > 1000
    (assignment,) = workflow.invite(article, reviewer_one)
    client.force_login(reviewer_one.user)

    client.post(desk_url(assignment, "decline"), {"note": note})

    record = assignment.history.latest()
    assert record.history_change_reason == f"declined by ruiz: {note.strip()}"
    client.force_login(editor)
    timeline = text(client.get(f"/admin/articles/article/{article.pk}/timeline/"))
    assert note.strip() in timeline

"""The accept and decline links of the invitation email: signed, expiring, single-use.

The links are read from the email as sent and used by a client that is not signed
in, as a reviewer clicking from their mailbox would.
"""

import datetime

import pytest
from django.test import Client

from editorial.models import AssignmentState, OutboundEmail, ReviewAssignment
from tests.editorial.notify_factories import at, link_paths, mail_to

INVITED_AT = at("2027-01-12 15:00")
ANA = "ruiz@example.org"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(INVITED_AT, tick=False)
    return time_machine


@pytest.fixture
def invite(workflow, mailoutbox, django_capture_on_commit_callbacks):
    """Invite members and return the accept/decline paths each was emailed."""

    def invite_and_read_links(article, member) -> tuple[ReviewAssignment, dict]:
        sent_before = len(mail_to(mailoutbox, member.user.email))
        with django_capture_on_commit_callbacks(execute=True):
            [assignment] = workflow.invite(article, member)
        invitation = mail_to(mailoutbox, member.user.email)[sent_before]
        return assignment, link_paths(invitation.body)

    return invite_and_read_links


def state_of(assignment) -> str:
    return ReviewAssignment.objects.get(pk=assignment.pk).state


@pytest.mark.django_db
def test_opening_a_link_only_asks_for_confirmation(
    frozen, invite, article, reviewer_one, client, html
):
    """Mail scanners follow links: a GET must not answer for the reviewer."""
    assignment, links = invite(article, reviewer_one)
    emails_before = OutboundEmail.objects.count()

    for action, question in (
        ("accept", "Accept this review?"),
        ("decline", "Decline this review?"),
    ):
        response = client.get(links[action])

        assert response.status_code == 200
        page = html(response.content)
        assert page.find("h1").normalised_text == question
        assert page.find("form", method="post")
        assert "Ana Ruiz, you are invited to review" in page.find("main").text
    assert state_of(assignment) == AssignmentState.INVITED
    assert OutboundEmail.objects.count() == emails_before


@pytest.mark.django_db
def test_posting_the_accept_link_accepts_without_signing_in(
    frozen,
    invite,
    article,
    reviewer_one,
    mailoutbox,
    html,
    django_capture_on_commit_callbacks,
):
    assignment, links = invite(article, reviewer_one)
    browser = Client(enforce_csrf_checks=True)
    form_page = html(browser.get(links["accept"]).content)
    csrf = form_page.find("input", name="csrfmiddlewaretoken").attrs["value"]

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(links["accept"], {"csrfmiddlewaretoken": csrf})

    assert response.status_code == 200
    assert html(response.content).find("h1").normalised_text == (
        "Thank you for accepting"
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ACCEPTED
    assert assignment.responded_at == INVITED_AT
    editors_copy = mailoutbox[-1]
    assert editors_copy.to == ["editor@example.org"]
    assert "accepted to review" in editors_copy.subject
    assert "_auth_user_id" not in browser.session  # nobody was signed in


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(
    frozen, invite, article, reviewer_one
):
    assignment, links = invite(article, reviewer_one)

    response = Client(enforce_csrf_checks=True).post(links["accept"])

    assert response.status_code == 403
    assert state_of(assignment) == AssignmentState.INVITED


@pytest.mark.django_db
def test_posting_the_decline_link_declines_with_the_reason(
    frozen,
    invite,
    article,
    reviewer_one,
    client,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    assignment, links = invite(article, reviewer_one)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(links["decline"], {"note": "On leave until March."})

    assert response.status_code == 200
    assert b"Invitation declined" in response.content
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.DECLINED
    assert assignment.closing_note == "On leave until March."
    assert "Reason: On leave until March." in mailoutbox[-1].body


@pytest.mark.django_db
def test_a_link_works_once(frozen, invite, article, reviewer_one, client, html):
    assignment, links = invite(article, reviewer_one)
    client.post(links["accept"])
    history_rows = ReviewAssignment.history.filter(id=assignment.pk).count()

    for action in ("accept", "decline"):
        for method in (client.get, client.post):
            response = method(links[action])

            assert response.status_code == 410
            page = html(response.content)
            assert page.find("h1").normalised_text == "This link cannot be used"
            assert "already answered or is closed; the link works once" in (
                page.find("main").normalised_text
            )
    assert state_of(assignment) == AssignmentState.ACCEPTED
    assert ReviewAssignment.history.filter(id=assignment.pk).count() == history_rows


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
            id="signature changed",
        ),
        pytest.param(lambda token: "x" + token, id="payload changed"),
        pytest.param(lambda token: "not-a-token", id="made up"),
    ],
)
def test_a_tampered_link_is_refused(
    frozen, invite, article, reviewer_one, client, html, tamper
):
    assignment, links = invite(article, reviewer_one)
    token = links["accept"].split("/")[-2]

    response = client.post(f"/review/respond/{tamper(token)}/")

    assert response.status_code == 410
    assert "This link is not valid." in html(response.content).find("main").text
    assert state_of(assignment) == AssignmentState.INVITED


@pytest.mark.django_db
def test_a_link_expires_after_the_configured_days(
    frozen, invite, article, reviewer_one, client, html, settings
):
    assignment, links = invite(article, reviewer_one)
    days = settings.MEDREVIEW_INVITATION_LINK_DAYS

    frozen.move_to(INVITED_AT + datetime.timedelta(days=days, seconds=1), tick=False)
    response = client.post(links["accept"])

    assert response.status_code == 410
    assert "This link has expired." in html(response.content).find("main").text
    assert state_of(assignment) == AssignmentState.INVITED


@pytest.mark.django_db
def test_a_link_still_works_on_its_last_day(
    frozen, invite, article, reviewer_one, client, settings
):
    assignment, links = invite(article, reviewer_one)
    days = settings.MEDREVIEW_INVITATION_LINK_DAYS

    frozen.move_to(INVITED_AT + datetime.timedelta(days=days, seconds=-1), tick=False)
    response = client.post(links["accept"])

    assert response.status_code == 200
    assert state_of(assignment) == AssignmentState.ACCEPTED


@pytest.mark.django_db
def test_the_link_of_a_superseded_invitation_is_refused(
    frozen,
    workflow,
    invite,
    article,
    reviewer_one,
    reviewer_two,
    client,
    html,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The round closes while Ana has not answered; the next round invites her
    again with new links, and only those work."""
    old, old_links = invite(article, reviewer_one)
    [other] = workflow.accept(*workflow.invite(article, reviewer_two))
    workflow.start(article)
    workflow.request_changes(other, "Add the 2024 guideline.")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.start(article)  # round 2 invites both reviewers again
    new = ReviewAssignment.objects.get(reviewer=reviewer_one, round=2)
    new_links = link_paths(mail_to(mailoutbox, ANA)[-1].body)
    assert new_links != old_links

    response = client.post(old_links["accept"])
    assert response.status_code == 410
    assert "already answered or is closed" in html(response.content).find("main").text
    assert state_of(old) == AssignmentState.CANCELLED
    assert state_of(new) == AssignmentState.INVITED

    response = client.post(new_links["accept"])
    assert response.status_code == 200
    assert state_of(new) == AssignmentState.ACCEPTED


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_link_answers_nothing_but_reading_and_the_confirming_post(
    frozen, invite, article, reviewer_one, client, method
):
    assignment, links = invite(article, reviewer_one)

    response = getattr(client, method)(links["accept"])

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert state_of(assignment) == AssignmentState.INVITED
    # A mail scanner checking the link with HEAD is answered like a reader.
    assert client.head(links["accept"]).status_code == 200

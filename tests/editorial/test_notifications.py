"""Who is emailed when the review workflow moves, and what each email says.

Emails are written to the outbox in the transaction that makes the change and leave
only after it commits (``django_capture_on_commit_callbacks(execute=True)`` plays the
commit); Celery runs in-process here, as on the embedded default.
"""

import pytest
from django.db import transaction

from editorial import tokens
from editorial.models import EmailStatus, OutboundEmail, ReviewAssignment
from tests.editorial.notify_factories import at, html_part, link_paths, mail_to

# 10:00 in New York (EST), 15:00 on the server (UTC).
INVITED_AT = at("2027-01-12 15:00")
EDITOR = "editor@example.org"
ANA = "ruiz@example.org"
KENJI = "sato@example.org"
AUTHOR = "haddad@example.org"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(INVITED_AT, tick=False)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block as a request would: its emails go when it commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.django_db
def test_the_invitation_is_written_with_the_assignment_and_sent_after_commit(
    frozen, workflow, article, reviewer_one, mailoutbox, committed
):
    with committed():
        [assignment] = workflow.invite(article, reviewer_one)
        waiting = OutboundEmail.objects.get()
        assert waiting.status == EmailStatus.PENDING
        assert waiting.to_address == ANA
        assert mailoutbox == []

    [message] = mailoutbox
    assert message.to == [ANA]
    assert message.subject == f"Review invitation: {article.title}"
    assert message.from_email == "Medreview <editors@medreview.invalid>"
    waiting.refresh_from_db()
    assert waiting.status == EmailStatus.SENT
    assert waiting.sent_at == INVITED_AT

    desk_link = f"http://127.0.0.1:8000/review/{assignment.pk}/"
    assert desk_link in message.body
    links = link_paths(message.body)
    assert tokens.read_invitation_token(links["accept"].split("/")[-2]) == (
        assignment,
        tokens.ACCEPT,
    )
    assert tokens.read_invitation_token(links["decline"].split("/")[-2]) == (
        assignment,
        tokens.DECLINE,
    )
    html = html_part(message)
    assert f'href="{desk_link}"' in html
    assert f'href="http://127.0.0.1:8000{links["accept"]}"' in html
    assert f'href="http://127.0.0.1:8000{links["decline"]}"' in html


@pytest.mark.django_db
def test_invitation_dates_are_shown_in_the_reviewers_time_zone(
    frozen, workflow, article, reviewer_one, reviewer_two, mailoutbox, committed
):
    with committed():
        workflow.invite(article, reviewer_one, reviewer_two)

    [to_ana] = mail_to(mailoutbox, ANA)
    for part in (to_ana.body, html_part(to_ana)):
        assert "Friday 22 January 2027, 23:59 EST" in part
        assert "Tuesday 2 February 2027, 23:59 EST" in part
    # In Tokyo it is already 13 January when the editor invites at 15:00 UTC.
    [to_kenji] = mail_to(mailoutbox, KENJI)
    assert "Saturday 23 January 2027, 23:59 JST" in to_kenji.body
    assert "Wednesday 3 February 2027, 23:59 JST" in to_kenji.body


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(
    frozen,
    workflow,
    article,
    reviewer_one,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.invite(article, reviewer_one)
        raise RuntimeError("the request failed after the invitation was written")

    assert callbacks == []
    assert mailoutbox == []
    assert not OutboundEmail.objects.exists()
    assert not ReviewAssignment.objects.exists()


@pytest.mark.django_db
def test_editors_are_told_when_a_reviewer_accepts(
    frozen, workflow, article, reviewer_one, mailoutbox, committed
):
    [assignment] = workflow.invite(article, reviewer_one)

    with committed():
        workflow.accept(assignment)

    [message] = mailoutbox
    assert message.to == [EDITOR]
    assert message.subject == f"Ana Ruiz accepted to review “{article.title}”"
    assert "Ana Ruiz, MD, PhD accepted" in message.body
    # The editor has no board profile: dates in the site's zone.
    assert "Review due by: Wednesday 3 February 2027, 04:59 UTC" in message.body
    assert f"/admin/articles/article/{article.pk}/change/" in html_part(message)


@pytest.mark.django_db
def test_editors_are_told_when_a_reviewer_declines_with_the_reason(
    frozen, workflow, article, reviewer_one, mailoutbox, committed
):
    from editorial import services

    [assignment] = workflow.invite(article, reviewer_one)

    with committed():
        services.assignment_decline(
            assignment=assignment,
            user=reviewer_one.user,
            note="I consult for the maker of the drug.",
        )

    [message] = mailoutbox
    assert message.to == [EDITOR]
    assert message.subject == f"Ana Ruiz declined to review “{article.title}”"
    assert "Reason: I consult for the maker of the drug." in message.body
    assert "I consult for the maker of the drug." in html_part(message)


@pytest.mark.django_db
def test_editors_get_the_comments_when_changes_are_requested(
    frozen, workflow, article, reviewer_one, mailoutbox, committed
):
    [assignment] = workflow.send_to_review(article, reviewer_one)
    mailoutbox.clear()

    with committed():
        workflow.request_changes(
            assignment, "Cite the 2024 update.\nDrop the second table & its footnote."
        )

    [message] = mailoutbox
    assert message.to == [EDITOR]
    assert message.subject == f"Changes requested on “{article.title}”"
    assert "Cite the 2024 update.\nDrop the second table & its footnote." in (
        message.body
    )
    # Escaped in HTML, line breaks kept.
    assert "Cite the 2024 update.<br>Drop the second table &amp; its footnote." in (
        html_part(message)
    )


@pytest.mark.django_db
def test_each_approval_is_reported_and_the_author_and_editors_get_approved(
    frozen,
    workflow,
    article,
    reviewer_one,
    reviewer_two,
    mailoutbox,
    committed,
):
    first, second = workflow.send_to_review(article, reviewer_one, reviewer_two)

    with committed():
        workflow.approve(first)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([EDITOR], f"Ana Ruiz approved “{article.title}”")
    ]
    mailoutbox.clear()

    with committed():
        workflow.approve(second)

    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        (EDITOR, f"Approved: {article.title}"),
        (EDITOR, f"Kenji Sato approved “{article.title}”"),
        (AUTHOR, f"Approved: {article.title}"),
    ]
    [to_author] = mail_to(
        [m for m in mailoutbox if m.subject.startswith("Approved")], AUTHOR
    )
    assert "Ana Ruiz, MD, PhD; Kenji Sato, MD" in to_author.body
    assert "Next review due: 12 January 2028" in to_author.body
    assert f"http://127.0.0.1:8000{article.get_absolute_url()}" in to_author.body


@pytest.mark.django_db
def test_a_reviewer_is_emailed_only_the_invitation(
    frozen, workflow, article, reviewer_one, mailoutbox, committed
):
    """A reviewer is not copied on the editors' notices about their own review."""
    with committed():
        [assignment] = workflow.send_to_review(article, reviewer_one)
        workflow.approve(assignment)

    assert [m.subject for m in mail_to(mailoutbox, ANA)] == [
        f"Review invitation: {article.title}"
    ]
    assert {m.to[0] for m in mailoutbox} == {ANA, EDITOR, AUTHOR}

"""The outbox: an email written with its change is sent once, late rather than never.

An invitation is written without its after-commit delivery running, which is what a
broker that is down or a worker that died leaves behind; the delivery task and the
outbox sweep are then called as Celery would call them.
"""

import datetime

import pytest

from editorial import emails, notifications, tasks
from editorial.email_backends import ConsoleSummaryBackend
from editorial.models import EmailStatus, OutboundEmail, ReviewAssignment
from tests.editorial.notify_factories import DISCONNECTED_BACKEND, at

INVITED_AT = at("2027-01-12 15:00")
GRACE = datetime.timedelta(seconds=emails.OUTBOX_GRACE_SECONDS)
SECOND = datetime.timedelta(seconds=1)
DAY = datetime.timedelta(days=1)
RETRY = datetime.timedelta(seconds=60)
LOCMEM_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(INVITED_AT, tick=False)
    return lambda moment: time_machine.move_to(moment, tick=False)


@pytest.fixture
def waiting(clock, workflow, article, reviewer_one, mailoutbox) -> OutboundEmail:
    """Ana's invitation, written and not yet delivered."""
    workflow.invite(article, reviewer_one)
    assert mailoutbox == []
    return OutboundEmail.objects.get(to_address="ruiz@example.org")


def fresh(email: OutboundEmail) -> OutboundEmail:
    return OutboundEmail.objects.get(pk=email.pk)


@pytest.mark.django_db
def test_a_delivery_run_twice_sends_one_email(waiting, mailoutbox):
    assert emails.email_deliver(email_id=waiting.pk) is True
    assert emails.email_deliver(email_id=waiting.pk) is False

    [message] = mailoutbox
    assert message.subject == waiting.subject
    assert message.extra_headers["X-Medreview-Event"] == waiting.dedupe_key
    sent = fresh(waiting)
    assert (sent.status, sent.attempts, sent.sent_at) == (
        EmailStatus.SENT,
        1,
        INVITED_AT,
    )


@pytest.mark.django_db
def test_the_delivery_task_redelivered_sends_one_email(waiting, mailoutbox):
    first = tasks.deliver_email.apply((waiting.pk,))
    again = tasks.deliver_email.apply((waiting.pk,))

    assert (first.result, again.result) == (True, False)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_passing_smtp_failure_keeps_the_email_waiting_until_its_retry(
    clock, waiting, mailoutbox, settings
):
    settings.EMAIL_BACKEND = DISCONNECTED_BACKEND

    assert emails.email_deliver(email_id=waiting.pk) is False

    row = fresh(waiting)
    assert (row.status, row.attempts, row.sent_at) == (EmailStatus.PENDING, 1, None)
    assert row.last_error == ("SMTPServerDisconnected: Connection unexpectedly closed")
    assert row.next_attempt_at == INVITED_AT + RETRY

    settings.EMAIL_BACKEND = LOCMEM_BACKEND
    clock(INVITED_AT + RETRY - SECOND)
    assert emails.outbox_flush() == 0
    clock(INVITED_AT + RETRY)
    assert emails.outbox_flush() == 1
    assert len(mailoutbox) == 1
    assert (fresh(waiting).status, fresh(waiting).attempts) == (EmailStatus.SENT, 2)


@pytest.mark.django_db
def test_retries_wait_longer_each_time_and_stop_at_the_limit(
    clock, waiting, mailoutbox, settings
):
    settings.EMAIL_BACKEND = DISCONNECTED_BACKEND
    settings.MEDREVIEW_EMAIL_MAX_ATTEMPTS = 4
    moment = INVITED_AT
    assert emails.email_deliver(email_id=waiting.pk) is False
    delays = []
    for _attempt in range(3):
        delays.append(fresh(waiting).next_attempt_at - moment)
        moment = fresh(waiting).next_attempt_at
        clock(moment)
        assert emails.outbox_flush() == 0

    assert delays == [RETRY, 2 * RETRY, 4 * RETRY]
    row = fresh(waiting)
    assert (row.status, row.attempts) == (EmailStatus.FAILED, 4)
    settings.EMAIL_BACKEND = LOCMEM_BACKEND
    clock(moment + DAY)
    assert emails.email_deliver(email_id=waiting.pk) is False
    # What goes out is the editors' notice that Ana's address does not work.
    assert emails.outbox_flush() == 1
    [notice] = mailoutbox
    assert notice.to == ["editor@example.org"]
    assert notice.subject == (
        "Emails to Ana Ruiz bounce: check the address on their board profile"
    )


@pytest.mark.django_db
def test_the_outbox_sweep_sends_what_no_task_sent_after_the_grace_period(
    clock, waiting, workflow, article, reviewer_two, mailoutbox
):
    clock(INVITED_AT + GRACE - 10 * SECOND)
    workflow.invite(article, reviewer_two)  # another invitation, just written

    clock(INVITED_AT + GRACE + SECOND)
    assert emails.outbox_flush() == 1
    assert [message.to for message in mailoutbox] == [["ruiz@example.org"]]
    assert fresh(waiting).status == EmailStatus.SENT
    kenji = OutboundEmail.objects.get(to_address="sato@example.org")
    assert kenji.status == EmailStatus.PENDING

    clock(INVITED_AT + 2 * GRACE)
    assert tasks.flush_outbox.apply().result == 1
    assert emails.outbox_flush() == 0
    assert [message.to for message in mailoutbox] == [
        ["ruiz@example.org"],
        ["sato@example.org"],
    ]


@pytest.mark.django_db
def test_the_outbox_sweep_records_a_failure_and_tries_again_next_time(
    clock, waiting, mailoutbox, settings
):
    clock(INVITED_AT + 2 * GRACE)
    settings.EMAIL_BACKEND = DISCONNECTED_BACKEND

    assert emails.outbox_flush() == 0

    row = fresh(waiting)
    assert (row.status, row.attempts) == (EmailStatus.PENDING, 1)
    assert row.last_error.startswith("SMTPServerDisconnected")

    settings.EMAIL_BACKEND = LOCMEM_BACKEND
    clock(INVITED_AT + 3 * GRACE)
    assert emails.outbox_flush() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_second_email_for_the_same_event_is_not_written(waiting, mailoutbox):
    """The same event notified twice (a retried job) is one row and one email."""
    notifications.assignment_created(ReviewAssignment.objects.get())

    assert list(OutboundEmail.objects.all()) == [waiting]


@pytest.mark.django_db
def test_an_smtp_failure_after_commit_does_not_fail_the_editors_action(
    clock,
    workflow,
    article,
    reviewer_one,
    reviewer_two,
    mailoutbox,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = DISCONNECTED_BACKEND

    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = workflow.invite(article, reviewer_one)

    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists()
    row = OutboundEmail.objects.get()
    assert (row.status, row.attempts) == (EmailStatus.PENDING, 1)

    # The server is back: the next email leaves at once (an SMTP error is not taken
    # for a broker outage), the first one with the outbox sweep.
    settings.EMAIL_BACKEND = LOCMEM_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        workflow.invite(article, reviewer_two)
    assert [message.to for message in mailoutbox] == [["sato@example.org"]]
    clock(INVITED_AT + 2 * GRACE)
    assert emails.outbox_flush() == 1
    assert [message.to for message in mailoutbox] == [
        ["sato@example.org"],
        ["ruiz@example.org"],
    ]


@pytest.mark.django_db
def test_an_editor_sees_why_an_email_failed_and_sends_it_again_once_fixed(
    clock,
    workflow,
    article,
    reviewer_one,
    editor,
    client,
    smtp_sink,
    django_capture_on_commit_callbacks,
):
    smtp_sink.refuse("ruiz@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.invite(article, reviewer_one)
    invitation = OutboundEmail.objects.get(kind="invitation")
    assert (invitation.status, invitation.attempts) == (EmailStatus.FAILED, 1)
    client.force_login(editor)

    listing = client.get("/admin/editorial/outboundemail/?status__exact=failed")

    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Review invitation: " in text
    assert "550 5.1.1 &lt;ruiz@example.org&gt;: Recipient address rejected" in text

    # The editor corrects Ana's address on her profile, then sends the email again.
    reviewer_one.user.email = "ana.ruiz@example.org"
    reviewer_one.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/editorial/outboundemail/",
            {"action": "retry_selected", "_selected_action": [invitation.pk]},
        )

    assert response.status_code == 302
    notice = OutboundEmail.objects.get(kind="address_failed")
    assert smtp_sink.counts() == {
        ("editor@example.org", notice.dedupe_key): 1,
        ("ana.ruiz@example.org", invitation.dedupe_key): 1,
    }
    assert fresh(invitation).status == EmailStatus.SENT


@pytest.mark.django_db
def test_a_reviewer_cannot_send_outbox_emails_again(
    waiting, reviewer_one, client, mailoutbox
):
    OutboundEmail.objects.filter(pk=waiting.pk).update(status=EmailStatus.FAILED)
    client.force_login(reviewer_one.user)

    response = client.post(
        "/admin/editorial/outboundemail/",
        {"action": "retry_selected", "_selected_action": [waiting.pk]},
    )

    assert response.status_code in (302, 403)
    assert fresh(waiting).status == EmailStatus.FAILED
    assert mailoutbox == []


@pytest.mark.django_db
def test_on_a_laptop_each_email_is_one_line_with_its_link_and_kept_whole_in_a_file(
    clock,
    workflow,
    article,
    reviewer_one,
    settings,
    tmp_path,
    capsys,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """What ``./scripts/run 127.0.0.1:8080`` sets: the summary backend, and links
    that follow the address served."""
    monkeypatch.setattr(ConsoleSummaryBackend, "folder_shown", False)
    settings.EMAIL_BACKEND = "editorial.email_backends.ConsoleSummaryBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.MEDREVIEW_BASE_URL = "http://127.0.0.1:8080"

    with django_capture_on_commit_callbacks(execute=True):
        workflow.invite(article, reviewer_one)

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Emails are written in full to {tmp_path}/"
    [summary] = lines[1:]
    assert summary.startswith(
        f"Email to ruiz@example.org: Review invitation: {article.title} — "
        "http://127.0.0.1:8080/review/respond/"
    )
    [written] = tmp_path.iterdir()
    assert "Content-Type: text/html" in written.read_text()

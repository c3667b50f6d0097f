"""The reminder sweep: what is sent, when, to whom, and never twice.

The clock is frozen (time-machine) and the sweep is called as Celery beat calls it.
Reminder emails go out inside the sweep's transaction; the editors' copies go through
the outbox after the commit, which ``django_capture_on_commit_callbacks`` plays.
"""

import contextlib
import datetime
import io
import threading

import psycopg
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from editorial import emails, services, sweeps, tasks
from editorial.models import (
    AssignmentState,
    OutboundEmail,
    Reminder,
    ReminderStatus,
    ReviewAssignment,
)
from tests.articles.factories import ArticleFactory
from tests.editorial.conftest import make_reviewer
from tests.editorial.notify_factories import (
    DISCONNECTED_BACKEND,
    at,
    html_part,
    mail_to,
)
from tests.editorial.threads import (
    THREAD_TIMEOUT_SECONDS,
    finishes_within,
    run_together,
)

INVITED_AT = at("2027-01-12 15:00")  # 10:00 in New York (EST)
FIRST_REMINDER = INVITED_AT + datetime.timedelta(days=3)  # Friday 15 January
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
RETRY = datetime.timedelta(seconds=60)
MINUTE = datetime.timedelta(minutes=1)
ANA = "ruiz@example.org"
EDITOR = "editor@example.org"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(INVITED_AT, tick=False)

    def move_to(moment):
        time_machine.move_to(moment, tick=False)

    return move_to


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def invited(clock, workflow, article, reviewer_one, mailoutbox):
    """Ana invited at ``INVITED_AT``; the invitation itself is not in the outbox."""
    [assignment] = workflow.invite(article, reviewer_one)
    mailoutbox.clear()
    return assignment


@pytest.fixture
def in_review(clock, workflow, article, reviewer_one, mailoutbox):
    """Ana accepted and the review started; she reviews by 2 February (EST)."""
    [assignment] = workflow.send_to_review(article, reviewer_one)
    mailoutbox.clear()
    return assignment


def reminder(assignment, step) -> Reminder:
    return Reminder.objects.get(assignment_id=assignment.pk, step=step)


def another_article(author, title):
    return ArticleFactory(title=title, author=author)


# --- Sending, once ------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_is_sent_before_a_reminder_is_due(clock, invited, mailoutbox):
    clock(FIRST_REMINDER - datetime.timedelta(minutes=1))

    report = sweeps.reminders_sweep()

    assert report.lines() == []
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_due_reminder_is_sent_once_and_marked_sent(
    clock, invited, article, mailoutbox
):
    sweep_time = FIRST_REMINDER + datetime.timedelta(minutes=10)
    clock(sweep_time)

    first = sweeps.reminders_sweep()
    second = sweeps.reminders_sweep()

    assert len(first.sent) == 1
    assert "Invitation reminder — Ana Ruiz" in first.sent[0]
    assert second.lines() == []
    [message] = mailoutbox
    assert message.to == [ANA]
    assert message.subject == "Reminder: 1 review task(s) waiting"
    assert article.title in message.body
    assert "Please answer by Friday 22 January 2027, 23:59 EST" in message.body
    assert f"http://127.0.0.1:8000/review/{invited.pk}/" in html_part(message)
    sent = reminder(invited, "invitation_first")
    assert (sent.status, sent.sent_at) == (ReminderStatus.SENT, sweep_time)
    assert reminder(invited, "invitation_second").status == ReminderStatus.PENDING


@pytest.mark.django_db
def test_invitation_reminders_go_out_before_the_review_has_started(
    clock, invited, article, mailoutbox
):
    """Reviewers are invited while the article is still Submitted; the editor starts
    the review once they accept. Their invitation must still be chased."""
    assert Article.objects.get(pk=article.pk).status == "submitted"
    clock(FIRST_REMINDER + HOUR)

    report = sweeps.reminders_sweep()

    assert len(report.sent) == 1
    assert [message.to for message in mailoutbox] == [[ANA]]


@pytest.mark.django_db
def test_two_assignments_due_the_same_day_go_in_one_email(
    clock, workflow, article, reviewer_one, mailoutbox
):
    second_article = another_article(article.author, "Does screening help smokers?")
    workflow.invite(article, reviewer_one)
    clock(INVITED_AT + 2 * HOUR)
    workflow.invite(second_article, reviewer_one)
    mailoutbox.clear()
    clock(FIRST_REMINDER + 3 * HOUR)

    report = sweeps.reminders_sweep()

    assert len(report.sent) == 2
    [message] = mailoutbox
    assert message.subject == "Reminder: 2 review task(s) waiting"
    assert article.title in message.body
    assert "Does screening help smokers?" in message.body
    assert not Reminder.objects.filter(
        step="invitation_first", status=ReminderStatus.PENDING
    ).exists()


@pytest.mark.django_db
def test_a_second_reminder_the_same_local_day_waits_for_the_next_day(
    clock, workflow, article, reviewer_one, mailoutbox
):
    """Invited at 10:00 and 17:00 New York time: three days later the first
    reminder goes at 10:00, the second waits until Ana's next day begins."""
    second_article = another_article(article.author, "Does screening help smokers?")
    [morning] = workflow.invite(article, reviewer_one)
    clock(INVITED_AT + 7 * HOUR)
    [evening] = workflow.invite(second_article, reviewer_one)
    mailoutbox.clear()

    clock(FIRST_REMINDER + datetime.timedelta(minutes=5))
    assert len(sweeps.reminders_sweep().sent) == 1

    clock(FIRST_REMINDER + 7 * HOUR + datetime.timedelta(minutes=5))
    report = sweeps.reminders_sweep()
    assert report.sent == []
    assert len(report.deferred) == 1
    assert "a reminder already went out today" in report.deferred[0]

    # 23:50 in New York is already the next day in UTC: still Ana's same day.
    clock(at("2027-01-16 04:50"))
    assert sweeps.reminders_sweep().sent == []
    assert reminder(evening, "invitation_first").status == ReminderStatus.PENDING

    clock(at("2027-01-16 05:00"))  # midnight in New York
    assert len(sweeps.reminders_sweep().sent) == 1

    assert [message.subject for message in mailoutbox] == [
        "Reminder: 1 review task(s) waiting",
        "Reminder: 1 review task(s) waiting",
    ]
    assert article.title in mailoutbox[0].body
    assert second_article.title in mailoutbox[1].body
    assert reminder(morning, "invitation_first").status == ReminderStatus.SENT
    assert reminder(evening, "invitation_first").status == ReminderStatus.SENT


# --- Late, ineligible, paused -------------------------------------------------------


@pytest.mark.django_db
def test_a_reminder_missed_by_less_than_48_hours_is_sent_late(
    clock, invited, mailoutbox
):
    clock(FIRST_REMINDER + 47 * HOUR)

    report = sweeps.reminders_sweep()

    assert len(report.sent) == 1
    assert len(mailoutbox) == 1
    assert reminder(invited, "invitation_first").status == ReminderStatus.SENT


@pytest.mark.django_db
def test_a_reviewer_without_an_email_address_has_reminders_skipped_not_sent(
    clock, invited, reviewer_one, mailoutbox
):
    reviewer_one.user.email = ""
    reviewer_one.user.save()
    clock(FIRST_REMINDER + HOUR)

    report = sweeps.reminders_sweep()

    assert report.sent == []
    assert report.skipped[0].endswith("the reviewer's account has no email address")
    assert mailoutbox == []
    assert reminder(invited, "invitation_first").status == ReminderStatus.SKIPPED


@pytest.mark.django_db
def test_a_reminder_missed_by_more_than_48_hours_is_skipped_with_the_reason(
    clock, invited, mailoutbox
):
    clock(FIRST_REMINDER + 49 * HOUR)

    report = sweeps.reminders_sweep()

    assert report.sent == []
    assert len(report.skipped) == 1
    assert report.skipped[0].endswith("missed by 49 hours (more than 48)")
    assert mailoutbox == []
    skipped = reminder(invited, "invitation_first")
    assert (skipped.status, skipped.note, skipped.sent_at) == (
        ReminderStatus.SKIPPED,
        "missed by 49 hours (more than 48)",
        None,
    )


@pytest.mark.django_db
def test_an_answered_invitation_is_not_chased(clock, invited, workflow, mailoutbox):
    clock(INVITED_AT + DAY)
    workflow.accept(invited)
    clock(FIRST_REMINDER + HOUR)

    report = sweeps.reminders_sweep()

    assert report.lines() == []
    assert mailoutbox == []
    cancelled = reminder(invited, "invitation_first")
    assert (cancelled.status, cancelled.note) == (
        ReminderStatus.CANCELLED,
        "assignment accepted",
    )


def _answered_outside_the_services(assignment):
    ReviewAssignment.objects.filter(pk=assignment.pk).update(
        state=AssignmentState.ACCEPTED
    )


def _round_moved_on_outside_the_services(assignment):
    Article.objects.filter(pk=assignment.article_id).update(
        review_round=assignment.round + 1
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_answered_outside_the_services, "the invitation was answered or closed"),
        (_round_moved_on_outside_the_services, "the article is no longer under review"),
    ],
    ids=["assignment answered", "article left review"],
)
def test_the_sweep_checks_again_and_cancels_a_reminder_no_longer_wanted(
    clock, invited, mailoutbox, change, reason
):
    """The plan is kept with every change made through the services; the sweep
    still checks each row before sending, for changes that reached the database
    another way (a data fix, an older release)."""
    change(invited)
    clock(FIRST_REMINDER + HOUR)

    report = sweeps.reminders_sweep()

    assert report.sent == []
    assert report.skipped[0].endswith(reason)
    assert mailoutbox == []
    cancelled = reminder(invited, "invitation_first")
    assert (cancelled.status, cancelled.note) == (ReminderStatus.CANCELLED, reason)


@pytest.mark.django_db
def test_a_reviewer_pauses_at_the_desk_editors_are_told_reminders_are_skipped(
    clock, invited, reviewer_one, client, mailoutbox, committed
):
    client.force_login(reviewer_one.user)

    with committed():
        response = client.post("/review/reminders/", {"paused": "1"})

    assert response.status_code == 302
    reviewer_one.refresh_from_db()
    assert reviewer_one.reminders_paused
    [notice] = mailoutbox
    assert notice.to == [EDITOR]
    assert notice.subject == "Ana Ruiz paused their review reminders"
    assert "Ana Ruiz, MD, PhD paused their review reminders." in notice.body

    clock(FIRST_REMINDER + HOUR)
    report = sweeps.reminders_sweep()

    assert report.sent == []
    assert report.skipped[0].endswith("reminders paused by the reviewer")
    assert mail_to(mailoutbox, ANA) == []
    assert reminder(invited, "invitation_first").status == ReminderStatus.SKIPPED


@pytest.mark.django_db
def test_resuming_reminders_tells_the_editors_and_reminders_go_out_again(
    clock, invited, reviewer_one, client, mailoutbox, committed
):
    client.force_login(reviewer_one.user)
    with committed():
        client.post("/review/reminders/", {"paused": "1"})
    clock(INVITED_AT + DAY)
    client.force_login(reviewer_one.user)

    with committed():
        client.post("/review/reminders/", {"paused": "0"})

    assert [message.subject for message in mail_to(mailoutbox, EDITOR)] == [
        "Ana Ruiz paused their review reminders",
        "Ana Ruiz resumed their review reminders",
    ]
    clock(FIRST_REMINDER + HOUR)
    assert len(sweeps.reminders_sweep().sent) == 1
    assert len(mail_to(mailoutbox, ANA)) == 1


# --- Overdue reviews and expired invitations ----------------------------------------


@pytest.mark.django_db
def test_a_day_late_the_reviewer_is_reminded_and_the_editors_copied(
    clock, in_review, article, mailoutbox, committed
):
    clock(in_review.review_by + DAY + datetime.timedelta(minutes=5))

    with committed():
        sweeps.reminders_sweep()

    [to_ana] = mail_to(mailoutbox, ANA)
    assert "Review overdue" in to_ana.body
    assert "Review due by Tuesday 2 February 2027, 23:59 EST" in to_ana.body
    [copy] = mail_to(mailoutbox, EDITOR)
    assert copy.subject == f"Overdue review: Ana Ruiz on “{article.title}”"
    assert "this is your copy" in copy.body
    assert reminder(in_review, "review_late").status == ReminderStatus.SENT


@pytest.mark.django_db
def test_a_week_late_the_escalation_goes_to_the_editors_only(
    clock, in_review, article, mailoutbox, committed
):
    clock(in_review.review_by + 7 * DAY + datetime.timedelta(minutes=5))

    with committed():
        report = sweeps.reminders_sweep()

    assert mail_to(mailoutbox, ANA) == []
    [escalation] = mailoutbox
    assert escalation.to == [EDITOR]
    assert escalation.body.startswith("Escalation: the review of")
    assert "Consider withdrawing the reviewer and inviting another." in (
        escalation.body
    )
    sent = reminder(in_review, "review_escalation")
    assert (sent.status, sent.note) == (ReminderStatus.SENT, "editors told")
    assert any("Overdue review escalated" in line for line in report.sent)


@pytest.mark.django_db
def test_an_unanswered_invitation_expires_and_the_editors_are_told(
    clock, invited, article, editor, mailoutbox, committed
):
    clock(invited.respond_by + datetime.timedelta(minutes=1))

    with committed():
        sweeps.reminders_sweep()

    invited.refresh_from_db()
    assert invited.state == AssignmentState.EXPIRED
    assert invited.closing_note == "no answer before the respond-by date"
    assert mail_to(mailoutbox, ANA) == []
    [notice] = mailoutbox
    assert notice.to == [EDITOR]
    assert notice.subject == (
        f"No answer from Ana Ruiz: invitation for “{article.title}” expired"
    )
    assert "Invite another reviewer in their place." in notice.body
    # The round allows one assignment per member: she cannot be invited again.
    with pytest.raises(services.WorkflowError, match="already assigned"):
        services.assignment_create(
            article=article, reviewer=invited.reviewer, invited_by=editor
        )
    assert reminder(invited, "invitation_expiry").status == ReminderStatus.SENT


@pytest.mark.django_db
def test_an_invitation_expires_even_when_the_sweep_ran_days_late(
    clock, invited, mailoutbox, committed
):
    """Expiry is an action, not a message that goes stale: after workers were down
    for three days the invitation must not stay open for ever."""
    clock(invited.respond_by + 3 * DAY)

    with committed():
        sweeps.reminders_sweep()

    invited.refresh_from_db()
    assert invited.state == AssignmentState.EXPIRED
    assert [message.to for message in mailoutbox] == [[EDITOR]]


@pytest.mark.django_db
def test_no_reminder_asks_to_answer_an_invitation_that_just_expired(
    clock, workflow, article, reviewer_one, mailoutbox, settings, committed
):
    """With a week to answer, the second reminder (day 7, 10:00) and the expiry (day
    7, 23:59) are due together after workers were stopped that afternoon."""
    settings.MEDREVIEW_RESPOND_WITHIN_DAYS = 7
    [assignment] = workflow.invite(article, reviewer_one)
    mailoutbox.clear()
    clock(assignment.respond_by + datetime.timedelta(minutes=5))

    with committed():
        report = sweeps.reminders_sweep()

    assert mail_to(mailoutbox, ANA) == []
    assert [message.to for message in mailoutbox] == [[EDITOR]]
    assert [line.split(" — ")[0] for line in report.sent] == ["Invitation expiry"]
    second = reminder(assignment, "invitation_second")
    assert second.status == ReminderStatus.CANCELLED


# --- Dry run and SMTP failures -------------------------------------------------------


@pytest.mark.django_db
def test_a_dry_run_reports_and_changes_nothing(clock, invited, mailoutbox, committed):
    clock(invited.respond_by + datetime.timedelta(minutes=1))
    rows = list(Reminder.objects.order_by("pk").values())

    with committed() as callbacks:
        report = sweeps.reminders_sweep(dry_run=True)

    assert [line.split(" — ")[0] for line in report.sent] == ["Invitation expiry"]
    assert [line.split(" — ")[0] for line in report.skipped] == [
        "Invitation reminder",
        "Second invitation reminder",
    ]
    assert callbacks == []
    assert mailoutbox == []
    assert list(OutboundEmail.objects.values_list("kind", flat=True)) == ["invitation"]
    assert list(Reminder.objects.order_by("pk").values()) == rows
    assert ReviewAssignment.objects.get(pk=invited.pk).state == AssignmentState.INVITED

    assert sweeps.reminders_sweep(dry_run=False).lines() == report.lines()


@pytest.mark.django_db
def test_an_smtp_failure_keeps_the_reminder_and_retries_its_email_alone(
    clock, invited, mailoutbox, settings
):
    clock(FIRST_REMINDER + HOUR)
    settings.EMAIL_BACKEND = DISCONNECTED_BACKEND

    result = tasks.send_due_reminders.apply()

    assert result.result == {"sent": 1, "skipped": 0, "deferred": 0}
    assert mailoutbox == []
    first = reminder(invited, "invitation_first")
    assert first.status == ReminderStatus.SENT
    assert (first.email.status, first.email.attempts) == ("pending", 1)
    assert first.email.last_error.startswith("SMTPServerDisconnected")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock(FIRST_REMINDER + HOUR + RETRY)
    assert sweeps.reminders_sweep().sent == []
    assert len(mailoutbox) == 1
    assert OutboundEmail.objects.get(kind="reminder").status == "sent"


# --- The admin ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_shows_an_assignments_planned_and_sent_reminders(
    clock, invited, editor, client, html
):
    clock(FIRST_REMINDER + HOUR)
    sweeps.reminders_sweep()
    client.force_login(editor)

    response = client.get(f"/admin/editorial/reviewassignment/{invited.pk}/change/")

    assert response.status_code == 200
    rows = [
        row.normalised_text
        for row in html(response.content)
        .find("div", id="reminders-group")
        .find_all("tr")[1:]
    ]
    assert len(rows) == 3
    assert rows[0].startswith("Invitation reminder")
    assert "Sent" in rows[0]
    # The email it went out in: sent, at the first attempt.
    email_cells = (
        html(response.content).find("div", id="reminders-group").find_all("tr")[1]
    )
    assert email_cells.find("td", class_="field-email_state").text.strip() == "Sent"
    assert email_cells.find("td", class_="field-email_attempts").text.strip() == "1"
    assert rows[1].startswith("Second invitation reminder")
    assert "Pending" in rows[1]
    assert rows[2].startswith("Invitation expiry")
    assert "Pending" in rows[2]


# --- Two sweeps at once on PostgreSQL -----------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_send_each_reminder_once(
    clock, workflow, article, reviewer_one, reviewer_two, reviewer_three
):
    from tests.editorial.conftest import make_reviewer

    members = [reviewer_one, reviewer_two, reviewer_three] + [
        make_reviewer(f"Extra Reviewer{n}", time_zone="UTC") for n in range(5)
    ]
    assignments = workflow.invite(article, *members)
    clock(FIRST_REMINDER + HOUR)
    mail.outbox.clear()

    outcomes = run_together(sweeps.reminders_sweep, sweeps.reminders_sweep)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sum(len(report.sent) for report in outcomes) == len(members)
    # Each row was claimed by one sweep: the other never saw it, even to defer it.
    assert [report.deferred for report in outcomes] == [[], []]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        member.user.email for member in members
    )
    assert OutboundEmail.objects.filter(kind="reminder").count() == len(members)
    for assignment in assignments:
        sent = reminder(assignment, "invitation_first")
        assert sent.status == ReminderStatus.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reminder_racing_another_sweeps_email_to_the_same_reviewer_is_not_lost(
    clock, workflow, article, reviewer_one
):
    """Sweep A sends Ana's 10:00 reminder and has not committed yet when sweep B,
    run a little later, finds her 10:30 one. B must not count A's email as its own:
    the 10:30 reminder waits for the next day instead of being marked sent unsent."""
    second_article = another_article(article.author, "Does screening help smokers?")
    [first] = workflow.invite(article, reviewer_one)
    clock(INVITED_AT + HOUR / 2)
    [second] = workflow.invite(second_article, reviewer_one)
    clock(FIRST_REMINDER + HOUR)
    mail.outbox.clear()
    a_has_sent = threading.Event()
    b_has_started = threading.Event()

    def sweep_a():
        with transaction.atomic():
            report = sweeps.reminders_sweep(now=FIRST_REMINDER + HOUR / 4)
            a_has_sent.set()
            b_has_started.wait(THREAD_TIMEOUT_SECONDS)
            # Give B time to reach the email A is writing.
            threading.Event().wait(0.5)
        return report

    def sweep_b():
        a_has_sent.wait(THREAD_TIMEOUT_SECONDS)
        b_has_started.set()
        return sweeps.reminders_sweep(now=FIRST_REMINDER + HOUR)

    report_a, report_b = run_together(sweep_a, sweep_b)

    assert not isinstance(report_a, Exception), report_a
    assert not isinstance(report_b, Exception), report_b
    assert len(report_a.sent) == 1
    assert report_b.sent == []
    assert len(mail.outbox) == 1
    assert reminder(first, "invitation_first").status == ReminderStatus.SENT
    assert reminder(second, "invitation_first").status == ReminderStatus.PENDING


# --- SMTP faults, through a local SMTP server ---------------------------------------


def due_board(workflow, article, count: int) -> list[str]:
    """``count`` board members invited together, their first reminders due at the
    same time; returns their addresses in the order their emails go out."""
    members = [
        make_reviewer(f"Board Member{number:02d}", time_zone="UTC")
        for number in range(1, count + 1)
    ]
    workflow.invite(article, *members)
    return [member.user.email for member in members]


def reminder_events() -> dict[str, str]:
    """Address → the event of its reminder email."""
    return dict(
        OutboundEmail.objects.filter(kind="reminder").values_list(
            "to_address", "dedupe_key"
        )
    )


@pytest.mark.django_db
def test_a_451_at_one_reminder_email_retries_that_email_alone(
    clock, workflow, article, smtp_sink
):
    addresses = due_board(workflow, article, 12)
    clock(FIRST_REMINDER + HOUR)
    smtp_sink.answer_451_once_at(5)

    report = sweeps.reminders_sweep()

    assert len(report.sent) == 12
    assert smtp_sink.per_recipient() == {
        address: 1 for number, address in enumerate(addresses, 1) if number != 5
    }
    waiting = OutboundEmail.objects.get(kind="reminder", to_address=addresses[4])
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.last_error.startswith("451 4.3.0")

    clock(FIRST_REMINDER + HOUR + RETRY)
    sweeps.reminders_sweep()

    events = reminder_events()
    assert smtp_sink.counts() == {
        (address, events[address]): 1 for address in addresses
    }


@pytest.mark.django_db
def test_one_refused_address_never_blocks_the_others_and_editors_hear_once(
    clock, workflow, article, smtp_sink
):
    """No worker: the command run three times, 20 reviewers due, the 11th address
    refused for good."""
    addresses = due_board(workflow, article, 20)
    bad = addresses[10]
    smtp_sink.refuse(bad)
    lines = []
    for run in range(3):
        clock(FIRST_REMINDER + HOUR + run * 15 * MINUTE)
        out = io.StringIO()
        call_command("send_review_reminders", stdout=out)
        lines.append(out.getvalue())

    assert "20 reminder(s) sent" in lines[0]
    assert "No reminder is due." in lines[2]
    events = reminder_events()
    assert smtp_sink.counts() == {
        (address, events[address]): 1 for address in addresses if address != bad
    }
    failed = OutboundEmail.objects.get(kind="reminder", to_address=bad)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error == (
        f"{bad}: 550 5.1.1 <{bad}>: Recipient address rejected: no such user"
    )
    # The editors' notice goes out with the outbox sweep (no worker here), once.
    clock(FIRST_REMINDER + 2 * HOUR)
    emails.outbox_flush()
    emails.outbox_flush()
    notices = OutboundEmail.objects.filter(kind="address_failed")
    assert [notice.to_address for notice in notices] == [EDITOR]
    assert notices[0].subject == (
        "Emails to Board Member11 bounce: check the address on their board profile"
    )
    assert smtp_sink.counts()[(EDITOR, notices[0].dedupe_key)] == 1


@pytest.mark.django_db
def test_the_sweeps_queries_do_not_grow_with_the_rows_it_reads(
    clock, workflow, article, django_assert_max_num_queries
):
    """Reviewers who paused their reminders: every due row is read and recorded as
    skipped, no email is written."""

    def sweep_paused(count: int) -> int:
        first = len(due_board(workflow, article, 0))
        members = [
            make_reviewer(f"Paused Member{first + count}x{n}", time_zone="UTC")
            for n in range(count)
        ]
        for member in members:
            member.reminders_paused = True
            member.save()
        clock(INVITED_AT)
        workflow.invite(article, *members)
        clock(FIRST_REMINDER + HOUR)
        with CaptureQueriesContext(connection) as queries:
            report = sweeps.reminders_sweep()
        assert len(report.skipped) == count
        Reminder.objects.filter(status=ReminderStatus.PENDING).update(
            status=ReminderStatus.CANCELLED
        )
        return len(queries)

    # A batch costs the same few queries however many rows it holds.
    assert sweep_paused(25) == sweep_paused(5)


# --- Reviewers are never blocked by the sweep (PostgreSQL) --------------------------


@contextlib.contextmanager
def article_held(article):
    """Another transaction holds the article's row, as a reviewer's answer does
    while it is being saved."""
    database = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
    ) as holder:
        holder.execute(
            f"SELECT id FROM {Article._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
            [article.pk],
        )
        yield holder
        holder.rollback()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_expiry_skips_an_invitation_being_answered_instead_of_waiting(
    clock, invited, article
):
    clock(invited.respond_by + HOUR)

    with article_held(article) as holder:
        report = finishes_within(5, sweeps.reminders_sweep, on_timeout=holder.rollback)

    assert [line.rsplit(": ", 1)[1] for line in report.deferred] == [
        "the invitation is being answered"
    ]
    assert reminder(invited, "invitation_expiry").status == ReminderStatus.PENDING
    assert ReviewAssignment.objects.get(pk=invited.pk).state == AssignmentState.INVITED
    # Nobody answered after all: the next sweep expires it.
    clock(invited.respond_by + 2 * HOUR)
    assert len(sweeps.reminders_sweep().sent) == 1
    assert ReviewAssignment.objects.get(pk=invited.pk).state == AssignmentState.EXPIRED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_slow_sweep_never_holds_an_acceptance_or_a_decision(
    clock, workflow, article, reviewer_one, reviewer_two, smtp_sink
):
    """The SMTP server holds the sweep's first reminder email; meanwhile Ana accepts
    the invitation and Kenji approves the review that the sweep is reminding them
    of. Both answer at once, and each reminder goes out once."""
    [kenji] = workflow.send_to_review(article, reviewer_two)
    sweep_at = reminder(kenji, "review_early").planned_at + HOUR
    clock(sweep_at - 3 * DAY - HOUR)
    other = another_article(article.author, "Does screening help smokers?")
    [ana] = workflow.invite(other, reviewer_one)
    clock(sweep_at)
    smtp_sink.hold_message(smtp_sink.handler.data_commands + 1)

    def sweep_in_its_own_connection():
        sweeps.reminders_sweep()
        connection.close()

    sweep = threading.Thread(target=sweep_in_its_own_connection)
    sweep.start()
    smtp_sink.wait_until_holding()

    try:
        finishes_within(
            3,
            lambda: workflow.accept(ana),
            on_timeout=smtp_sink.handler.release.set,
        )
        finishes_within(
            3, lambda: workflow.approve(kenji), on_timeout=smtp_sink.handler.release.set
        )
    finally:
        smtp_sink.handler.release.set()
        sweep.join(timeout=THREAD_TIMEOUT_SECONDS)

    assert ReviewAssignment.objects.get(pk=ana.pk).state == AssignmentState.ACCEPTED
    assert ReviewAssignment.objects.get(pk=kenji.pk).state == AssignmentState.COMPLETED
    events = reminder_events()
    counts = smtp_sink.counts()
    assert {address: counts[(address, event)] for address, event in events.items()} == {
        ANA: 1,
        "sato@example.org": 1,
    }

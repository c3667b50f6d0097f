"""``manage.py send_review_reminders [--dry-run]``: the sweep run by hand."""

import datetime
import io

import pytest
from django.core.management import call_command

from editorial.models import Reminder, ReminderStatus
from tests.editorial.notify_factories import at

INVITED_AT = at("2027-01-12 15:00")
FIRST_REMINDER = INVITED_AT + datetime.timedelta(days=3)
TITLE = "Which lung tumours should be tested for driver mutations?"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(INVITED_AT, tick=False)
    return lambda moment: time_machine.move_to(moment, tick=False)


@pytest.fixture
def invited(clock, workflow, article, reviewer_one, mailoutbox):
    [assignment] = workflow.invite(article, reviewer_one)
    mailoutbox.clear()
    return assignment


def run(*arguments) -> list[str]:
    out = io.StringIO()
    call_command("send_review_reminders", *arguments, stdout=out)
    return out.getvalue().splitlines()


def statuses() -> list[str]:
    return list(
        Reminder.objects.order_by("planned_at").values_list("status", flat=True)
    )


@pytest.mark.django_db
def test_a_dry_run_prints_what_would_be_sent_and_sends_nothing(
    clock, invited, mailoutbox
):
    clock(FIRST_REMINDER + datetime.timedelta(minutes=20))

    lines = run("--dry-run")

    assert lines == [
        f"would be sent: Invitation reminder — Ana Ruiz — “{TITLE}” "
        "(planned 2027-01-15 15:00 UTC)",
        "1 reminder(s) would be sent, 0 would be skipped, 0 deferred.",
    ]
    assert mailoutbox == []
    assert statuses() == [ReminderStatus.PENDING] * 3


@pytest.mark.django_db
def test_without_dry_run_it_sends_and_prints(clock, invited, mailoutbox):
    clock(FIRST_REMINDER + datetime.timedelta(minutes=20))

    lines = run()

    assert lines == [
        f"sent: Invitation reminder — Ana Ruiz — “{TITLE}” "
        "(planned 2027-01-15 15:00 UTC)",
        "1 reminder(s) sent, 0 skipped, 0 deferred.",
    ]
    assert [message.to for message in mailoutbox] == [["ruiz@example.org"]]
    assert statuses() == [
        ReminderStatus.SENT,
        ReminderStatus.PENDING,
        ReminderStatus.PENDING,
    ]
    assert run() == ["No reminder is due."]
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_skipped_reminders_are_printed_with_the_reason(clock, invited, mailoutbox):
    clock(FIRST_REMINDER + datetime.timedelta(hours=50))

    lines = run()

    assert lines[0].startswith("skipped: Invitation reminder — Ana Ruiz")
    assert lines[0].endswith("missed by 50 hours (more than 48)")
    assert lines[-1] == "0 reminder(s) sent, 1 skipped, 0 deferred."
    assert mailoutbox == []


@pytest.mark.django_db
def test_when_nothing_is_due_it_says_so(clock, invited, mailoutbox):
    assert run("--dry-run") == ["No reminder is due."]
    assert run() == ["No reminder is due."]
    assert mailoutbox == []

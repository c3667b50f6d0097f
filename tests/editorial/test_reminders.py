"""Reminders planned as rows, dates in the reviewer's own calendar, the schedule.

Planning is checked on the rows an editor sees in the admin; sending is in
``test_sweep.py``.
"""

import datetime
import zoneinfo

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from articles.models import Section
from editorial import services
from editorial.models import AssignmentState, Reminder, ReminderStatus
from editorial.reminders import reminders_plan, validate_schedule
from tests.editorial.notify_factories import at

INVITED_AT = at("2027-01-12 15:00")  # 10:00 in New York
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
# Ana (New York) answers by 22 January and reviews by 2 February, end of day EST.
RESPOND_BY = at("2027-01-23 04:59:59")
REVIEW_BY = at("2027-02-03 04:59:59")
DAY = datetime.timedelta(days=1)

INVITATION_PLAN = {
    "invitation_first": INVITED_AT + 3 * DAY,
    "invitation_second": INVITED_AT + 7 * DAY,
    "invitation_expiry": RESPOND_BY,
}
REVIEW_PLAN = {
    "review_early": REVIEW_BY - 7 * DAY,
    "review_soon": REVIEW_BY - 2 * DAY,
    "review_late": REVIEW_BY + 1 * DAY,
    "review_escalation": REVIEW_BY + 7 * DAY,
}


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(INVITED_AT, tick=False)
    return time_machine


def planned(assignment, status=ReminderStatus.PENDING) -> dict[str, datetime.datetime]:
    rows = Reminder.objects.filter(assignment_id=assignment.pk, status=status)
    return {reminder.step: reminder.planned_at for reminder in rows}


def notes(assignment, status) -> dict[str, str]:
    rows = Reminder.objects.filter(assignment_id=assignment.pk, status=status)
    return {reminder.step: reminder.note for reminder in rows}


# --- Planning ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_invitation_plans_two_reminders_and_its_expiry(
    frozen, workflow, article, reviewer_one
):
    [assignment] = workflow.invite(article, reviewer_one)

    assert assignment.respond_by == RESPOND_BY
    assert planned(assignment) == INVITATION_PLAN
    assert Reminder.objects.filter(assignment=assignment).count() == 3


@pytest.mark.django_db
def test_accepting_cancels_the_invitation_reminders_and_plans_the_review_ones(
    frozen, workflow, article, reviewer_one
):
    [assignment] = workflow.invite(article, reviewer_one)
    frozen.shift(DAY)

    workflow.accept(assignment)

    assert planned(assignment) == REVIEW_PLAN
    assert planned(assignment, ReminderStatus.CANCELLED) == INVITATION_PLAN
    assert set(notes(assignment, ReminderStatus.CANCELLED).values()) == {
        "assignment accepted"
    }


@pytest.mark.django_db
def test_new_due_dates_cancel_and_replan(
    frozen, workflow, editor, article, reviewer_one
):
    [assignment] = workflow.accept(*workflow.invite(article, reviewer_one))
    later = REVIEW_BY + 5 * DAY

    services.assignment_set_due_dates(
        assignment=assignment, user=editor, respond_by=RESPOND_BY, review_by=later
    )

    assert planned(assignment) == {
        step: moment + 5 * DAY for step, moment in REVIEW_PLAN.items()
    }
    assert planned(assignment, ReminderStatus.CANCELLED) == {
        **INVITATION_PLAN,
        **REVIEW_PLAN,
    }
    cancelled_review_notes = {
        step: note
        for step, note in notes(assignment, ReminderStatus.CANCELLED).items()
        if step.startswith("review")
    }
    assert set(cancelled_review_notes.values()) == {"dates changed"}


@pytest.mark.django_db
def test_moving_a_date_back_again_plans_its_reminders_again(
    frozen, workflow, editor, article, reviewer_one
):
    [assignment] = workflow.accept(*workflow.invite(article, reviewer_one))
    for review_by in (REVIEW_BY + 5 * DAY, REVIEW_BY):
        services.assignment_set_due_dates(
            assignment=assignment,
            user=editor,
            respond_by=RESPOND_BY,
            review_by=review_by,
        )

    assert planned(assignment) == REVIEW_PLAN


@pytest.mark.django_db
def test_a_reminder_already_past_when_planned_is_skipped_not_sent_late(
    frozen, workflow, editor, article, reviewer_one
):
    [assignment] = workflow.accept(*workflow.invite(article, reviewer_one))
    review_by = INVITED_AT + 3 * DAY

    services.assignment_set_due_dates(
        assignment=assignment,
        user=editor,
        respond_by=INVITED_AT + DAY,
        review_by=review_by,
    )

    assert notes(assignment, ReminderStatus.SKIPPED) == {
        "review_early": "already past when planned"
    }
    assert planned(assignment) == {
        "review_soon": review_by - 2 * DAY,
        "review_late": review_by + DAY,
        "review_escalation": review_by + 7 * DAY,
    }


@pytest.mark.django_db
def test_planning_again_writes_nothing_new(frozen, workflow, article, reviewer_one):
    [assignment] = workflow.accept(*workflow.invite(article, reviewer_one))
    rows = list(Reminder.objects.order_by("pk").values())

    reminders_plan(assignment=assignment)

    assert list(Reminder.objects.order_by("pk").values()) == rows


@pytest.mark.django_db
def test_a_second_copy_of_a_reminder_is_refused_by_the_database(
    frozen, workflow, article, reviewer_one
):
    [assignment] = workflow.invite(article, reviewer_one)
    first = Reminder.objects.get(assignment=assignment, step="invitation_first")

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            assignment=assignment,
            step=first.step,
            deadline=first.deadline,
            planned_at=first.planned_at + datetime.timedelta(hours=1),
        )

    assert Reminder.objects.filter(assignment=assignment).count() == 3


@pytest.mark.django_db
def test_a_custom_schedule_from_settings_is_followed(
    frozen, workflow, article, reviewer_one, settings
):
    settings.MEDREVIEW_REMINDERS = {
        "invitation_first": {"from": "respond_by", "days": -1},
        "invitation_expiry": {"from": "respond_by", "days": 0},
    }

    [assignment] = workflow.invite(article, reviewer_one)

    assert planned(assignment) == {
        "invitation_first": RESPOND_BY - DAY,
        "invitation_expiry": RESPOND_BY,
    }


# --- Closing cancels, in the same transaction ---------------------------------------


def _decline(workflow, assignments, editor):
    services.assignment_decline(
        assignment=assignments[0], user=assignments[0].reviewer.user, note="Busy."
    )
    return assignments[0]


def _withdraw(workflow, assignments, editor):
    services.assignment_withdraw(
        assignment=assignments[0], user=editor, note="Conflict found."
    )
    return assignments[0]


def _complete(workflow, assignments, editor):
    workflow.accept(*assignments)
    workflow.start(assignments[0].article)
    workflow.approve(assignments[0])
    return assignments[0]


def _request_changes(workflow, assignments, editor):
    first, second = workflow.accept(*assignments)
    workflow.start(first.article)
    workflow.request_changes(first, "Update the dosing table.")
    return second


def _approval(workflow, assignments, editor):
    article = assignments[0].article
    article.required_approvals = 1
    article.save()
    first, second = workflow.accept(*assignments)
    workflow.start(article)
    workflow.approve(first)
    return second


def _content_edit(workflow, assignments, editor):
    first, second = workflow.accept(*assignments)
    workflow.start(first.article)
    section = Section.objects.filter(article=first.article).first()
    section.body += " Updated after the 2026 congress."
    services.section_save(section=section, user=editor, reason="2026 congress")
    return second


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("close", "state", "note"),
    [
        (_decline, AssignmentState.DECLINED, "assignment declined"),
        (_withdraw, AssignmentState.WITHDRAWN, "assignment withdrawn"),
        (_complete, AssignmentState.COMPLETED, "assignment completed"),
        (
            _request_changes,
            AssignmentState.CANCELLED,
            "assignment closed with the round",
        ),
        (_approval, AssignmentState.CANCELLED, "assignment closed with the round"),
        (_content_edit, AssignmentState.CANCELLED, "assignment closed with the round"),
    ],
    ids=[
        "declined",
        "withdrawn",
        "completed",
        "changes requested",
        "article approved",
        "content edited",
    ],
)
def test_closing_an_assignment_cancels_its_pending_reminders(
    frozen,
    workflow,
    editor,
    article,
    reviewer_one,
    reviewer_two,
    close,
    state,
    note,
    django_capture_on_commit_callbacks,
):
    assignments = workflow.invite(article, reviewer_one, reviewer_two)

    with django_capture_on_commit_callbacks(execute=False):
        # Checked before the commit: no later task does the cancelling.
        closed = close(workflow, assignments, editor)
        closed.refresh_from_db()
        assert closed.state == state
        assert planned(closed) == {}
        cancelled = notes(closed, ReminderStatus.CANCELLED)
        assert cancelled
        assert note in cancelled.values()


@pytest.mark.django_db
def test_a_rolled_back_decline_keeps_the_reminders(
    frozen, workflow, article, reviewer_one
):
    [assignment] = workflow.invite(article, reviewer_one)

    with pytest.raises(RuntimeError), transaction.atomic():
        _decline(workflow, [assignment], None)
        raise RuntimeError("the request failed after the decline")

    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.INVITED
    assert planned(assignment) == INVITATION_PLAN


# --- The schedule is checked at start-up ---------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (
            {"invitation_third": {"from": "invited", "days": 10}},
            "unknown step 'invitation_third'; the steps are invitation_first,",
        ),
        (
            {"review_soon": {"from": "invited", "days": 3}},
            "MEDREVIEW_REMINDERS['review_soon']['from'] must be one of ['review_by'],"
            " not 'invited'",
        ),
        (
            {"invitation_first": {"from": "sent", "days": 3}},
            "['from'] must be one of ['invited', 'respond_by'], not 'sent'",
        ),
        (
            {"invitation_first": {"from": "invited", "days": "3"}},
            "MEDREVIEW_REMINDERS['invitation_first']['days'] must be a whole number",
        ),
        (
            {"review_late": {"from": "review_by", "days": 1.5}},
            "['days'] must be a whole number of days between -365 and 365",
        ),
        (
            {"review_late": {"from": "review_by", "days": True}},
            "['days'] must be a whole number of days",
        ),
        (
            {"review_late": {"from": "review_by", "days": 400}},
            "between -365 and 365",
        ),
        (
            {"review_late": {"from": "review_by"}},
            "MEDREVIEW_REMINDERS['review_late'] must be a dict with 'from' and 'days'",
        ),
        (
            {"review_late": 1},
            "MEDREVIEW_REMINDERS['review_late'] must be a dict with 'from' and 'days'",
        ),
    ],
    ids=[
        "unknown step",
        "review step from an invitation date",
        "unknown date",
        "days as text",
        "fractional days",
        "days as a boolean",
        "more than a year",
        "missing days",
        "not a dict",
    ],
)
def test_a_bad_schedule_is_refused_with_a_clear_message(schedule, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        validate_schedule(schedule)

    assert message in str(refused.value)


def test_the_default_schedule_is_valid(settings):
    validate_schedule(settings.MEDREVIEW_REMINDERS)


def test_the_site_refuses_to_start_with_a_bad_schedule(settings):
    settings.MEDREVIEW_REMINDERS = {"review_late": {"from": "review_by", "days": "1"}}

    with pytest.raises(ImproperlyConfigured, match="review_late"):
        apps.get_app_config("editorial").ready()


# --- Dates in the reviewer's own calendar --------------------------------------------


@pytest.mark.django_db
def test_due_dates_across_the_spring_clock_change_end_the_local_day(
    time_machine, workflow, article, reviewer_one
):
    """Invited on 5 March 2027 (EST); New York moves to EDT on 14 March."""
    time_machine.move_to(at("2027-03-05 15:00"), tick=False)

    respond_by, review_by = services.default_due_dates(
        reviewer=reviewer_one, invited_at=at("2027-03-05 15:00")
    )

    local = respond_by.astimezone(NEW_YORK)
    assert (local.date(), local.time()) == (
        datetime.date(2027, 3, 15),
        datetime.time(23, 59, 59),
    )
    assert local.utcoffset() == datetime.timedelta(hours=-4)
    assert respond_by == at("2027-03-16 03:59:59")
    assert review_by == at("2027-03-27 03:59:59")
    # Stored and read back, the instant is the same.
    [assignment] = workflow.invite(article, reviewer_one)
    assignment.refresh_from_db()
    assert (assignment.respond_by, assignment.review_by) == (respond_by, review_by)


@pytest.mark.django_db
def test_due_dates_count_from_the_reviewers_own_date(
    time_machine, workflow, article, reviewer_two
):
    """At 16:00 UTC on 5 March it is already 6 March in Tokyo."""
    time_machine.move_to(at("2027-03-05 16:00"), tick=False)

    [assignment] = workflow.invite(article, reviewer_two)

    local = assignment.respond_by.astimezone(TOKYO)
    assert (local.date(), local.time()) == (
        datetime.date(2027, 3, 16),
        datetime.time(23, 59, 59),
    )
    assert assignment.respond_by == at("2027-03-16 14:59:59")


@pytest.mark.django_db
def test_reminders_count_days_on_the_reviewers_calendar_across_the_autumn_change(
    time_machine, workflow, article, reviewer_one
):
    """Due on 10 November 2027 (EST); seven days earlier New York is still on EDT,
    so "seven days before" is 3 November at 23:59 EDT, not an hour later on the 4th."""
    time_machine.move_to(at("2027-10-20 15:00"), tick=False)
    [assignment] = workflow.accept(*workflow.invite(article, reviewer_one))
    assert assignment.review_by == at("2027-11-11 04:59:59")

    early = planned(assignment)["review_early"].astimezone(NEW_YORK)

    assert early.replace(tzinfo=None) == datetime.datetime(2027, 11, 3, 23, 59, 59)
    assert early.utcoffset() == datetime.timedelta(hours=-4)


@pytest.mark.django_db
def test_due_today_and_overdue_follow_the_reviewers_day(
    time_machine, workflow, article, reviewer_two, client, html
):
    """Kenji (Tokyo) reviews by 11 June, 23:59 JST = 14:59:59 UTC."""
    time_machine.move_to(at("2027-05-21 00:00"), tick=False)
    [assignment] = workflow.accept(*workflow.invite(article, reviewer_two))
    workflow.start(article)
    assert assignment.review_by == at("2027-06-11 14:59:59")

    def flags() -> str:
        client.force_login(reviewer_two.user)
        page = html(client.get("/review/").content)
        return (
            page.find("section", **{"aria-labelledby": "in-progress-heading"})
            .find("tbody")
            .normalised_text
        )

    # 10 June 16:00 UTC: still the 10th on the server, already the 11th in Tokyo.
    time_machine.move_to(at("2027-06-10 16:00"), tick=False)
    assert "Due today" in flags()
    assert "Overdue" not in flags()

    # 10 June 14:00 UTC: the 10th in Tokyo too, due tomorrow.
    time_machine.move_to(at("2027-06-10 14:00"), tick=False)
    assert "Due today" not in flags()

    # 11 June 15:00 UTC: still the 11th on the server, the 12th in Tokyo.
    time_machine.move_to(at("2027-06-11 15:00"), tick=False)
    assert "Overdue" in flags()
    assert "Due today" not in flags()

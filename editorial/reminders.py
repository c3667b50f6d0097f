"""Reviewer reminders are planned as rows, one per step and deadline.

``reminders_plan`` rewrites an assignment's pending reminders whenever the assignment
changes (created, accepted, new dates, closed), in the same transaction; the sweep in
``editorial.sweeps`` sends the due ones.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import (
    AssignmentState,
    Reminder,
    ReminderStatus,
    ReminderStep,
    ReviewAssignment,
)

INVITATION_STEPS = {
    ReminderStep.INVITATION_FIRST,
    ReminderStep.INVITATION_SECOND,
    ReminderStep.INVITATION_EXPIRY,
}
REVIEW_STEPS = {
    ReminderStep.REVIEW_EARLY,
    ReminderStep.REVIEW_SOON,
    ReminderStep.REVIEW_LATE,
    ReminderStep.REVIEW_ESCALATION,
}
# Steps that email the reviewer (grouped into one email a day); the others are
# actions: the invitation expires, the editors are told of an overdue review.
REVIEWER_STEPS = {
    ReminderStep.INVITATION_FIRST,
    ReminderStep.INVITATION_SECOND,
    ReminderStep.REVIEW_EARLY,
    ReminderStep.REVIEW_SOON,
    ReminderStep.REVIEW_LATE,
}
EDITOR_COPIED_STEPS = {ReminderStep.REVIEW_LATE, ReminderStep.REVIEW_ESCALATION}
ANCHORS_BY_STEP = {
    **{step: {"invited", "respond_by"} for step in INVITATION_STEPS},
    **{step: {"review_by"} for step in REVIEW_STEPS},
}


def validate_schedule(schedule: dict) -> None:
    """Refuse to start with a schedule that names unknown steps or dates."""
    for step, rule in schedule.items():
        if step not in ReminderStep.values:
            raise ImproperlyConfigured(
                f"MEDREVIEW_REMINDERS: unknown step {step!r}; the steps are "
                f"{', '.join(ReminderStep.values)}."
            )
        if not isinstance(rule, dict) or set(rule) != {"from", "days"}:
            raise ImproperlyConfigured(
                f"MEDREVIEW_REMINDERS[{step!r}] must be a dict with 'from' and 'days'."
            )
        if rule["from"] not in ANCHORS_BY_STEP[step]:
            raise ImproperlyConfigured(
                f"MEDREVIEW_REMINDERS[{step!r}]['from'] must be one of "
                f"{sorted(ANCHORS_BY_STEP[step])}, not {rule['from']!r}."
            )
        days = rule["days"]
        if not isinstance(days, int) or isinstance(days, bool) or abs(days) > 365:
            raise ImproperlyConfigured(
                f"MEDREVIEW_REMINDERS[{step!r}]['days'] must be a whole number of "
                "days between -365 and 365."
            )


def _anchor(assignment: ReviewAssignment, name: str) -> datetime.datetime:
    return {
        "invited": assignment.invited_at,
        "respond_by": assignment.respond_by,
        "review_by": assignment.review_by,
    }[name]


def _steps_for(assignment: ReviewAssignment) -> set[str]:
    if assignment.state == AssignmentState.INVITED:
        return INVITATION_STEPS
    if assignment.state == AssignmentState.ACCEPTED:
        return REVIEW_STEPS
    return set()


def wanted_reminders(
    assignment: ReviewAssignment,
) -> dict[tuple[str, datetime.datetime], datetime.datetime]:
    """(step, deadline) → planned time, for the assignment as it stands.

    Days are counted on the reviewer's calendar: "7 days before" a deadline at
    23:59 is 23:59 local time a week earlier, across a clock change too.
    """
    steps = _steps_for(assignment)
    if not steps:
        return {}
    zone = assignment.reviewer.zone
    wanted = {}
    for step, rule in settings.MEDREVIEW_REMINDERS.items():
        if step not in steps:
            continue
        deadline = _anchor(assignment, rule["from"])
        local_deadline = deadline.astimezone(zone)
        wanted[(step, deadline)] = local_deadline + datetime.timedelta(
            days=rule["days"]
        )
    return wanted


def reminders_plan(
    *, assignment: ReviewAssignment, now: datetime.datetime | None = None
) -> None:
    """Make the assignment's pending reminders match its state and dates.

    Called inside the transaction that changed the assignment: closing it cancels
    what is pending, new dates re-plan, a step already past when planned is recorded
    as skipped rather than sent late.
    """
    now = now or timezone.now()
    wanted = wanted_reminders(assignment)
    current_steps = _steps_for(assignment)
    for reminder in assignment.reminders.filter(status=ReminderStatus.PENDING):
        if (reminder.step, reminder.deadline) in wanted:
            continue
        reminder.status = ReminderStatus.CANCELLED
        reminder.note = (
            _("dates changed")
            if reminder.step in current_steps
            else _("assignment %(state)s")
            % {"state": assignment.get_state_display().lower()}
        )
        reminder.save(update_fields=["status", "note"])
    for (step, deadline), planned_at in wanted.items():
        past = planned_at <= now and step in REVIEWER_STEPS
        status = ReminderStatus.SKIPPED if past else ReminderStatus.PENDING
        note = _("already past when planned") if past else ""
        reminder, created = Reminder.objects.get_or_create(
            assignment=assignment,
            step=step,
            deadline=deadline,
            defaults={"planned_at": planned_at, "status": status, "note": note},
        )
        if not created and reminder.status == ReminderStatus.CANCELLED:
            # A date moved away and back again: the step is wanted once more. A
            # sent or skipped row stays as it is, so nothing goes out twice.
            reminder.planned_at, reminder.status, reminder.note = (
                planned_at,
                status,
                note,
            )
            reminder.save(update_fields=["planned_at", "status", "note"])

"""Periodic work: sending due reminders and starting due re-reviews.

``reminders_sweep`` runs every 15 minutes from Celery beat. It claims due reminder rows
with ``SELECT … FOR UPDATE SKIP LOCKED`` (two sweeps at once never take the same row),
checks each is still wanted, sends at most one reminder email per reviewer per day and
marks the rows sent, all in one transaction: if sending fails, nothing is marked and the
task retries.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import ArticleStatus
from editorial import emails, notifications, services
from editorial.models import (
    AssignmentState,
    OutboundEmail,
    Reminder,
    ReminderStatus,
    ReminderStep,
)
from editorial.reminders import (
    EDITOR_COPIED_STEPS,
    INVITATION_STEPS,
    REVIEW_STEPS,
    REVIEWER_STEPS,
    wanted_reminders,
)


@dataclass
class SweepReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return (
            [f"sent: {line}" for line in self.sent]
            + [f"skipped: {line}" for line in self.skipped]
            + [f"deferred: {line}" for line in self.deferred]
        )


def _ineligible_reason(reminder: Reminder) -> str:
    assignment = reminder.assignment
    article = assignment.article
    if (
        reminder.step in INVITATION_STEPS
        and assignment.state != AssignmentState.INVITED
    ):
        return _("the invitation was answered or closed")
    if reminder.step in REVIEW_STEPS and assignment.state != AssignmentState.ACCEPTED:
        return _("the review is no longer in progress")
    # Reviewers are invited while the article is still Submitted (the editor starts
    # the review once they accept): an invitation is chased in any state of its own
    # round; a review only while the article is under review.
    if assignment.round != article.review_round:
        return _("the article is no longer under review")
    if reminder.step in REVIEW_STEPS and article.status != ArticleStatus.UNDER_REVIEW:
        return _("the article is not under review")
    if (reminder.step, reminder.deadline) not in wanted_reminders(assignment):
        return _("the dates changed")
    return ""


def _describe(reminder: Reminder) -> str:
    assignment = reminder.assignment
    return (
        f"{reminder.get_step_display()} — {assignment.reviewer.display_name} — "
        f"“{assignment.article.title}” (planned {reminder.planned_at:%Y-%m-%d %H:%M} "
        "UTC)"
    )


def _mark(reminder: Reminder, status: str, note: str, now, dry_run: bool) -> None:
    if dry_run:
        return
    reminder.status = status
    reminder.note = note
    reminder.sent_at = now if status == ReminderStatus.SENT else None
    reminder.save(update_fields=["status", "note", "sent_at"])


def _reviewer_emailed_today(member, now: datetime.datetime) -> bool:
    local_today = now.astimezone(member.zone).date()
    start = datetime.datetime.combine(local_today, datetime.time(), tzinfo=member.zone)
    return OutboundEmail.objects.filter(
        recipient_id=member.user_id, kind="reminder", sent_at__gte=start
    ).exists()


def reminders_sweep(
    *, now: datetime.datetime | None = None, dry_run: bool = False
) -> SweepReport:
    """Send the reminders that are due; with ``dry_run`` only say what would go."""
    now = now or timezone.now()
    late_limit = datetime.timedelta(hours=settings.MEDREVIEW_REMINDER_LATE_LIMIT_HOURS)
    report = SweepReport()
    with transaction.atomic():
        due = Reminder.objects.filter(
            status=ReminderStatus.PENDING, planned_at__lte=now
        ).order_by("planned_at")
        if not dry_run:
            due = due.select_for_update(skip_locked=True, of=("self",))
        due = due.select_related("assignment__reviewer__user", "assignment__article")
        by_reviewer: dict[int, list[Reminder]] = defaultdict(list)
        expired: set[int] = set()
        for reminder in due:
            reason = _ineligible_reason(reminder)
            if reason:
                _mark(reminder, ReminderStatus.CANCELLED, reason, now, dry_run)
                report.skipped.append(f"{_describe(reminder)}: {reason}")
                continue
            # Expiry is an action, not a message that goes stale: however late the
            # sweep, an unanswered invitation must not stay open for ever.
            if reminder.step == ReminderStep.INVITATION_EXPIRY:
                if not dry_run:
                    services.assignment_expire(assignment=reminder.assignment)
                expired.add(reminder.assignment_id)
                note = _("invitation expired")
                _mark(reminder, ReminderStatus.SENT, note, now, dry_run)
                report.sent.append(_describe(reminder))
                continue
            lateness = now - reminder.planned_at
            if lateness > late_limit:
                note = _("missed by %(hours)d hours (more than %(limit)d)") % {
                    "hours": lateness.total_seconds() // 3600,
                    "limit": settings.MEDREVIEW_REMINDER_LATE_LIMIT_HOURS,
                }
                _mark(reminder, ReminderStatus.SKIPPED, note, now, dry_run)
                report.skipped.append(f"{_describe(reminder)}: {note}")
                continue
            if reminder.step in EDITOR_COPIED_STEPS and not dry_run:
                notifications.review_overdue(reminder)
            if reminder.step not in REVIEWER_STEPS:
                _mark(reminder, ReminderStatus.SENT, _("editors told"), now, dry_run)
                report.sent.append(_describe(reminder))
                continue
            by_reviewer[reminder.assignment.reviewer_id].append(reminder)

        for reminders in by_reviewer.values():
            # A reminder of an invitation that expired a moment ago in this sweep
            # (both were due after a stop) would ask to answer a closed invitation.
            for reminder in [r for r in reminders if r.assignment_id in expired]:
                note = _("the invitation expired")
                _mark(reminder, ReminderStatus.CANCELLED, note, now, dry_run)
                report.skipped.append(f"{_describe(reminder)}: {note}")
            reminders = [r for r in reminders if r.assignment_id not in expired]
            if not reminders:
                continue
            member = reminders[0].assignment.reviewer
            unreachable = ""
            if member.reminders_paused:
                unreachable = _("reminders paused by the reviewer")
            elif emails.recipient_for(member.user) is None:
                unreachable = _("the reviewer's account has no email address")
            if unreachable:
                for reminder in reminders:
                    _mark(reminder, ReminderStatus.SKIPPED, unreachable, now, dry_run)
                    report.skipped.append(f"{_describe(reminder)}: {unreachable}")
                continue
            # Another sweep may have written today's email and not committed yet: the
            # digest then finds its key taken and these reminders wait for tomorrow.
            if _reviewer_emailed_today(member, now) or (
                not dry_run
                and not notifications.reminder_digest(
                    member=member, reminders=reminders, now=now
                )
            ):
                report.deferred.extend(
                    f"{_describe(reminder)}: a reminder already went out today"
                    for reminder in reminders
                )
                continue
            for reminder in reminders:
                _mark(reminder, ReminderStatus.SENT, "", now, dry_run)
                report.sent.append(_describe(reminder))
        if dry_run:
            transaction.set_rollback(True)
    return report

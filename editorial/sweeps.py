"""Periodic work: sending due reminders and starting due re-reviews.

``reminders_sweep`` runs every 15 minutes from Celery beat. It works in batches, each
in one short transaction that locks only reminder rows (``SELECT … FOR UPDATE SKIP
LOCKED``: two sweeps at once never take the same row, and a reviewer's action never
waits long): it reads the batch's assignments, reviewers and articles in the same
query, checks each reminder is still wanted, writes at most one reminder email per
reviewer per day to the outbox and marks the reminders with it. Only after the commit
are the emails sent, one at a time (``editorial.emails``), so an SMTP failure or a
crash touches one message, never the record of the others. Invitations expire each
in a transaction of their own, after the batch, taking the workflow's lock order
(article, assignment, reminders) and skipping one that is being answered.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
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


# Rows claimed and locked per transaction: enough that the reads are few, few
# enough that the transaction is short.
BATCH_SIZE = 500


def _mark(reminder: Reminder, status: str, note: str, now, changed: list) -> None:
    reminder.status = status
    reminder.note = note
    reminder.sent_at = now if status == ReminderStatus.SENT else None
    changed.append(reminder)


def _digest_key(member, now: datetime.datetime) -> str:
    return emails.dedupe_key(
        notifications.reminder_digest_event(member, now), member.user_id
    )


def _digest_keys_taken(members, now: datetime.datetime) -> set[str]:
    """The reminder emails already written today (each reviewer's own day) for
    these reviewers: one query for the batch."""
    keys = [_digest_key(member, now) for member in members]
    return set(
        OutboundEmail.objects.filter(dedupe_key__in=keys).values_list(
            "dedupe_key", flat=True
        )
    )


def _due_batch(now, after: tuple | None, batch_size: int, dry_run: bool):
    due = Reminder.objects.filter(status=ReminderStatus.PENDING, planned_at__lte=now)
    if after is not None:
        planned_at, pk = after
        due = due.filter(
            Q(planned_at__gt=planned_at) | Q(planned_at=planned_at, pk__gt=pk)
        )
    due = due.order_by("planned_at", "pk")
    if not dry_run:
        # Only the reminder rows are locked: the workflow's rows are read, never
        # held, so a decision or an acceptance never waits for the sweep.
        due = due.select_for_update(skip_locked=True, of=("self",))
    due = due.select_related("assignment__reviewer__user", "assignment__article")
    return list(due[:batch_size])


def _sweep_batch(
    batch: list[Reminder], now, report: SweepReport, dry_run: bool
) -> tuple[list[Reminder], list[OutboundEmail]]:
    """Decide every reminder of the batch; returns the expiries to carry out and
    the emails to send once the batch is committed."""
    late_limit = datetime.timedelta(hours=settings.MEDREVIEW_REMINDER_LATE_LIMIT_HOURS)
    changed: list[Reminder] = []
    by_reviewer: dict[int, list[Reminder]] = defaultdict(list)
    expiries: list[Reminder] = []
    for reminder in batch:
        reason = _ineligible_reason(reminder)
        if reason:
            _mark(reminder, ReminderStatus.CANCELLED, reason, now, changed)
            report.skipped.append(f"{_describe(reminder)}: {reason}")
            continue
        # Expiry is an action, not a message that goes stale: however late the
        # sweep, an unanswered invitation must not stay open for ever.
        if reminder.step == ReminderStep.INVITATION_EXPIRY:
            expiries.append(reminder)
            continue
        lateness = now - reminder.planned_at
        if lateness > late_limit:
            note = _("missed by %(hours)d hours (more than %(limit)d)") % {
                "hours": lateness.total_seconds() // 3600,
                "limit": settings.MEDREVIEW_REMINDER_LATE_LIMIT_HOURS,
            }
            _mark(reminder, ReminderStatus.SKIPPED, note, now, changed)
            report.skipped.append(f"{_describe(reminder)}: {note}")
            continue
        if reminder.step in EDITOR_COPIED_STEPS and not dry_run:
            notifications.review_overdue(reminder)
        if reminder.step not in REVIEWER_STEPS:
            _mark(reminder, ReminderStatus.SENT, _("editors told"), now, changed)
            report.sent.append(_describe(reminder))
            continue
        by_reviewer[reminder.assignment.reviewer_id].append(reminder)

    expiring = {reminder.assignment_id for reminder in expiries}
    digests = _digests(by_reviewer.values(), expiring, now, report, changed, dry_run)
    if changed and not dry_run:
        Reminder.objects.bulk_update(
            changed, ["status", "note", "sent_at", "email"], batch_size=BATCH_SIZE
        )
    return expiries, digests


def _digests(groups, expiring: set[int], now, report, changed, dry_run):
    """Each reviewer's email of the day for their due reminders, written to the
    outbox in one insert; returns the emails written."""
    members = [reminders[0].assignment.reviewer for reminders in groups]
    taken = _digest_keys_taken(members, now)
    planned: list[tuple[OutboundEmail | None, list[Reminder]]] = []
    for reminders in groups:
        # A reminder of an invitation that expires in this sweep (both were due
        # after a stop) would ask to answer a closed invitation.
        for reminder in [r for r in reminders if r.assignment_id in expiring]:
            note = _("the invitation expired")
            _mark(reminder, ReminderStatus.CANCELLED, note, now, changed)
            report.skipped.append(f"{_describe(reminder)}: {note}")
        reminders = [r for r in reminders if r.assignment_id not in expiring]
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
                _mark(reminder, ReminderStatus.SKIPPED, unreachable, now, changed)
                report.skipped.append(f"{_describe(reminder)}: {unreachable}")
            continue
        if _digest_key(member, now) in taken:
            _defer(reminders, report)
            continue
        email = None
        if not dry_run:
            email = notifications.reminder_digest(
                member=member, reminders=reminders, now=now
            )
        planned.append((email, reminders))
    written = _insert([email for email, _reminders in planned if email is not None])
    for email, reminders in planned:
        if email is not None and email not in written:
            _defer(reminders, report)
            continue
        for reminder in reminders:
            _mark(reminder, ReminderStatus.SENT, "", now, changed)
            reminder.email = email
            report.sent.append(_describe(reminder))
    return written


def _defer(reminders: list[Reminder], report: SweepReport) -> None:
    report.deferred.extend(
        f"{_describe(reminder)}: a reminder already went out today"
        for reminder in reminders
    )


def _insert(digests: list[OutboundEmail]) -> list[OutboundEmail]:
    """Write the digests in one insert. Another sweep may have written one of
    today's emails a moment ago (committed or not): then each is written alone and
    a digest whose key is taken is left out, its reminders wait for tomorrow."""
    try:
        with transaction.atomic():
            return OutboundEmail.objects.bulk_create(digests)
    except IntegrityError:
        pass
    written = []
    for digest in digests:
        digest.pk = None
        try:
            with transaction.atomic():
                digest.save(force_insert=True)
        except IntegrityError:
            continue
        written.append(digest)
    return written


def _expire(reminder: Reminder, now, report: SweepReport) -> None:
    """Expire the invitation in a transaction of its own, in the workflow's lock
    order; an invitation being answered right now is left to its answer."""
    with transaction.atomic():
        expired = services.assignment_expire(
            assignment=reminder.assignment, skip_locked=True
        )
        if expired is not None:
            Reminder.objects.filter(pk=reminder.pk).update(
                status=ReminderStatus.SENT, note=_("invitation expired"), sent_at=now
            )
            report.sent.append(_describe(reminder))
            return
    if Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.PENDING).exists():
        report.deferred.append(
            f"{_describe(reminder)}: the invitation is being answered"
        )
    else:
        report.skipped.append(f"{_describe(reminder)}: the invitation was answered")


def reminders_sweep(
    *,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> SweepReport:
    """Send the reminders that are due; with ``dry_run`` only say what would go."""
    now = now or timezone.now()
    report = SweepReport()
    after = None
    while True:
        with transaction.atomic():
            batch = _due_batch(now, after, batch_size, dry_run)
            expiries, digests = (
                _sweep_batch(batch, now, report, dry_run) if batch else ([], [])
            )
        for reminder in expiries:
            if dry_run:
                report.sent.append(_describe(reminder))
            else:
                _expire(reminder, now, report)
        # After the commit, each email in a short step of its own.
        emails.emails_send(digests)
        if len(batch) < batch_size:
            break
        after = (batch[-1].planned_at, batch[-1].pk)
    if not dry_run:
        # Reminder emails a crashed or interrupted sweep left unsent, and retries.
        emails.outbox_flush(kinds={"reminder"})
    return report

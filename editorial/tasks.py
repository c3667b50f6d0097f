"""Celery tasks. Each takes ids or plain values, reads fresh rows and calls one
service; none holds state between runs. Tasks are acknowledged late, so a worker that
dies mid-task leaves the message to be delivered again, and every task is safe to run
twice: a run repeats at most the one email that was in flight.

No task retries itself on an SMTP failure: the failure is recorded on that email's
outbox row, which the outbox sweep tries again with back-off; retrying a whole task
would repeat the work already done."""

import datetime

from celery import shared_task
from django.utils.dateparse import parse_date, parse_datetime

from editorial import emails, services, sweeps


@shared_task(acks_late=True)
def deliver_email(email_id: int) -> bool:
    """Send one outbox email (once, however often the task runs)."""
    return emails.email_deliver(email_id=email_id)


@shared_task(acks_late=True)
def flush_outbox() -> int:
    """Send outbox emails no task delivered (the broker was down, a worker died)."""
    return emails.outbox_flush()


@shared_task(acks_late=True)
def send_due_reminders(now: str | None = None) -> dict[str, int]:
    """The reminder sweep. ``now`` (ISO 8601) is for running a sweep as of a given
    moment; workers normally use their clock."""
    moment = parse_datetime(now) if now else None
    report = sweeps.reminders_sweep(now=moment)
    return {
        "sent": len(report.sent),
        "skipped": len(report.skipped),
        "deferred": len(report.deferred),
    }


@shared_task(acks_late=True)
def start_due_rereviews(today: str | None = None) -> list[int]:
    day: datetime.date | None = parse_date(today) if today else None
    return [article.pk for article in services.rereviews_start_due(today=day)]

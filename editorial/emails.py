"""The outbox: emails written with the change they report, sent after it commits.

``email_create`` renders a message for one recipient in their own time zone and
stores it; ``transaction.on_commit`` then hands it to a Celery task. When the broker
is down the row waits and ``outbox_flush`` (run every minute by beat) sends it.
``email_deliver`` locks the row, sends, and marks it sent in one transaction, so a
task delivered twice sends once.
"""

import logging
import time
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import Truncator

from editorial.models import EmailStatus, OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
OUTBOX_GRACE_SECONDS = 60


@dataclass(frozen=True)
class Recipient:
    user: object
    address: str
    zone: zoneinfo.ZoneInfo


def recipient_for(user) -> Recipient | None:
    """A user as an email recipient, with the time zone their dates are shown in."""
    if user is None or not user.email or not user.is_active:
        return None
    member = getattr(user, "board_member", None)
    zone = member.zone if member else zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return Recipient(user=user, address=user.email, zone=zone)


def editors() -> list[Recipient]:
    users = (
        get_user_model()
        .objects.filter(groups__name="Editors", is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    return [recipient for user in users if (recipient := recipient_for(user))]


def fitted_subject(subject: str) -> str:
    """The subject on one line, cut with an ellipsis to fit its column: an article
    title may be as long as the column itself."""
    limit = OutboundEmail._meta.get_field("subject").max_length
    return Truncator(" ".join(subject.split())).chars(limit)


def email_create(
    *,
    kind: str,
    key: str,
    recipient: Recipient,
    subject: str,
    template: str,
    context: dict,
    send_after_commit: bool = True,
) -> OutboundEmail | None:
    """Write one email to the outbox and, by default, queue its delivery after commit.

    Returns None when an email for this event and recipient already exists.
    """
    context = {
        **context,
        "recipient": recipient.user,
        "base_url": settings.MEDREVIEW_BASE_URL.rstrip("/"),
        "site_name": "Medreview",
    }
    with timezone.override(recipient.zone):
        body_text = render_to_string(f"editorial/email/{template}.txt", context)
        body_html = render_to_string(f"editorial/email/{template}.html", context)
    email, created = OutboundEmail.objects.get_or_create(
        dedupe_key=f"{key}:{recipient.user.pk}",
        defaults={
            "kind": kind,
            "recipient": recipient.user,
            "to_address": recipient.address,
            "subject": fitted_subject(subject),
            "body_text": body_text,
            "body_html": body_html,
        },
    )
    if not created:
        return None
    if send_after_commit:
        transaction.on_commit(lambda: publish(email.pk))
    return email


# After a failed publish, skip the broker for a while: one request that emails
# several people would otherwise wait for the connection timeout once per email.
BROKER_RETRY_AFTER_SECONDS = 30
_broker_unavailable_until = 0.0


def publish(email_id: int) -> None:
    """Hand the email to a worker; if the broker is unreachable, leave it for the
    outbox sweep rather than fail the request that caused it."""
    global _broker_unavailable_until
    from editorial.tasks import deliver_email

    # Without a broker the task runs here: what it raises is the delivery's own
    # failure (the SMTP server), already recorded on the row, not a broker outage.
    in_process = deliver_email.app.conf.task_always_eager
    if not in_process and time.monotonic() < _broker_unavailable_until:
        logger.info(
            "Broker recently unavailable: email %s waits in the outbox.", email_id
        )
        return
    try:
        deliver_email.apply_async((email_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure means "later", never "lost"
        if in_process:
            logger.warning(
                "Email %s could not be sent; it stays in the outbox.",
                email_id,
                exc_info=True,
            )
            return
        _broker_unavailable_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.warning(
            "Broker unavailable: email %s stays in the outbox and is sent by the "
            "outbox sweep once the broker is back.",
            email_id,
            exc_info=True,
        )


def _send(email: OutboundEmail) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_address],
        headers={"X-Medreview-Event": email.dedupe_key},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    message.send()


def email_deliver(*, email_id: int) -> bool:
    """Send a pending email once. Returns False when it was already sent."""
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.select_for_update().get(pk=email_id)
            if email.status != EmailStatus.PENDING:
                return False
            _send(email)
            email.status = EmailStatus.SENT
            email.sent_at = timezone.now()
            email.attempts += 1
            email.save(update_fields=["status", "sent_at", "attempts"])
            return True
    except Exception as error:
        _record_failure(email_id, error)
        raise


def send_now(email: OutboundEmail) -> None:
    """Send inside the caller's transaction (the reminder sweep): if sending fails,
    the caller's whole transaction rolls back and is retried."""
    _send(email)
    email.status = EmailStatus.SENT
    email.sent_at = timezone.now()
    email.attempts += 1
    email.save(update_fields=["status", "sent_at", "attempts"])


def _record_failure(email_id: int, error: Exception) -> None:
    OutboundEmail.objects.filter(pk=email_id).update(
        attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"
    )
    OutboundEmail.objects.filter(
        pk=email_id, status=EmailStatus.PENDING, attempts__gte=MAX_ATTEMPTS
    ).update(status=EmailStatus.FAILED)


def outbox_flush(*, limit: int = 200) -> int:
    """Send pending emails that no task has sent (the broker was down, a worker
    died). Skips rows another worker holds. Returns how many were sent."""
    cutoff = timezone.now() - timezone.timedelta(seconds=OUTBOX_GRACE_SECONDS)
    sent = 0
    pending = OutboundEmail.objects.filter(
        status=EmailStatus.PENDING, created_at__lte=cutoff
    ).values_list("pk", flat=True)[:limit]
    for email_id in list(pending):
        try:
            with transaction.atomic():
                email = (
                    OutboundEmail.objects.select_for_update(skip_locked=True)
                    .filter(pk=email_id, status=EmailStatus.PENDING)
                    .first()
                )
                if email is None:
                    continue
                send_now(email)
                sent += 1
        except Exception as error:  # noqa: BLE001 - recorded, retried next sweep
            logger.warning("Outbox: email %s failed: %s", email_id, error)
            _record_failure(email_id, error)
    return sent

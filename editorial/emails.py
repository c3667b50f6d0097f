"""The outbox: emails written with the change they report, sent after it commits.

``email_create`` renders a message for one recipient in their own time zone and
stores it; ``transaction.on_commit`` then hands it to a Celery task. When the broker
is down the row waits and ``outbox_flush`` (run every minute by beat) sends it.

``email_deliver`` sends one message in three short steps: claim the row (pending →
sending, ``SKIP LOCKED``, commit), send with no transaction open, mark it sent. A
crash repeats at most the one message in flight, once its claim lapses. A permanent
refusal (5xx) fails that message alone and tells the editors; a passing one (4xx,
timeout, no connection) puts it back with a growing delay, up to a limit.
"""

import datetime
import logging
import smtplib
import time
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from editorial.models import EmailStatus, OutboundEmail

logger = logging.getLogger(__name__)

# The after-commit task normally sends an email at once; the outbox sweep leaves it
# that long before taking over.
OUTBOX_GRACE_SECONDS = 60
# The longest wait between two attempts at a temporarily refused message.
RETRY_DELAY_LIMIT = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Recipient:
    user: object  # None for a reader without an account
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


def dedupe_key(event: str, user_id: int | str) -> str:
    """One email per event and recipient."""
    return f"{event}:{user_id}"


def email_render(
    *,
    kind: str,
    key: str,
    recipient: Recipient,
    subject: str,
    template: str,
    context: dict,
    send_after_commit: bool = True,
) -> OutboundEmail:
    """One email for one recipient, rendered in their time zone; not saved."""
    context = {
        **context,
        "recipient": recipient.user,
        "base_url": settings.MEDREVIEW_BASE_URL.rstrip("/"),
        "site_name": "Medreview",
    }
    with timezone.override(recipient.zone):
        body_text = render_to_string(f"editorial/email/{template}.txt", context)
        body_html = render_to_string(f"editorial/email/{template}.html", context)
    now = timezone.now()
    # An email no task is told about may go at once; another waits for its task.
    grace = datetime.timedelta(seconds=OUTBOX_GRACE_SECONDS if send_after_commit else 0)
    return OutboundEmail(
        # A reader without an account is known by the address alone.
        dedupe_key=dedupe_key(
            key,
            recipient.user.pk if recipient.user is not None else recipient.address,
        ),
        created_at=now,
        next_attempt_at=now + grace,
        kind=kind,
        recipient=recipient.user,
        to_address=recipient.address,
        subject=fitted_subject(subject),
        body_text=body_text,
        body_html=body_html,
    )


def email_create(*, send_after_commit: bool = True, **message) -> OutboundEmail | None:
    """Write one email to the outbox and, by default, queue its delivery after commit.

    Takes ``email_render``'s arguments. Returns None when an email for this event
    and recipient already exists.
    """
    rendered = email_render(send_after_commit=send_after_commit, **message)
    fields = {
        field.attname: getattr(rendered, field.attname)
        for field in OutboundEmail._meta.concrete_fields
        if not field.primary_key and field.name != "dedupe_key"
    }
    email, created = OutboundEmail.objects.get_or_create(
        dedupe_key=rendered.dedupe_key, defaults=fields
    )
    if not created:
        return None
    if send_after_commit:
        transaction.on_commit(lambda: publish(email.pk))
    return email


# After a failed publish, skip the broker for a while: one request that emails
# several people would otherwise wait for the publish timeout once per email.
BROKER_RETRY_AFTER_SECONDS = 30
_broker_unavailable_until = 0.0


def publish(email_id: int) -> None:
    """Hand the email to a worker; if the broker is unreachable or frozen, leave it
    for the outbox sweep rather than hold the request that caused it.

    One attempt on a connection of its own with short connect and read timeouts:
    the web process never retries, the outbox sweep is the retry.
    """
    global _broker_unavailable_until
    from editorial.tasks import deliver_email

    # Without a broker the task runs here: what it raises is the delivery's own
    # failure (the SMTP server), already recorded on the row, not a broker outage.
    app = deliver_email.app
    if app.conf.task_always_eager:
        try:
            deliver_email.apply_async((email_id,))
        except Exception:  # noqa: BLE001 - recorded on the row, retried by the sweep
            logger.warning(
                "Email %s could not be sent; it stays in the outbox.",
                email_id,
                exc_info=True,
            )
        return
    if time.monotonic() < _broker_unavailable_until:
        logger.info(
            "Broker recently unavailable: email %s waits in the outbox.", email_id
        )
        return
    timeout = settings.MEDREVIEW_PUBLISH_TIMEOUT_SECONDS
    try:
        with app.connection_for_write(
            connect_timeout=timeout,
            transport_options={
                "socket_timeout": timeout,
                "socket_connect_timeout": timeout,
                "max_retries": 0,
                "retry_on_timeout": False,
            },
        ) as connection:
            deliver_email.apply_async((email_id,), connection=connection, retry=False)
    except Exception:  # noqa: BLE001 - any broker failure means "later", never "lost"
        _broker_unavailable_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.warning(
            "Broker unavailable: email %s stays in the outbox and is sent by the "
            "outbox sweep once the broker is back.",
            email_id,
            exc_info=True,
        )


def message_id(email: OutboundEmail) -> str:
    """The same Message-ID on every attempt at one event's email, so a mail system
    can drop the copy a crash may repeat."""
    host = urlsplit(settings.MEDREVIEW_BASE_URL).hostname or "medreview.invalid"
    local = "".join(
        character if character.isalnum() or character in "-_" else "."
        for character in email.dedupe_key
    )
    return f"<{local}@{host}>"


def _send(email: OutboundEmail) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_address],
        headers={
            "Message-ID": message_id(email),
            "X-Medreview-Event": email.dedupe_key,
        },
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    message.send()


def _claimable(now: datetime.datetime) -> Q:
    """Waiting and due, or claimed by a sender that has not finished in time (it
    died: the one message a crash may repeat)."""
    return Q(status=EmailStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=EmailStatus.SENDING, claimed_until__lt=now
    )


def _claim(email: OutboundEmail, *, task: bool = False) -> bool:
    """Take the row for sending and commit at once, so no other sender takes it:
    one statement that skips the row while another transaction holds it. False
    when it is sent, failed, not yet due or another sender's. The task queued
    after commit takes a new email before the outbox sweep's grace period ends."""
    now = timezone.now()
    claimable = _claimable(now)
    if task:
        claimable |= Q(status=EmailStatus.PENDING, attempts=0)
    free = (
        OutboundEmail.objects.filter(claimable, pk=email.pk)
        .select_for_update(skip_locked=True)
        .values("pk")
    )
    claimed_until = now + datetime.timedelta(
        seconds=settings.MEDREVIEW_EMAIL_CLAIM_SECONDS
    )
    with transaction.atomic():
        claimed = OutboundEmail.objects.filter(pk__in=Subquery(free)).update(
            status=EmailStatus.SENDING,
            claimed_until=claimed_until,
            attempts=F("attempts") + 1,
        )
    if claimed:
        email.status, email.claimed_until = EmailStatus.SENDING, claimed_until
        email.attempts += 1
    return bool(claimed)


def permanent_failure(error: Exception) -> bool:
    """A refusal the server will repeat (5xx), as opposed to a passing one (4xx, a
    timeout, a dropped or refused connection)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _describe_error(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {answer.decode(errors='replace')}"
            for address, (code, answer) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error
        if isinstance(answer, bytes):
            answer = answer.decode(errors="replace")
        return f"{error.smtp_code} {answer}"
    return f"{type(error).__name__}: {error}"


def _record_outcome(email: OutboundEmail, error: Exception | None) -> str:
    """Mark the claimed row sent, back to waiting (with back-off) or failed."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING)
    if error is None:
        claimed.update(status=EmailStatus.SENT, sent_at=now, claimed_until=None)
        return EmailStatus.SENT
    description = _describe_error(error)
    if (
        permanent_failure(error)
        or email.attempts >= settings.MEDREVIEW_EMAIL_MAX_ATTEMPTS
    ):
        with transaction.atomic():
            failed = claimed.update(
                status=EmailStatus.FAILED, last_error=description, claimed_until=None
            )
            if failed:
                _tell_editors_of_failure(email, description)
        logger.warning("Email %s failed for good: %s", email.pk, description)
        return EmailStatus.FAILED
    delay = min(
        datetime.timedelta(
            seconds=settings.MEDREVIEW_EMAIL_RETRY_SECONDS * 2 ** (email.attempts - 1)
        ),
        RETRY_DELAY_LIMIT,
    )
    claimed.update(
        status=EmailStatus.PENDING,
        last_error=description,
        next_attempt_at=now + delay,
        claimed_until=None,
    )
    logger.info("Email %s refused for now (%s); retried later.", email.pk, description)
    return EmailStatus.PENDING


def _tell_editors_of_failure(email: OutboundEmail, description: str) -> None:
    """Editors hear once per address that mail to a board member does not arrive:
    only they can correct the address."""
    member = getattr(email.recipient, "board_member", None) if email.recipient else None
    if member is None:
        return
    for editor in editors():
        email_create(
            kind="address_failed",
            key=f"address-failed:{member.pk}:{email.to_address.lower()}",
            recipient=editor,
            subject=_(
                "Emails to %(member)s bounce: check the address on their board profile"
            )
            % {"member": member.display_name},
            template="address_failed",
            context={
                "member": member,
                "address": email.to_address,
                "error": description,
                "subject": email.subject,
                "outbox_path": reverse("admin:editorial_outboundemail_changelist")
                + f"?status__exact={EmailStatus.FAILED}",
            },
        )


def email_deliver(*, email_id: int) -> bool:
    """Send one email unless it is sent, failed, or being sent by another sender.
    Returns whether this call sent it. SMTP refusals are recorded on the row,
    never raised: retries follow the row's back-off, not the caller's."""
    email = OutboundEmail.objects.filter(pk=email_id).first()
    if email is None or not _claim(email, task=True):
        return False
    return _deliver_claimed(email) == EmailStatus.SENT


def _deliver_claimed(email: OutboundEmail) -> str:
    try:
        _send(email)
    except (smtplib.SMTPException, OSError) as error:
        return _record_outcome(email, error)
    return _record_outcome(email, None)


def emails_send(emails: list[OutboundEmail]) -> int:
    """Send these emails one at a time, each claimed, sent and marked on its own.
    Returns how many this call sent."""
    sent = 0
    for email in emails:
        if _claim(email) and _deliver_claimed(email) == EmailStatus.SENT:
            sent += 1
    return sent


def outbox_flush(*, kinds: set[str] | None = None, limit: int = 1000) -> int:
    """Send the due emails: those no task sent (the broker was down, a worker
    died) and those whose retry is due. Rows another sender holds are skipped.
    Returns how many were sent."""
    sent = 0
    while limit > 0:
        due = OutboundEmail.objects.filter(_claimable(timezone.now()))
        if kinds is not None:
            due = due.filter(kind__in=kinds)
        candidates = list(due.order_by("next_attempt_at", "pk")[: min(limit, 100)])
        if not candidates:
            break
        limit -= len(candidates)
        sent += emails_send(candidates)
    return sent


def email_retry(*, email: OutboundEmail) -> bool:
    """An operator sends a failed email again, to the recipient's address as it is
    now (an editor may have corrected it). False when it had not failed."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=email.pk, status=EmailStatus.FAILED)
            .first()
        )
        if email is None:
            return False
        if email.recipient is not None and email.recipient.email:
            email.to_address = email.recipient.email
        email.status = EmailStatus.PENDING
        email.attempts = 0
        email.next_attempt_at = timezone.now()
        email.save(
            update_fields=["to_address", "status", "attempts", "next_attempt_at"]
        )
        transaction.on_commit(lambda: publish(email.pk))
    return True

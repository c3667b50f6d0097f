"""Who is told what when the workflow moves.

Each function writes outbox emails (``editorial.emails``) inside the caller's
transaction; they are sent after it commits. Dates are shown in each recipient's time
zone, links point at the reviewer desk or the editors' admin.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from editorial import emails, tokens
from editorial.models import Reminder, ReviewAssignment


def _admin_article_path(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def _tell_editors(*, kind: str, key: str, subject: str, template: str, context: dict):
    for recipient in emails.editors():
        emails.email_create(
            kind=kind,
            key=key,
            recipient=recipient,
            subject=subject,
            template=template,
            context=context,
        )


def _tell_editors_about(
    assignment: ReviewAssignment,
    *,
    kind: str,
    key: str,
    subject: str,
    template: str,
    **extra,
) -> None:
    """Tell the editors about an assignment, with its article and admin link."""
    _tell_editors(
        kind=kind,
        key=key,
        subject=subject,
        template=template,
        context={
            "assignment": assignment,
            "article": assignment.article,
            "admin_path": _admin_article_path(assignment.article),
            **extra,
        },
    )


def assignment_created(assignment: ReviewAssignment) -> None:
    """The invitation, with the desk link and signed accept/decline links."""
    recipient = emails.recipient_for(assignment.reviewer.user)
    if recipient is None:
        return
    emails.email_create(
        kind="invitation",
        key=f"invitation:{assignment.pk}",
        recipient=recipient,
        subject=_("Review invitation: %(title)s") % {"title": assignment.article.title},
        template="invitation",
        context={
            "assignment": assignment,
            "article": assignment.article,
            "desk_path": reverse("editorial:assignment", args=[assignment.pk]),
            "accept_path": reverse(
                "editorial:respond",
                args=[tokens.invitation_token(assignment, tokens.ACCEPT)],
            ),
            "decline_path": reverse(
                "editorial:respond",
                args=[tokens.invitation_token(assignment, tokens.DECLINE)],
            ),
        },
    )


def assignment_answered(assignment: ReviewAssignment) -> None:
    _tell_editors_about(
        assignment,
        kind=f"assignment_{assignment.state}",
        key=f"answered:{assignment.pk}",
        subject=_("%(member)s %(answer)s to review “%(title)s”")
        % {
            "member": assignment.reviewer.display_name,
            "answer": _("accepted")
            if assignment.state == "accepted"
            else _("declined"),
            "title": assignment.article.title,
        },
        template="assignment_answered",
    )


def assignment_expired(assignment: ReviewAssignment) -> None:
    _tell_editors_about(
        assignment,
        kind="invitation_expired",
        key=f"expired:{assignment.pk}",
        subject=_("No answer from %(member)s: invitation for “%(title)s” expired")
        % {
            "member": assignment.reviewer.display_name,
            "title": assignment.article.title,
        },
        template="invitation_expired",
    )


def changes_requested(assignment: ReviewAssignment) -> None:
    _tell_editors_about(
        assignment,
        kind="changes_requested",
        key=f"decision:{assignment.pk}",
        subject=_("Changes requested on “%(title)s”")
        % {"title": assignment.article.title},
        template="changes_requested",
    )


def reviewer_approved(assignment: ReviewAssignment) -> None:
    _tell_editors_about(
        assignment,
        kind="reviewer_approved",
        key=f"decision:{assignment.pk}",
        subject=_("%(member)s approved “%(title)s”")
        % {
            "member": assignment.reviewer.display_name,
            "title": assignment.article.title,
        },
        template="reviewer_approved",
    )


def round_closed(article, assignments: list[ReviewAssignment], *, reason: str) -> None:
    """To each reviewer of a round an edit ended, with the editor's reason."""
    for assignment in assignments:
        recipient = emails.recipient_for(assignment.reviewer.user)
        if recipient is None:
            continue
        emails.email_create(
            kind="round_closed",
            key=f"round_closed:{assignment.pk}",
            recipient=recipient,
            subject=_("Review round closed: %(title)s") % {"title": article.title},
            template="round_closed",
            context={
                "assignment": assignment,
                "article": article,
                "reason": reason,
                "desk_path": reverse("editorial:assignment", args=[assignment.pk]),
            },
        )


def article_approved(article, version) -> None:
    """To the author and the editors."""
    context = {
        "article": article,
        "version": version,
        "public_path": article.get_absolute_url(),
        "admin_path": _admin_article_path(article),
    }
    subject = _("Approved: %(title)s") % {"title": article.title}
    key = f"approved:{article.pk}:{version.number}"
    recipients = emails.editors()
    author = emails.recipient_for(article.author)
    if author and all(r.user.pk != author.user.pk for r in recipients):
        recipients.append(author)
    for recipient in recipients:
        emails.email_create(
            kind="article_approved",
            key=key,
            recipient=recipient,
            subject=subject,
            template="article_approved",
            context=context,
        )


def question_answered(question, article) -> None:
    """To the reader who asked, once the article answering them is approved."""
    emails.email_create(
        kind="question_answered",
        key=f"question_answered:{question.pk}",
        recipient=emails.Recipient(
            user=None,
            address=question.email,
            zone=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        ),
        subject=_("Your question is answered: %(title)s") % {"title": article.title},
        template="question_answered",
        context={
            "question": question,
            "article": article,
            "public_path": article.get_absolute_url(),
        },
    )


def review_overdue(reminder: Reminder) -> None:
    """Editors copied when a review is a day late, and told again a week late."""
    assignment = reminder.assignment
    _tell_editors_about(
        assignment,
        kind=f"overdue_{reminder.step}",
        key=f"overdue:{reminder.pk}",
        subject=_("Overdue review: %(member)s on “%(title)s”")
        % {
            "member": assignment.reviewer.display_name,
            "title": assignment.article.title,
        },
        template="review_overdue",
        reminder=reminder,
        escalation=reminder.step == "review_escalation",
    )


def reminder_digest_event(member, now: datetime.datetime) -> str:
    """The event of a reviewer's reminder email for their local day: one a day."""
    local_day = now.astimezone(member.zone).date()
    return f"reminder:{member.pk}:{local_day.isoformat()}"


def reminder_digest(*, member, reminders: list[Reminder], now: datetime.datetime):
    """One email for all of a reviewer's reminders due today, rendered but not
    saved: the sweep writes a batch's digests in one insert and sends them after
    its commit. None when the reviewer has no address."""
    recipient = emails.recipient_for(member.user)
    if recipient is None:
        return None
    return emails.email_render(
        kind="reminder",
        key=reminder_digest_event(member, now),
        recipient=recipient,
        subject=_("Reminder: %(count)s review task(s) waiting")
        % {"count": len(reminders)},
        template="reminder_digest",
        context={
            "member": member,
            "items": [
                {
                    "reminder": reminder,
                    "assignment": reminder.assignment,
                    "desk_path": reverse(
                        "editorial:assignment", args=[reminder.assignment_id]
                    ),
                }
                for reminder in reminders
            ],
            "desk_path": reverse("editorial:desk"),
        },
        send_after_commit=False,
    )


def reminders_paused(member, *, paused: bool) -> None:
    _tell_editors(
        kind="reminders_paused" if paused else "reminders_resumed",
        key=f"pause:{member.pk}:{paused}:{datetime.datetime.now().timestamp()}",
        subject=(
            _("%(member)s paused their review reminders")
            if paused
            else _("%(member)s resumed their review reminders")
        )
        % {"member": member.display_name},
        template="reminders_paused",
        context={"member": member, "paused": paused},
    )


def rereview_started(article, assignments: list[ReviewAssignment]) -> None:
    _tell_editors(
        kind="rereview_started",
        key=f"rereview:{article.pk}:{article.review_round}",
        subject=_("Periodic re-review started: %(title)s") % {"title": article.title},
        template="rereview_started",
        context={
            "article": article,
            "assignments": assignments,
            "admin_path": _admin_article_path(article),
        },
    )


def cited_work_retracted(notice, articles) -> None:
    """A work cited by approved articles was retracted: the editors decide what next."""
    if not articles:
        return
    reference = notice.reference
    _tell_editors(
        kind="cited_work_retracted",
        key=f"cited-work-retracted:{notice.reference_id}",
        subject=_("Retracted work cited by approved articles: %(title)s")
        % {"title": reference.title},
        template="cited_work_retracted",
        context={
            "notice": notice,
            "reference": reference,
            "articles": [
                {"title": article.title, "admin_path": _admin_article_path(article)}
                for article in articles
            ],
            "queue_path": reverse(
                "admin:references_referencenotice_change", args=[notice.pk]
            ),
        },
    )

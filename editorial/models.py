import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from articles.models import Article, ArticleStatus
from config.fsm import WorkflowModelMixin
from reviewers.models import AdvisoryBoardMember

# The longest reason an editor may give for an edit that ends a round, a restore or
# a reopening. History keeps it whole (a text column), so the bound is enforced where
# it is typed: the forms and the services say so instead of cutting it.
REASON_MAX_LENGTH = 1000


class EditorialPolicy(models.Model):
    """The editorial policy shown at /editorial-policy/; the latest row is current."""

    title = models.CharField(_("title"), max_length=200, default=_("Editorial policy"))
    body = models.TextField(_("body"), help_text=_("Markdown."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated"]
        get_latest_by = "updated"
        verbose_name = _("editorial policy")
        verbose_name_plural = _("editorial policy")

    def __str__(self) -> str:
        return self.title


def end_of_day(day: datetime.date, zone) -> datetime.datetime:
    """The last second of ``day`` in ``zone``: due dates are whole days for people."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)


class AssignmentState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Closed with the round")
    EXPIRED = "expired", _("Invitation expired")


LIVE_STATES = (AssignmentState.INVITED, AssignmentState.ACCEPTED)


class Recommendation(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Request changes")


class ReviewAssignmentQuerySet(models.QuerySet):
    def live(self):
        return self.filter(state__in=LIVE_STATES)

    def for_user(self, user):
        return self.filter(reviewer__user=user)

    def overdue(self, now: datetime.datetime | None = None):
        now = now or timezone.now()
        return self.filter(
            models.Q(state=AssignmentState.INVITED, respond_by__lt=now)
            | models.Q(state=AssignmentState.ACCEPTED, review_by__lt=now)
        )


class ReviewAssignment(WorkflowModelMixin, models.Model):
    """A board member asked to review one round of an article.

    The state changes only through ``editorial.services``; the transitions below say
    which moves exist.
    """

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("article"),
    )
    reviewer = models.ForeignKey(
        AdvisoryBoardMember,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    round = models.PositiveIntegerField(_("round"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
        help_text=_("Empty when the site invited the reviewer (periodic re-review)."),
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    respond_by = models.DateTimeField(
        _("respond by"), help_text=_("End of day in the reviewer's time zone.")
    )
    review_by = models.DateTimeField(
        _("review by"), help_text=_("End of day in the reviewer's time zone.")
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=AssignmentState.choices,
        default=AssignmentState.INVITED,
        protected=True,
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    comments = models.TextField(
        _("comments for the editors"), blank=True, help_text=_("Seen by editors.")
    )
    closing_note = models.TextField(
        _("closing note"),
        blank=True,
        help_text=_("Why the assignment was declined, withdrawn or closed."),
    )
    reviewed_content = models.JSONField(
        _("content decided on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "The article as it stood when the reviewer decided, so later comparisons "
            "show exactly what changed since."
        ),
    )

    objects = ReviewAssignmentQuerySet.as_manager()
    # The frozen content is written once, with the decision; history need not copy it.
    history = HistoricalRecords(excluded_fields=["reviewed_content"])

    class Meta:
        ordering = ["-invited_at"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reviewer", "round"],
                name="assignment_unique_reviewer_per_round",
                violation_error_message=_(
                    "This member is already assigned to this round of the article."
                ),
            )
        ]

    def __str__(self) -> str:
        return _("%(reviewer)s on “%(article)s” (round %(round)s)") % {
            "reviewer": self.reviewer,
            "article": self.article,
            "round": self.round,
        }

    def clean(self):
        if self.reviewer_id is None or self.article_id is None:
            return
        reviewer, article = self.reviewer, self.article
        if reviewer.user_id is None:
            raise ValidationError(
                {
                    "reviewer": _(
                        "%(member)s has no user account and cannot sign in to review. "
                        "Link an account on their board profile first."
                    )
                    % {"member": reviewer}
                }
            )
        if not reviewer.is_active:
            raise ValidationError(
                {
                    "reviewer": _("%(member)s is not an active board member.")
                    % {"member": reviewer}
                }
            )
        if reviewer.user_id == article.author_id:
            raise ValidationError(
                {
                    "reviewer": _(
                        "%(member)s wrote this article and cannot review it: nobody "
                        "approves their own work."
                    )
                    % {"member": reviewer}
                }
            )
        conflict = ReviewerConflict.objects.filter(
            article_id=article.pk, member_id=reviewer.pk
        ).first()
        if conflict is not None:
            raise ValidationError(
                {
                    "reviewer": _(
                        "%(member)s has a recorded conflict of interest with this "
                        "article (“%(note)s”). Choose another reviewer."
                    )
                    % {"member": reviewer, "note": conflict.note}
                }
            )

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    @property
    def is_overdue(self) -> bool:
        now = timezone.now()
        if self.state == AssignmentState.INVITED:
            return now > self.respond_by
        if self.state == AssignmentState.ACCEPTED:
            return now > self.review_by
        return False

    @property
    def awaits_decision(self) -> bool:
        """Accepted, in the article's current round, while the article is in review:
        the reviewer may approve or request changes now."""
        return (
            self.state == AssignmentState.ACCEPTED
            and self.round == self.article.review_round
            and self.article.status == ArticleStatus.UNDER_REVIEW
        )

    @property
    def awaits_review_opening(self) -> bool:
        """Accepted early: the article is still Submitted for this round, so the
        reviewer can read the draft but decide only once the editors open the
        review."""
        return (
            self.state == AssignmentState.ACCEPTED
            and self.round == self.article.review_round
            and self.article.status == ArticleStatus.SUBMITTED
        )

    @property
    def shows_working_copy(self) -> bool:
        """Reviewers read the unpublished draft while they are asked to (invited,
        accepted) or once they decided on it; a reviewer who declined, was withdrawn,
        let the invitation expire or whose round closed no longer does."""
        return self.article.published or self.state in (
            *LIVE_STATES,
            AssignmentState.COMPLETED,
        )

    @property
    def is_due_today(self) -> bool:
        """Due before the end of today, as the reviewer's own calendar counts days."""
        due = self.due_at
        if due is None or self.is_overdue:
            return False
        zone = self.reviewer.zone
        return due.astimezone(zone).date() == timezone.now().astimezone(zone).date()

    @property
    def due_at(self) -> datetime.datetime | None:
        """The next date the reviewer must meet."""
        if self.state == AssignmentState.INVITED:
            return self.respond_by
        if self.state == AssignmentState.ACCEPTED:
            return self.review_by
        return None

    @transition(
        field=state,
        source=AssignmentState.INVITED,
        target="accepted",
        custom={"label": "accept", "actor": "the reviewer"},
    )
    def accept(self) -> None:
        self.responded_at = timezone.now()

    @transition(
        field=state,
        source=AssignmentState.INVITED,
        target="declined",
        custom={"label": "decline", "actor": "the reviewer"},
    )
    def decline(self, note: str = "") -> None:
        self.responded_at = timezone.now()
        self.closing_note = note

    @transition(
        field=state,
        source=AssignmentState.ACCEPTED,
        target="completed",
        custom={"label": "decide", "actor": "the reviewer: approve or request changes"},
    )
    def complete(
        self, recommendation: str, comments: str, reviewed_content: dict
    ) -> None:
        self.reviewed_content = reviewed_content
        self.recommendation = recommendation
        self.comments = comments
        self.completed_at = timezone.now()

    @transition(
        field=state,
        source=AssignmentState.INVITED,
        target="expired",
        custom={"label": "expire", "actor": "no answer by the respond-by date"},
    )
    def expire(self) -> None:
        self.closing_note = _("no answer before the respond-by date")

    @transition(
        field=state,
        source=list(LIVE_STATES),
        target="withdrawn",
        custom={"label": "withdraw", "actor": "an editor, or a recorded conflict"},
    )
    def withdraw(self, note: str) -> None:
        self.closing_note = note

    @transition(
        field=state,
        source=list(LIVE_STATES),
        target="cancelled",
        custom={"label": "close", "actor": "the round ended"},
    )
    def cancel(self, note: str) -> None:
        self.closing_note = note


class ReviewRound(models.Model):
    """The content a round of review was opened on, frozen.

    Any content edit closes the round, so every reviewer of the round read this;
    reviewers of a later round are shown what changed since.
    """

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="review_rounds",
        verbose_name=_("article"),
    )
    number = models.PositiveIntegerField(_("round"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    content = models.JSONField(_("content under review"))

    class Meta:
        ordering = ["article", "number"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="review_round_unique_per_article"
            )
        ]

    def __str__(self) -> str:
        return _("Round %(number)s of “%(article)s”") % {
            "number": self.number,
            "article": self.article,
        }


class ReviewerConflict(models.Model):
    """A conflict of interest an editor recorded between a member and an article."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="reviewer_conflicts",
        verbose_name=_("article"),
    )
    member = models.ForeignKey(
        AdvisoryBoardMember,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("board member"),
    )
    note = models.CharField(_("nature of the conflict"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reviewer conflict")
        verbose_name_plural = _("reviewer conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "member"], name="conflict_unique_member_per_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} ↔ {self.article}: {self.note}"


class ReminderStep(models.TextChoices):
    INVITATION_FIRST = "invitation_first", _("Invitation reminder")
    INVITATION_SECOND = "invitation_second", _("Second invitation reminder")
    INVITATION_EXPIRY = "invitation_expiry", _("Invitation expiry")
    REVIEW_EARLY = "review_early", _("Review due soon")
    REVIEW_SOON = "review_soon", _("Review due in two days")
    REVIEW_LATE = "review_late", _("Review overdue")
    REVIEW_ESCALATION = "review_escalation", _("Overdue review escalated")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")
    SKIPPED = "skipped", _("Skipped")


class Reminder(models.Model):
    """One planned reminder of an assignment.

    Rows are written when the assignment is created, accepted, given new dates or
    closed (``editorial.reminders.reminders_plan``); the sweep sends the due ones. The
    unique constraint makes a second copy of a step for the same deadline impossible,
    so no reminder can go out twice.
    """

    assignment = models.ForeignKey(
        ReviewAssignment,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("assignment"),
    )
    step = models.CharField(_("step"), max_length=30, choices=ReminderStep.choices)
    deadline = models.DateTimeField(
        _("deadline"), help_text=_("The assignment date this step counts from.")
    )
    planned_at = models.DateTimeField(_("planned for"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ReminderStatus.choices,
        default=ReminderStatus.PENDING,
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    email = models.ForeignKey(
        "OutboundEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("email"),
        help_text=_("The reminder email this reminder went out in."),
    )

    class Meta:
        ordering = ["planned_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "step", "deadline"],
                name="reminder_unique_step_per_deadline",
            )
        ]
        indexes = [models.Index(fields=["status", "planned_at"])]

    def __str__(self) -> str:
        return f"{self.get_step_display()} — {self.planned_at:%Y-%m-%d %H:%M}"


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundEmail(models.Model):
    """An email written in the same transaction as the change it reports.

    The row is the promise that the email goes out: a Celery task sends it after the
    commit, and if the broker was down the outbox sweep sends it later. A sender
    claims the row (pending → sending) in a short transaction, sends, then marks it
    sent, so a crash repeats at most that one message. ``dedupe_key`` refuses a second
    email for the same event.
    """

    dedupe_key = models.CharField(_("event key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    to_address = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EmailStatus.choices,
        default=EmailStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"),
        null=True,
        blank=True,
        help_text=_("A waiting email is not sent before this moment (back-off)."),
    )
    claimed_until = models.DateTimeField(
        _("claimed until"),
        null=True,
        blank=True,
        help_text=_(
            "An email being sent whose sender died is sent again after this moment."
        ),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_address}"


class QuestionStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered by an article")
    DECLINED = "declined", _("Declined")


class FollowUpQuestion(models.Model):
    """A reader's question left on an article page: editorial intake.

    Editors answer it by linking an article (an existing one, or a new Submitted
    article made from the question); a reader who left an email is told once that
    article is approved. The client's address is kept only as a keyed hash, to limit
    how many questions one client sends.
    """

    QUESTION_MAX_LENGTH = 2000

    asked_on = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_questions",
        verbose_name=_("asked on"),
    )
    question = models.TextField(_("question"), max_length=QUESTION_MAX_LENGTH)
    email = models.EmailField(_("reader's email"), blank=True)
    consent = models.BooleanField(_("consent given"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=QuestionStatus.choices,
        default=QuestionStatus.NEW,
    )
    answer = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_questions",
        verbose_name=_("answered by"),
    )
    editor_note = models.TextField(_("editor's note"), blank=True)
    client_hash = models.CharField(_("client"), max_length=64, editable=False)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    reader_told_at = models.DateTimeField(
        _("reader told"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("follow-up question")
        verbose_name_plural = _("follow-up questions")
        indexes = [models.Index(fields=["client_hash", "asked_at"])]

    def __str__(self) -> str:
        return self.question[:80]

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from articles.models import Article
from config.fsm import WorkflowModelMixin
from reviewers.models import AdvisoryBoardMember


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
        related_name="+",
        verbose_name=_("invited by"),
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

    objects = ReviewAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

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
    def due_at(self) -> datetime.datetime | None:
        """The next date the reviewer must meet."""
        if self.state == AssignmentState.INVITED:
            return self.respond_by
        if self.state == AssignmentState.ACCEPTED:
            return self.review_by
        return None

    @transition(field=state, source=AssignmentState.INVITED, target="accepted")
    def accept(self) -> None:
        self.responded_at = timezone.now()

    @transition(field=state, source=AssignmentState.INVITED, target="declined")
    def decline(self, note: str = "") -> None:
        self.responded_at = timezone.now()
        self.closing_note = note

    @transition(field=state, source=AssignmentState.ACCEPTED, target="completed")
    def complete(self, recommendation: str, comments: str) -> None:
        self.recommendation = recommendation
        self.comments = comments
        self.completed_at = timezone.now()

    @transition(field=state, source=list(LIVE_STATES), target="withdrawn")
    def withdraw(self, note: str) -> None:
        self.closing_note = note

    @transition(field=state, source=list(LIVE_STATES), target="cancelled")
    def cancel(self, note: str) -> None:
        self.closing_note = note


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

"""The editorial workflow's actions: the one place where review states change.

Admin views, the reviewer desk, Celery tasks and the shell all call these functions, so
each rule is checked once, on the server, whoever asks. Every action locks the article
row (``SELECT … FOR UPDATE``) before reading the state it depends on, so two decisions
arriving together are applied one after the other; it records the acting user and a
reason in history, and queues notifications only after the transaction commits.
"""

import calendar
import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from articles.models import Article, ArticleStatus
from articles.services import approved_version_create
from editorial import notifications
from editorial.models import (
    LIVE_STATES,
    AssignmentState,
    Recommendation,
    ReviewAssignment,
    ReviewerConflict,
    end_of_day,
)
from editorial.reminders import reminders_plan
from reviewers.models import AdvisoryBoardMember

logger = logging.getLogger(__name__)


class WorkflowError(Exception):
    """A refused action; the message says why and what to do instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _locked_article(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _locked_assignment(assignment: ReviewAssignment) -> ReviewAssignment:
    return ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)


def _save(instance, *, user, reason: str) -> None:
    if user is not None:
        instance._history_user = user
    instance._change_reason = reason
    instance.save()


def _save_assignment(assignment: ReviewAssignment, *, user, reason: str) -> None:
    """Save an assignment change and re-plan its reminders in the same transaction."""
    _save(assignment, user=user, reason=reason)
    reminders_plan(assignment=assignment)


def _require_editor(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise WorkflowError(_("Only editors may do this."))


def default_due_dates(
    *, reviewer: AdvisoryBoardMember, invited_at: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """Respond-by and review-by dates: end of day in the reviewer's time zone."""
    local_day = invited_at.astimezone(reviewer.zone).date()
    respond_by = end_of_day(
        local_day + datetime.timedelta(days=settings.MEDREVIEW_RESPOND_WITHIN_DAYS),
        reviewer.zone,
    )
    review_by = end_of_day(
        local_day + datetime.timedelta(days=settings.MEDREVIEW_REVIEW_WITHIN_DAYS),
        reviewer.zone,
    )
    return respond_by, review_by


# Assignments -----------------------------------------------------------------------


def assignment_create(
    *,
    article: Article,
    reviewer: AdvisoryBoardMember,
    invited_by: AbstractBaseUser,
    respond_by: datetime.datetime | None = None,
    review_by: datetime.datetime | None = None,
    reason: str = "",
) -> ReviewAssignment:
    """Invite a board member to review the article's current round."""
    _require_editor(invited_by, "editorial.add_reviewassignment")
    with transaction.atomic():
        article = _locked_article(article)
        if article.status == ArticleStatus.APPROVED:
            raise WorkflowError(
                _(
                    "“%(article)s” is approved. Reopen it for review before inviting "
                    "reviewers."
                )
                % {"article": article}
            )
        return _invite(
            article=article,
            reviewer=reviewer,
            invited_by=invited_by,
            respond_by=respond_by,
            review_by=review_by,
            reason=reason or _("invited by %(user)s") % {"user": invited_by},
        )


def _invite(
    *,
    article: Article,
    reviewer: AdvisoryBoardMember,
    invited_by: AbstractBaseUser | None,
    reason: str,
    respond_by: datetime.datetime | None = None,
    review_by: datetime.datetime | None = None,
) -> ReviewAssignment:
    now = timezone.now()
    default_respond_by, default_review_by = default_due_dates(
        reviewer=reviewer, invited_at=now
    )
    assignment = ReviewAssignment(
        article=article,
        reviewer=reviewer,
        round=article.review_round,
        invited_by=invited_by,
        invited_at=now,
        respond_by=respond_by or default_respond_by,
        review_by=review_by or default_review_by,
    )
    try:
        assignment.full_clean()
    except ValidationError as error:
        raise WorkflowError(" ".join(error.messages)) from error
    _save_assignment(assignment, user=invited_by, reason=reason)
    notifications.assignment_created(assignment)
    return assignment


def _reviewer_assignment(
    assignment: ReviewAssignment, user: AbstractBaseUser
) -> ReviewAssignment:
    assignment = _locked_assignment(assignment)
    if not user.is_authenticated or assignment.reviewer.user_id != user.pk:
        raise WorkflowError(
            _("This review is assigned to another member; you cannot act on it.")
        )
    return assignment


def _require_invited(assignment: ReviewAssignment) -> None:
    if assignment.state == AssignmentState.INVITED:
        return
    if assignment.state in (AssignmentState.ACCEPTED, AssignmentState.DECLINED):
        raise WorkflowError(
            _("You already answered this invitation (%(state)s).")
            % {"state": assignment.get_state_display().lower()}
        )
    raise WorkflowError(
        _("This invitation is no longer open (%(state)s).")
        % {"state": assignment.get_state_display().lower()}
    )


def assignment_accept(
    *, assignment: ReviewAssignment, user: AbstractBaseUser
) -> ReviewAssignment:
    with transaction.atomic():
        _locked_article(assignment.article)
        assignment = _reviewer_assignment(assignment, user)
        _require_invited(assignment)
        assignment.accept()
        _save_assignment(
            assignment, user=user, reason=_("accepted by %(user)s") % {"user": user}
        )
        notifications.assignment_answered(assignment)
    return assignment


def assignment_decline(
    *, assignment: ReviewAssignment, user: AbstractBaseUser, note: str = ""
) -> ReviewAssignment:
    with transaction.atomic():
        article = _locked_article(assignment.article)
        assignment = _reviewer_assignment(assignment, user)
        _require_invited(assignment)
        assignment.decline(note=note)
        _save_assignment(
            assignment, user=user, reason=_("declined by %(user)s") % {"user": user}
        )
        notifications.assignment_answered(assignment)
        _approve_if_enough_after_leaving(article, assignment, user)
    return assignment


def assignment_withdraw(
    *, assignment: ReviewAssignment, user: AbstractBaseUser, note: str
) -> ReviewAssignment:
    """An editor takes a reviewer off an article."""
    _require_editor(user, "editorial.change_reviewassignment")
    if not note.strip():
        raise WorkflowError(_("Say why the reviewer is withdrawn."))
    with transaction.atomic():
        article = _locked_article(assignment.article)
        assignment = _locked_assignment(assignment)
        if not assignment.is_live:
            raise WorkflowError(
                _("This assignment is already closed (%(state)s).")
                % {"state": assignment.get_state_display().lower()}
            )
        assignment.withdraw(note=note)
        _save_assignment(
            assignment,
            user=user,
            reason=_("withdrawn by %(user)s: %(note)s") % {"user": user, "note": note},
        )
        _approve_if_enough_after_leaving(article, assignment, user)
    return assignment


def conflict_record(
    *, article: Article, member: AdvisoryBoardMember, user: AbstractBaseUser, note: str
) -> ReviewerConflict:
    """Record a conflict; a live assignment of that member on the article is
    withdrawn."""
    _require_editor(user, "editorial.add_reviewerconflict")
    with transaction.atomic():
        conflict = ReviewerConflict(
            article=article, member=member, note=note, recorded_by=user
        )
        try:
            conflict.full_clean()
        except ValidationError as error:
            raise WorkflowError(" ".join(error.messages)) from error
        _save(conflict, user=user, reason=_("conflict recorded"))
        for assignment in article.review_assignments.live().filter(reviewer=member):
            assignment_withdraw(
                assignment=assignment,
                user=user,
                note=_("conflict of interest: %(note)s") % {"note": note},
            )
    return conflict


def close_round(
    *, article: Article, round_number: int, user: AbstractBaseUser | None, note: str
) -> list[ReviewAssignment]:
    """Close the live assignments of a round that has ended.

    Its own transaction too: an article saved outside one (a shell, a task) closes
    the round through a signal, and the row locks need a transaction.
    """
    closed = []
    with transaction.atomic():
        assignments = ReviewAssignment.objects.select_for_update().filter(
            article=article, round=round_number, state__in=LIVE_STATES
        )
        for assignment in assignments:
            assignment.cancel(note=note)
            _save_assignment(assignment, user=user, reason=note)
            closed.append(assignment)
    return closed


# Article transitions ---------------------------------------------------------------


def _reinvite_previous_round(
    article: Article, user: AbstractBaseUser | None
) -> list[ReviewAssignment]:
    """Invite the previous round's reviewers again: those who did not decline and
    were not withdrawn, and who may still review (a member who left the board, lost
    their account or has a conflict recorded since is passed over)."""
    previous = ReviewAssignment.objects.filter(
        article=article,
        round=article.review_round - 1,
        state__in=(
            AssignmentState.INVITED,
            AssignmentState.ACCEPTED,
            AssignmentState.COMPLETED,
            AssignmentState.CANCELLED,
        ),
    ).select_related("reviewer")
    current = set(
        article.review_assignments.filter(round=article.review_round).values_list(
            "reviewer_id", flat=True
        )
    )
    invited = []
    for assignment in previous:
        if assignment.reviewer_id in current:
            continue
        current.add(assignment.reviewer_id)
        try:
            invited.append(
                _invite(
                    article=article,
                    reviewer=assignment.reviewer,
                    invited_by=user,
                    reason=_("invited again for round %(round)s")
                    % {"round": article.review_round},
                )
            )
        except WorkflowError as refusal:
            logger.info(
                "Not inviting %s again to %s: %s",
                assignment.reviewer,
                article,
                refusal.message,
            )
    return invited


def _may_take(transition_method, user) -> bool:
    """The transition's permission alone: ``has_transition_perm`` also checks the
    conditions, which would turn "assign a reviewer first" into "not allowed"."""
    meta = transition_method._django_fsm
    instance = transition_method.__self__
    return meta.has_transition_perm(instance, meta.field.get_state(instance), user)


def review_start(*, article: Article, user: AbstractBaseUser) -> Article:
    """Submitted → Under Review. After a round closed, the same reviewers are invited
    again unless the editor already invited others for the new round."""
    with transaction.atomic():
        article = _locked_article(article)
        if article.status != ArticleStatus.SUBMITTED:
            raise WorkflowError(
                _(
                    "“%(article)s” is %(status)s; only a submitted article can be sent "
                    "to review."
                )
                % {"article": article, "status": article.get_status_display()}
            )
        if not _may_take(article.start_review, user):
            raise WorkflowError(_("Only editors may send an article to review."))
        if not article.live_assignments().exists():
            if article.review_round == 1 or not article.reviewers_to_invite_exist():
                raise WorkflowError(
                    _("Assign at least one reviewer before starting the review.")
                )
            if not _reinvite_previous_round(article, user):
                raise WorkflowError(
                    _(
                        "None of the previous round's reviewers can review again; "
                        "assign at least one reviewer before starting the review."
                    )
                )
        article.start_review()
        _save(
            article,
            user=user,
            reason=_("review round %(round)s started by %(user)s")
            % {"round": article.review_round, "user": user},
        )
    return article


def article_reopen(*, article: Article, user: AbstractBaseUser, reason: str) -> Article:
    """Approved → Under Review, for a new round with the last reviewers; readers keep
    the approved version meanwhile."""
    if not reason.strip():
        raise WorkflowError(_("Say why the article is reopened."))
    with transaction.atomic():
        article = _locked_article(article)
        if article.status != ArticleStatus.APPROVED:
            raise WorkflowError(_("Only an approved article can be reopened."))
        if not has_transition_perm(article.reopen, user):
            raise WorkflowError(_("Only editors may reopen an article."))
        _reinvite_previous_round(article, user)
        if not article.live_assignments().exists():
            raise WorkflowError(
                _("No earlier reviewer can be invited again; assign reviewers first.")
            )
        article.reopen(reason=reason)
        _save(
            article,
            user=user,
            reason=_("reopened by %(user)s: %(reason)s")
            % {"user": user, "reason": reason},
        )
    return article


def review_decide(
    *,
    assignment: ReviewAssignment,
    user: AbstractBaseUser,
    recommendation: str,
    comments: str = "",
    seen_last_updated: datetime.datetime | None = None,
) -> ReviewAssignment:
    """A reviewer's decision. Request changes closes the round and returns the article
    to Submitted; approve completes the assignment and approves the article when the
    last needed approval arrives."""
    if recommendation not in Recommendation.values:
        raise WorkflowError(_("Choose approve or request changes."))
    if recommendation == Recommendation.REQUEST_CHANGES and not comments.strip():
        raise WorkflowError(_("Tell the editors what to change: a comment is needed."))
    with transaction.atomic():
        article = _locked_article(assignment.article)
        assignment = _reviewer_assignment(assignment, user)
        if article.author_id == user.pk:
            raise WorkflowError(
                _(
                    "You are the author of this article and cannot decide on it: "
                    "nobody approves their own work."
                )
            )
        if assignment.state == AssignmentState.COMPLETED:
            raise WorkflowError(
                _("Your decision on this round was already recorded (%(decision)s).")
                % {"decision": assignment.get_recommendation_display().lower()}
            )
        # Checked before the round: an edit also closes the round, and "it changed"
        # tells the reviewer why.
        if seen_last_updated is not None and seen_last_updated != article.last_updated:
            raise WorkflowError(
                _(
                    "The article changed after you opened it. Nothing was recorded: "
                    "read the current version first."
                )
            )
        if assignment.state == AssignmentState.INVITED:
            raise WorkflowError(_("Accept the invitation before you decide."))
        if assignment.state != AssignmentState.ACCEPTED:
            raise WorkflowError(
                _("This review is %(state)s; there is nothing to decide.")
                % {"state": assignment.get_state_display().lower()}
            )
        if (
            article.status != ArticleStatus.UNDER_REVIEW
            or assignment.round != article.review_round
        ):
            raise WorkflowError(_("This round of review is closed."))
        assignment.complete(recommendation=recommendation, comments=comments)
        if recommendation == Recommendation.REQUEST_CHANGES:
            _save_assignment(
                assignment,
                user=user,
                reason=_("changes requested by %(user)s: %(comments)s")
                % {"user": user, "comments": comments},
            )
            closing_round = article.review_round
            article.request_changes()
            _save(
                article,
                user=user,
                reason=_("changes requested by %(user)s: %(comments)s")
                % {"user": user, "comments": comments},
            )
            close_round(
                article=article,
                round_number=closing_round,
                user=user,
                note=_("round closed: changes requested by %(user)s") % {"user": user},
            )
            notifications.changes_requested(assignment)
        else:
            _save_assignment(
                assignment, user=user, reason=_("approved by %(user)s") % {"user": user}
            )
            notifications.reviewer_approved(assignment)
            _approve_if_enough(article, assignment.round, user)
    return assignment


def approvals_needed(*, article: Article, round_number: int) -> int:
    if article.required_approvals:
        return article.required_approvals
    in_round = ReviewAssignment.objects.filter(
        article=article,
        round=round_number,
        state__in=(*LIVE_STATES, AssignmentState.COMPLETED),
    ).count()
    return max(in_round, 1)


def _approve_if_enough(article: Article, round_number: int, user) -> None:
    approvals = list(
        ReviewAssignment.objects.filter(
            article=article,
            round=round_number,
            state=AssignmentState.COMPLETED,
            recommendation=Recommendation.APPROVE,
        )
        .select_related("reviewer")
        .order_by("completed_at")
    )
    if len(approvals) < approvals_needed(article=article, round_number=round_number):
        return
    approvers = [assignment.reviewer for assignment in approvals]
    approved_at = timezone.now()
    article.approve()
    article.next_review_due = add_months(
        approved_at.date(),
        article.review_interval_months or settings.MEDREVIEW_REREVIEW_MONTHS,
    )
    _save(
        article,
        user=user,
        reason=_("approved by %(names)s")
        % {"names": ", ".join(member.name_with_credentials for member in approvers)},
    )
    version = approved_version_create(
        article=article, approvers=_public_names(approvers), approved_at=approved_at
    )
    close_round(
        article=article,
        round_number=round_number,
        user=user,
        note=_("round closed: article approved"),
    )
    notifications.article_approved(article, version)


def _approve_if_enough_after_leaving(
    article: Article, assignment: ReviewAssignment, user
) -> None:
    """A reviewer left the round (declined, withdrawn, expired): fewer approvals may
    now be needed, and those already given may be enough."""
    if (
        article.status == ArticleStatus.UNDER_REVIEW
        and assignment.round == article.review_round
    ):
        _approve_if_enough(article, assignment.round, user)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _public_names(members: Iterable[AdvisoryBoardMember]) -> list[dict[str, str]]:
    return [
        {
            "name": member.display_name,
            "credentials": member.credentials,
            "slug": member.slug,
            "member_id": member.pk,
        }
        for member in members
    ]


def article_transition(
    *, article: Article, name: str, user: AbstractBaseUser, **arguments
) -> Article:
    """Run an article transition by name (the admin's transition buttons)."""
    actions = {
        "start_review": lambda: review_start(article=article, user=user),
        "reopen": lambda: article_reopen(
            article=article, user=user, reason=arguments.get("reason", "")
        ),
    }
    if name not in actions:
        raise WorkflowError(
            _("“%(name)s” is taken at the reviewer desk, not here.") % {"name": name}
        )
    return actions[name]()


# Deadlines, expiry, pauses and periodic re-review ------------------------------------


def assignment_set_due_dates(
    *,
    assignment: ReviewAssignment,
    user: AbstractBaseUser,
    respond_by: datetime.datetime,
    review_by: datetime.datetime,
) -> ReviewAssignment:
    """An editor moves an assignment's deadlines; its reminders are re-planned."""
    _require_editor(user, "editorial.change_reviewassignment")
    with transaction.atomic():
        _locked_article(assignment.article)
        assignment = _locked_assignment(assignment)
        if not assignment.is_live:
            raise WorkflowError(
                _("This assignment is closed (%(state)s); its dates cannot change.")
                % {"state": assignment.get_state_display().lower()}
            )
        if review_by < respond_by:
            raise WorkflowError(_("The review-by date must not be before respond-by."))
        assignment.respond_by = respond_by
        assignment.review_by = review_by
        _save_assignment(
            assignment,
            user=user,
            reason=_("due dates changed by %(user)s") % {"user": user},
        )
    return assignment


def assignment_expire(*, assignment: ReviewAssignment) -> ReviewAssignment | None:
    """No answer by the respond-by date: the invitation expires, editors are told."""
    with transaction.atomic():
        article = _locked_article(assignment.article)
        assignment = _locked_assignment(assignment)
        if assignment.state != AssignmentState.INVITED:
            return None
        assignment.expire()
        _save_assignment(
            assignment, user=None, reason=_("invitation expired without an answer")
        )
        notifications.assignment_expired(assignment)
        _approve_if_enough_after_leaving(article, assignment, None)
    return assignment


def reviewer_set_reminders_paused(
    *, member: AdvisoryBoardMember, user: AbstractBaseUser, paused: bool
) -> AdvisoryBoardMember:
    """A reviewer pauses or resumes their reminders; editors are told."""
    if member.user_id != user.pk:
        raise WorkflowError(_("Members pause their own reminders only."))
    with transaction.atomic():
        member = AdvisoryBoardMember.objects.select_for_update().get(pk=member.pk)
        if member.reminders_paused == paused:
            return member
        member.reminders_paused = paused
        _save(
            member,
            user=user,
            reason=_("reminders paused") if paused else _("reminders resumed"),
        )
        notifications.reminders_paused(member, paused=paused)
    return member


def rereview_start(*, article: Article) -> list[ReviewAssignment]:
    """An approved article reached its next-review date: back to review with its
    last reviewers; readers keep the approved version meanwhile."""
    with transaction.atomic():
        article = _locked_article(article)
        if article.status != ArticleStatus.APPROVED:
            return []
        invited = _reinvite_previous_round(article, None)
        if not invited:
            article.next_review_due = None
            _save(article, user=None, reason=_("re-review due: no reviewer to invite"))
            notifications.rereview_started(article, [])
            return []
        article.reopen(reason=_("periodic re-review"))
        article.next_review_due = None
        _save(article, user=None, reason=_("periodic re-review started"))
        notifications.rereview_started(article, invited)
    return invited


def rereviews_start_due(*, today: datetime.date | None = None) -> list[Article]:
    """Start the re-review of every approved article whose date has come."""
    today = today or timezone.localdate()
    due = Article.objects.filter(
        status=ArticleStatus.APPROVED, next_review_due__lte=today
    ).order_by("next_review_due")
    started = []
    for article in due:
        # One article's failure must not hold back the others due the same day.
        try:
            rereview_start(article=article)
        except Exception:
            logger.exception("Periodic re-review of %s could not start", article)
            continue
        started.append(article)
    return started

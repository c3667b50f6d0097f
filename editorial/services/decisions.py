"""A reviewer's decision: approve or request changes."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from articles.models import ArticleStatus
from articles.selectors import article_content
from editorial import notifications
from editorial.models import AssignmentState, Recommendation, ReviewAssignment
from editorial.services.assignments import reviewer_assignment
from editorial.services.common import (
    WorkflowError,
    locked_article,
    save_assignment,
    save_with_history,
)
from editorial.services.rounds import approve_if_enough, close_round


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
        article = locked_article(assignment.article)
        assignment = reviewer_assignment(assignment, user)
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
        assignment.complete(
            recommendation=recommendation,
            comments=comments,
            reviewed_content=article_content(article=article),
        )
        if recommendation == Recommendation.REQUEST_CHANGES:
            save_assignment(
                assignment,
                user=user,
                reason=_("changes requested by %(user)s: %(comments)s")
                % {"user": user, "comments": comments},
            )
            closing_round = article.review_round
            article.request_changes()
            save_with_history(
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
            save_assignment(
                assignment, user=user, reason=_("approved by %(user)s") % {"user": user}
            )
            notifications.reviewer_approved(assignment)
            approve_if_enough(article, assignment.round, user)
    return assignment

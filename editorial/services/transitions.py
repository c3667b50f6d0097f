"""The editors' article transitions: start a review, reopen an approved article."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from articles.models import Article, ArticleStatus
from editorial import selectors
from editorial.models import AssignmentState, ReviewAssignment
from editorial.services.assignments import invite
from editorial.services.common import (
    WorkflowError,
    locked_article,
    require_reason_fits,
    save_with_history,
)
from editorial.services.rounds import round_freeze

logger = logging.getLogger(__name__)


def reinvite_previous_round(
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
                invite(
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
        article = locked_article(article)
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
        if not selectors.live_assignments(article=article).exists():
            if article.review_round == 1 or not selectors.reviewers_to_invite_exist(
                article
            ):
                raise WorkflowError(
                    _("Assign at least one reviewer before starting the review.")
                )
            if not reinvite_previous_round(article, user):
                raise WorkflowError(
                    _(
                        "None of the previous round's reviewers can review again; "
                        "assign at least one reviewer before starting the review."
                    )
                )
        article.start_review()
        save_with_history(
            article,
            user=user,
            reason=_("review round %(round)s started by %(user)s")
            % {"round": article.review_round, "user": user},
        )
        round_freeze(article=article)
    return article


def article_reopen(*, article: Article, user: AbstractBaseUser, reason: str) -> Article:
    """Approved → Under Review, for a new round with the last reviewers; readers keep
    the approved version meanwhile."""
    if not reason.strip():
        raise WorkflowError(_("Say why the article is reopened."))
    require_reason_fits(reason)
    with transaction.atomic():
        article = locked_article(article)
        if article.status != ArticleStatus.APPROVED:
            raise WorkflowError(_("Only an approved article can be reopened."))
        if not has_transition_perm(article.reopen, user):
            raise WorkflowError(_("Only editors may reopen an article."))
        reinvite_previous_round(article, user)
        if not selectors.live_assignments(article=article).exists():
            raise WorkflowError(
                _("No earlier reviewer can be invited again; assign reviewers first.")
            )
        article.reopen(reason=reason)
        save_with_history(
            article,
            user=user,
            reason=_("reopened by %(user)s: %(reason)s")
            % {"user": user, "reason": reason},
        )
        round_freeze(article=article)
    return article


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

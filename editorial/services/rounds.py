"""Rounds of review: closing one, counting approvals, approving the article."""

import calendar
import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ArticleStatus
from articles.selectors import article_content
from articles.services import approved_version_create
from editorial import notifications
from editorial.models import (
    LIVE_STATES,
    AssignmentState,
    Recommendation,
    ReviewAssignment,
    ReviewRound,
)
from editorial.services.common import save_assignment, save_with_history
from editorial.services.questions import questions_tell_readers
from reviewers.models import AdvisoryBoardMember


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
            save_assignment(assignment, user=user, reason=note)
            closed.append(assignment)
    return closed


def round_freeze(*, article: Article) -> ReviewRound:
    """Freeze the content the article's current round is opened on; called by every
    action that opens a round, inside its transaction."""
    review_round, _created = ReviewRound.objects.update_or_create(
        article=article,
        number=article.review_round,
        defaults={
            "opened_at": timezone.now(),
            "content": article_content(article=article),
        },
    )
    return review_round


def approvals_needed(*, article: Article, round_number: int) -> int:
    if article.required_approvals:
        return article.required_approvals
    in_round = ReviewAssignment.objects.filter(
        article=article,
        round=round_number,
        state__in=(*LIVE_STATES, AssignmentState.COMPLETED),
    ).count()
    return max(in_round, 1)


def approve_if_enough(article: Article, round_number: int, user) -> None:
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
    save_with_history(
        article,
        user=user,
        reason=_("approved by %(names)s")
        % {"names": ", ".join(member.name_with_credentials for member in approvers)},
    )
    version = approved_version_create(
        article=article, approvers=public_names(approvers), approved_at=approved_at
    )
    close_round(
        article=article,
        round_number=round_number,
        user=user,
        note=_("round closed: article approved"),
    )
    notifications.article_approved(article, version)
    if article.published:
        questions_tell_readers(article=article)


def approve_if_enough_after_leaving(
    article: Article, assignment: ReviewAssignment, user
) -> None:
    """A reviewer left the round (declined, withdrawn, expired): fewer approvals may
    now be needed, and those already given may be enough."""
    if (
        article.status == ArticleStatus.UNDER_REVIEW
        and assignment.round == article.review_round
    ):
        approve_if_enough(article, assignment.round, user)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def public_names(members: Iterable[AdvisoryBoardMember]) -> list[dict[str, str]]:
    return [
        {
            "name": member.display_name,
            "credentials": member.credentials,
            "slug": member.slug,
            "member_id": member.pk,
        }
        for member in members
    ]

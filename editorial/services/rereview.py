"""Periodic re-review: approved articles go back to review on their due date."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ArticleStatus
from editorial import notifications
from editorial.models import ReviewAssignment
from editorial.services.common import locked_article, save_with_history
from editorial.services.rounds import round_freeze
from editorial.services.transitions import reinvite_previous_round

logger = logging.getLogger(__name__)


def rereview_start(*, article: Article) -> list[ReviewAssignment]:
    """An approved article reached its next-review date: back to review with its
    last reviewers; readers keep the approved version meanwhile."""
    with transaction.atomic():
        article = locked_article(article)
        if article.status != ArticleStatus.APPROVED:
            return []
        invited = reinvite_previous_round(article, None)
        if not invited:
            article.next_review_due = None
            save_with_history(
                article, user=None, reason=_("re-review due: no reviewer to invite")
            )
            notifications.rereview_started(article, [])
            return []
        article.reopen(reason=_("periodic re-review"))
        article.next_review_due = None
        save_with_history(article, user=None, reason=_("periodic re-review started"))
        round_freeze(article=article)
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

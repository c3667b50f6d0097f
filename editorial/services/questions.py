"""Readers' follow-up questions: asking, the editors' decisions, telling the reader."""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from articles.models import Article, ArticleStatus
from editorial import notifications
from editorial.models import FollowUpQuestion, QuestionStatus
from editorial.services.common import WorkflowError, require_editor, save_with_history

RATE_WINDOW = timedelta(hours=1)


def client_hash(address: str) -> str:
    """A keyed hash of the client's address: enough to count, useless to read."""
    return hmac.new(
        settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256
    ).hexdigest()


def question_ask(
    *,
    asked_on: Article | None,
    question: str,
    email: str,
    consent: bool,
    client_address: str,
) -> FollowUpQuestion:
    """Store a reader's question, at most ``MEDREVIEW_QUESTIONS_PER_HOUR`` an hour
    from one client."""
    if not consent:
        raise WorkflowError(_("Please agree to how we use your question."))
    hashed = client_hash(client_address)
    recent = FollowUpQuestion.objects.filter(
        client_hash=hashed, asked_at__gte=timezone.now() - RATE_WINDOW
    ).count()
    if recent >= settings.MEDREVIEW_QUESTIONS_PER_HOUR:
        raise WorkflowError(
            _(
                "You have sent several questions in the last hour. Please try again "
                "later; the editors read every question."
            )
        )
    follow_up = FollowUpQuestion(
        asked_on=asked_on,
        question=question.strip(),
        email=email.strip(),
        consent=consent,
        client_hash=hashed,
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


def question_link(
    *, question: FollowUpQuestion, article: Article, user: AbstractBaseUser
) -> FollowUpQuestion:
    """Answered by ``article``; the reader is told when it is approved (now, if it
    already is)."""
    require_editor(user, "editorial.change_followupquestion")
    with transaction.atomic():
        question = FollowUpQuestion.objects.select_for_update().get(pk=question.pk)
        question.status = QuestionStatus.ANSWERED
        question.answer = article
        save_with_history(
            question,
            user=user,
            reason=_("answered by “%(title)s”") % {"title": article.title},
        )
        if article.status == ArticleStatus.APPROVED and article.published:
            questions_tell_readers(article=article)
    question.refresh_from_db()
    return question


def question_article_create(
    *, question: FollowUpQuestion, user: AbstractBaseUser
) -> Article:
    """Turn the question into a new Submitted article (unpublished) answering it."""
    require_editor(user, "editorial.change_followupquestion")
    if question.status != QuestionStatus.NEW:
        raise WorkflowError(
            _("Only a new question can become an article; this one is %(status)s.")
            % {"status": question.get_status_display().lower()}
        )
    # Imported here: revisions imports rounds, which tells readers through this module.
    from editorial.services.revisions import article_create

    with transaction.atomic():
        article = article_create(
            article=Article(
                title=Truncator(" ".join(question.question.split())).chars(
                    Article._meta.get_field("title").max_length
                ),
                author=user,
            ),
            user=user,
        )
        question_link(question=question, article=article, user=user)
    return article


def question_decline(
    *, question: FollowUpQuestion, user: AbstractBaseUser, note: str = ""
) -> FollowUpQuestion:
    require_editor(user, "editorial.change_followupquestion")
    with transaction.atomic():
        question = FollowUpQuestion.objects.select_for_update().get(pk=question.pk)
        question.status = QuestionStatus.DECLINED
        question.answer = None
        if note:
            question.editor_note = note
        save_with_history(question, user=user, reason=_("declined"))
    return question


def questions_tell_readers(*, article: Article) -> int:
    """Email each reader whose question ``article`` answers, once, after commit."""
    waiting = FollowUpQuestion.objects.select_for_update().filter(
        answer=article,
        status=QuestionStatus.ANSWERED,
        reader_told_at__isnull=True,
    )
    told = 0
    for question in waiting.exclude(email=""):
        notifications.question_answered(question, article)
        question.reader_told_at = timezone.now()
        question.save(update_fields=["reader_told_at"])
        told += 1
    return told

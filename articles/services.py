"""Writes on article content that are more than a model save."""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from articles import diffing
from articles.models import ApprovedVersion, Article, Section
from articles.selectors import article_content, article_content_as_of


def approved_version_create(
    *,
    article: Article,
    approvers: list[dict[str, Any]],
    approved_at: datetime.datetime,
) -> ApprovedVersion:
    """Freeze the article as approved: content, numbering, references, approvers."""
    latest = article.approved_versions.order_by("-number").first()
    return ApprovedVersion.objects.create(
        article=article,
        number=(latest.number + 1) if latest else 1,
        review_round=article.review_round - 1,
        approved_at=approved_at,
        content=article_content(article=article),
        approvers=approvers,
    )


def article_restore(
    *, article: Article, moment: datetime.datetime, user: AbstractBaseUser
) -> Article:
    """Make the working copy what it was at ``moment``.

    The restore is itself an edit: it is recorded in history with the user and the
    date restored, and a reviewed article goes back to Submitted for review.
    """
    if not user.has_perm("articles.restore_article_version"):
        raise ValidationError(_("Only editors may restore an earlier version."))
    date = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    try:
        past = article_content_as_of(article=article, moment=moment)
    except Article.DoesNotExist as error:
        raise ValidationError(
            _("The article did not exist yet on %(date)s.") % {"date": date}
        ) from error
    if not diffing.compare(article_content(article=article), past).has_changes:
        raise ValidationError(
            _("The working copy is already the version of %(date)s.") % {"date": date}
        )
    reason = _("restored the version of %(date)s") % {"date": date}
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        for name in Article.CONTENT_FIELDS:
            setattr(article, name, past[name])
        article._history_user = user
        # Revised here rather than by the save, so the history row keeps the
        # restore as its reason.
        if article.needs_revision_on_edit:
            article.revise()
        article._change_reason = reason
        article.save()
        current = {section.pk: section for section in article.sections.all()}
        kept = set()
        for data in past["sections"]:
            section = current.get(data["id"]) or Section(article=article)
            for name in ("order", "kind", "heading", "body"):
                setattr(section, name, data[name])
            section.full_clean(exclude=["article"])
            section._history_user = user
            section._change_reason = reason
            section.save()
            kept.add(section.pk)
        for pk, section in current.items():
            if pk not in kept:
                section._history_user = user
                section._change_reason = reason
                section.delete()
        article.refresh_from_db()
    return article

"""Writes on article content that are more than a model save."""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from articles.models import ApprovedVersion, Article, Section
from articles.selectors import article_content


def approved_version_create(
    *,
    article: Article,
    approvers: list[dict[str, Any]],
    approved_at: datetime.datetime,
) -> ApprovedVersion:
    """Freeze the article as approved: content, numbering, references, approvers."""
    with transaction.atomic():
        latest = article.approved_versions.order_by("-number").first()
        version = ApprovedVersion.objects.create(
            article=article,
            number=(latest.number + 1) if latest else 1,
            review_round=article.review_round - 1,
            approved_at=approved_at,
            content=article_content(article=article),
            approvers=approvers,
        )
        version.reviewers.set(
            [item["member_id"] for item in approvers if item.get("member_id")]
        )
    return version


def article_content_restore(
    *, article: Article, past: dict[str, Any], user: AbstractBaseUser, reason: str
) -> None:
    """Make the working copy's fields and sections what ``past`` holds (a content
    dictionary, see ``articles.selectors.article_content_as_of``).

    Only the content is written: what the change means for the review is decided by
    ``editorial.services.article_restore``, which calls this under the article's lock.
    """
    for name in Article.CONTENT_FIELDS:
        setattr(article, name, past[name])
    # Frozen as text; versions from before the field existed have none.
    literature = past.get("literature_reviewed_through")
    article.literature_reviewed_through = (
        datetime.date.fromisoformat(literature) if literature else None
    )
    current = {section.pk: section for section in article.sections.all()}
    kept = set()
    for data in past["sections"]:
        section = current.get(data["id"]) or Section(article=article)
        for name in ("order", "kind", "heading", "body"):
            setattr(section, name, data[name])
        # Versions from before patient versions existed have none.
        section.patient_body = data.get("patient_body", "")
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

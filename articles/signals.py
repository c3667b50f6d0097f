"""Keeps the cached article pages, and the list pages' date, current when an article
changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import page_cache
from articles.models import ApprovedVersion, Article, Section
from config import http_caching


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def expire_article_page(sender, instance: Article, **kwargs) -> None:
    """Every save of the article (content, sections, corrections of cited
    references, status, dates, publication) makes its cached pages unreachable."""
    page_cache.article_page_changed(slug=instance.slug)
    http_caching.content_changed("articles")


@receiver(post_save, sender=ApprovedVersion)
@receiver(post_delete, sender=ApprovedVersion)
@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def expire_approved_article_page(
    sender, instance: ApprovedVersion | Section, **kwargs
) -> None:
    """A new or deleted approved version, or a section saved even outside the
    editorial services (which also save the article), changes the page."""
    slug = (
        Article.objects.filter(pk=instance.article_id)
        .values_list("slug", flat=True)
        .first()
    )
    if slug is not None:  # else the article is being deleted and expires itself
        page_cache.article_page_changed(slug=slug)
        http_caching.content_changed("articles")

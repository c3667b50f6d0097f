"""Keeps the cached article pages and lists, the stored rows of the public lists, and
the list pages' date, current when an article changes."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import listing, page_cache
from articles.models import ApprovedVersion, Article, Correction, Section
from config import http_caching
from references.models import ReferenceNotice
from reviewers.models import Writer


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def expire_article_page(sender, instance: Article, **kwargs) -> None:
    """Every save of the article (content, sections, corrections of cited
    references, status, dates, publication) makes its cached pages unreachable."""
    page_cache.article_page_changed(slug=instance.slug)
    page_cache.article_lists_changed()
    http_caching.content_changed("articles")


@receiver(post_save, sender=ApprovedVersion)
@receiver(post_delete, sender=ApprovedVersion)
@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
@receiver(post_save, sender=Correction)
@receiver(post_delete, sender=Correction)
def expire_approved_article_page(
    sender, instance: ApprovedVersion | Section | Correction, **kwargs
) -> None:
    """A new or deleted approved version, a correction note, or a section saved even
    outside the editorial services (which also save the article), changes the page.
    Board member pages list the approved articles, so they change too."""
    slug = (
        Article.objects.filter(pk=instance.article_id)
        .values_list("slug", flat=True)
        .first()
    )
    if slug is not None:  # else the article is being deleted and expires itself
        page_cache.article_page_changed(slug=slug)
        page_cache.article_lists_changed()
        http_caching.content_changed("articles")
    if sender is ApprovedVersion:
        http_caching.content_changed("board")


@receiver(post_save, sender=ReferenceNotice)
@receiver(post_delete, sender=ReferenceNotice)
def expire_pages_citing(sender, instance: ReferenceNotice, **kwargs) -> None:
    """A notice on a cited work (confirmed, dismissed) is shown under the reference
    on every citing page, approved versions included."""
    citing = Article.objects.filter(
        sections__citations__reference_id=instance.reference_id
    ).values_list("slug", flat=True)
    for slug in set(citing):
        page_cache.article_page_changed(slug=slug)


@receiver(post_save, sender=Writer)
def expire_pages_of_writer(sender, instance: Writer, **kwargs) -> None:
    """Bylines are read live from the writer's profile."""
    for slug in instance.articles.values_list("slug", flat=True):
        page_cache.article_page_changed(slug=slug)


@receiver(post_save, sender=Article)
@receiver(post_save, sender=ApprovedVersion)
@receiver(post_delete, sender=ApprovedVersion)
@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def refresh_listed_article(
    sender, instance: Article | ApprovedVersion | Section, **kwargs
) -> None:
    """Whatever saved it (the editorial services, the admin, a data load), a change
    of an article's fields, status, publication, sections or approved versions is
    written to its list row in the same transaction. Deleting the article deletes
    the row with it: its sections and versions going too is no reason to rewrite
    it (which would recreate the row of an article being deleted)."""
    origin = kwargs.get("origin")
    if isinstance(origin, Article) or (
        isinstance(origin, QuerySet) and origin.model is Article
    ):
        return
    article_id = instance.pk if sender is Article else instance.article_id
    listing.refresh_listing(article_id=article_id)

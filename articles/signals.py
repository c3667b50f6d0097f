"""Keeps approved content honest when a cited reference changes in the library."""

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from articles.models import Article
from references.models import Reference


@receiver(pre_save, sender=Reference)
def note_reference_change(sender, instance: Reference, **kwargs) -> None:
    if instance.pk is None:
        instance._content_changed = False
        return
    stored = (
        Reference.objects.filter(pk=instance.pk)
        .values(*Reference.CONTENT_FIELDS)
        .first()
    )
    instance._content_changed = stored is not None and any(
        stored[name] != getattr(instance, name) for name in Reference.CONTENT_FIELDS
    )


@receiver(post_save, sender=Reference)
def revise_articles_citing(
    sender, instance: Reference, created: bool, **kwargs
) -> None:
    """A cited reference changed: the articles citing it were updated (their date
    moves, submitted ones included) and reviewed ones go back to review."""
    if created or not getattr(instance, "_content_changed", False):
        return
    citing = Article.objects.filter(sections__citations__reference=instance).distinct()
    # One transaction: closing a review round locks assignment rows.
    with transaction.atomic():
        for article in citing:
            article.touch(
                user=getattr(instance, "_history_user", None),
                reason=_("cited reference “%(title)s” edited: back to Submitted")
                % {"title": instance.title},
            )

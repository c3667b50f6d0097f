"""Reacts to article transitions taken outside the editorial services."""

from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_fsm.signals import post_transition

from articles.models import Article, ArticleStatus
from editorial.services import close_round


@receiver(post_transition, sender=Article)
def close_round_on_revision(sender, instance: Article, name: str, source, **kwargs):
    """Content edited during review: the reviewers' round is over (their assignments
    are closed); resubmitting invites them again for the next round."""
    if name != "revise" or source != ArticleStatus.UNDER_REVIEW:
        return
    close_round(
        article=instance,
        round_number=instance.review_round - 1,
        user=getattr(instance, "_history_user", None),
        note=_("round closed: the article was edited during review"),
    )

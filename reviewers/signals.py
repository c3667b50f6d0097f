"""Notes each change of the board for the board pages' ``Last-Modified``."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from config import http_caching
from reviewers.models import AdvisoryBoardMember


@receiver(post_save, sender=AdvisoryBoardMember)
@receiver(post_delete, sender=AdvisoryBoardMember)
def note_board_change(sender, instance: AdvisoryBoardMember, **kwargs) -> None:
    http_caching.content_changed("board")

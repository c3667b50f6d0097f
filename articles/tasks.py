"""Upkeep of the articles' derived data, run by Celery beat."""

from celery import shared_task

from articles import page_cache, rendering


@shared_task(acks_late=True)
def prune_prepared_texts() -> int:
    """Weekly: drop the kept renderings of texts no page shows any more. Safe to run
    twice or to stop half-way: what is deleted is only rendered again if needed."""
    return rendering.prune_prepared_texts()


@shared_task
def replace_unreplaced_generations() -> int:
    """Every minute: replace the cached page generations a change could not replace
    while the cache was away; returns how many still wait."""
    return page_cache.replace_unreplaced_generations()

"""The daily checks of cited references, run by Celery beat."""

from celery import shared_task

from references import checks


@shared_task(acks_late=True)
def check_cited_references() -> dict[str, int]:
    """Integrity (retractions, concerns, corrections), then links. Safe to run twice:
    a notice already recorded is not recorded or announced again."""
    integrity = checks.references_integrity_check()
    links = checks.references_links_check()
    return {
        "checked": integrity.checked,
        "new_notices": len(integrity.new_notices),
        "failures": len(integrity.failures),
        "broken_links": len(links.broken_links),
    }

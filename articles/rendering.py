"""Section texts rendered once, kept in the database by content.

Turning Markdown into sanitised HTML is most of the cost of an article page the page
cache does not hold (a first read after a change, a signed-in reader, a site with no
cache configured). That work depends on the text alone; only the citation numbers
depend on the article. So the HTML is kept with its markers left as slots
(``markdown.prepare``) in ``PreparedText``, under a digest of the renderer and the
text, and a page only fills in its numbers (``markdown.fill_citations``).

The digest includes a fingerprint of the renderer (this code and the versions of
markdown-it-py and nh3), so a release that renders differently reads new entries and
never an old rendering.
"""

import hashlib
import logging
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

from django.db import DatabaseError, transaction

from articles import markdown
from articles.models import ApprovedVersion, PreparedText, Section

logger = logging.getLogger(__name__)

# Renderings deleted per statement by ``prune_prepared_texts``.
PRUNE_BATCH_SIZE = 1000

RENDERER_FINGERPRINT = hashlib.sha256(
    b"\0".join(
        [
            Path(markdown.__file__).read_bytes(),
            version("markdown-it-py").encode(),
            version("nh3").encode(),
        ]
    )
).hexdigest()


def text_digest(text: str) -> str:
    return hashlib.sha256(f"{RENDERER_FINGERPRINT}\0{text}".encode()).hexdigest()


def prepared_texts(
    texts: Sequence[str], *, keep: bool = True
) -> list[markdown.PreparedText]:
    """Each text rendered, in order: read from the store in one query, and the ones
    missing rendered and (with ``keep``) stored for the next reader.

    ``keep=False`` for text that is not saved content, such as the editor's live
    preview of what is being typed, which would otherwise fill the store with every
    keystroke: rendered here, no query.
    """
    if not keep:
        return [markdown.prepare(text) for text in texts]
    digests = [text_digest(text) for text in texts]
    known = {
        row.digest: markdown.PreparedText(
            html=row.html, markers=tuple(tuple(keys) for keys in row.markers)
        )
        for row in PreparedText.objects.filter(digest__in=set(digests))
    }
    missing = {}
    for digest, text in zip(digests, texts, strict=True):
        if digest not in known and digest not in missing:
            missing[digest] = markdown.prepare(text)
    if missing:
        _keep(missing)
    known |= missing
    return [known[digest] for digest in digests]


def _keep(prepared: dict[str, markdown.PreparedText]) -> None:
    """Store new renderings for the next reader. Two readers may prepare the same
    text at once: the second insert is a no-op. Keeping is only a saving, so a
    database that refuses the write (a full disk, a read-only replica) costs the
    next reader a rendering, never this reader the page; the savepoint keeps the
    request's own transaction usable."""
    try:
        with transaction.atomic():
            PreparedText.objects.bulk_create(
                [
                    PreparedText(
                        digest=digest,
                        html=text.html,
                        markers=[list(keys) for keys in text.markers],
                    )
                    for digest, text in prepared.items()
                ],
                ignore_conflicts=True,
            )
    except DatabaseError:
        logger.warning(
            "Could not keep %d prepared section texts; they will be rendered again.",
            len(prepared),
            exc_info=True,
        )


def texts_in_use() -> set[str]:
    """The digests of every text a page can show: each section's professional and
    patient text and every approved version's."""
    digests = set()
    for body, patient_body in Section.objects.values_list("body", "patient_body"):
        digests |= {text_digest(body), text_digest(patient_body)}
    for content in ApprovedVersion.objects.values_list("content", flat=True).iterator():
        for section in content.get("sections", []):
            digests.add(text_digest(section.get("body", "")))
            digests.add(text_digest(section.get("patient_body", "")))
    return digests


def prune_prepared_texts(
    *,
    batch_size: int = PRUNE_BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Delete the kept renderings no page shows any more (texts since edited, older
    renderers); returns how many. A rendering deleted while a reader needs it is
    only rendered again."""
    in_use = texts_in_use()
    stale = [
        digest
        for digest in PreparedText.objects.values_list("digest", flat=True).iterator()
        if digest not in in_use
    ]
    for start in range(0, len(stale), batch_size):
        batch = stale[start : start + batch_size]
        PreparedText.objects.filter(digest__in=batch).delete()
        if progress:
            progress(min(start + batch_size, len(stale)), len(stale))
    return len(stale)

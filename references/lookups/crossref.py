"""Crossref REST API: a DOI's metadata and the notices that update it.

API: https://api.crossref.org/swagger-ui/index.html (``/works/{doi}`` and
``/works?filter=updates:{doi}``).
"""

import html
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.utils.html import strip_tags

from references.lookups import http
from references.lookups.drafts import ReferenceDraft, guess_kind, vancouver_name

SERVICE = "Crossref"

# Crossref's update types, grouped by what they mean for a reader.
RETRACTION_TYPES = {"retraction", "partial_retraction", "withdrawal", "removal"}
CONCERN_TYPES = {"expression_of_concern"}
CORRECTION_TYPES = {"correction", "erratum", "corrigendum", "addendum", "clarification"}


@dataclass(frozen=True)
class UpdateNotice:
    """A notice that retracts, corrects or raises concern about a cited work."""

    kind: str  # "retraction", "expression_of_concern" or "correction"
    notice_identifier: str
    date: str
    source: str


def fetch_work(doi: str) -> dict:
    url = f"{settings.MEDREVIEW_CROSSREF_URL}/works/{quote(doi, safe='/')}"
    return http.get_json(url, service=SERVICE, identifier=doi)["message"]


def draft_from_work(work: dict) -> ReferenceDraft:
    # Crossref titles carry JATS markup (<i>EGFR</i>) and HTML entities.
    title = html.unescape(strip_tags(_first(work.get("title"))))
    authors = ", ".join(
        vancouver_name(family=author.get("family", ""), given=author.get("given", ""))
        if author.get("family")
        else author.get("name", "")
        for author in work.get("author", [])
    )
    date_parts = (work.get("issued") or {}).get("date-parts") or [[None]]
    return ReferenceDraft(
        kind=guess_kind(title=title, publication_types=[work.get("type", "")]),
        title=title,
        authors=authors,
        source=_first(work.get("short-container-title"))
        or _first(work.get("container-title"))
        or work.get("publisher", ""),
        year=date_parts[0][0],
        volume=work.get("volume", ""),
        issue=work.get("issue", ""),
        pages=work.get("page", ""),
        doi=work.get("DOI", ""),
        found_in=[SERVICE],
    )


def update_notices(doi: str) -> list[UpdateNotice]:
    """Every retraction, expression of concern or correction Crossref knows of.

    Reads both sides of the relation: the cited work's ``updated-by`` list, and the
    ``update-to`` list of notices that name it (publishers deposit one or the other).
    """
    notices = {}
    for update in fetch_work(doi).get("updated-by", []):
        notice = _notice(update, update.get("DOI", ""))
        if notice:
            notices[(notice.kind, notice.notice_identifier.lower())] = notice
    listing = http.get_json(
        f"{settings.MEDREVIEW_CROSSREF_URL}/works",
        service=SERVICE,
        params={"filter": f"updates:{doi}", "rows": 100},
    )
    for item in listing["message"].get("items", []):
        for update in item.get("update-to", []):
            if update.get("DOI", "").lower() != doi.lower():
                continue
            notice = _notice(update, item.get("DOI", ""))
            if notice:
                notices[(notice.kind, notice.notice_identifier.lower())] = notice
    return list(notices.values())


def _notice(update: dict, notice_doi: str) -> UpdateNotice | None:
    update_type = update.get("type", "").lower().replace("-", "_")
    if update_type in RETRACTION_TYPES:
        kind = "retraction"
    elif update_type in CONCERN_TYPES:
        kind = "expression_of_concern"
    elif update_type in CORRECTION_TYPES:
        kind = "correction"
    else:
        return None
    date_parts = (update.get("updated") or {}).get("date-parts") or [[]]
    date = "-".join(f"{part:02d}" for part in date_parts[0] if part)
    return UpdateNotice(
        kind=kind,
        notice_identifier=f"doi:{notice_doi}" if notice_doi else "",
        date=date,
        source=update.get("source") or SERVICE,
    )


def _first(values) -> str:
    return values[0].strip() if values else ""

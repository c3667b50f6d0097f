"""NCBI: PubMed records through E-utilities, PMC identifiers through the ID converter.

APIs: https://www.ncbi.nlm.nih.gov/books/NBK25499/ (``esummary.fcgi`` for the
metadata, ``efetch.fcgi`` for retraction and correction notices) and
https://pmc.ncbi.nlm.nih.gov/tools/id-converter-api/ (PMCID ⇄ PMID ⇄ DOI).
"""

from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

from references.lookups import http
from references.lookups.crossref import UpdateNotice
from references.lookups.drafts import ReferenceDraft, guess_kind

SERVICE = "PubMed"
IDCONV_SERVICE = "PMC ID converter"

# efetch's CommentsCorrections types that point from a work to a notice about it.
NOTICE_REF_TYPES = {
    "RetractionIn": "retraction",
    "PartialRetractionIn": "retraction",
    "ExpressionOfConcernIn": "expression_of_concern",
    "ErratumIn": "correction",
}


def polite_params() -> dict[str, str]:
    """E-utilities ask every caller to name its tool and a contact address; an API key
    raises the allowed rate from 3 to 10 requests a second."""
    params = {"tool": "medreview", "email": settings.MEDREVIEW_LOOKUP_CONTACT_EMAIL}
    if settings.MEDREVIEW_NCBI_API_KEY:
        params["api_key"] = settings.MEDREVIEW_NCBI_API_KEY
    return params


def fetch_summary(pmid: str) -> dict:
    data = http.get_json(
        f"{settings.MEDREVIEW_EUTILS_URL}/esummary.fcgi",
        service=SERVICE,
        params={"db": "pubmed", "id": pmid, "retmode": "json", **polite_params()},
    )
    summary = data.get("result", {}).get(pmid)
    if not summary or "error" in summary:
        raise http.NotFound(SERVICE, pmid)
    return summary


def draft_from_summary(summary: dict) -> ReferenceDraft:
    article_ids = {
        item.get("idtype"): item.get("value", "")
        for item in summary.get("articleids", [])
    }
    title = summary.get("title", "").strip()
    year = summary.get("pubdate", "")[:4]
    return ReferenceDraft(
        kind=guess_kind(title=title, publication_types=summary.get("pubtype", [])),
        title=title,
        authors=", ".join(
            author["name"]
            for author in summary.get("authors", [])
            if author.get("authtype", "Author") == "Author" and author.get("name")
        ),
        source=summary.get("source", ""),
        year=int(year) if year.isdigit() else None,
        volume=summary.get("volume", ""),
        issue=summary.get("issue", ""),
        pages=summary.get("pages", ""),
        doi=article_ids.get("doi", ""),
        pmid=summary.get("uid", ""),
        pmcid=article_ids.get("pmc", ""),
        found_in=[SERVICE],
    )


def convert_identifier(identifier: str) -> dict[str, str]:
    """The PMCID, PMID and DOI PMC links to one of them (empty values if unknown)."""
    data = http.get_json(
        f"{settings.MEDREVIEW_PMC_IDCONV_URL}/",
        service=IDCONV_SERVICE,
        params={"ids": identifier, "format": "json", **polite_params()},
    )
    records = data.get("records") or [{}]
    record = records[0]
    if record.get("status") == "error":
        return {"pmcid": "", "pmid": "", "doi": ""}
    return {name: str(record.get(name, "") or "") for name in ("pmcid", "pmid", "doi")}


def notices(pmid: str) -> list[UpdateNotice]:
    """Retraction, concern and erratum notices PubMed links to this record."""
    response = http.get(
        f"{settings.MEDREVIEW_EUTILS_URL}/efetch.fcgi",
        service=SERVICE,
        params={"db": "pubmed", "id": pmid, "retmode": "xml", **polite_params()},
    )
    try:
        root = ElementTree.fromstring(response.content)
    except ParseError as error:
        raise http.ServiceUnavailable(SERVICE, _("answered something not XML")) from (
            error
        )
    found = []
    for comment in root.iter("CommentsCorrections"):
        kind = NOTICE_REF_TYPES.get(comment.get("RefType", ""))
        if kind is None:
            continue
        notice_pmid = (comment.findtext("PMID") or "").strip()
        found.append(
            UpdateNotice(
                kind=kind,
                notice_identifier=f"pmid:{notice_pmid}" if notice_pmid else "",
                date="",
                source=(comment.findtext("RefSource") or "").strip() or SERVICE,
            )
        )
    publication_types = {node.text for node in root.iter("PublicationType")}
    if "Retracted Publication" in publication_types and not any(
        notice.kind == "retraction" for notice in found
    ):
        found.append(
            UpdateNotice(
                kind="retraction", notice_identifier="", date="", source=SERVICE
            )
        )
    return found

"""Filling a reference from its identifier, through the bibliographic services.

``lookup_identifier`` is what the admin calls: it reads the pasted text, asks the
right service (Crossref for DOIs, PubMed and the PMC ID converter for PMIDs and
PMCIDs, ClinicalTrials.gov for NCT numbers), caches what it found, and returns a
``ReferenceDraft`` for an editor to confirm. Nothing is saved here.
"""

from django.conf import settings
from django.core.cache import cache

from references.identifiers import Identifier, Scheme, parse_identifier
from references.lookups import clinicaltrials, crossref, ncbi
from references.lookups.drafts import ReferenceDraft
from references.lookups.http import NotFound, ServiceUnavailable

__all__ = [
    "NotFound",
    "ReferenceDraft",
    "ServiceUnavailable",
    "lookup_identifier",
    "parse_identifier",
]

CACHE_PREFIX = "references:lookup:v1"


def lookup_identifier(identifier: Identifier) -> ReferenceDraft:
    """The reference an identifier names, from cache or from its service.

    Raises ``NotFound`` or ``ServiceUnavailable``; only successes are cached, so a
    service that comes back is asked again at once.
    """
    key = f"{CACHE_PREFIX}:{identifier.scheme}:{identifier.value.lower()}"
    cached = cache.get(key)
    if cached is not None:
        return ReferenceDraft(**cached)
    draft = _look_up(identifier)
    cache.set(key, draft.as_dict(), settings.MEDREVIEW_LOOKUP_CACHE_SECONDS)
    return draft


def _look_up(identifier: Identifier) -> ReferenceDraft:
    if identifier.scheme == Scheme.NCT:
        return clinicaltrials.draft_from_study(
            clinicaltrials.fetch_study(identifier.value)
        )
    if identifier.scheme == Scheme.PMID:
        return _from_pubmed(identifier.value)
    if identifier.scheme == Scheme.PMCID:
        linked = ncbi.convert_identifier(identifier.value)
        if linked["pmid"]:
            draft = _from_pubmed(linked["pmid"])
        elif linked["doi"]:
            draft = crossref.draft_from_work(crossref.fetch_work(linked["doi"]))
        else:
            raise NotFound(ncbi.IDCONV_SERVICE, identifier.value)
        draft.pmcid = draft.pmcid or identifier.value
        draft.found_in.append(ncbi.IDCONV_SERVICE)
        return draft
    draft = crossref.draft_from_work(crossref.fetch_work(identifier.value))
    _add_pubmed_identifiers(draft)
    return draft


def _from_pubmed(pmid: str) -> ReferenceDraft:
    return ncbi.draft_from_summary(ncbi.fetch_summary(pmid))


def _add_pubmed_identifiers(draft: ReferenceDraft) -> None:
    """A DOI's PMID and PMCID are welcome but optional: a failure here is ignored."""
    try:
        linked = ncbi.convert_identifier(draft.doi)
    except ServiceUnavailable:
        return
    if linked["pmid"] or linked["pmcid"]:
        draft.pmid = linked["pmid"]
        draft.pmcid = linked["pmcid"]
        draft.found_in.append(ncbi.IDCONV_SERVICE)

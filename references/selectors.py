"""Reads of the reference library that need care."""

from django.db.models import Q, QuerySet

from references.models import Reference


def references_with_identifiers(
    *, doi: str = "", pmid: str = "", pmcid: str = "", nct_number: str = ""
) -> QuerySet[Reference]:
    """References already in the library sharing any of these identifiers.

    A trial's registration (an NCT number and no DOI, PMID or PMCID) and the papers
    reporting it are different sources sharing that number: a registration only
    duplicates another registration.
    """
    match = Q(pk__in=[])
    if doi:
        match |= Q(doi__iexact=doi)
    if pmid:
        match |= Q(pmid=pmid)
    if pmcid:
        match |= Q(pmcid__iexact=pmcid)
    if nct_number and not (doi or pmid or pmcid):
        match |= Q(nct_number__iexact=nct_number, doi="", pmid="", pmcid="")
    return Reference.objects.filter(match)

"""Reads of the reference library that need care."""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

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


WorkKey = tuple[str, int, str]


def work_key(*, title: str, year: int | None, source: str) -> WorkKey | None:
    """What names a work that has no identifier: its title, year and journal, compared
    ignoring case, accents, punctuation and spacing. None when one of them is missing:
    a title alone is too common a match to call a duplicate."""
    title, source = _plain(title), _plain(source)
    if not (title and year and source):
        return None
    return (title, year, source)


def references_without_identifiers_like(
    keys: Iterable[WorkKey | None],
) -> dict[WorkKey, list[Reference]]:
    """References typed in without a DOI, PMID or PMCID whose title, year and journal
    match one of ``keys``: likely the very work an import finds by its identifier.
    One query, whatever the number of keys."""
    wanted = {key for key in keys if key is not None}
    if not wanted:
        return {}
    found: dict[WorkKey, list[Reference]] = defaultdict(list)
    candidates = Reference.objects.filter(
        year__in={year for _title, year, _source in wanted},
        doi="",
        pmid="",
        pmcid="",
    ).order_by("pk")
    for reference in candidates:
        key = work_key(
            title=reference.title, year=reference.year, source=reference.source
        )
        if key in wanted:
            found[key].append(reference)
    return dict(found)


def _plain(text: str) -> str:
    """“Non–Small Cell Lung Cancer.” and “non-small cell lung cancer” alike."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[\W_]+", " ", letters.casefold()).split())

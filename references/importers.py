"""Reading many references at once: a pasted list, or a RIS, BibTeX or nbib file.

RIS (rispy) and BibTeX (bibtexparser) files carry the bibliographic fields
themselves, so their entries become drafts without asking any service. A PubMed
nbib (MEDLINE) file is read for its PMIDs, which are then looked up like pasted ones:
PubMed's own summary is more reliable than its export.
"""

import re
from dataclasses import dataclass, field

import bibtexparser
import rispy
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from references import identifiers
from references.identifiers import parse_identifier
from references.lookups import NotFound, ServiceUnavailable, lookup_identifier
from references.lookups.drafts import ReferenceDraft, guess_kind, vancouver_name
from references.models import Reference
from references.selectors import (
    references_with_identifiers,
    references_without_identifiers_like,
    work_key,
)

MAX_ENTRIES = 100
NBIB_PMID = re.compile(r"^PMID-\s*(\d+)\s*$", re.M)
SEPARATORS = re.compile(r"[\s,;]+")
# "PMID: 29151359" or "doi 10.1056/…" pasted from a citation: keep label and value.
LABELLED = re.compile(r"\b(PMID|PMCID|doi)\s*:?\s+(?=\S)", re.I)


class ImportFileError(ValueError):
    """The file is not one we can read; the message says what to do."""


@dataclass
class ImportEntry:
    """One line of the import: something to look up, or a draft read from a file."""

    text: str
    draft: ReferenceDraft | None = None


def entries_from_text(text: str) -> list[ImportEntry]:
    """One entry per identifier pasted, in order, repeats dropped."""
    seen = set()
    entries = []
    text = LABELLED.sub(lambda match: f"{match.group(1)}:", text)
    for word in SEPARATORS.split(text):
        if word and word.lower() not in seen:
            seen.add(word.lower())
            entries.append(ImportEntry(text=word))
    return entries


def entries_from_file(name: str, content: bytes) -> list[ImportEntry]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file is not UTF-8 text. Export it again as UTF-8.")
        ) from error
    lowered = name.lower()
    if lowered.endswith(".nbib") or NBIB_PMID.search(text):
        return [ImportEntry(text=pmid) for pmid in NBIB_PMID.findall(text)]
    if lowered.endswith(".bib") or text.lstrip().startswith("@"):
        return _from_bibtex(text)
    if lowered.endswith((".ris", ".txt")) or text.lstrip().startswith("TY  -"):
        return _from_ris(text)
    raise ImportFileError(
        _(
            "“%(name)s” is not a RIS (.ris), BibTeX (.bib) or PubMed (.nbib) file. "
            "Export your references in one of these formats."
        )
        % {"name": name}
    )


def _from_ris(text: str) -> list[ImportEntry]:
    try:
        records = rispy.loads(text)
    except Exception as error:  # rispy raises several kinds on malformed input
        raise ImportFileError(
            _("The RIS file could not be read (%(error)s).") % {"error": error}
        ) from error
    entries = []
    for record in records:
        authors = record.get("authors") or record.get("first_authors") or []
        title = record.get("title") or record.get("primary_title") or ""
        pages = "-".join(
            page for page in (record.get("start_page"), record.get("end_page")) if page
        )
        draft = ReferenceDraft(
            kind=guess_kind(
                title=title, publication_types=[record.get("type_of_reference", "")]
            ),
            title=title.strip(),
            authors=", ".join(_vancouver_from_inverted(name) for name in authors),
            source=record.get("journal_name")
            or record.get("alternate_title3")
            or record.get("secondary_title")
            or "",
            year=_year(record.get("year") or record.get("publication_year") or ""),
            volume=record.get("volume", ""),
            issue=record.get("number", ""),
            pages=pages,
            doi=identifiers.normalise_doi(record.get("doi", "")),
            url=(record.get("urls") or [""])[0],
            found_in=[_("RIS file")],
        )
        entries.append(ImportEntry(text=draft.doi or draft.title[:80], draft=draft))
    return entries


def _from_bibtex(text: str) -> list[ImportEntry]:
    library = bibtexparser.parse_string(text)
    if library.failed_blocks and not library.entries:
        raise ImportFileError(
            _("The BibTeX file could not be read: check its braces and commas.")
        )
    entries = []
    for entry in library.entries:
        fields = {key.lower(): value for key, value in entry.fields_dict.items()}

        def value(name: str, fields=fields) -> str:
            found = fields.get(name)
            return str(found.value).strip().strip("{}") if found else ""

        title = value("title")
        draft = ReferenceDraft(
            kind=guess_kind(title=title, publication_types=[entry.entry_type]),
            title=title,
            authors=", ".join(
                _vancouver_from_inverted(name)
                for name in value("author").split(" and ")
                if name.strip()
            ),
            source=value("journal") or value("publisher") or value("organization"),
            year=_year(value("year")),
            volume=value("volume"),
            issue=value("number"),
            pages=value("pages").replace("--", "-"),
            doi=identifiers.normalise_doi(value("doi")),
            pmid=value("pmid"),
            url=value("url"),
            found_in=[_("BibTeX file")],
        )
        entries.append(ImportEntry(text=draft.doi or entry.key, draft=draft))
    return entries


@dataclass
class ImportRow:
    """What the preview shows for one entry before anything is saved."""

    text: str
    draft: ReferenceDraft | None = None
    duplicates: list[Reference] = field(default_factory=list)
    # In the library without identifiers, with the same title, year and journal:
    # likely the same work, so the row is offered unticked.
    likely_duplicates: list[Reference] = field(default_factory=list)
    error: str = ""
    new_index: int | None = None  # its place among the new drafts in the preview

    @property
    def kind_label(self) -> str:
        return Reference.Kind(self.draft.kind).label if self.draft else ""

    @property
    def is_new(self) -> bool:
        return self.draft is not None and not self.duplicates


def import_rows(entries: list[ImportEntry]) -> list[ImportRow]:
    """Look up what needs looking up and find what the library already holds.

    A failure on one entry (unknown identifier, service down) is shown on its row;
    the others go ahead.
    """
    rows = []
    # A service that failed once is not asked again in this import: each request
    # would wait for the timeout, one after the other.
    unavailable: dict[str, ServiceUnavailable] = {}
    for entry in entries[:MAX_ENTRIES]:
        row = ImportRow(text=entry.text, draft=entry.draft)
        if row.draft is None:
            try:
                identifier = parse_identifier(entry.text)
                # Already in the library: say so without asking any service.
                row.duplicates = list(
                    references_with_identifiers(**{identifier.scheme: identifier.value})
                )
                if row.duplicates:
                    rows.append(row)
                    continue
                if identifier.scheme in unavailable:
                    raise unavailable[identifier.scheme]
                row.draft = lookup_identifier(identifier)
            except ValidationError as error:
                row.error = " ".join(error.messages)
            except NotFound as error:
                row.error = _("%(service)s has no record of “%(id)s”.") % {
                    "service": error.service,
                    "id": entry.text,
                }
            except ServiceUnavailable as error:
                unavailable[identifier.scheme] = error
                row.error = unavailable_message(error)
        if row.draft is not None:
            row.duplicates = list(
                references_with_identifiers(
                    doi=row.draft.doi,
                    pmid=row.draft.pmid,
                    pmcid=row.draft.pmcid,
                    nct_number=row.draft.nct_number,
                )
            )
        rows.append(row)
    _find_likely_duplicates(rows)
    return rows


def _find_likely_duplicates(rows: list[ImportRow]) -> None:
    """A work typed in by hand has no identifier to match: match the new drafts on
    title, year and journal instead, in one query for the whole import."""
    keys = {
        id(row): work_key(
            title=row.draft.title, year=row.draft.year, source=row.draft.source
        )
        for row in rows
        if row.is_new
    }
    found = references_without_identifiers_like(keys.values())
    for row in rows:
        key = keys.get(id(row))
        if key is not None:
            row.likely_duplicates = found.get(key, [])


def unavailable_message(error: ServiceUnavailable) -> str:
    return _(
        "%(service)s %(reason)s, so nothing was filled in. Try again in a few "
        "minutes, or type the reference by hand."
    ) % {"service": error.service, "reason": error.reason}


def _vancouver_from_inverted(name: str) -> str:
    """“Planchard D” from “Planchard, David” (files list authors family first)."""
    name = name.strip().strip("{}")
    if "," not in name:
        return name
    family, given = (part.strip() for part in name.split(",", 1))
    return vancouver_name(family=family, given=given)


def _year(text: str) -> int | None:
    match = re.search(r"\d{4}", str(text))
    return int(match.group()) if match else None

"""Offline validation and normalisation of bibliographic identifiers.

Checks are syntactic only (no network): they catch typos before a reader meets a dead
link. Each validator raises ``ValidationError`` with a message saying what a good value
looks like.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

PMID_PATTERN = re.compile(r"^[1-9]\d{0,7}$")
PMCID_PATTERN = re.compile(r"^PMC\d+$")
NCT_PATTERN = re.compile(r"^NCT\d{8}$")
# 10.<registrant>/<suffix>: the registrant is dot-separated digits, the suffix any
# printable characters without white space.
DOI_PATTERN = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")
DOI_PREFIXES = (
    "https://doi.org/",
    "http://doi.org/",
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "doi.org/",
    "doi:",
)


def normalise_doi(value: str) -> str:
    """Return the bare DOI for a DOI typed as a URL or with a ``doi:`` prefix."""
    value = value.strip()
    lowered = value.lower()
    for prefix in DOI_PREFIXES:
        if lowered.startswith(prefix):
            return value[len(prefix) :].strip()
    return value


def validate_doi(value: str) -> None:
    if not DOI_PATTERN.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a DOI. A DOI looks like 10.1200/EDBK_237821 "
                "(10.<registrant>/<suffix>); a https://doi.org/… link is accepted too."
            ),
            code="invalid_doi",
            params={"value": value},
        )


def validate_pmid(value: str) -> None:
    if not PMID_PATTERN.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a PubMed ID. A PMID is 1 to 8 digits with no "
                "leading zero, for example 30768456."
            ),
            code="invalid_pmid",
            params={"value": value},
        )


def validate_pmcid(value: str) -> None:
    if not PMCID_PATTERN.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a PubMed Central ID. A PMCID is “PMC” followed by "
                "digits, for example PMC6373987."
            ),
            code="invalid_pmcid",
            params={"value": value},
        )


def validate_nct_number(value: str) -> None:
    if not NCT_PATTERN.match(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a ClinicalTrials.gov number. An NCT number is "
                "“NCT” followed by exactly 8 digits, for example NCT02296125."
            ),
            code="invalid_nct",
            params={"value": value},
        )


WEB_URL_SCHEMES = ("http", "https")

# A reference's link becomes an <a href> on the public page: only web addresses, so a
# "javascript:" or "data:" URL can never become a live link, however it was saved.
# Its own code, so a field's generic "Enter a valid URL." does not replace the message.
validate_web_url = URLValidator(
    schemes=list(WEB_URL_SCHEMES),
    code="not_web_url",
    message=_(
        "Enter a web address starting with http:// or https:// (for example "
        "https://www.fda.gov/…)."
    ),
)


class Scheme:
    """The identifier schemes a reference can be looked up by."""

    DOI = "doi"
    PMID = "pmid"
    PMCID = "pmcid"
    NCT = "nct_number"


@dataclass(frozen=True)
class Identifier:
    scheme: str
    value: str

    def __str__(self) -> str:
        return self.value


# Links editors copy from a browser's address bar, each with the identifier it holds.
URL_PATTERNS = (
    (Scheme.DOI, re.compile(r"^https?://(?:dx\.)?doi\.org/(?P<id>10\..+)$", re.I)),
    (
        Scheme.PMID,
        re.compile(
            r"^https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov/"
            r"pubmed)/(?P<id>\d+)/?(?:[?#].*)?$",
            re.I,
        ),
    ),
    (
        Scheme.PMCID,
        re.compile(
            r"^https?://(?:pmc\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov/pmc)"
            r"/articles/(?P<id>PMC\d+)/?(?:[?#].*)?$",
            re.I,
        ),
    ),
    (
        Scheme.NCT,
        re.compile(
            r"^https?://(?:www\.)?clinicaltrials\.gov/(?:study|ct2/show)/"
            r"(?P<id>NCT\d{8})/?(?:[?#].*)?$",
            re.I,
        ),
    ),
)


def is_web_url(value: str) -> bool:
    return value.lower().startswith(tuple(f"{scheme}://" for scheme in WEB_URL_SCHEMES))


def parse_identifier(text: str) -> Identifier:
    """Read a pasted DOI, PMID, PMCID, NCT number or a link to one of them.

    Raises ``ValidationError`` saying what is accepted when the text is none of these.
    """
    value = text.strip().rstrip(".")
    if value.lower().startswith("doi:"):  # a label before a DOI or a doi.org link
        value = value[4:].strip()
    for scheme, pattern in URL_PATTERNS:
        match = pattern.match(value)
        if match:
            return _checked(scheme, match.group("id"))
    lowered = value.lower()
    if lowered.startswith("pmid:"):
        return _checked(Scheme.PMID, value[5:].strip())
    if lowered.startswith("pmcid:"):
        return _checked(Scheme.PMCID, value[6:].strip().upper())
    if value.isdigit():
        return _checked(Scheme.PMID, value)
    if value.upper().startswith("PMC"):
        return _checked(Scheme.PMCID, value.upper())
    if value.upper().startswith("NCT"):
        return _checked(Scheme.NCT, value.upper())
    doi = normalise_doi(value)
    if DOI_PATTERN.match(doi):
        return Identifier(Scheme.DOI, doi)
    raise ValidationError(
        _(
            "“%(value)s” is not an identifier we can look up. Paste a DOI "
            "(10.1056/NEJMoa1713137), a PMID (29151359), a PMCID (PMC6373987), an "
            "NCT number (NCT02296125), or a doi.org, PubMed, PMC or "
            "ClinicalTrials.gov link."
        ),
        code="unknown_identifier",
        params={"value": text.strip()[:200]},
    )


VALIDATORS = {
    Scheme.DOI: validate_doi,
    Scheme.PMID: validate_pmid,
    Scheme.PMCID: validate_pmcid,
    Scheme.NCT: validate_nct_number,
}


def _checked(scheme: str, value: str) -> Identifier:
    if scheme == Scheme.DOI:
        value = normalise_doi(value)
    VALIDATORS[scheme](value)
    return Identifier(scheme, value)

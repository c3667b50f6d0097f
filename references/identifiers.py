"""Offline validation and normalisation of bibliographic identifiers.

Checks are syntactic only (no network): they catch typos before a reader meets a dead
link. Each validator raises ``ValidationError`` with a message saying what a good value
looks like.
"""

import re

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


def is_web_url(value: str) -> bool:
    return value.lower().startswith(tuple(f"{scheme}://" for scheme in WEB_URL_SCHEMES))

"""What a lookup returns: the fields of a reference, for an editor to confirm."""

import re
from dataclasses import asdict, dataclass, field

GUIDELINE_WORDS = re.compile(
    r"\b(guideline|guidelines|recommendations?|consensus statement|position "
    r"statement)\b",
    re.I,
)
DRUG_LABEL_WORDS = re.compile(
    r"\b(prescribing information|drug label|package insert|label)\b", re.I
)
TRIAL_WORDS = re.compile(r"\b(randomi[sz]ed|phase (1|2|3|I|II|III)\b|trial)\b", re.I)
REVIEW_WORDS = re.compile(r"\b(systematic review|meta-analysis|review)\b", re.I)


@dataclass
class ReferenceDraft:
    """A reference as a service describes it; nothing is saved until confirmed."""

    kind: str = "research"
    title: str = ""
    authors: str = ""
    source: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    nct_number: str = ""
    url: str = ""
    found_in: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def reference_fields(self) -> dict:
        """The values a ``Reference`` takes (without the provenance)."""
        values = self.as_dict()
        values.pop("found_in")
        return values


def guess_kind(*, title: str, publication_types: list[str]) -> str:
    """Guess the library's kind from a title and the service's publication types.

    Only a first guess: the editor sees it and can change it before saving.
    """
    types = " ".join(publication_types).lower()
    if "guideline" in types or GUIDELINE_WORDS.search(title):
        return "guideline"
    if DRUG_LABEL_WORDS.search(title):
        return "drug_label"
    if "trial" in types:
        return "clinical_trial"
    if "review" in types or "meta-analysis" in types:
        return "review"
    if REVIEW_WORDS.search(title):
        return "review"
    if TRIAL_WORDS.search(title):
        return "clinical_trial"
    return "research"


def vancouver_name(*, family: str, given: str) -> str:
    """“Planchard D” from family “Planchard” and given “David”."""
    initials = "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part)
    return f"{family} {initials}".strip()

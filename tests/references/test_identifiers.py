"""Identifiers are checked offline when a reference is validated, with clear
messages."""

import pytest
from django.core.exceptions import ValidationError

from references.models import Reference


def validation_messages(reference: Reference, field_name: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        reference.full_clean()
    return caught.value.message_dict.get(field_name, [])


def valid_reference(**identifiers) -> Reference:
    return Reference(
        kind=Reference.Kind.RESEARCH,
        citation_key="check",
        title="A study",
        **identifiers,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1", "1"),
        ("30768456", "30768456"),
        ("99999999", "99999999"),
        (" 30768456 ", "30768456"),
    ],
)
def test_good_pmids_are_accepted(typed, stored):
    reference = valid_reference(pmid=typed)
    reference.full_clean()
    assert reference.pmid == stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["0", "030768456", "03076845", "123456789", "3076a456", "PMID30768456"]
)
def test_bad_pmids_are_refused_with_an_example(typed):
    messages = validation_messages(valid_reference(pmid=typed), "pmid")
    assert any(
        f"“{typed}” is not a PubMed ID" in message and "30768456" in message
        for message in messages
    ), messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [("PMC6373987", "PMC6373987"), ("pmc6373987", "PMC6373987"), ("PMC1", "PMC1")],
)
def test_good_pmcids_are_accepted(typed, stored):
    reference = valid_reference(pmcid=typed)
    reference.full_clean()
    assert reference.pmcid == stored


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["6373987", "PMC", "PMC63a987", "PMC 6373987"])
def test_bad_pmcids_are_refused_with_an_example(typed):
    messages = validation_messages(valid_reference(pmcid=typed), "pmcid")
    assert any(
        "is not a PubMed Central ID" in message and "PMC6373987" in message
        for message in messages
    ), messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [("NCT02296125", "NCT02296125"), ("nct02296125", "NCT02296125")],
)
def test_good_nct_numbers_are_accepted(typed, stored):
    reference = valid_reference(nct_number=typed)
    reference.full_clean()
    assert reference.nct_number == stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed", ["NCT0229612", "NCT022961250", "02296125", "NCT-0229612", "NCTABCDEFGH"]
)
def test_bad_nct_numbers_are_refused_with_an_example(typed):
    messages = validation_messages(valid_reference(nct_number=typed), "nct_number")
    assert any(
        "is not a ClinicalTrials.gov number" in message and "8 digits" in message
        for message in messages
    ), messages


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("10.1200/EDBK_237821", "10.1200/EDBK_237821"),
        ("10.1093/annonc/mdy275", "10.1093/annonc/mdy275"),
        ("10.1016/S0140-6736(19)32222-6", "10.1016/S0140-6736(19)32222-6"),
        ("10.1000.10/abc", "10.1000.10/abc"),
        ("https://doi.org/10.1200/EDBK_237821", "10.1200/EDBK_237821"),
        ("HTTPS://DOI.ORG/10.1093/annonc/mdy275", "10.1093/annonc/mdy275"),
        ("http://dx.doi.org/10.1093/annonc/mdy275", "10.1093/annonc/mdy275"),
        ("doi:10.1093/annonc/mdy275", "10.1093/annonc/mdy275"),
        ("  10.1093/annonc/mdy275  ", "10.1093/annonc/mdy275"),
    ],
)
def test_good_dois_are_accepted_and_links_become_bare_dois(typed, stored):
    reference = valid_reference(doi=typed)
    reference.full_clean()
    assert reference.doi == stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "10.12/abc",
        "11.1200/EDBK_237821",
        "10.1200",
        "10.1200/",
        "10.1200/EDBK 237821",
        "EDBK_237821",
        "https://example.org/10.1200/EDBK_237821",
    ],
)
def test_bad_dois_are_refused_with_an_example(typed):
    messages = validation_messages(valid_reference(doi=typed), "doi")
    assert any(
        "is not a DOI" in message and "10.<registrant>/<suffix>" in message
        for message in messages
    ), messages


@pytest.mark.django_db
def test_a_doi_link_is_stored_as_the_bare_doi_when_saved_directly():
    Reference.objects.create(
        kind=Reference.Kind.GUIDELINE,
        title="Guideline",
        doi="https://doi.org/10.1093/annonc/mdy275",
        pmcid=" pmc6373987",
        nct_number="nct02296125 ",
    )
    stored = Reference.objects.get()
    assert (stored.doi, stored.pmcid, stored.nct_number) == (
        "10.1093/annonc/mdy275",
        "PMC6373987",
        "NCT02296125",
    )
    assert stored.doi_url == "https://doi.org/10.1093/annonc/mdy275"


@pytest.mark.django_db
def test_identifiers_may_be_left_blank():
    reference = valid_reference()
    reference.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>", "not a link"]
)
def test_a_source_link_must_be_a_web_address(url):
    assert validation_messages(valid_reference(url=url), "url")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("doi", "10.12/too-short-registrant"),
        ("pmid", "0123"),
        ("pmcid", "12345"),
        ("nct_number", "NCT123"),
    ],
)
def test_a_malformed_identifier_is_refused_on_save_too(field, value):
    """Not only forms: a save from the shell or an import is refused, nothing stored."""
    reference = Reference(kind="research", title="Imported source", **{field: value})

    with pytest.raises(ValidationError) as refused:
        reference.save()

    assert field in refused.value.message_dict
    assert not Reference.objects.filter(title="Imported source").exists()

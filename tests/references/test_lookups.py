"""Filling a reference from a pasted identifier, against recorded service answers."""

import pytest
from django.core.exceptions import ValidationError

from references.identifiers import Scheme, parse_identifier
from references.lookups import NotFound, ServiceUnavailable, lookup_identifier
from tests.references.recorded_server import Fault

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("pasted", "scheme", "value"),
    [
        ("10.1056/NEJMoa1713137", Scheme.DOI, "10.1056/NEJMoa1713137"),
        ("https://doi.org/10.1056/NEJMoa1713137", Scheme.DOI, "10.1056/NEJMoa1713137"),
        ("doi:10.1056/NEJMoa1713137.", Scheme.DOI, "10.1056/NEJMoa1713137"),
        (
            "doi: https://doi.org/10.1056/NEJMoa1713137",
            Scheme.DOI,
            "10.1056/NEJMoa1713137",
        ),
        ("29151359", Scheme.PMID, "29151359"),
        ("PMID: 29151359", Scheme.PMID, "29151359"),
        ("https://pubmed.ncbi.nlm.nih.gov/29151359/", Scheme.PMID, "29151359"),
        ("pmc6373987", Scheme.PMCID, "PMC6373987"),
        (
            "https://pmc.ncbi.nlm.nih.gov/articles/PMC6373987/",
            Scheme.PMCID,
            "PMC6373987",
        ),
        (
            "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6373987/",
            Scheme.PMCID,
            "PMC6373987",
        ),
        ("nct02296125", Scheme.NCT, "NCT02296125"),
        ("https://clinicaltrials.gov/study/NCT02296125", Scheme.NCT, "NCT02296125"),
    ],
)
def test_pasted_identifiers_and_links_are_recognised(pasted, scheme, value):
    identifier = parse_identifier(pasted)
    assert (identifier.scheme, identifier.value) == (scheme, value)


@pytest.mark.parametrize("pasted", ["", "lung cancer", "NCT123", "PMC", "0123"])
def test_text_that_is_no_identifier_is_refused_saying_why(pasted):
    with pytest.raises(ValidationError, match="is not"):
        parse_identifier(pasted)


def test_a_doi_fills_the_reference_from_crossref_with_its_pubmed_ids(
    recorded_services,
):
    draft = lookup_identifier(parse_identifier("https://doi.org/10.1056/NEJMoa1713137"))
    assert draft.title == (
        "Osimertinib in Untreated EGFR-Mutated Advanced Non–Small-Cell Lung Cancer"
    )
    assert draft.authors == "Soria JC, Ohe Y, Vansteenkiste J"
    assert (draft.source, draft.year, draft.volume, draft.issue, draft.pages) == (
        "N Engl J Med",
        2018,
        "378",
        "2",
        "113-125",
    )
    assert (draft.doi, draft.pmid) == ("10.1056/NEJMoa1713137", "29151359")
    assert draft.kind == "research"
    assert "Medreview" in recorded_services.requests[0]["user_agent"]
    assert "mailto:" in recorded_services.requests[0]["user_agent"]


def test_a_pmid_fills_the_reference_from_pubmed_and_guesses_a_trial(
    recorded_services,
):
    draft = lookup_identifier(parse_identifier("29151359"))
    assert draft.authors == "Soria JC, Ohe Y, Vansteenkiste J"
    assert draft.doi == "10.1056/NEJMoa1713137"
    assert draft.kind == "clinical_trial"
    assert recorded_services.requests[0]["query"]["email"]


def test_a_pmcid_is_linked_to_its_pmid_and_filled_from_pubmed(recorded_services):
    draft = lookup_identifier(parse_identifier("PMC6373987"))
    assert (draft.pmid, draft.pmcid, draft.doi) == (
        "30768456",
        "PMC6373987",
        "10.1200/EDBK_237821",
    )
    assert draft.kind == "review"
    assert draft.source == "Am Soc Clin Oncol Educ Book"


def test_an_nct_number_fills_a_clinical_trial(recorded_services):
    draft = lookup_identifier(parse_identifier("NCT02296125"))
    assert draft.kind == "clinical_trial"
    assert draft.title.startswith("A Phase III, Double-blind, Randomised Study")
    assert draft.authors == "AstraZeneca"
    assert draft.year == 2014
    assert draft.url == "https://clinicaltrials.gov/study/NCT02296125"


def test_a_guideline_is_guessed_from_its_title(recorded_services):
    draft = lookup_identifier(parse_identifier("10.1161/CIR.0000000000001063"))
    assert draft.kind == "guideline"
    assert draft.authors == "Heidenreich PA, Bozkurt B"


def test_a_second_lookup_is_answered_from_the_cache(recorded_services):
    lookup_identifier(parse_identifier("NCT02296125"))
    asked = len(recorded_services.requests)
    draft = lookup_identifier(parse_identifier("nct02296125"))
    assert draft.nct_number == "NCT02296125"
    assert len(recorded_services.requests) == asked


@pytest.mark.parametrize("pasted", ["NCT99999999", "99999999", "PMC1", "10.5555/none"])
def test_an_unknown_identifier_is_reported_as_not_found(recorded_services, pasted):
    with pytest.raises(NotFound) as caught:
        lookup_identifier(parse_identifier(pasted))
    assert caught.value.identifier == parse_identifier(pasted).value


def test_a_service_that_times_out_is_reported_as_unavailable(recorded_services):
    recorded_services.add_fault("nct02296125", Fault("timeout", delay=2.0))
    with pytest.raises(ServiceUnavailable, match="did not answer in time"):
        lookup_identifier(parse_identifier("NCT02296125"))


def test_a_service_that_is_down_is_reported_as_unavailable(settings):
    settings.MEDREVIEW_CROSSREF_URL = "http://127.0.0.1:9/crossref"
    with pytest.raises(ServiceUnavailable, match="could not be reached"):
        lookup_identifier(parse_identifier("10.1056/NEJMoa1713137"))


def test_a_429_is_retried_after_the_delay_the_service_asks_for(recorded_services):
    recorded_services.add_fault("nct02296125", Fault("rate_limit", retry_after=1))
    draft = lookup_identifier(parse_identifier("NCT02296125"))
    assert draft.nct_number == "NCT02296125"
    assert len(recorded_services.requests) == 2


def test_an_ncbi_api_key_is_sent_when_configured(recorded_services, settings):
    settings.MEDREVIEW_NCBI_API_KEY = "k3y"
    lookup_identifier(parse_identifier("29151359"))
    assert recorded_services.requests[0]["query"]["api_key"] == "k3y"

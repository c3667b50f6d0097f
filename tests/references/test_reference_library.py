"""The shared library: one entry per source, cited in Vancouver style."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from references.models import Reference
from tests.references.factories import ReferenceFactory


@pytest.fixture
def planchard(db):
    return ReferenceFactory(
        kind=Reference.Kind.GUIDELINE,
        citation_key="planchard2018",
        title="Metastatic non-small cell lung cancer: clinical practice guidelines",
        doi="10.1093/annonc/mdy275",
        pmid="30285222",
    )


@pytest.mark.parametrize(
    ("field_name", "typed"),
    [
        ("doi", "10.1093/annonc/mdy275"),
        ("doi", "10.1093/ANNONC/MDY275"),
        ("doi", "https://doi.org/10.1093/Annonc/mdy275"),
        ("pmid", "30285222"),
        ("pmid", " 30285222 "),
    ],
)
def test_a_second_reference_with_the_same_identifier_points_at_the_first(
    planchard, field_name, typed
):
    duplicate = Reference(
        kind=Reference.Kind.RESEARCH, title="Same paper again", **{field_name: typed}
    )
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    messages = caught.value.message_dict[field_name]
    assert len(messages) == 1
    assert "already exists" in messages[0]
    assert planchard.title in messages[0]
    assert "planchard2018" in messages[0]


def test_saving_a_reference_again_is_not_a_duplicate_of_itself(planchard):
    planchard.title = "Updated title"
    planchard.full_clean()


@pytest.mark.parametrize(
    "identifiers",
    [{"doi": "10.1093/ANNONC/mdy275"}, {"pmid": "30285222"}],
)
def test_the_database_refuses_a_duplicate_identifier_too(planchard, identifiers):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.create(kind=Reference.Kind.OTHER, title="Copy", **identifiers)
    assert Reference.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("identifiers", "constraint"),
    [
        ({"doi": "10.1093/ANNONC/mdy275"}, "reference_unique_doi"),
        ({"pmid": "30285222"}, "reference_unique_pmid"),
    ],
)
def test_postgresql_enforces_the_unique_identifier_constraints(
    planchard, identifiers, constraint
):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Reference.objects.create(kind=Reference.Kind.OTHER, title="Copy", **identifiers)
    assert Reference.objects.count() == 1


def test_references_without_identifiers_do_not_clash(db):
    ReferenceFactory(doi="", pmid="")
    second = ReferenceFactory.build(doi="", pmid="", citation_key="another")
    second.full_clean()
    second.save()
    assert Reference.objects.count() == 2


def test_a_citation_key_is_made_from_the_first_author_and_year(db):
    first = ReferenceFactory(citation_key="", authors="Planchard D, Popat S", year=2018)
    second = ReferenceFactory(citation_key="", authors="Planchard D", year=2018)
    assert (first.citation_key, second.citation_key) == (
        "planchard2018",
        "planchard2018-2",
    )


def test_vancouver_style_lists_authors_title_source_and_identifiers():
    reference = Reference(
        title="Metastatic non-small cell lung cancer",
        authors="Planchard D, Popat S, Kerr K",
        source="Ann Oncol",
        year=2018,
        volume="29",
        issue="Suppl 4",
        pages="iv192-iv237",
        doi="10.1093/annonc/mdy275",
        pmid="30285222",
    )
    assert reference.vancouver() == (
        "Planchard D, Popat S, Kerr K. Metastatic non-small cell lung cancer. "
        "Ann Oncol. 2018;29(Suppl 4):iv192-iv237. doi:10.1093/annonc/mdy275. "
        "PMID: 30285222."
    )


def test_vancouver_style_shortens_more_than_six_authors_to_et_al():
    reference = Reference(
        title="A trial",
        authors="Aa A, Bb B, Cc C, Dd D, Ee E, Ff F, Gg G, Hh H",
        source="N Engl J Med",
        year=2020,
    )
    assert reference.vancouver().startswith(
        "Aa A, Bb B, Cc C, Dd D, Ee E, Ff F, et al. A trial."
    )
    assert "Gg G" not in reference.vancouver()


def test_vancouver_style_keeps_six_authors_in_full():
    reference = Reference(title="T", authors="Aa A, Bb B, Cc C, Dd D, Ee E, Ff F")
    assert reference.vancouver() == "Aa A, Bb B, Cc C, Dd D, Ee E, Ff F. T."


def test_vancouver_style_does_not_add_a_period_after_a_question():
    reference = Reference(title="Does testing help?", source="Lung Cancer", year=2022)
    assert reference.vancouver() == "Does testing help? Lung Cancer. 2022."


def test_an_organisation_as_author_and_a_trial_number():
    reference = Reference(
        title="Osimertinib label",
        authors="US Food and Drug Administration",
        year=2024,
        nct_number="NCT02296125",
    )
    assert reference.vancouver() == (
        "US Food and Drug Administration. Osimertinib label. 2024. "
        "ClinicalTrials.gov: NCT02296125."
    )

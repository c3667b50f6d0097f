"""Editors find references in the library by DOI and PMID."""

import pytest
from django.urls import reverse

from references.models import Reference
from tests.references.factories import ReferenceFactory


@pytest.fixture
def two_references(db):
    return (
        ReferenceFactory(
            title="Osimertinib in untreated EGFR-mutated NSCLC",
            doi="10.1056/NEJMoa1713137",
            pmid="29151359",
        ),
        ReferenceFactory(
            title="Alectinib versus crizotinib",
            doi="10.1056/NEJMoa1704795",
            pmid="28586279",
        ),
    )


def changelist_titles(response, references) -> list[str]:
    return [ref.title for ref in references if ref.title in response.text]


def test_the_reference_list_opens(admin_client, two_references):
    response = admin_client.get(reverse("admin:references_reference_changelist"))
    assert response.status_code == 200
    assert changelist_titles(response, two_references) == [
        "Osimertinib in untreated EGFR-mutated NSCLC",
        "Alectinib versus crizotinib",
    ]


@pytest.mark.parametrize("query", ["10.1056/NEJMoa1713137", "10.1056/nejmoa1713137"])
def test_search_by_doi_finds_the_reference(admin_client, two_references, query):
    response = admin_client.get(
        reverse("admin:references_reference_changelist"), {"q": query}
    )
    assert response.status_code == 200
    assert changelist_titles(response, two_references) == [
        "Osimertinib in untreated EGFR-mutated NSCLC"
    ]


def test_search_by_pmid_finds_the_reference(admin_client, two_references):
    response = admin_client.get(
        reverse("admin:references_reference_changelist"), {"q": "28586279"}
    )
    assert response.status_code == 200
    assert changelist_titles(response, two_references) == [
        "Alectinib versus crizotinib"
    ]


def test_the_reference_form_opens(admin_client, two_references):
    response = admin_client.get(
        reverse("admin:references_reference_change", args=[two_references[0].pk])
    )
    assert response.status_code == 200
    assert "10.1056/NEJMoa1713137" in response.text


def test_adding_a_duplicate_in_the_admin_points_at_the_existing_one(
    admin_client, two_references
):
    response = admin_client.post(
        reverse("admin:references_reference_add"),
        {
            "kind": "research",
            "citation_key": "",
            "title": "Pasted again",
            "authors": "",
            "doi": "https://doi.org/10.1056/NEJMOA1713137",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.text
    assert "Osimertinib in untreated EGFR-mutated NSCLC" in response.text
    assert not Reference.objects.filter(title="Pasted again").exists()


def test_a_link_pasted_without_a_scheme_is_stored_as_https(admin_client, db):
    response = admin_client.post(
        reverse("admin:references_reference_add"),
        {
            "kind": "drug_label",
            "citation_key": "label",
            "title": "Prescribing information",
            "url": "example.org/label.pdf",
        },
    )
    assert response.status_code == 302
    assert Reference.objects.get().url == "https://example.org/label.pdf"

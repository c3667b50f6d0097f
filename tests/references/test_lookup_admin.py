"""Editors paste an identifier, or many, and confirm the filled references."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from references.models import Reference
from tests.references.factories import ReferenceFactory
from tests.references.recorded_server import Fault

LOOKUP_URL = reverse("admin:references_reference_lookup")
ADD_URL = reverse("admin:references_reference_add")
IMPORT_URL = reverse("admin:references_reference_import")


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_add_form_offers_to_fill_from_an_identifier(editor_client):
    response = editor_client.get(ADD_URL)
    assert response.status_code == 200
    assert LOOKUP_URL in response.text


def test_a_pasted_doi_link_fills_the_add_form_and_saves_after_confirming(
    editor_client, recorded_services
):
    response = editor_client.get(
        LOOKUP_URL,
        {"identifier": "https://doi.org/10.1056/NEJMoa1713137"},
        follow=True,
    )
    form = response.context["adminform"].form
    assert form.initial["title"].startswith("Osimertinib in Untreated EGFR")
    assert form.initial["pmid"] == "29151359"
    assert form.initial["kind"] == "research"
    assert "Filled from Crossref" in messages_of(response)[0]
    assert not Reference.objects.exists()

    values = {name: form.initial.get(name, "") for name in form.fields}
    values["kind"] = "clinical_trial"  # the editor corrects the guess
    response = editor_client.post(ADD_URL, values)
    assert response.status_code == 302
    saved = Reference.objects.get()
    assert (saved.kind, saved.doi, saved.pmid, saved.year) == (
        "clinical_trial",
        "10.1056/NEJMoa1713137",
        "29151359",
        2018,
    )
    assert saved.citation_key == "soria2018"


def test_when_the_service_is_down_the_editor_is_told_and_types_by_hand(
    editor_client, settings
):
    settings.MEDREVIEW_CROSSREF_URL = "http://127.0.0.1:9/crossref"
    response = editor_client.get(
        LOOKUP_URL, {"identifier": "10.1056/NEJMoa1713137"}, follow=True
    )
    assert response.status_code == 200
    assert "Crossref could not be reached" in messages_of(response)[0]
    assert "type the reference by hand" in messages_of(response)[0]
    assert response.context["adminform"].form.initial["doi"] == "10.1056/NEJMoa1713137"


def test_a_pasted_identifier_already_in_the_library_opens_that_reference(
    editor_client, recorded_services
):
    existing = ReferenceFactory(citation_key="soria", pmid="29151359")
    response = editor_client.get(LOOKUP_URL, {"identifier": "29151359"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:references_reference_change", args=[existing.pk]
    )
    assert "[@soria]" in messages_of(response)[0]


def test_text_that_is_no_identifier_is_explained(editor_client):
    response = editor_client.get(LOOKUP_URL, {"identifier": "osimertinib"}, follow=True)
    assert response.status_code == 200
    assert "is not an identifier we can look up" in messages_of(response)[0]


def test_a_reviewer_cannot_look_up_or_import(client, reviewer_user):
    client.force_login(reviewer_user)
    for url in (LOOKUP_URL, IMPORT_URL):
        response = client.get(url, {"identifier": "29151359"})
        assert response.status_code == 302
        assert "/login/" in response["Location"]


def test_staff_without_the_add_permission_is_refused(client, django_user_model, db):
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(LOOKUP_URL, {"identifier": "29151359"}).status_code == 403
    assert client.post(IMPORT_URL, {"identifiers": "29151359"}).status_code == 403


def test_importing_a_list_previews_duplicates_and_errors_before_saving(
    editor_client, recorded_services
):
    ReferenceFactory(citation_key="soria", doi="10.1056/NEJMoa1713137")
    response = editor_client.post(
        IMPORT_URL,
        {"identifiers": "10.1056/NEJMoa1713137\nNCT02296125\nPMC6373987, 99999999"},
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.text for row in rows] == [
        "10.1056/NEJMoa1713137",
        "NCT02296125",
        "PMC6373987",
        "99999999",
    ]
    assert [ref.citation_key for ref in rows[0].duplicates] == ["soria"]
    assert "Already there:" in response.text
    assert "PubMed has no record" in rows[3].error
    assert [row.is_new for row in rows] == [False, True, True, False]
    assert Reference.objects.count() == 1

    response = editor_client.post(
        IMPORT_URL,
        {
            "save": "1",
            "payload": response.context["payload"],
            "include": ["0", "1"],
            "kind-1": "review",
        },
        follow=True,
    )
    assert "Added 2 references" in messages_of(response)[0]
    assert Reference.objects.get(nct_number="NCT02296125").kind == "clinical_trial"
    assert Reference.objects.get(pmcid="PMC6373987").kind == "review"


def test_an_unchecked_row_is_not_saved(editor_client, recorded_services):
    response = editor_client.post(IMPORT_URL, {"identifiers": "NCT02296125 29151359"})
    editor_client.post(
        IMPORT_URL,
        {"save": "1", "payload": response.context["payload"], "include": ["1"]},
    )
    assert list(Reference.objects.values_list("pmid", flat=True)) == ["29151359"]


def test_a_tampered_preview_is_refused(editor_client, db):
    response = editor_client.post(
        IMPORT_URL, {"save": "1", "payload": "forged", "include": ["0"]}, follow=True
    )
    assert "The preview expired" in messages_of(response)[0]
    assert not Reference.objects.exists()


RIS = """TY  - JOUR
AU  - Planchard, David
AU  - Popat, Sanjay
TI  - Metastatic non-small cell lung cancer: ESMO Clinical Practice Guidelines
JO  - Ann Oncol
PY  - 2018
VL  - 29
SP  - iv192
EP  - iv237
DO  - 10.1093/annonc/mdy275
ER  -
"""

BIBTEX = """@article{ramalingam2020,
  author = {Ramalingam, Suresh S. and Vansteenkiste, Johan},
  title = {Overall Survival with Osimertinib in Untreated, EGFR-Mutated NSCLC},
  journal = {N Engl J Med},
  year = {2020},
  volume = {382},
  number = {1},
  pages = {41--50},
  doi = {10.1056/NEJMoa1913662}
}
"""

NBIB = """PMID- 29151359
OWN - NLM
TI  - Osimertinib in Untreated EGFR-Mutated Advanced Non-Small-Cell Lung Cancer.

PMID- 30768456
OWN - NLM
"""


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "export.ris",
            RIS,
            [("Planchard D, Popat S", "guideline", "10.1093/annonc/mdy275", 2018)],
        ),
        (
            "library.bib",
            BIBTEX,
            [
                (
                    "Ramalingam SS, Vansteenkiste J",
                    "research",
                    "10.1056/NEJMoa1913662",
                    2020,
                )
            ],
        ),
        (
            "pubmed.nbib",
            NBIB,
            [
                (
                    "Soria JC, Ohe Y, Vansteenkiste J",
                    "clinical_trial",
                    "10.1056/NEJMoa1713137",
                    2018,
                ),
                ("Sequist LV", "review", "10.1200/EDBK_237821", 2019),
            ],
        ),
    ],
)
def test_a_file_is_previewed_and_imported(
    editor_client, recorded_services, name, content, expected
):
    response = editor_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile(name, content.encode())}
    )
    rows = response.context["rows"]
    assert [
        (row.draft.authors, row.draft.kind, row.draft.doi, row.draft.year)
        for row in rows
    ] == expected
    editor_client.post(
        IMPORT_URL,
        {
            "save": "1",
            "payload": response.context["payload"],
            "include": [str(index) for index in range(len(rows))],
        },
    )
    assert sorted(Reference.objects.values_list("doi", flat=True)) == sorted(
        doi for _, _, doi, _ in expected
    )


def test_a_file_of_another_format_is_refused_with_what_is_accepted(editor_client):
    response = editor_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("notes.docx", b"PK\x03\x04")}
    )
    assert response.status_code == 200
    assert "UTF-8" in response.text or "is not a RIS" in response.text
    assert not Reference.objects.exists()


def test_an_empty_import_says_what_to_give(editor_client):
    response = editor_client.post(IMPORT_URL, {"identifiers": "  "})
    assert "Paste some identifiers or choose a file" in response.text


def test_a_service_down_during_an_import_is_asked_once_and_reported_per_row(
    editor_client, recorded_services
):
    for _ in range(3):
        recorded_services.add_fault("/ctgov/", Fault("timeout", delay=1.5))
    response = editor_client.post(
        IMPORT_URL, {"identifiers": "NCT02296125 NCT02075840 NCT03036124 29151359"}
    )
    rows = response.context["rows"]
    assert ["did not answer in time" in row.error for row in rows] == [
        True,
        True,
        True,
        False,
    ]
    assert rows[3].draft.pmid == "29151359"
    asked = [r for r in recorded_services.requests if r["path"].startswith("/ctgov/")]
    assert len(asked) == 1


def test_the_page_script_gets_the_preview_alone(editor_client, recorded_services):
    response = editor_client.post(
        IMPORT_URL,
        {"identifiers": "NCT02296125"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="import-preview"' in response.text
    assert "A Phase III, Double-blind, Randomised Study" in response.text


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/admin/articles/article/add/", "/admin/articles/article/add/"),
        (
            "https://elsewhere.example/",
            reverse("admin:references_reference_changelist"),
        ),
    ],
)
def test_saving_an_import_returns_to_the_page_the_editor_came_from_on_this_site(
    editor_client, recorded_services, next_url, expected
):
    response = editor_client.post(
        IMPORT_URL, {"identifiers": "NCT02296125", "next": next_url}
    )
    response = editor_client.post(
        IMPORT_URL,
        {
            "save": "1",
            "payload": response.context["payload"],
            "include": ["0"],
            "next": response.context["next"],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == expected
    assert Reference.objects.filter(nct_number="NCT02296125").exists()


def test_labelled_identifiers_pasted_from_a_citation_are_read_whole(
    editor_client, recorded_services
):
    response = editor_client.post(
        IMPORT_URL, {"identifiers": "PMID: 29151359; doi 10.1161/CIR.0000000000001063"}
    )
    rows = response.context["rows"]
    assert [row.error for row in rows] == ["", ""]
    assert [row.draft.pmid or row.draft.doi for row in rows] == [
        "29151359",
        "10.1161/CIR.0000000000001063",
    ]


def test_a_trial_registration_is_not_a_duplicate_of_the_paper_reporting_it(
    editor_client, recorded_services
):
    ReferenceFactory(citation_key="soria2018", nct_number="NCT02296125")
    response = editor_client.post(IMPORT_URL, {"identifiers": "NCT02296125"})
    [row] = response.context["rows"]
    assert row.is_new
    registration = ReferenceFactory(
        citation_key="flaura-registration",
        doi="",
        pmid="",
        nct_number="NCT02296125",
    )
    response = editor_client.post(IMPORT_URL, {"identifiers": "NCT02296125"})
    [row] = response.context["rows"]
    assert row.duplicates == [registration]


def test_an_identifier_already_in_the_library_is_shown_without_asking_a_service(
    editor_client, settings
):
    settings.MEDREVIEW_EUTILS_URL = "http://127.0.0.1:9/eutils"  # down, unused
    ReferenceFactory(citation_key="heidenreich2022", pmid="35363499")
    response = editor_client.post(IMPORT_URL, {"identifiers": "PMID: 35363499"})
    [row] = response.context["rows"]
    assert [ref.citation_key for ref in row.duplicates] == ["heidenreich2022"]
    assert row.error == ""
    assert "[@heidenreich2022]" in response.text


def test_an_over_long_field_from_a_file_is_cut_to_fit_instead_of_refusing(
    editor_client, db
):
    long_ris = RIS.replace("VL  - 29", "VL  - " + "Supplement " * 10)
    response = editor_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("export.ris", long_ris.encode())}
    )
    editor_client.post(
        IMPORT_URL,
        {"save": "1", "payload": response.context["payload"], "include": ["0"]},
    )
    assert Reference.objects.get().volume == ("Supplement " * 10)[:30]


def test_a_refused_import_names_the_reference_and_saves_nothing(editor_client, db):
    response = editor_client.post(
        IMPORT_URL, {"file": SimpleUploadedFile("export.ris", RIS.encode())}
    )
    ReferenceFactory(doi="10.1093/annonc/mdy275")  # added meanwhile by a colleague
    response = editor_client.post(
        IMPORT_URL,
        {"save": "1", "payload": response.context["payload"], "include": ["0"]},
        follow=True,
    )
    message = messages_of(response)[0]
    assert "Nothing was added" in message
    assert "“Metastatic non-small cell lung cancer" in message
    assert Reference.objects.count() == 1


def test_a_work_typed_in_without_identifiers_is_pointed_out_when_looked_up(
    editor_client, recorded_services
):
    typed = ReferenceFactory(
        citation_key="asco-sequencing",
        title=(
            "Advanced non-small cell lung cancer: sequencing agents in the "
            "EGFR-mutated/ALK-rearranged populations"
        ),
        source="Am Soc Clin Oncol Educ Book",
        year=2019,
        doi="",
        pmid="",
    )
    other_year = ReferenceFactory(
        title=typed.title, source=typed.source, year=2018, doi="", pmid=""
    )

    response = editor_client.get(LOOKUP_URL, {"identifier": "PMC6373987"}, follow=True)
    preview = editor_client.post(IMPORT_URL, {"identifiers": "PMC6373987"})

    (message,) = [text for text in messages_of(response) if "Likely" in text]
    assert "[@asco-sequencing]" in message
    assert "same title, year and journal" in message
    assert response.context["adminform"].form.initial["pmcid"] == "PMC6373987"
    (row,) = preview.context["rows"]
    assert row.likely_duplicates == [typed]
    assert other_year not in row.likely_duplicates
    assert Reference.objects.count() == 2

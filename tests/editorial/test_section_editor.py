"""The section editor's helpers: the live preview renders sections as typed the way
readers will see them, and the citation picker finds references as editors remember
them (key, title, author or identifier)."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.articles.factories import EditorFactory
from tests.references.factories import ReferenceFactory

PREVIEW_URL = "/admin/articles/article/preview-sections/"
PICKER_URL = "/admin/references/reference/citation-picker/"


def numbers(html: str) -> list[str]:
    """The citation numbers a reader sees, in order."""
    return re.findall(r'class="citation"[^>]*>(\d+)</a>', html)


def preview(client, *sections):
    return client.post(
        PREVIEW_URL,
        {
            "kind": [kind for kind, _heading, _body in sections],
            "heading": [heading for _kind, heading, _body in sections],
            "body": [body for _kind, _heading, body in sections],
        },
    )


@pytest.fixture
def library(db):
    return {
        "esmo2023": ReferenceFactory(
            citation_key="esmo2023",
            title="Oncogene-addicted metastatic NSCLC: practice guideline",
            authors="Hendriks LE, Kerr KM",
            doi="10.1016/j.annonc.2022.12.009",
        ),
        "wu2020": ReferenceFactory(
            citation_key="wu2020",
            title="Osimertinib in resected EGFR-mutated NSCLC",
            authors="Wu YL, Tsuboi M",
            pmid="32955177",
        ),
    }


def test_preview_numbers_citations_across_sections_as_readers_see_them(
    editor_client, library
):
    response = preview(
        editor_client,
        ("guidelines", "", "Test for EGFR first [@wu2020]."),
        ("research", "Adjuvant therapy", "Guidance [@esmo2023] and trial [@wu2020]."),
    )

    assert response.status_code == 200
    first, second = response.json()["sections"]
    assert first["heading"] == "From the Guidelines"
    assert numbers(first["html"]) == ["1"]
    # wu2020 keeps the number of its first appearance; esmo2023 comes next.
    assert numbers(second["html"]) == ["2", "1"]
    assert 'id="cite-1-2"' in second["html"]
    assert [item["number"] for item in response.json()["references"]] == [1, 2]
    assert "Osimertinib in resected" in response.json()["references"][0]["text"]


def test_preview_names_a_key_the_library_does_not_know(editor_client, library):
    response = preview(
        editor_client, ("research", "", "Known [@wu2020], mistyped [@wu2021].")
    )

    (section,) = response.json()["sections"]
    assert section["unknown_keys"] == ["wu2021"]
    assert 'class="citation-missing"' in section["html"]


def test_preview_sanitises_what_is_typed(editor_client, library):
    response = preview(
        editor_client,
        ("general", "", "<script>alert(1)</script> [x](javascript:alert(1))"),
    )

    html = response.json()["sections"][0]["html"]
    assert "<script" not in html
    assert "<a" not in html


def test_preview_refuses_malformed_input_with_a_message(editor_client, library):
    mismatched = editor_client.post(
        PREVIEW_URL, {"kind": ["general", "general"], "heading": [""], "body": ["a"]}
    )
    unknown_kind = preview(editor_client, ("poetry", "", "a"))

    assert mismatched.status_code == 400
    assert "Each section needs" in mismatched.json()["error"]
    assert unknown_kind.status_code == 400


def test_preview_is_a_post_with_csrf(editor_user, library):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor_user)

    assert client.get(PREVIEW_URL).status_code == 405
    assert preview(client, ("general", "", "a")).status_code == 403


def test_preview_needs_permission_to_edit_articles(db, library):
    staff = EditorFactory(username="clerk")
    staff.groups.clear()
    staff.user_permissions.add(Permission.objects.get(codename="view_article"))
    client = Client()
    client.force_login(staff)

    assert preview(client, ("general", "", "a")).status_code == 403


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("wu", ["wu2020"]),
        ("guideline", ["esmo2023"]),
        ("Kerr", ["esmo2023"]),
        ("32955177", ["wu2020"]),
        ("10.1016/j.annonc", ["esmo2023"]),
        ("", ["esmo2023", "wu2020"]),
        ("nothing-like-this", []),
    ],
)
def test_picker_finds_references_by_key_title_author_or_identifier(
    editor_client, library, term, expected
):
    response = editor_client.get(PICKER_URL, {"term": term})

    assert response.status_code == 200
    assert [item["key"] for item in response.json()["results"]] == expected


def test_picker_needs_permission_to_view_the_library(db, library):
    staff = EditorFactory(username="clerk")
    staff.groups.clear()
    client = Client()
    client.force_login(staff)

    assert client.get(PICKER_URL, {"term": "wu"}).status_code == 403

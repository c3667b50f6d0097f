"""Citation markers: numbered per article, linked both ways, never a broken page."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from articles.models import Article, Citation, Section
from references.models import Reference
from tests.articles.factories import ArticleFactory, SectionFactory


def citation_groups(section_element) -> list[str]:
    return [
        ", ".join(link.text for link in group.find_all("a"))
        for group in section_element.find_all("sup", class_="citations")
    ]


def test_numbers_follow_first_appearance_across_ordered_sections(
    client, html, reference_page_article
):
    page = html(client.get(reference_page_article.get_absolute_url()).content)
    sections = page.find_all("section", class_="article-section")
    assert [section.find("h2").text for section in sections] == [
        "From the Guidelines",
        "From the FDA Drug Label",
        "From the Research",
    ]
    assert [citation_groups(section) for section in sections] == [
        ["1", "1"],
        ["2"],
        ["3, 4", "5, 4", "3, 6, 7", "5"],
    ]


def test_the_reference_list_numbers_guideline_label_then_research(
    client, html, reference_page_article, reference_library
):
    page = html(client.get(reference_page_article.get_absolute_url()).content)
    entries = page.find("ol", class_="reference-list").find_all("li")
    assert [entry.attrs["id"] for entry in entries] == [f"ref-{n}" for n in range(1, 8)]
    assert [entry.find("span", class_="reference-kind").text for entry in entries] == [
        "Guideline",
        "FDA Drug Label",
        *["Research"] * 5,
    ]
    expected_order = [
        "esmo2023",
        "osimertinib-label",
        "wu2020",
        "chen2019",
        "lin2022",
        "mosele2020",
        "tan2021",
    ]
    assert [entry.find("p", class_="reference-text").text for entry in entries] == [
        reference_library[key].vancouver() for key in expected_order
    ]


def test_a_reference_cited_again_in_a_later_section_keeps_its_number(
    client, html, reference_library
):
    article = ArticleFactory()
    SectionFactory(article=article, order=1, body="First [@esmo2023].")
    SectionFactory(article=article, order=2, body="New [@wu2020], old [@esmo2023].")
    page = html(client.get(article.get_absolute_url()).content)
    sections = page.find_all("section", class_="article-section")
    assert [citation_groups(section) for section in sections] == [["1"], ["2", "1"]]
    assert len(page.find("ol", class_="reference-list").find_all("li")) == 2


def test_numbers_are_per_article(client, html, reference_library):
    first = ArticleFactory()
    SectionFactory(article=first, body="[@wu2020] then [@chen2019]")
    second = ArticleFactory()
    SectionFactory(article=second, body="[@chen2019] only")
    page = html(client.get(second.get_absolute_url()).content)
    assert citation_groups(page.find("section", class_="article-section")) == ["1"]


def test_a_group_marker_links_each_source_to_its_entry(client, html, reference_library):
    article = ArticleFactory()
    SectionFactory(article=article, body="Both agree [@wu2020;@chen2019 ; @tan2021].")
    page = html(client.get(article.get_absolute_url()).content)
    links = page.find("sup", class_="citations").find_all("a")
    assert [(link.text, link.attrs["href"]) for link in links] == [
        ("1", "#ref-1"),
        ("2", "#ref-2"),
        ("3", "#ref-3"),
    ]
    assert "@wu2020" not in page.find("section", class_="article-section").text


@pytest.fixture
def cross_cited_article(reference_library):
    """Sources cited again in later sections, alone and in groups."""
    article = ArticleFactory()
    SectionFactory(article=article, order=1, body="A [@esmo2023]. B [@wu2020].")
    SectionFactory(article=article, order=2, body="C [@wu2020; @esmo2023].")
    SectionFactory(article=article, order=3, body="D [@esmo2023]. E [@esmo2023].")
    return article


@pytest.mark.parametrize(
    ("article_fixture", "citation_count"),
    [("reference_page_article", 11), ("cross_cited_article", 6)],
)
def test_every_citation_and_back_link_points_at_an_existing_anchor(
    client, html, request, article_fixture, citation_count
):
    article = request.getfixturevalue(article_fixture)
    page = html(client.get(article.get_absolute_url()).content)
    ids = [element.attrs["id"] for element in page.iter() if "id" in element.attrs]
    assert len(ids) == len(set(ids)), "an id is used twice on the page"

    citation_links = page.find_all("a", class_="citation")
    back_links = page.find_all("a", class_="back-link")
    assert len(citation_links) == len(back_links) == citation_count
    for link in citation_links + back_links:
        assert link.attrs["href"].removeprefix("#") in ids

    # Each citation in the text is reachable back from its own reference entry.
    for link in citation_links:
        entry = page.find("li", id=link.attrs["href"].removeprefix("#"))
        targets = [a.attrs["href"] for a in entry.find_all("a", class_="back-link")]
        assert f"#{link.attrs['id']}" in targets


def test_a_marker_inside_code_is_not_a_citation(client, html, reference_library):
    article = ArticleFactory()
    SectionFactory(article=article, body="Type `[@nosuchkey]` to cite.")
    page = html(client.get(article.get_absolute_url()).content)
    assert page.find("code").text == "[@nosuchkey]"
    assert not page.find_all("ol", class_="reference-list")


# --- Markers without a reference --------------------------------------------------


def test_validation_names_the_markers_without_a_reference(reference_library):
    section = Section(
        article=ArticleFactory(),
        order=1,
        body="Known [@wu2020], unknown [@smith2099; @doe2001].",
    )
    with pytest.raises(ValidationError) as caught:
        section.full_clean()
    (message,) = caught.value.message_dict["body"]
    assert "[@smith2099], [@doe2001]" in message
    assert "[@wu2020]" not in message


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("[@pmid:30768456]", "[@pmid:30768456]"),
        ("[@wu2020.]", "[@wu2020.]"),
        ("[@wu 2020]", "[@wu 2020]"),
        ("[@wu2020; @doe 2001]", "[@doe 2001]"),
    ],
)
def test_a_mistyped_marker_is_refused_rather_than_shown_raw(
    reference_library, typed, named
):
    section = Section(article=ArticleFactory(), order=1, body=f"Cited {typed}.")
    with pytest.raises(ValidationError) as caught:
        section.full_clean()
    (message,) = caught.value.message_dict["body"]
    assert named in message


def test_saving_a_section_with_an_unknown_marker_saves_nothing(reference_library):
    article = ArticleFactory()
    before = Article.objects.get(pk=article.pk).last_updated
    with pytest.raises(ValidationError, match=r"\[@smith2099\]"):
        SectionFactory(article=article, body="Cited [@wu2020] and [@smith2099].")
    assert not Section.objects.exists()
    assert not Citation.objects.exists()
    assert Article.objects.get(pk=article.pk).last_updated == before


def test_editing_a_section_to_an_unknown_marker_keeps_the_public_page(
    client, html, reference_library
):
    article = ArticleFactory()
    section = SectionFactory(article=article, body="Cited [@wu2020].")
    section.body = "Now citing [@smith2099]."
    with pytest.raises(ValidationError):
        section.save()

    stored = Section.objects.get(pk=section.pk)
    assert stored.body == "Cited [@wu2020]."
    assert list(stored.citations.values_list("key", flat=True)) == ["wu2020"]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Now citing" not in response.text


def test_a_marker_that_bypassed_validation_shows_a_placeholder_not_an_error(
    client, html, reference_library
):
    article = ArticleFactory()
    section = SectionFactory(article=article, body="Cited [@wu2020].")
    Section.objects.filter(pk=section.pk).update(body="Cited [@wu2020] [@ghost].")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    groups = citation_groups(
        html(response.content).find("section", class_="article-section")
    )
    assert groups == ["1", "?"]


def test_a_cited_reference_cannot_be_deleted(client, html, reference_library):
    article = ArticleFactory()
    SectionFactory(article=article, body="Cited [@wu2020].")
    with pytest.raises(ProtectedError):
        reference_library["wu2020"].delete()
    page = html(client.get(article.get_absolute_url()).content)
    (entry,) = page.find("ol", class_="reference-list").find_all("li")
    assert (
        entry.find("p", class_="reference-text").text
        == reference_library["wu2020"].vancouver()
    )


def test_removing_the_last_citation_frees_the_reference(reference_library):
    section = SectionFactory(body="Cited [@wu2020].")
    section.body = "No longer cited."
    section.save()
    reference_library["wu2020"].delete()
    assert not Reference.objects.filter(citation_key="wu2020").exists()

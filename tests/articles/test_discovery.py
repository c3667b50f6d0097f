"""The public list: search, filters by status and specialty, pagination."""

import datetime

import pytest

from articles.models import Section
from editorial import services
from tests.articles.factories import (
    ArticleFactory,
    EditorFactory,
    SectionFactory,
    take_through_review,
)


def listed_titles(html, response) -> list[str]:
    page = html(response.content)
    if not page.find_all("ul", class_="article-list"):
        return []
    return [
        item.find("h2").normalised_text
        for item in page.find("ul", class_="article-list").find_all("li")
    ]


@pytest.mark.django_db
def test_search_finds_words_of_the_title_summary_and_sections(client, html):
    by_title = ArticleFactory(title="Which patients need osimertinib?", summary="")
    by_summary = ArticleFactory(
        title="Second question", summary="Pembrolizumab is given every three weeks."
    )
    by_section = ArticleFactory(title="Third question", summary="")
    SectionFactory(article=by_section, body="Alectinib is preferred for ALK.")
    ArticleFactory(title="An unrelated question about statins", summary="")

    for word, article in [
        ("osimertinib", by_title),
        ("pembrolizumab", by_summary),
        ("alectinib", by_section),
    ]:
        assert listed_titles(html, client.get("/", {"q": word})) == [article.title]


@pytest.mark.django_db
def test_search_reads_the_approved_version_not_an_unapproved_edit(client, html):
    article = ArticleFactory(
        title="When is osimertinib used?", summary="", review="approved"
    )
    services.article_content_save(
        article=article,
        user=EditorFactory(),
        values={"title": "When is lorlatinib used?"},
    )

    assert listed_titles(html, client.get("/", {"q": "osimertinib"})) == [
        "When is osimertinib used?"
    ]
    assert listed_titles(html, client.get("/", {"q": "lorlatinib"})) == []


@pytest.mark.django_db
def test_search_never_shows_an_unpublished_article(client, html):
    ArticleFactory(title="A draft about osimertinib", published=False)
    response = client.get("/", {"q": "osimertinib"})
    assert listed_titles(html, response) == []
    assert "No article matches your search" in response.text


@pytest.mark.django_db
@pytest.mark.postgres
def test_full_text_search_matches_word_forms_and_ranks_title_first(client, html):
    in_section = ArticleFactory(title="A question on lung cancer care", summary="")
    SectionFactory(article=in_section, body="Mutations are tested before treating.")
    in_title = ArticleFactory(title="Which mutation should be tested?", summary="")

    response = client.get("/", {"q": "mutations tested"})
    assert listed_titles(html, response) == [in_title.title, in_section.title]


@pytest.mark.django_db
def test_filters_by_review_status_and_specialty(client, html):
    approved = ArticleFactory(specialty="Oncology", review="approved")
    in_review = ArticleFactory(specialty="Oncology", review="under_review")
    cardiology = ArticleFactory(specialty="Cardiology", review="under_review")

    assert listed_titles(html, client.get("/", {"status": "approved"})) == [
        approved.title
    ]
    assert listed_titles(
        html, client.get("/", {"status": "under_review", "specialty": "oncology"})
    ) == [in_review.title]
    response = client.get("/specialties/cardiology/")
    assert response.status_code == 200
    assert listed_titles(html, response) == [cardiology.title]
    assert html(response.content).find("h1").text == "Clinical answers in Cardiology"


@pytest.mark.django_db
def test_an_unknown_specialty_page_is_not_found(client):
    ArticleFactory(specialty="Oncology")
    ArticleFactory(specialty="Dermatology", published=False)
    assert client.get("/specialties/oncology/").status_code == 200
    assert client.get("/specialties/dermatology/").status_code == 404


@pytest.mark.django_db
def test_bad_filters_get_a_clear_error_and_the_full_list(client, html):
    article = ArticleFactory()
    response = client.get("/", {"status": "published-yesterday", "q": "x" * 201})
    assert response.status_code == 200
    errors = html(response.content).find("div", class_="form-errors").normalised_text
    assert "Review status: Select a valid choice." in errors
    assert "Search: Ensure this value has at most 200 characters" in errors
    assert listed_titles(html, response) == [article.title]


@pytest.mark.django_db
def test_each_row_shows_status_last_reviewed_and_last_updated(
    client, html, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC))
    article = ArticleFactory(specialty="Oncology")
    time_machine.move_to(datetime.datetime(2025, 4, 9, 12, tzinfo=datetime.UTC))
    services.section_save(
        section=Section(article=article, body="Test the tumour first."),
        user=EditorFactory(),
    )
    time_machine.move_to(datetime.datetime(2025, 5, 6, 12, tzinfo=datetime.UTC))
    article.refresh_from_db()
    take_through_review(article, to="approved")

    item = html(client.get("/").content).find("ul", class_="article-list").find("li")
    assert item.find("span", class_="badge").text == "Approved"
    assert item.find("span", class_="last-reviewed").normalised_text == (
        "Last reviewed: May 6, 2025"
    )
    assert item.find("span", class_="last-updated").normalised_text == (
        "Last updated: April 9, 2025"
    )
    assert item.find("a", class_="specialty").attrs["href"] == (
        "/specialties/oncology/"
    )


@pytest.mark.django_db
def test_the_list_is_paginated_keeping_the_search(client, html):
    for number in range(23):
        ArticleFactory(title=f"Statins question {number}")
    ArticleFactory(title="Something else")

    first = client.get("/", {"q": "statins"})
    assert len(listed_titles(html, first)) == 20
    next_link = html(first.content).find("a", rel="next").attrs["href"]
    assert next_link == "?q=statins&page=2"
    second = client.get("/" + next_link)
    assert len(listed_titles(html, second)) == 3
    assert client.get("/", {"page": "999"}).status_code == 200
    assert client.get("/", {"page": "first"}).status_code == 200


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_however_many_articles(
    client, django_assert_max_num_queries
):
    for number in range(25):
        article = ArticleFactory(
            specialty=f"Specialty {number % 3}",
            review="approved" if number % 2 else None,
        )
        SectionFactory(article=article)
    # Specialties, count, page; no transaction (the public pages only read).
    with django_assert_max_num_queries(3):
        response = client.get("/", {"q": "treatment", "status": "approved"})
    assert response.status_code == 200

"""The article page's table of contents and its own citation."""

import datetime

import pytest

from editorial import services
from tests.articles.factories import EditorFactory, UserFactory


@pytest.fixture
def article_read_on_a_known_date(client, html, time_machine, reference_page_article):
    time_machine.move_to(datetime.datetime(2025, 6, 11, 9, tzinfo=datetime.UTC))
    article = reference_page_article
    services.article_content_save(
        article=article,
        user=EditorFactory(),
        values={
            "first_published_at": datetime.datetime(2025, 1, 10, tzinfo=datetime.UTC),
            "author": UserFactory(first_name="Maria Luisa", last_name="Ortega"),
            "summary": "Test the tumour, then treat the driver that was found.",
        },
    )
    article.refresh_from_db()
    time_machine.move_to(datetime.datetime(2025, 6, 18, 9, tzinfo=datetime.UTC))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return article, html(response.content)


def test_the_contents_link_to_every_section_and_the_references(
    article_read_on_a_known_date,
):
    _, page = article_read_on_a_known_date
    contents = page.find("nav", class_="toc")
    links = [(a.normalised_text, a.attrs["href"]) for a in contents.find_all("a")]

    assert [text for text, _ in links] == [
        "Short answer",
        "From the Guidelines",
        "From the FDA Drug Label",
        "From the Research",
        "References",
        "Cite this page",
    ]
    ids = {element.attrs.get("id") for element in page.iter()}
    assert all(href.startswith("#") and href[1:] in ids for _, href in links)


def test_cite_this_page_gives_a_vancouver_reference_with_address_and_access_date(
    article_read_on_a_known_date,
):
    article, page = article_read_on_a_known_date
    text = page.find("p", class_="cite-page__text").normalised_text

    assert text == (
        "Ortega ML. How is treatment personalised in non-small cell lung cancer? "
        "[Internet]. Medreview; 2025 [updated 2025 Jun 11; cited 2025 Jun 18]. "
        f"Available from: http://testserver{article.get_absolute_url()}"
    )

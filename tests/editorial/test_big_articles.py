"""Big articles can be edited in the admin; what the page cannot show is refused
with a message, and the typed text is kept."""

import html

import pytest

from articles.models import SECTION_BODY_MAX_LENGTH, Article, Citation, Section
from tests.articles.factories import ArticleFactory
from tests.editorial.conftest import change_form_data, change_url, section_field
from tests.references.factories import ReferenceFactory

SECTIONS = 300
KEYS_PER_SECTION = 4  # 1,200 citations


@pytest.fixture
def big_article(db, editor):
    references = {
        key: ReferenceFactory(citation_key=key)
        for key in ("big0", "big1", "big2", "big3")
    }
    keys = list(references)
    article = ArticleFactory(title="Everything about lung cancer testing?")
    markers = " ".join(f"[@{key}]" for key in keys)
    sections = Section.objects.bulk_create(
        Section(article=article, order=order, body=f"Part {order} {markers}.")
        for order in range(SECTIONS)
    )
    Citation.objects.bulk_create(
        Citation(section=section, reference=references[key], key=key, position=index)
        for section in sections
        for index, key in enumerate(keys)
    )
    return article


def page_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_an_article_of_300_sections_and_1200_citations_saves_in_the_admin(
    client, editor, big_article
):
    client.force_login(editor)
    data = change_form_data(client, big_article)
    data[section_field(data, "Part 17 ")] = ["Part 17, rewritten [@big0]."]

    response = client.post(change_url(big_article), data)

    assert response.status_code == 302, page_of(response)[:1000]
    section = big_article.sections.get(order=17)
    assert section.body == "Part 17, rewritten [@big0]."
    assert Citation.objects.filter(section__article=big_article).count() == (
        SECTIONS * KEYS_PER_SECTION - 3
    )


@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_form_error_that_keeps_the_text(
    client, editor, article
):
    client.force_login(editor)
    data = change_form_data(client, article)
    typed = "Long. " * (SECTION_BODY_MAX_LENGTH // 6 + 1)
    data[section_field(data, "Test every")] = [typed]

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    page = page_of(response)
    assert f"a section holds at most {SECTION_BODY_MAX_LENGTH}" in page
    assert typed.strip() in page
    assert not Section.objects.filter(body__startswith="Long.").exists()


@pytest.mark.django_db
def test_lists_nested_deeper_than_the_page_shows_are_refused(client, editor, article):
    client.force_login(editor)
    data = change_form_data(client, article)
    typed = "\n".join("  " * level + f"- level {level + 1}" for level in range(10))
    data[section_field(data, "Test every")] = [typed]
    before = Article.objects.get(pk=article.pk).last_updated

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    page = page_of(response)
    assert "Lists or quotes here nest 10 levels deep, more than the page can show" in (
        page
    )
    assert "- level 10" in page
    assert Article.objects.get(pk=article.pk).last_updated == before


def test_nine_levels_of_list_are_shown_whole():
    from articles import markdown

    body = "\n".join("  " * level + f"- level {level + 1}" for level in range(9))
    assert markdown.nesting_cut_depth(body) is None
    assert "level 9" in markdown.render(body)

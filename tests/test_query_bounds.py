"""Pages cost a fixed number of queries however many articles and versions exist."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article, Section
from tests.articles.factories import ArticleFactory, EditorFactory, SectionFactory
from tests.reviewers.factories import AdvisoryBoardMemberFactory

HISTORY_VERSIONS = 1_000
# What each page costs today with a handful of rows, session and transaction
# included; more rows must not cost more.
PUBLIC_PAGE_QUERIES = 6
ADMIN_PAGE_QUERIES = 14


def add_articles(count: int, author) -> None:
    Article.objects.bulk_create(
        Article(
            title=f"Bulk question {number}?",
            slug=f"bulk-question-{number}",
            author=author,
            published=True,
        )
        for number in range(count)
    )


def add_history(article: Article, section: Section, versions: int) -> None:
    """Past saves of the article and its section, as django-simple-history keeps
    them, written in bulk so the test stays quick."""
    start = timezone.now() - datetime.timedelta(days=versions)
    Article.history.bulk_create(
        Article.history.model(
            **{
                field.attname: getattr(article, field.attname)
                for field in Article._meta.concrete_fields
            }
            | {"summary": f"Summary as of save {number}"},
            history_date=start + datetime.timedelta(hours=number),
            history_type="~",
        )
        for number in range(versions)
    )
    Section.history.bulk_create(
        Section.history.model(
            **{
                field.attname: getattr(section, field.attname)
                for field in Section._meta.concrete_fields
            }
            | {"body": f"Body as of save {number}"},
            history_date=start + datetime.timedelta(hours=number, minutes=30),
            history_type="~",
        )
        for number in range(versions)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/advisory-board/", "member"])
def test_public_lists_cost_the_same_with_many_articles_and_members(
    client, django_assert_max_num_queries, url
):
    author = EditorFactory()
    member = AdvisoryBoardMemberFactory()
    for _ in range(3):
        AdvisoryBoardMemberFactory()
    add_articles(500, author)
    path = f"/advisory-board/{member.slug}/" if url == "member" else url

    with django_assert_max_num_queries(PUBLIC_PAGE_QUERIES):
        response = client.get(path)

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["changelist", "change", "history", "timeline"])
def test_editors_pages_cost_the_same_with_a_thousand_versions(
    client, django_assert_max_num_queries, page
):
    editor = EditorFactory(is_superuser=True)
    article = ArticleFactory(author=editor)
    section = SectionFactory(article=article)
    add_articles(300, editor)
    add_history(article, section, HISTORY_VERSIONS)
    client.force_login(editor)
    url = {
        "changelist": "/admin/articles/article/",
        "change": f"/admin/articles/article/{article.pk}/change/",
        "history": f"/admin/articles/article/{article.pk}/history/",
        "timeline": f"/admin/articles/article/{article.pk}/timeline/",
    }[page]
    # Warm the process-wide caches (content types), whatever ran before this test.
    client.get(url)

    with django_assert_max_num_queries(ADMIN_PAGE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_timeline_of_a_thousand_versions_is_shown_a_page_at_a_time(client):
    editor = EditorFactory(is_superuser=True)
    article = ArticleFactory(author=editor)
    section = SectionFactory(article=article)
    add_history(article, section, HISTORY_VERSIONS)
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/timeline/"

    first = client.get(url).content.decode()
    older = client.get(url, {"page": 2}).content.decode()

    assert first.count('<tr class="timeline-') == 100
    assert "Page 1 of 21" in first
    assert older.count('<tr class="timeline-') == 100
    assert first.count("Restore this version") == 99

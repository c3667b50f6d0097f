"""Pages cost a fixed number of queries however many articles and versions exist."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.api import API_PAGE_SIZE
from articles.listing import rebuild_listings
from articles.models import ApprovedVersion, Article, Section
from articles.views import ARTICLES_PER_PAGE
from tests.articles.factories import ArticleFactory, EditorFactory, SectionFactory
from tests.reviewers.factories import AdvisoryBoardMemberFactory

HISTORY_VERSIONS = 1_000
ARTICLES = 10_000
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


def add_listed_articles(start: int, count: int, author, member) -> None:
    """Published articles written in bulk, every other one approved (by ``member``
    for one in a hundred), then their list rows as ``rebuild_listings`` writes
    them: thousands in a few seconds."""
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Statins question {number}?",
            slug=f"statins-question-{number}",
            summary=f"Short answer {number} on statins.",
            specialty=("Oncology", "Cardiology")[number % 2],
            author=author,
            published=True,
            last_updated=now - datetime.timedelta(minutes=number),
        )
        for number in range(start, start + count)
    )
    versions = ApprovedVersion.objects.bulk_create(
        ApprovedVersion(
            article=article,
            number=1,
            review_round=1,
            approved_at=now,
            content={
                "title": article.title,
                "summary": article.summary,
                "specialty": article.specialty,
                "keywords": "",
                "last_updated": article.last_updated.isoformat(),
                "sections": [],
                "references": [],
            },
            approvers=[{"name": member.display_name, "slug": member.slug}],
        )
        for number, article in enumerate(articles, start=start)
        if number % 2 == 0
    )
    ApprovedVersion.reviewers.through.objects.bulk_create(
        ApprovedVersion.reviewers.through(
            approvedversion_id=version.pk, advisoryboardmember_id=member.pk
        )
        for version in versions
        if version.article.slug.endswith(("-0", "00"))
    )
    rebuild_listings()


PUBLIC_LISTS = {
    "list": "/",
    "search": "/?q=statins",
    "filters": "/?status=approved&specialty=oncology",
    "specialty page": "/specialties/cardiology/",
    "board": "/advisory-board/",
    "member": "member",
    "API list": "/api/articles/",
    "API search": "/api/articles/?q=statins",
}


def list_queries(client, member) -> tuple[dict[str, int], dict]:
    """Queries per public list rendered (not served by the page cache), and the
    answers (each a 200)."""
    cache.clear()
    counts, answers = {}, {}
    for name, url in PUBLIC_LISTS.items():
        path = f"/advisory-board/{member.slug}/" if url == "member" else url
        with CaptureQueriesContext(connection) as queries:
            answers[name] = client.get(path)
        assert answers[name].status_code == 200, name
        counts[name] = len(queries)
    return counts, answers


@pytest.mark.django_db
def test_public_lists_cost_the_same_with_ten_thousand_articles_as_with_three(
    client, html
):
    author = EditorFactory()
    member = AdvisoryBoardMemberFactory()
    for _ in range(3):
        AdvisoryBoardMemberFactory()
    add_listed_articles(0, 3, author, member)
    with_three, _ = list_queries(client, member)

    add_listed_articles(3, ARTICLES - 3, author, member)
    with_ten_thousand, answers = list_queries(client, member)

    assert with_ten_thousand == with_three
    assert max(with_three.values()) <= PUBLIC_PAGE_QUERIES
    for name in ("list", "search", "filters", "specialty page"):
        page = html(answers[name].content)
        rows = page.find("ul", class_="article-list").find_all("li")
        assert len(rows) == ARTICLES_PER_PAGE, name
        assert page.find("a", rel="next") is not None, name
    for name in ("API list", "API search"):
        answer = answers[name].json()
        assert answer["count"] == ARTICLES, name
        assert len(answer["results"]) == API_PAGE_SIZE, name
        assert answer["next"] is not None, name


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

"""Finding articles: the public list, search, filters and specialty pages.

Every row shows what the article's own page shows: the latest approved version when
there is one, otherwise the working copy. Those values are stored per published
article (``ListedArticle``, kept true by ``articles.listing``), so filtering,
ranking, ordering and pagination are indexed reads in the database and a page costs
the same few queries however many articles exist.

Search uses PostgreSQL full-text search on the stored, weighted vector (title >
short answer > sections, ranked with ``ts_rank``). On SQLite, which has no such
search, every word of the query must appear somewhere in the same stored texts
(case-insensitive), newest first.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import F, Q, QuerySet

from articles.listing import SEARCH_CONFIG
from articles.models import ArticleStatus, ListedArticle

# The order of the list without a search: newest shown date first.
NEWEST_FIRST = ("-last_updated", "-pk")


@dataclass(frozen=True)
class ArticleFilters:
    """What a reader asked for; empty values filter nothing."""

    query: str = ""
    status: str = ""
    specialty: str = ""  # a specialty's slug


def article_search(*, filters: ArticleFilters) -> QuerySet[ListedArticle]:
    """The published articles matching ``filters``, best match (or newest) first."""
    # The texts are searched in the database, never read back.
    articles = ListedArticle.objects.defer("sections_text", "search_vector")
    if filters.status:
        articles = articles.filter(status=filters.status)
    if filters.specialty:
        articles = articles.filter(specialty_slug=filters.specialty)
    query = filters.query.strip()
    if not query:
        return articles.order_by(*NEWEST_FIRST)
    if connection.vendor == "postgresql":
        return _full_text_search(articles, query)
    return _word_search(articles, query)


def _full_text_search(
    articles: QuerySet[ListedArticle], query: str
) -> QuerySet[ListedArticle]:
    from django.contrib.postgres.search import SearchQuery, SearchRank

    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    # ``@@`` reads the GIN index; a rank of 0 (a query of exclusions only) matches
    # nothing, as it always did.
    return (
        articles.filter(search_vector=search_query)
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .filter(rank__gt=0)
        .order_by("-rank", *NEWEST_FIRST)
    )


def _word_search(
    articles: QuerySet[ListedArticle], query: str
) -> QuerySet[ListedArticle]:
    for word in query.split():
        articles = articles.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(sections_text__icontains=word)
        )
    return articles.order_by(*NEWEST_FIRST)


@dataclass(frozen=True)
class Specialty:
    name: str
    slug: str


def public_specialties() -> list[Specialty]:
    """The specialties of the published articles, as their pages show them; of
    names that make the same slug, the first in alphabetical order names it."""
    names = (
        ListedArticle.objects.exclude(specialty_slug="")
        .order_by("specialty", "specialty_slug")
        .values_list("specialty", "specialty_slug")
        .distinct()
    )
    by_slug: dict[str, Specialty] = {}
    for name, slug in names:
        by_slug.setdefault(slug, Specialty(name=name, slug=slug))
    return list(by_slug.values())


@dataclass(frozen=True)
class ArticleListing:
    """A row of the public list: what the article's page shows."""

    url: str
    title: str
    summary: str
    specialty: Specialty | None
    status: str
    status_label: str
    last_reviewed: datetime | None
    last_updated: datetime


def article_listings(articles) -> list[ArticleListing]:
    """Rows for the template, from listed articles (no further query)."""
    rows = []
    for article in articles:
        status = ArticleStatus(article.status)
        rows.append(
            ArticleListing(
                url=article.get_absolute_url(),
                title=article.title,
                summary=article.summary,
                specialty=(
                    Specialty(name=article.specialty, slug=article.specialty_slug)
                    if article.specialty_slug
                    else None
                ),
                status=status.value,
                status_label=str(status.label),
                last_reviewed=article.last_reviewed,
                last_updated=article.last_updated,
            )
        )
    return rows

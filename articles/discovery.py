"""Finding articles: the public list, search, filters and specialty pages.

Every row shows what the article's own page shows: the latest approved version when
there is one, otherwise the working copy. The reads below annotate each published
article with those "shown" values in SQL, so filtering, ranking, ordering and
pagination all happen in the database and a page costs the same few queries however
many articles exist.

Search uses PostgreSQL full-text search (weighted title > short answer > sections,
ranked with ``ts_rank``). On SQLite, which has no such search, every word of the query
must appear somewhere in the same texts (case-insensitive), newest first.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    DateTimeField,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Concat
from django.utils.text import slugify

from articles.models import ApprovedVersion, Article, ArticleStatus, Section
from articles.selectors import public_articles

# Searched in each section, frozen or live. A plain-language (patient) version of a
# section, once sections carry one, is added here by its field name.
SEARCHED_SECTION_FIELDS = ("heading", "body", "patient_body")

SEARCH_CONFIG = "english"


class IsoDateTime(Func):
    """A timestamp stored as ISO 8601 text in a frozen version, as a datetime."""

    output_field = DateTimeField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="CAST(%(expressions)s AS timestamptz)"
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite stores datetimes as UTC text; datetime() reads the offset.
        return self.as_sql(compiler, connection, template="datetime(%(expressions)s)")


class FrozenSectionsText(Func):
    """The searched texts of every section of a frozen content dictionary."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        fields = ", ".join(f"section->>'{name}'" for name in SEARCHED_SECTION_FIELDS)
        # Field names are the constant above, never input.
        template = (
            f"(SELECT string_agg(concat_ws(' ', {fields}), ' ') "  # noqa: S608
            "FROM jsonb_array_elements(%(expressions)s->'sections') AS section)"
        )
        return self.as_sql(compiler, connection, template=template)

    def as_sqlite(self, compiler, connection, **extra_context):
        fields = " || ' ' || ".join(
            f"coalesce(json_extract(section.value, '$.{name}'), '')"
            for name in SEARCHED_SECTION_FIELDS
        )
        template = (
            f"(SELECT group_concat({fields}, ' ') "  # noqa: S608
            "FROM json_each(%(expressions)s, '$.sections') AS section)"
        )
        return self.as_sql(compiler, connection, template=template)


class JoinedText(Aggregate):
    """Texts of a group joined by spaces (``string_agg`` / ``group_concat``)."""

    output_field = TextField()
    template = "string_agg(%(expressions)s, ' ')"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="group_concat(%(expressions)s, ' ')"
        )


def _live_sections_text() -> Subquery:
    parts = []
    for name in SEARCHED_SECTION_FIELDS:
        parts += [F(name), Value(" ")]
    texts = (
        Section.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(text=JoinedText(Concat(*parts, output_field=TextField())))
        .values("text")
    )
    return Subquery(texts, output_field=TextField())


def shown_articles() -> QuerySet[Article]:
    """Published articles annotated with what their page shows.

    ``shown_title``, ``shown_summary``, ``shown_specialty``, ``shown_sections``,
    ``shown_last_updated``, ``shown_status`` and ``last_reviewed`` come from the
    latest approved version when there is one, otherwise from the working copy.
    """
    latest = ApprovedVersion.objects.filter(article=OuterRef("pk")).order_by("-number")

    def frozen(name: str) -> Subquery:
        return Subquery(latest.values(value=KT(f"content__{name}"))[:1])

    return public_articles().annotate(
        last_reviewed=Subquery(latest.values("approved_at")[:1]),
        shown_title=Coalesce(frozen("title"), F("title"), output_field=CharField()),
        shown_summary=Coalesce(
            frozen("summary"), F("summary"), output_field=TextField()
        ),
        shown_specialty=Coalesce(
            frozen("specialty"), F("specialty"), output_field=CharField()
        ),
        shown_sections=Coalesce(
            Subquery(latest.values(value=FrozenSectionsText("content"))[:1]),
            _live_sections_text(),
            Value(""),
            output_field=TextField(),
        ),
        shown_last_updated=Coalesce(
            IsoDateTime(frozen("last_updated")), F("last_updated")
        ),
        shown_status=Case(
            When(last_reviewed__isnull=False, then=Value(ArticleStatus.APPROVED)),
            default=F("status"),
            output_field=CharField(),
        ),
    )


@dataclass(frozen=True)
class ArticleFilters:
    """What a reader asked for; empty values filter nothing."""

    query: str = ""
    status: str = ""
    specialty: str = ""


def article_search(*, filters: ArticleFilters) -> QuerySet[Article]:
    """The published articles matching ``filters``, best match (or newest) first."""
    articles = shown_articles()
    if filters.status:
        articles = articles.filter(shown_status=filters.status)
    if filters.specialty:
        articles = articles.filter(shown_specialty=filters.specialty)
    query = filters.query.strip()
    if not query:
        return articles.order_by("-shown_last_updated", "-pk")
    if connection.vendor == "postgresql":
        return _full_text_search(articles, query)
    return _word_search(articles, query)


def _full_text_search(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("shown_title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("shown_summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("shown_sections", weight="C", config=SEARCH_CONFIG)
    )
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return (
        articles.annotate(rank=SearchRank(vector, search_query))
        .filter(rank__gt=0)
        .order_by("-rank", "-shown_last_updated", "-pk")
    )


def _word_search(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    for word in query.split():
        articles = articles.filter(
            Q(shown_title__icontains=word)
            | Q(shown_summary__icontains=word)
            | Q(shown_sections__icontains=word)
        )
    return articles.order_by("-shown_last_updated", "-pk")


@dataclass(frozen=True)
class Specialty:
    name: str
    slug: str


def public_specialties() -> list[Specialty]:
    """The specialties of the published articles, as their pages show them."""
    names = (
        shown_articles()
        .exclude(shown_specialty="")
        .order_by("shown_specialty")
        .values_list("shown_specialty", flat=True)
        .distinct()
    )
    by_slug: dict[str, Specialty] = {}
    for name in names:
        slug = slugify(name)
        if slug and slug not in by_slug:
            by_slug[slug] = Specialty(name=name, slug=slug)
    return list(by_slug.values())


def specialty_by_slug(*, slug: str) -> Specialty | None:
    return next(
        (specialty for specialty in public_specialties() if specialty.slug == slug),
        None,
    )


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
    """Rows for articles read through ``shown_articles`` (no further query)."""
    rows = []
    for article in articles:
        status = ArticleStatus(article.shown_status)
        specialty = article.shown_specialty
        rows.append(
            ArticleListing(
                url=article.get_absolute_url(),
                title=article.shown_title,
                summary=article.shown_summary,
                specialty=(
                    Specialty(name=specialty, slug=slugify(specialty))
                    if slugify(specialty)
                    else None
                ),
                status=status.value,
                status_label=str(status.label),
                last_reviewed=article.last_reviewed,
                last_updated=article.shown_last_updated,
            )
        )
    return rows

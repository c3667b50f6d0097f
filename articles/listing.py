"""The stored form of what the public lists show (``ListedArticle``), kept true.

A row holds what the article's own page shows: the latest approved version when
there is one, otherwise the working copy. ``refresh_listing`` recomputes one row from
the article, its sections and its approved versions, in SQL (two queries), and is
called in the same transaction as every save that can change the page
(``articles.signals``); ``rebuild_listings`` recomputes them all in batches (the
data migration, ``manage.py rebuild_listings``, ``bench/``).

On PostgreSQL each row also stores a weighted search vector (title A, short answer
B, section texts of both audiences C) under a GIN index, so a search reads an
index instead of computing every article's vector.
"""

from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    DateTimeField,
    Expression,
    F,
    Func,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Concat
from django.utils.text import slugify

from articles import page_cache
from articles.models import Article, ArticleStatus, ListedArticle
from config import http_caching

# Searched in each section, frozen or live.
SEARCHED_SECTION_FIELDS = ("heading", "body", "patient_body")

SEARCH_CONFIG = "english"

# Rows recomputed per statement by ``rebuild_listings``.
BATCH_SIZE = 500

# The annotation each stored field is read from (the model's own names are taken).
SHOWN_AS = {
    "shown_title": "title",
    "shown_summary": "summary",
    "shown_specialty": "specialty",
    "shown_status": "status",
    "shown_last_reviewed": "last_reviewed",
    "shown_last_updated": "last_updated",
    "shown_sections": "sections_text",
}
STORED_FIELDS = (
    "slug",
    "title",
    "summary",
    "specialty",
    "specialty_slug",
    "status",
    "last_reviewed",
    "last_updated",
    "sections_text",
)


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


def shown_values(articles: QuerySet) -> QuerySet:
    """``articles`` as dictionaries of ``pk``, ``slug`` and what their page shows
    (the keys of ``SHOWN_AS``).

    Works on the migrations' historical models too: the related models are found
    through ``articles``' own model."""
    model = articles.model
    versions = model._meta.get_field("approved_versions").related_model
    sections = model._meta.get_field("sections").related_model
    latest = versions.objects.filter(article=OuterRef("pk")).order_by("-number")

    def frozen(name: str) -> Subquery:
        return Subquery(latest.values(value=KT(f"content__{name}"))[:1])

    parts = []
    for name in SEARCHED_SECTION_FIELDS:
        parts += [F(name), Value(" ")]
    live_sections = (
        sections.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(text=JoinedText(Concat(*parts, output_field=TextField())))
        .values("text")
    )
    return (
        articles.annotate(
            shown_last_reviewed=Subquery(latest.values("approved_at")[:1]),
            shown_title=Coalesce(frozen("title"), F("title"), output_field=CharField()),
            shown_summary=Coalesce(
                frozen("summary"), F("summary"), output_field=TextField()
            ),
            shown_specialty=Coalesce(
                frozen("specialty"), F("specialty"), output_field=CharField()
            ),
            shown_sections=Coalesce(
                Subquery(latest.values(value=FrozenSectionsText("content"))[:1]),
                Subquery(live_sections, output_field=TextField()),
                Value(""),
                output_field=TextField(),
            ),
            shown_last_updated=Coalesce(
                IsoDateTime(frozen("last_updated")), F("last_updated")
            ),
            shown_status=Case(
                When(
                    shown_last_reviewed__isnull=False,
                    then=Value(ArticleStatus.APPROVED),
                ),
                default=F("status"),
                output_field=CharField(),
            ),
        )
        .order_by()
        .values("pk", "slug", *SHOWN_AS)
    )


def search_vector(
    title: Expression | str, summary: Expression | str, sections: Expression | str
) -> Expression:
    """The weighted vector of the shown texts (column names or values)."""
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector(title, weight="A", config=SEARCH_CONFIG)
        + SearchVector(summary, weight="B", config=SEARCH_CONFIG)
        + SearchVector(sections, weight="C", config=SEARCH_CONFIG)
    )


def _stored(values: dict) -> dict:
    """The row's fields from a dictionary of ``shown_values``."""
    stored = {"slug": values["slug"]}
    stored |= {field: values[shown] for shown, field in SHOWN_AS.items()}
    stored["specialty_slug"] = slugify(stored["specialty"])
    return stored


def refresh_listing(*, article_id: int) -> None:
    """Make the article's row what its page shows now, or remove it when the
    article is not published (or no longer exists). Run inside the caller's
    transaction (a signal receiver of its save): no savepoint of its own."""
    with transaction.atomic(savepoint=False):
        values = shown_values(
            Article.objects.filter(pk=article_id, published=True)
        ).first()
        if values is None:
            ListedArticle.objects.filter(pk=article_id).delete()
            return
        stored = _stored(values)
        if connection.vendor == "postgresql":
            stored["search_vector"] = search_vector(
                Value(stored["title"], output_field=TextField()),
                Value(stored["summary"], output_field=TextField()),
                Value(stored["sections_text"], output_field=TextField()),
            )
        if not ListedArticle.objects.filter(pk=article_id).update(**stored):
            ListedArticle.objects.create(article_id=article_id, **stored)


def rebuild_listings(
    *,
    article_model=Article,
    listing_model=ListedArticle,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute every row (a few statements per ``batch_size`` articles), drop the
    rows of articles no longer published; returns how many rows there are.

    ``progress(done, total)`` is called after each batch. The models are arguments
    so the data migration can pass its historical ones.
    """
    listing_model.objects.exclude(
        article__in=article_model.objects.filter(published=True)
    ).delete()
    ids = list(
        article_model.objects.filter(published=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic():
            _write_batch(article_model, listing_model, batch)
        if progress is not None:
            progress(min(start + batch_size, len(ids)), len(ids))
    # Lists the page cache stored were rendered from the rows before.
    page_cache.article_lists_changed()
    http_caching.content_changed("articles")
    return len(ids)


def _write_batch(article_model, listing_model, ids: Iterable[int]) -> None:
    """Lock the batch's articles first, like every editorial action does, so an
    edit or an unpublishing saved meanwhile is written after this batch, never
    overwritten by what it read before."""
    ids = list(
        article_model.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    listing_model.objects.filter(pk__in=ids).exclude(article__published=True).delete()
    rows = [
        listing_model(article_id=values["pk"], **_stored(values))
        for values in shown_values(
            article_model.objects.filter(pk__in=ids, published=True)
        )
    ]
    listing_model.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=list(STORED_FIELDS),
    )
    if connection.vendor == "postgresql":
        listing_model.objects.filter(pk__in=ids).update(
            search_vector=search_vector("title", "summary", "sections_text")
        )

"""Reads for the public pages: what they show, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString, mark_safe

from articles import markdown
from articles.models import Article, Citation, Section
from references.models import Reference


@dataclass(frozen=True)
class RenderedSection:
    section: Section
    html: SafeString


@dataclass(frozen=True)
class NumberedReference:
    number: int
    reference: Reference
    citation_count: int

    @property
    def back_links(self) -> list[str]:
        return [f"cite-{self.number}-{n}" for n in range(1, self.citation_count + 1)]


@dataclass(frozen=True)
class ArticleBody:
    sections: list[RenderedSection]
    references: list[NumberedReference]


def public_articles() -> QuerySet[Article]:
    return Article.objects.public().order_by("-last_updated")


def public_article(*, slug: str) -> Article:
    """The published article with this slug, or 404 (unpublished ones included)."""
    return get_object_or_404(public_articles(), slug=slug)


def article_body(*, article: Article) -> ArticleBody:
    """Sections rendered with citation numbers, and the numbered reference list.

    Numbers are per article, in order of first appearance across the sections; a
    reference cited again keeps its number. Two queries whatever the article's size.
    """
    sections = list(
        Section.objects.filter(article=article).prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("reference").order_by(
                    "position"
                ),
            )
        )
    )
    numbers: dict[int, int] = {}
    references: dict[int, Reference] = {}
    counts: dict[int, int] = {}
    rendered = []
    for section in sections:
        keys_to_numbers = {}
        for citation in section.citations.all():
            reference = citation.reference
            if reference.pk not in numbers:
                numbers[reference.pk] = len(numbers) + 1
                references[reference.pk] = reference
            keys_to_numbers[citation.key] = numbers[reference.pk]
        context = markdown.CitationContext(numbers=keys_to_numbers)
        html = markdown.render(section.body, context)
        for number, count in context.occurrences.items():
            counts[number] = counts.get(number, 0) + count
        rendered.append(RenderedSection(section=section, html=mark_safe(html)))  # noqa: S308 - sanitised by nh3
    numbered = [
        NumberedReference(
            number=numbers[pk],
            reference=reference,
            citation_count=counts.get(numbers[pk], 0),
        )
        for pk, reference in references.items()
    ]
    return ArticleBody(sections=rendered, references=numbered)

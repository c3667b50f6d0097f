"""Reads for the article pages: content, numbering, approved versions, history.

An article's content is captured as a plain dictionary (``article_content``): the
fields, the sections with their marker numbers and the numbered references. The same
shape is frozen in ``ApprovedVersion.content``, rebuilt from history for any past
moment, compared by ``articles.diffing`` and rendered by ``body_from_content``, so the
live page, the approved version and the review desk all show an article the same way.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString, mark_safe

from articles import markdown, rendering
from articles.models import (
    ApprovedVersion,
    Article,
    ArticleStatus,
    Audience,
    Citation,
    ReviewStep,
    Section,
    review_steps,
)
from references.models import Reference, ReferenceNotice

# Frozen in content dictionaries: the citation key and what readers see.
REFERENCE_FIELDS = ("citation_key", *Reference.CONTENT_FIELDS)
# What ``_content`` reads of a section and of a cited reference.
SECTION_CONTENT_FIELDS = (
    "id",
    "article_id",
    "order",
    "kind",
    "heading",
    "body",
    "patient_body",
)
CITED_REFERENCE_FIELDS = (*REFERENCE_FIELDS, "corrected_at", "correction_note")
CITED_REFERENCE_COLUMNS = tuple(f"reference__{name}" for name in CITED_REFERENCE_FIELDS)


@dataclass(frozen=True)
class RenderedSection:
    kind: str
    kind_label: str
    heading: str
    html: SafeString
    # Patients asked, but the section has no patient version: the professional text
    # is shown with a note.
    patient_version_missing: bool = False


@dataclass(frozen=True)
class NumberedReference:
    number: int
    reference: Reference
    citation_count: int
    # The kind's name as a plain string, translated once per page rather than cast
    # from a lazy label several times per reference by the template.
    kind_label: str = ""
    # An editorial correction readers are told about: (date, note).
    correction: tuple[datetime, str] | None = None
    # Confirmed retractions, concerns and corrections: shown under the reference.
    reader_notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArticleBody:
    sections: list[RenderedSection]
    references: list[NumberedReference]


@dataclass(frozen=True)
class ArticlePage:
    """What the public page shows: the approved version if there is one, otherwise
    the working copy with its pending-review caution."""

    article: Article
    content: dict[str, Any]
    approved_version: ApprovedVersion | None
    audience: str = Audience.CLINICIAN

    @property
    def for_patients(self) -> bool:
        return self.audience == Audience.PATIENT

    @cached_property
    def body(self) -> ArticleBody:
        """Rendered on first use: a page whose body is cached never renders it."""
        return body_from_content(
            self.content, audience=self.audience, reader_notes=self.reader_notes
        )

    @cached_property
    def reader_notes(self) -> dict[int, list[str]]:
        """Read once per page: the body's digest and its rendering both need them."""
        return confirmed_reader_notes(
            reference_ids=[item.get("id") for item in self.content["references"]]
        )

    @cached_property
    def body_version(self) -> str:
        """A digest of the content the body shows: the same for every request of an
        approved version, new with any change of a working copy or a correction of
        a cited reference. The editors' notes on cited works are read live, not
        frozen in the content, so they count too. Hashing costs a millisecond;
        rendering, fifty."""
        serialised = json.dumps(
            [self.content, sorted(self.reader_notes.items())],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(serialised.encode()).hexdigest()

    @property
    def section_headings(self) -> list[str]:
        """The sections' headings as the body shows them, without rendering it (the
        table of contents of a page whose body comes from the cache)."""
        kinds = dict(Section.Kind.choices)
        return [
            section["heading"] or str(kinds.get(section["kind"], section["kind"]))
            for section in self.content["sections"]
        ]

    @property
    def has_references(self) -> bool:
        return bool(self.content["references"])

    @property
    def is_reviewed(self) -> bool:
        return self.approved_version is not None

    @property
    def update_pending(self) -> bool:
        """A newer working copy exists than the approved version readers see."""
        return self.approved_version is not None and not self.article.is_approved

    @property
    def title(self) -> str:
        return self.content["title"]

    @property
    def summary(self) -> str:
        return self.content["summary"]

    @property
    def last_updated(self) -> datetime:
        return datetime.fromisoformat(self.content["last_updated"])

    @property
    def specialty(self) -> str:
        return self.content["specialty"]

    @property
    def article_keywords(self) -> list[str]:
        words = self.content["keywords"].split(",")
        return [word.strip() for word in words if word.strip()]

    @property
    def literature_reviewed_through(self) -> date | None:
        # Versions approved before the field existed have no such key.
        value = self.content.get("literature_reviewed_through")
        return date.fromisoformat(value) if value else None

    @property
    def changed_at(self) -> datetime:
        """When anything this page shows last changed: its ``Last-Modified``."""
        if self.approved_version is None:
            return self.article.modified
        return max(self.article.modified, self.approved_version.approved_at)

    @property
    def last_reviewed(self) -> datetime | None:
        return self.approved_version.approved_at if self.approved_version else None

    @property
    def reviewed_by(self) -> list[dict[str, str]]:
        return self.approved_version.approvers if self.approved_version else []

    @property
    def review_steps(self) -> list[ReviewStep]:
        status = ArticleStatus.APPROVED if self.is_reviewed else self.article.status
        return review_steps(status)


def page_citation(*, page: ArticlePage, url: str, accessed: date) -> str:
    """The page's own reference in Vancouver style, for readers who cite it:
    writer, title, medium, publisher, year, update and access dates, address."""
    writer = page.article.author
    initials = "".join(part[0] for part in writer.first_name.split() if part)
    author = f"{writer.last_name} {initials}".strip() if writer.last_name else ""
    published = page.article.first_published_at or page.article.created
    parts = [
        f"{author}. " if author else "",
        f"{page.title.rstrip('.')} [Internet]. ",
        f"Medreview; {published:%Y} ",
        f"[updated {page.last_updated:%Y %b} {page.last_updated.day}; ",
        f"cited {accessed:%Y %b} {accessed.day}]. ",
        f"Available from: {url}",
    ]
    return "".join(parts)


def public_articles() -> QuerySet[Article]:
    return Article.objects.public().order_by("-last_updated")


def public_article(*, slug: str) -> Article:
    """The published article with this slug, or 404 (unpublished ones included)."""
    return get_object_or_404(
        public_articles().select_related("author", "writer"), slug=slug
    )


def latest_approved_version(*, article: Article) -> ApprovedVersion | None:
    return article.approved_versions.order_by("-number").first()


def article_page(
    *, article: Article, audience: str = Audience.CLINICIAN
) -> ArticlePage:
    version = latest_approved_version(article=article)
    if version is None:
        content = article_content(article=article)
    else:
        content = with_corrections_since(version.content, moment=version.approved_at)
    return ArticlePage(
        article=article, content=content, approved_version=version, audience=audience
    )


def working_copy_page(*, article: Article) -> ArticlePage:
    """The working copy as the public page would show it, published or not: what
    editors and reviewers preview. An approved article's working copy is its
    approved version's content, shown with its approval."""
    content = article_content(article=article)
    version = latest_approved_version(article=article) if article.is_approved else None
    return ArticlePage(article=article, content=content, approved_version=version)


def section_preview(*, kind: str, heading: str, body: str) -> ArticleBody:
    """One section as the article page would render it, before it is saved.

    Citation numbers count from this section alone: the article preview numbers
    the whole article."""
    section = SectionDraft(kind=kind, heading=heading, body=body)
    return draft_preview(sections=[section]).body


def article_content(*, article: Article) -> dict[str, Any]:
    """The working copy as a dictionary, numbered; two queries whatever its size.

    The citations are read as plain rows with their references' fields, and each
    cited work is built once however often it is cited: with a hundred references,
    making model instances for every citation was a third of an uncached page."""
    sections = Section.objects.filter(article=article).only(*SECTION_CONTENT_FIELDS)
    citation_rows = (
        Citation.objects.filter(section__article=article)
        .order_by("section_id", "position")
        .values_list("section_id", "key", "reference_id", *CITED_REFERENCE_COLUMNS)
    )
    references: dict[int, SimpleNamespace] = {}
    by_section: dict[int, list[tuple[str, SimpleNamespace]]] = {}
    for section_id, key, reference_id, *values in citation_rows:
        reference = references.get(reference_id)
        if reference is None:
            reference = references[reference_id] = SimpleNamespace(
                pk=reference_id,
                **dict(zip(CITED_REFERENCE_FIELDS, values, strict=True)),
            )
        by_section.setdefault(section_id, []).append((key, reference))
    return _content(
        article,
        [(section, by_section.get(section.pk, [])) for section in sections],
    )


def article_content_as_of(*, article: Article, moment: datetime) -> dict[str, Any]:
    """The article's content as it stood at ``moment``, rebuilt from history."""
    past_article = article.history.as_of(moment)
    sections = sorted(
        Section.history.as_of(moment).filter(article_id=article.pk),
        key=lambda section: (section.order, section.pk),
    )
    citations = Citation.history.as_of(moment).filter(
        section_id__in=[section.pk for section in sections]
    )
    reference_ids = {citation.reference_id for citation in citations}
    # On the history queryset ``pk`` is the history row's own id: filter on ``id``.
    references = {
        reference.pk: reference
        for reference in Reference.history.as_of(moment).filter(id__in=reference_ids)
    }
    by_section: dict[int, list[Citation]] = {}
    for citation in sorted(citations, key=lambda c: c.position):
        by_section.setdefault(citation.section_id, []).append(citation)
    return _content(
        past_article,
        [
            (
                section,
                [
                    (c.key, references[c.reference_id])
                    for c in by_section.get(section.pk, [])
                    if c.reference_id in references
                ],
            )
            for section in sections
        ],
    )


def with_corrections_since(content: dict[str, Any], *, moment: datetime) -> dict:
    """Frozen content with the editorial corrections made to its references since
    ``moment``: they reach readers without a new review (one query)."""
    ids = [item["id"] for item in content["references"]]
    corrected = {
        reference.pk: reference
        for reference in Reference.objects.filter(pk__in=ids, corrected_at__gt=moment)
    }
    if not corrected:
        return content
    references = []
    for item in content["references"]:
        reference = corrected.get(item["id"])
        if reference is not None:
            item = item | {
                name: getattr(reference, name) for name in Reference.CORRECTABLE_FIELDS
            }
            item["correction"] = _correction(reference)
        references.append(item)
    return content | {"references": references}


def _correction(reference) -> dict[str, str] | None:
    if reference.corrected_at is None:
        return None
    return {
        "date": reference.corrected_at.isoformat(),
        "note": reference.correction_note,
    }


def _content(article, sections_with_citations) -> dict[str, Any]:
    numbers: dict[int, int] = {}
    references: list[dict[str, Any]] = []
    sections = []
    for section, citations in sections_with_citations:
        key_numbers = {}
        for key, reference in citations:
            if reference.pk not in numbers:
                numbers[reference.pk] = len(numbers) + 1
                references.append(
                    {"number": numbers[reference.pk], "id": reference.pk}
                    | {name: getattr(reference, name) for name in REFERENCE_FIELDS}
                    | {"correction": _correction(reference)}
                )
            key_numbers[key] = numbers[reference.pk]
        sections.append(
            {
                "id": section.pk,
                "order": section.order,
                "kind": section.kind,
                "heading": section.heading,
                "body": section.body,
                "patient_body": section.patient_body,
                "numbers": key_numbers,
            }
        )
    return {
        "title": article.title,
        "summary": article.summary,
        "specialty": article.specialty,
        "keywords": article.keywords,
        "literature_reviewed_through": (
            article.literature_reviewed_through.isoformat()
            if article.literature_reviewed_through
            else None
        ),
        "last_updated": article.last_updated.isoformat(),
        "sections": sections,
        "references": references,
    }


def body_from_content(
    content: dict[str, Any],
    *,
    audience: str = Audience.CLINICIAN,
    reader_notes: dict[int, list[str]] | None = None,
    keep_rendering: bool = True,
) -> ArticleBody:
    """Render sections with citation numbers, and the numbered reference list.

    For patients, a section shows its patient version, or the professional text when
    it has none (versions approved before patient versions existed have none).
    ``reader_notes`` are read here unless the caller already has them. Each text's
    Markdown is rendered once ever and kept (``articles.rendering``), unless
    ``keep_rendering`` is false (text that is not saved content).
    """
    kinds = dict(Section.Kind.choices)
    shown_texts = []
    for section in content["sections"]:
        patient_text = section.get("patient_body", "")
        use_patient_text = audience == Audience.PATIENT and bool(patient_text.strip())
        shown_texts.append(
            (patient_text if use_patient_text else section["body"], use_patient_text)
        )
    prepared = rendering.prepared_texts(
        [text for text, _ in shown_texts], keep=keep_rendering
    )
    # One tally for the whole article, so a source cited again in a later section
    # gets a new anchor (cite-N-2, …) rather than repeating the first section's id.
    counts: dict[int, int] = {}
    rendered = []
    for section, (_, use_patient_text), text in zip(
        content["sections"], shown_texts, prepared, strict=True
    ):
        context = markdown.CitationContext(
            numbers=section["numbers"], occurrences=counts
        )
        html = markdown.fill_citations(text, context)
        kind_label = str(kinds.get(section["kind"], section["kind"]))
        rendered.append(
            RenderedSection(
                kind=section["kind"],
                kind_label=kind_label,
                heading=section["heading"] or kind_label,
                html=mark_safe(html),  # noqa: S308 - sanitised by nh3 in prepare()
                patient_version_missing=(
                    audience == Audience.PATIENT and not use_patient_text
                ),
            )
        )
    notes = reader_notes
    if notes is None:
        notes = confirmed_reader_notes(
            reference_ids=[item.get("id") for item in content["references"]]
        )
    reference_kinds = {kind: str(label) for kind, label in Reference.Kind.choices}
    numbered = [
        NumberedReference(
            number=item["number"],
            reference=Reference(
                pk=item.get("id"), **{name: item[name] for name in REFERENCE_FIELDS}
            ),
            citation_count=counts.get(item["number"], 0),
            kind_label=reference_kinds.get(item["kind"], item["kind"]),
            correction=_correction_shown(item.get("correction")),
            reader_notes=tuple(notes.get(item.get("id"), ())),
        )
        for item in content["references"]
    ]
    return ArticleBody(sections=rendered, references=numbered)


def _correction_shown(correction: dict[str, str] | None):
    if not correction:
        return None
    return datetime.fromisoformat(correction["date"]), correction["note"]


def confirmed_reader_notes(*, reference_ids: list[int | None]) -> dict[int, list[str]]:
    """Notes on cited works an editor confirmed (retracted, corrected…), by reference.

    Read live, not frozen in an approved version: a retraction confirmed after the
    approval is shown at once, without changing the approved content. One query.
    """
    ids = [pk for pk in reference_ids if pk is not None]
    if not ids:
        return {}
    notes: dict[int, list[str]] = {}
    confirmed = ReferenceNotice.objects.filter(
        reference_id__in=ids, status=ReferenceNotice.Status.CONFIRMED
    ).order_by("found")
    for notice in confirmed:
        notes.setdefault(notice.reference_id, []).append(notice.note_for_readers())
    return notes


def article_body(
    *, article: Article, audience: str = Audience.CLINICIAN
) -> ArticleBody:
    """The working copy rendered (the reviewer desk and the public page before any
    approval)."""
    return body_from_content(article_content(article=article), audience=audience)


@dataclass(frozen=True)
class SectionDraft:
    """A section as typed in the editor, not yet saved."""

    kind: str
    heading: str
    body: str


@dataclass(frozen=True)
class DraftPreview:
    body: ArticleBody
    # Per section, in the order given: the keys no reference of the library has.
    unknown_keys: list[list[str]]


def draft_preview(*, sections: list[SectionDraft]) -> DraftPreview:
    """Sections as typed, rendered as readers would see them once saved: the
    public page's renderer, numbers counted across the sections in their order.

    One query, whatever the number of sections, so the editor's live preview stays
    cheap."""
    keys_by_section = [markdown.citation_keys(section.body) for section in sections]
    wanted = {key for keys in keys_by_section for key in keys}
    library = {
        reference.citation_key: reference
        for reference in Reference.objects.filter(citation_key__in=wanted)
    }
    content = _content(
        Article(),
        (
            (
                Section(kind=section.kind, heading=section.heading, body=section.body),
                [(key, library[key]) for key in keys if key in library],
            )
            for section, keys in zip(sections, keys_by_section, strict=True)
        ),
    )
    return DraftPreview(
        body=body_from_content(content, keep_rendering=False),
        unknown_keys=[
            [key for key in keys if key not in library] for keys in keys_by_section
        ],
    )

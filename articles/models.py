from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from articles import markdown
from config.fsm import WorkflowModelMixin
from config.slugs import unique_slug
from references.models import Reference


class ArticleStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under Review")
    APPROVED = "approved", _("Approved")


class Audience(models.TextChoices):
    """Who a page is written for; each section may have a patient version."""

    PATIENT = "patient", _("Patient or caregiver")
    CLINICIAN = "clinician", _("Healthcare professional")


@dataclass(frozen=True)
class ReviewStep:
    label: str
    state: str  # "done", "current" or "upcoming"

    @property
    def state_label(self) -> str:
        return {
            "done": _("completed"),
            "current": _("current step"),
            "upcoming": _("not yet reached"),
        }[self.state]


def review_steps(status: str) -> list[ReviewStep]:
    """The three review steps for the status tracker, the current one marked."""
    current = ArticleStatus.values.index(status)
    return [
        ReviewStep(
            label=label,
            state=(
                "done"
                if index < current
                else "current"
                if index == current
                else "upcoming"
            ),
        )
        for index, label in enumerate(ArticleStatus.labels)
    ]


# What a review needs is the workflow's business, not the content's: the editorial
# app, which owns review assignments, adds its checks here when it loads
# (``EditorialConfig.ready``). With no check registered, no review can start and
# nobody can decide.
REVIEW_START_CHECKS: list[Callable[["Article"], bool]] = []
DECISION_CHECKS: list[Callable[["Article", Any], bool]] = []


def review_can_start(article: "Article") -> bool:
    return bool(REVIEW_START_CHECKS) and all(
        check(article) for check in REVIEW_START_CHECKS
    )


def may_decide(article: "Article", user) -> bool:
    return bool(DECISION_CHECKS) and all(
        check(article, user) for check in DECISION_CHECKS
    )


class PublicArticleQuerySet(models.QuerySet):
    def public(self):
        return self.filter(published=True)


class Article(WorkflowModelMixin, models.Model):
    """A clinical question and its medically reviewed answer.

    ``status`` moves only through the transitions below, which ``editorial.services``
    drive; assigning it directly raises. ``last_updated`` is the date readers see: it
    moves when the content changes, never on a status change.
    """

    CONTENT_FIELDS = (
        "title",
        "summary",
        "specialty",
        "keywords",
        "literature_reviewed_through",
    )

    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_("The clinical question, as a reader would ask it."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_(
            "The address of the public page. Made from the title when left blank; "
            "fixed once the article has been public."
        ),
    )
    summary = models.TextField(
        _("short answer"),
        blank=True,
        help_text=_("Two or three sentences answering the question (plain text)."),
    )
    specialty = models.CharField(_("specialty"), max_length=100, blank=True)
    keywords = models.CharField(
        _("keywords"),
        max_length=300,
        blank=True,
        help_text=_("Separated by commas."),
    )
    literature_reviewed_through = models.DateField(
        _("literature reviewed through"),
        null=True,
        blank=True,
        help_text=_(
            "The date up to which the writer searched the literature. Shown to readers "
            "as part of the reviewed content: a change goes through review."
        ),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_articles",
        verbose_name=_("author"),
    )
    writer = models.ForeignKey(
        "reviewers.Writer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("writer"),
        help_text=_(
            "Named in the byline with their credentials and disclosure. Left blank, "
            "the page names no writer."
        ),
    )
    status = FSMField(
        _("review status"),
        max_length=20,
        choices=ArticleStatus.choices,
        default=ArticleStatus.SUBMITTED,
        protected=True,
    )
    review_round = models.PositiveIntegerField(
        _("review round"),
        default=1,
        editable=False,
        help_text=_("Moves on each time the article leaves review."),
    )
    required_approvals = models.PositiveSmallIntegerField(
        _("approvals required"),
        null=True,
        blank=True,
        help_text=_(
            "How many reviewers must approve. Left blank: every reviewer of the round "
            "who has not declined (at least one)."
        ),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("re-review every (months)"),
        null=True,
        blank=True,
        help_text=_("Left blank, the site's default (12 months) applies."),
    )
    next_review_due = models.DateField(
        _("next review due"),
        null=True,
        blank=True,
        help_text=_(
            "Set on approval from the re-review interval; an approved article past "
            "this date goes back to review by itself."
        ),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Only published articles appear on the public site."),
    )
    first_published_at = models.DateTimeField(
        _("first published"), null=True, blank=True, editable=False
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)
    last_updated = models.DateTimeField(
        _("last updated"), default=timezone.now, editable=False
    )

    objects = PublicArticleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-last_updated"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("start_review", _("Can send an article to review")),
            ("reopen_article", _("Can reopen an approved article for review")),
            ("restore_article_version", _("Can restore an earlier version")),
            ("review_article", _("Can review articles assigned to them")),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Workflow state and the reader-facing date change only through
        # ``editorial.services``; a save only stores what it is given.
        if not self.slug:
            self.slug = unique_slug(self, "slug", self.title, "article")
        if self.published and self.first_published_at is None:
            self.first_published_at = timezone.now()
        self.normalise_content()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.pk is None or self.first_published_at is None:
            return
        stored_slug = (
            Article.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        )
        if stored_slug and self.slug != stored_slug:
            raise ValidationError(
                {
                    "slug": _(
                        "The address cannot change once the article has been public "
                        "(links to “%(slug)s” would break). Keep “%(slug)s”."
                    )
                    % {"slug": stored_slug}
                }
            )

    @property
    def is_approved(self) -> bool:
        return self.status == ArticleStatus.APPROVED

    @property
    def review_steps(self) -> list["ReviewStep"]:
        return review_steps(self.status)

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    def normalise_content(self) -> None:
        """Store text as readers see it (see ``markdown.normalise_text``)."""
        self.summary = markdown.normalise_text(self.summary)

    # Transitions change the state in memory only; editorial.services checks the
    # assignment rules, saves, records history and queues notifications. A round of
    # review closes whenever the article leaves Under Review.

    @transition(
        field=status,
        source=ArticleStatus.SUBMITTED,
        target=ArticleStatus.UNDER_REVIEW,
        conditions=[lambda article: review_can_start(article)],
        permission="articles.start_review",
        custom={
            "label": _("Start review"),
            "actor": "editor; needs a reviewer in the round",
            "help_text": _(
                "Sends the article to its reviewers. After changes were requested, "
                "this opens the next round and invites the same reviewers again."
            ),
        },
    )
    def start_review(self) -> None:
        pass

    @transition(
        field=status,
        source=ArticleStatus.UNDER_REVIEW,
        target=ArticleStatus.SUBMITTED,
        permission=lambda article, user: may_decide(article, user),
        custom={
            "label": _("Request changes"),
            "admin": False,
            "actor": "an accepted reviewer, with a comment",
        },
    )
    def request_changes(self) -> None:
        self.review_round += 1

    @transition(
        field=status,
        source=ArticleStatus.UNDER_REVIEW,
        target=ArticleStatus.APPROVED,
        permission=lambda article, user: may_decide(article, user),
        custom={
            "label": _("Approve"),
            "admin": False,
            "actor": "the last approval needed",
        },
    )
    def approve(self) -> None:
        self.review_round += 1

    @transition(
        field=status,
        source=ArticleStatus.APPROVED,
        target=ArticleStatus.UNDER_REVIEW,
        permission="articles.reopen_article",
        custom={
            "label": _("Reopen for review"),
            "actor": "editor with a reason, or the re-review date",
            "help_text": _(
                "Sends an approved article back to review; the last reviewers are "
                "invited again. Readers keep the approved version meanwhile."
            ),
        },
    )
    def reopen(self, reason: str = "") -> None:
        pass

    @transition(
        field=status,
        source=[ArticleStatus.UNDER_REVIEW, ArticleStatus.APPROVED],
        target=ArticleStatus.SUBMITTED,
        custom={
            "label": _("Revise"),
            "admin": False,
            "actor": "any content edit",
        },
    )
    def revise(self) -> None:
        """Content changed after review started: what reviewers saw is outdated."""
        if self.status == ArticleStatus.UNDER_REVIEW:
            self.review_round += 1


# Long enough for any real section; a full form of 300 sections stays under the
# request size limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``).
SECTION_BODY_MAX_LENGTH = 20_000


class Section(models.Model):
    """A part of an article's answer, in Markdown with citation markers."""

    class Kind(models.TextChoices):
        GUIDELINES = "guidelines", _("From the Guidelines")
        DRUG_LABEL = "drug_label", _("From the FDA Drug Label")
        RESEARCH = "research", _("From the Research")
        GENERAL = "general", _("General")

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("article"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL
    )
    heading = models.CharField(
        _("heading"),
        max_length=200,
        blank=True,
        help_text=_("Left blank, the kind is used (for example “From the Research”)."),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: **bold**, *italics*, “- ” bullets (indent two spaces to nest), "
            "“### ” sub-headings. Cite with [@key] or [@key1; @key2]."
        ),
    )
    patient_body = models.TextField(
        _("patient version"),
        blank=True,
        help_text=_(
            "The same content in plain language for patients and caregivers, in "
            "Markdown with the same citation markers. Reviewed with the article. Left "
            "blank, patients read the professional text with a short note."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.display_heading

    def save(self, *args, **kwargs):
        """Store the body as readers see it, with the citations its markers name.

        The article's date and review state are not touched here: content is saved
        through ``editorial.services``, which decides what the save means."""
        self.body = markdown.normalise_text(self.body)
        self.patient_body = markdown.normalise_text(self.patient_body)
        with transaction.atomic():
            super().save(*args, **kwargs)
            self.sync_citations()

    def clean(self):
        errors = {}
        for name in ("body", "patient_body"):
            problem = self.text_problem(getattr(self, name))
            if problem:
                errors[name] = problem
        if errors:
            raise ValidationError(errors)

    def text_problem(self, text: str) -> str | None:
        """Why the professional text or the patient version cannot be saved."""
        if len(text) > SECTION_BODY_MAX_LENGTH:
            return _(
                "This section has %(length)s characters; a section holds at most "
                "%(limit)s. Split it into two sections."
            ) % {"length": len(text), "limit": SECTION_BODY_MAX_LENGTH}
        depth = markdown.nesting_cut_depth(text)
        if depth is not None:
            return _(
                "Lists or quotes here nest %(depth)s levels deep, more than the page "
                "can show: the deepest levels would disappear. Flatten them."
            ) % {"depth": depth}
        unknown = self.unknown_citation_keys(text)
        if unknown:
            return unknown_keys_message(unknown)
        return None

    @property
    def display_heading(self) -> str:
        return self.heading or self.get_kind_display()

    @property
    def citation_keys(self) -> list[str]:
        """Keys cited in either version, the professional text's first, so both
        versions share the article's numbering."""
        keys = markdown.citation_keys(self.body)
        extra = markdown.citation_keys(self.patient_body)
        return keys + [key for key in extra if key not in keys]

    def unknown_citation_keys(self, text: str) -> list[str]:
        keys = markdown.citation_keys(text)
        known = set(
            Reference.objects.filter(citation_key__in=keys).values_list(
                "citation_key", flat=True
            )
        )
        return [key for key in keys if key not in known]

    def sync_citations(self) -> None:
        """Make the section's Citation rows match the markers in both versions."""
        keys = self.citation_keys
        references = {
            reference.citation_key: reference
            for reference in Reference.objects.filter(citation_key__in=keys)
        }
        unknown = [key for key in keys if key not in references]
        if unknown:
            raise ValidationError({"body": unknown_keys_message(unknown)})
        existing = {citation.key: citation for citation in self.citations.all()}
        for position, key in enumerate(keys):
            citation = existing.pop(key, None)
            if citation is None:
                Citation.objects.create(
                    section=self, reference=references[key], key=key, position=position
                )
            elif citation.position != position or citation.reference != references[key]:
                citation.position = position
                citation.reference = references[key]
                citation.save()
        for stale in existing.values():
            stale.delete()


def unknown_keys_message(keys: list[str]) -> str:
    markers = ", ".join(f"[@{key}]" for key in keys)
    return _(
        "No reference in the library has the citation key of %(markers)s. Add the "
        "reference to the library first, or correct the key."
    ) % {"markers": markers}


class Citation(models.Model):
    """A marker in a section pointing at a reference of the library.

    Rows are derived from the section body on save; numbers are not stored but counted
    per article in order of first appearance (see ``articles.selectors``).
    """

    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        related_name="citations",
        verbose_name=_("section"),
    )
    reference = models.ForeignKey(
        Reference,
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name=_("reference"),
    )
    key = models.CharField(_("marker key"), max_length=80)
    position = models.PositiveIntegerField(_("position in section"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "position"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "key"], name="citation_unique_key_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"[@{self.key}] → {self.reference}"


class ApprovedVersion(models.Model):
    """A frozen copy of an article as its reviewers approved it.

    Readers see the latest approved version while a newer working copy is under review,
    so approved content never changes silently under them. ``content`` holds the
    sections, the numbered references and the article fields (see
    ``articles.selectors.article_content``); ``approvers`` the reviewers' public names.
    """

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="approved_versions",
        verbose_name=_("article"),
    )
    number = models.PositiveIntegerField(_("version"))
    review_round = models.PositiveIntegerField(_("review round"))
    approved_at = models.DateTimeField(_("approved at"))
    content = models.JSONField(_("content"))
    approvers = models.JSONField(_("approved by"), default=list)
    reviewers = models.ManyToManyField(
        "reviewers.AdvisoryBoardMember",
        blank=True,
        related_name="approved_versions",
        verbose_name=_("reviewers"),
        help_text=_("The approvers as board records, for their public pages."),
    )

    class Meta:
        ordering = ["article", "-number"]
        get_latest_by = "number"
        verbose_name = _("approved version")
        verbose_name_plural = _("approved versions")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="approved_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article} — v{self.number} ({self.approved_at:%Y-%m-%d})"


class Correction(models.Model):
    """A dated note telling readers what was corrected on the page and when.

    Corrections are shown as soon as they are saved: the corrected content itself goes
    through review like any edit; the note says openly that it changed."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("article"),
    )
    corrected_on = models.DateField(_("corrected on"), default=timezone.localdate)
    note = models.TextField(
        _("note"),
        help_text=_("What was wrong and what the page says now, in a sentence or two."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-corrected_on", "-pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.corrected_on:%Y-%m-%d}: {self.note[:60]}"


class PreparedText(models.Model):
    """A section text's Markdown, rendered and sanitised once and kept.

    Keyed on a digest of the text and of the renderer (``articles.rendering``): an
    entry can never be stale, so nothing ever expires or rewrites one. Rendering is
    most of what an article page costs; with this, a page the cache does not hold
    only numbers the citations of HTML already made. Derived data: emptying the table
    loses nothing, it refills as pages are read.
    """

    digest = models.CharField(max_length=64, primary_key=True)
    html = models.TextField()
    # Each citation marker's keys, in the order of the HTML's numbered slots.
    markers = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prepared section text")

    def __str__(self):
        return self.digest


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL. SQLite has no GIN (and no search vector to fill:
    it searches the stored texts), so there it is an ordinary index of the empty
    column, and the same migrations run on both."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class ListedArticle(models.Model):
    """A published article as the public lists show it: what its page shows (the
    latest approved version when there is one, otherwise the working copy), stored
    so that listing, filtering, ordering and searching are plain indexed reads.

    A row exists exactly while its article is published. It is derived, never
    edited: ``articles.listing.refresh_listing`` rewrites it, in the same
    transaction, on every save that can change the page (see ``articles.signals``).
    """

    article = models.OneToOneField(
        Article,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="listing",
        verbose_name=_("article"),
    )
    slug = models.SlugField(_("slug"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("short answer"), blank=True)
    specialty = models.CharField(_("specialty"), max_length=100, blank=True)
    specialty_slug = models.CharField(_("specialty slug"), max_length=300, blank=True)
    status = models.CharField(
        _("review status shown"), max_length=20, choices=ArticleStatus.choices
    )
    last_reviewed = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    last_updated = models.DateTimeField(_("last updated"))
    sections_text = models.TextField(
        _("sections text"),
        blank=True,
        help_text=_("Headings and texts of every section, both audiences."),
    )
    # Filled on PostgreSQL only: title (A), short answer (B), sections (C).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-last_updated", "-pk"]
        verbose_name = _("listed article")
        verbose_name_plural = _("listed articles")
        indexes = [
            # The list's order, alone and after each filter.
            models.Index(fields=["-last_updated", "-article"], name="listing_newest"),
            models.Index(
                fields=["status", "-last_updated", "-article"],
                name="listing_status_newest",
            ),
            models.Index(
                fields=["specialty_slug", "-last_updated", "-article"],
                name="listing_specialty_newest",
            ),
            # The specialties menu reads the index alone.
            models.Index(fields=["specialty", "specialty_slug"], name="listing_names"),
            models.Index(fields=["slug"], name="listing_slug"),
            SearchIndex(fields=["search_vector"], name="listing_search"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})


class UnreplacedGeneration(models.Model):
    """A cached page generation that a change could not replace because the cache
    did not answer (a Redis restart, a network pause).

    When the cache answers again it still holds the old generation and the pages
    stored under it; the sweep (``articles.tasks.replace_unreplaced_generations``,
    every minute) replaces each noted generation, so a change made while the cache
    was away shows at most about a minute after it is back.
    """

    key = models.CharField(max_length=250, primary_key=True)
    noted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("unreplaced cache generation")

    def __str__(self):
        return self.key

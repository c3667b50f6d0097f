import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.slugs import unique_slug
from references import identifiers

VANCOUVER_AUTHOR_LIMIT = 6


class Reference(models.Model):
    """A source in the shared library; articles cite it by its ``citation_key``."""

    # What a reader sees of a reference: a change to any of these is a content change
    # of every article citing it.
    CONTENT_FIELDS = (
        "kind",
        "title",
        "authors",
        "source",
        "year",
        "volume",
        "issue",
        "pages",
        "doi",
        "pmid",
        "pmcid",
        "nct_number",
        "url",
    )
    # Bibliographic details an editor may correct without changing what the source
    # says (an author's name, page numbers): readers see the correction with its
    # date, and the articles citing it are not reviewed again.
    CORRECTABLE_FIELDS = ("authors", "volume", "issue", "pages")

    class Kind(models.TextChoices):
        GUIDELINE = "guideline", _("Guideline")
        DRUG_LABEL = "drug_label", _("FDA Drug Label")
        RESEARCH = "research", _("Research")
        REVIEW = "review", _("Review")
        CLINICAL_TRIAL = "clinical_trial", _("Clinical Trial")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    citation_key = models.SlugField(
        _("citation key"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_(
            "Cite this reference in a section by typing [@key]. Left blank, it is made "
            "from the first author and the year."
        ),
    )
    title = models.CharField(_("title"), max_length=500)
    authors = models.TextField(
        _("authors"),
        blank=True,
        help_text=_(
            "Vancouver style, separated by commas: “Planchard D, Popat S, Kerr K”, or "
            "an organisation."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Journal (abbreviated) or issuing organisation."),
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    volume = models.CharField(_("volume"), max_length=30, blank=True)
    issue = models.CharField(_("issue"), max_length=30, blank=True)
    pages = models.CharField(_("pages"), max_length=50, blank=True)
    doi = models.CharField(
        _("DOI"),
        max_length=255,
        blank=True,
        validators=[identifiers.validate_doi],
        help_text=_("Bare DOI or https://doi.org/… link; stored as the bare DOI."),
    )
    pmid = models.CharField(
        _("PMID"), max_length=8, blank=True, validators=[identifiers.validate_pmid]
    )
    pmcid = models.CharField(
        _("PMCID"), max_length=20, blank=True, validators=[identifiers.validate_pmcid]
    )
    nct_number = models.CharField(
        _("NCT number"),
        max_length=11,
        blank=True,
        validators=[identifiers.validate_nct_number],
    )
    url = models.URLField(
        _("URL"),
        max_length=500,
        blank=True,
        validators=[identifiers.validate_web_url],
        help_text=_("A web address (http:// or https://) where readers find it."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)
    corrected_at = models.DateTimeField(
        _("last corrected"), null=True, blank=True, editable=False
    )
    correction_note = models.CharField(
        _("correction note"), max_length=300, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        constraints = [
            models.UniqueConstraint(
                Lower("doi"),
                condition=~models.Q(doi=""),
                name="reference_unique_doi",
                violation_error_message=_("Another reference already has this DOI."),
            ),
            models.UniqueConstraint(
                fields=["pmid"],
                condition=~models.Q(pmid=""),
                name="reference_unique_pmid",
                violation_error_message=_("Another reference already has this PMID."),
            ),
        ]

    def __str__(self) -> str:
        year = f" ({self.year})" if self.year else ""
        return f"{self.title}{year}"

    def save(self, *args, **kwargs):
        # Identifiers and the URL are checked on every save, not only in forms: a
        # malformed DOI or a javascript: URL from the shell or an import is refused
        # before it reaches a reader.
        self.normalise_identifiers()
        identifier_fields = {"doi", "pmid", "pmcid", "nct_number", "url"}
        self.clean_fields(
            exclude={field.name for field in self._meta.fields} - identifier_fields
        )
        if not self.citation_key:
            self.citation_key = self._default_citation_key()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # Normalise before the field validators see the value, so a pasted
        # https://doi.org/… link or a padded PMID is accepted.
        self.normalise_identifiers()
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        for field, label in (("doi", _("DOI")), ("pmid", _("PMID"))):
            value = getattr(self, field)
            if not value:
                continue
            lookup = {f"{field}__iexact": value}
            existing = Reference.objects.filter(**lookup).exclude(pk=self.pk).first()
            if existing is not None:
                errors[field] = ValidationError(
                    _(
                        "A reference with this %(label)s already exists: “%(title)s” "
                        "(citation key “%(key)s”, number %(id)s in the library). Cite "
                        "that one instead of adding it again."
                    ),
                    code="duplicate",
                    params={
                        "label": label,
                        "title": existing.title,
                        "key": existing.citation_key,
                        "id": existing.pk,
                    },
                )
        if errors:
            raise ValidationError(errors)

    def normalise_identifiers(self) -> None:
        self.doi = identifiers.normalise_doi(self.doi or "")
        self.pmid = (self.pmid or "").strip()
        self.pmcid = (self.pmcid or "").strip().upper()
        self.nct_number = (self.nct_number or "").strip().upper()

    def _default_citation_key(self) -> str:
        first_author = re.split(r"[,;]", self.authors or "")[0].strip()
        surname = first_author.split(" ")[0] if first_author else self.title
        return unique_slug(self, "citation_key", f"{surname}{self.year or ''}", "ref")

    @property
    def web_url(self) -> str:
        """The URL when it is a web address, else empty: an approved version frozen
        before URLs were checked could still hold another scheme."""
        return self.url if identifiers.is_web_url(self.url) else ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def pmc_url(self) -> str:
        return (
            f"https://www.ncbi.nlm.nih.gov/pmc/articles/{self.pmcid}/"
            if self.pmcid
            else ""
        )

    @property
    def clinical_trial_url(self) -> str:
        return (
            f"https://clinicaltrials.gov/study/{self.nct_number}"
            if self.nct_number
            else ""
        )

    def vancouver(self) -> str:
        """The reference in Vancouver style, as plain text (templates escape it)."""
        parts = []
        authors = [a.strip() for a in (self.authors or "").split(",") if a.strip()]
        if authors:
            if len(authors) > VANCOUVER_AUTHOR_LIMIT:
                authors = authors[:VANCOUVER_AUTHOR_LIMIT] + ["et al"]
            parts.append(", ".join(authors) + ".")
        parts.append(_end_with_period(self.title))
        if self.source:
            parts.append(_end_with_period(self.source))
        published = ""
        if self.year:
            published = str(self.year)
        if self.volume:
            published += f";{self.volume}"
            if self.issue:
                published += f"({self.issue})"
        if self.pages:
            published += f":{self.pages}"
        if published:
            parts.append(published + ".")
        if self.doi:
            parts.append(f"doi:{self.doi}.")
        if self.pmid:
            parts.append(f"PMID: {self.pmid}.")
        if self.nct_number:
            parts.append(f"ClinicalTrials.gov: {self.nct_number}.")
        return " ".join(parts)


def _end_with_period(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


class ReferenceNotice(models.Model):
    """A retraction, expression of concern or correction found for a library work.

    Found by the daily integrity check, never acted on by it: an editor confirms (the
    readers of every article citing the work then see a note) or dismisses it. Kept
    apart from the reference's own fields, so recording one never counts as an edit
    of the articles citing it.
    """

    class Kind(models.TextChoices):
        RETRACTION = "retraction", _("Retraction")
        EXPRESSION_OF_CONCERN = "expression_of_concern", _("Expression of concern")
        CORRECTION = "correction", _("Correction")

    class Status(models.TextChoices):
        NEW = "new", _("To review")
        CONFIRMED = "confirmed", _("Confirmed: shown to readers")
        DISMISSED = "dismissed", _("Dismissed")

    reference = models.ForeignKey(
        Reference,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("reference"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    notice_identifier = models.CharField(
        _("notice"),
        max_length=300,
        blank=True,
        help_text=_("The notice's own DOI or PMID, when the service gives one."),
    )
    notice_date = models.CharField(_("notice date"), max_length=10, blank=True)
    found_in = models.CharField(_("found in"), max_length=30)
    source = models.CharField(_("reported by"), max_length=300, blank=True)
    found = models.DateTimeField(_("found"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided = models.DateTimeField(_("decided"), null=True, blank=True)
    reader_note = models.TextField(
        _("note to readers"),
        blank=True,
        help_text=_(
            "Shown under the reference on every article citing it once confirmed. "
            "Left blank, a note naming the notice is shown."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-found"]
        verbose_name = _("update notice")
        verbose_name_plural = _("update notices")
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "kind", "notice_identifier", "found_in"],
                name="reference_notice_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.reference.title}"

    @property
    def notice_url(self) -> str:
        scheme, _separator, value = self.notice_identifier.partition(":")
        if scheme == "doi":
            return f"https://doi.org/{value}"
        if scheme == "pmid":
            return f"https://pubmed.ncbi.nlm.nih.gov/{value}/"
        return ""

    def note_for_readers(self) -> str:
        if self.reader_note:
            return self.reader_note
        date = f" ({self.notice_date})" if self.notice_date else ""
        return {
            self.Kind.RETRACTION: _("This work has been retracted%(date)s."),
            self.Kind.EXPRESSION_OF_CONCERN: _(
                "An expression of concern has been published about this work%(date)s."
            ),
            self.Kind.CORRECTION: _("A correction to this work was published%(date)s."),
        }[self.kind] % {"date": date}


class LinkCheck(models.Model):
    """The last answer of one link of a reference (its URL or an identifier's page).

    Reported to editors; a broken link never blocks publishing.
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("Works")
        BROKEN = "broken", _("Broken")
        UNREACHABLE = "unreachable", _("No answer")
        RATE_LIMITED = "rate_limited", _("Rate limited: checked again tomorrow")

    reference = models.ForeignKey(
        Reference,
        on_delete=models.CASCADE,
        related_name="link_checks",
        verbose_name=_("reference"),
    )
    url = models.URLField(_("link"), max_length=600)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True)
    final_url = models.URLField(_("after redirects"), max_length=600, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    checked = models.DateTimeField(_("checked"))

    class Meta:
        ordering = ["reference__title", "url"]
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "url"], name="link_check_unique_url"
            )
        ]

    def __str__(self) -> str:
        return f"{self.url}: {self.get_outcome_display()}"

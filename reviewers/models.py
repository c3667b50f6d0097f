import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.slugs import unique_slug


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone. Use an IANA name such as Europe/Paris."),
            code="invalid_time_zone",
            params={"value": value},
        )


class BoardMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class NamedWithCredentials:
    """People named publicly as "Name, credentials" (members and writers)."""

    display_name: str
    credentials: str

    @property
    def name_with_credentials(self) -> str:
        if self.credentials:
            return f"{self.display_name}, {self.credentials}"
        return self.display_name


class AdvisoryBoardMember(NamedWithCredentials, models.Model):
    """A member of the Medical Advisory Board; with a user account they can review."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_member",
        verbose_name=_("user account"),
        help_text=_("The account the member signs in with to review articles."),
    )
    display_name = models.CharField(_("display name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    credentials = models.CharField(
        _("credentials"),
        max_length=100,
        blank=True,
        help_text=_("For example MD, PhD."),
    )
    specialty = models.CharField(_("specialty"), max_length=100, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    conflict_of_interest = models.TextField(
        _("conflict-of-interest disclosure"),
        blank=True,
        help_text=_("Shown publicly. Write “None declared.” when there is none."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Due dates and reminders follow this time zone."),
    )

    reminders_paused = models.BooleanField(
        _("reminders paused"),
        default=False,
        help_text=_("Set by the member at the reviewer desk; editors are told."),
    )

    objects = BoardMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("advisory board member")
        verbose_name_plural = _("advisory board members")

    def __str__(self) -> str:
        return self.name_with_credentials

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, "slug", self.display_name, "member")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("reviewers:member", kwargs={"slug": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def reviewed_public_articles(self) -> list[dict]:
        """The published articles this member approved, newest approval first, each
        once, with the title as approved. The approved versions live in ``articles``,
        which points here; they are read through the reverse relation only."""
        versions = (
            self.approved_versions.filter(article__published=True)
            .select_related("article")
            .order_by("-approved_at")
        )
        seen = set()
        reviewed = []
        for version in versions:
            if version.article_id in seen:
                continue
            seen.add(version.article_id)
            reviewed.append(
                {
                    "title": version.content["title"],
                    "url": version.article.get_absolute_url(),
                    "approved_at": version.approved_at,
                }
            )
        return reviewed


class Writer(NamedWithCredentials, models.Model):
    """A person who writes articles, named in their byline like the reviewers are:
    with credentials and a conflict-of-interest disclosure."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="writer_profile",
        verbose_name=_("user account"),
    )
    display_name = models.CharField(_("display name"), max_length=200)
    credentials = models.CharField(
        _("credentials"),
        max_length=100,
        blank=True,
        help_text=_("For example MD, PharmD."),
    )
    conflict_of_interest = models.TextField(
        _("conflict-of-interest disclosure"),
        blank=True,
        help_text=_("Shown in the byline. Write “None declared.” when there is none."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("writer")
        verbose_name_plural = _("writers")

    def __str__(self) -> str:
        return self.name_with_credentials

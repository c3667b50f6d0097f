from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class EditorialPolicy(models.Model):
    """The editorial policy shown at /editorial-policy/; the latest row is current."""

    title = models.CharField(_("title"), max_length=200, default=_("Editorial policy"))
    body = models.TextField(_("body"), help_text=_("Markdown."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated"]
        get_latest_by = "updated"
        verbose_name = _("editorial policy")
        verbose_name_plural = _("editorial policy")

    def __str__(self) -> str:
        return self.title

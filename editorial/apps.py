from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Editorial workflow")

    def ready(self) -> None:
        from django.conf import settings

        from editorial.reminders import validate_schedule

        validate_schedule(settings.MEDREVIEW_REMINDERS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewersConfig(AppConfig):
    name = "reviewers"
    verbose_name = _("Medical Advisory Board")

    def ready(self) -> None:
        from reviewers import signals  # noqa: F401

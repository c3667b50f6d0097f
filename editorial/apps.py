from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("Editorial workflow")

    def ready(self) -> None:
        from django.conf import settings
        from simple_history.signals import pre_create_historical_record

        from articles import models as articles_models
        from editorial import selectors
        from editorial.reminders import validate_schedule
        from editorial.save_moments import stamp_history_row
        from editorial.services.evidence import alert_editors_of_retraction
        from references.models import ReferenceNotice
        from references.signals import notice_found

        validate_schedule(settings.MEDREVIEW_REMINDERS)
        # The article's transitions ask the workflow who may take them.
        if (
            selectors.reviewers_to_invite_exist
            not in articles_models.REVIEW_START_CHECKS
        ):
            articles_models.REVIEW_START_CHECKS.append(
                selectors.reviewers_to_invite_exist
            )
            articles_models.DECISION_CHECKS.append(selectors.is_accepted_reviewer)
        pre_create_historical_record.connect(
            stamp_history_row, dispatch_uid="editorial.stamp_history_row"
        )
        # A retraction found by the reference library's daily check alerts editors.
        notice_found.connect(
            alert_editors_of_retraction,
            sender=ReferenceNotice,
            dispatch_uid="editorial.alert_editors_of_retraction",
        )

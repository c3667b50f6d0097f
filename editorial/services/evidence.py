"""Editors' decisions on what the daily checks found about cited works."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ArticleStatus
from editorial import notifications
from editorial.services.common import WorkflowError, save_with_history
from editorial.services.revisions import citing_article_ids
from references.models import ReferenceNotice


def alert_editors_of_retraction(sender, notice: ReferenceNotice, **kwargs) -> None:
    """Receiver of ``references.signals.notice_found``: a cited work was retracted,
    and editors hear of it when approved articles cite it (the others wait in the
    queue). Written to the outbox in the check's transaction."""
    if notice.kind != ReferenceNotice.Kind.RETRACTION:
        return
    approved = Article.objects.filter(
        pk__in=citing_article_ids(notice.reference), status=ArticleStatus.APPROVED
    ).order_by("title")
    notifications.cited_work_retracted(notice, list(approved))


def reference_notice_decide(
    *,
    notice: ReferenceNotice,
    confirm: bool,
    user,
    reader_note: str = "",
) -> ReferenceNotice:
    """Confirm a notice (readers of every citing article see a note) or dismiss it.

    The articles themselves are not changed: whether one needs rewriting or a new
    review is the editors' next decision, taken through the usual workflow.
    """
    with transaction.atomic():
        notice = ReferenceNotice.objects.select_for_update().get(pk=notice.pk)
        if user is None:
            raise WorkflowError(_("A decision on a notice needs an editor."))
        notice.status = (
            ReferenceNotice.Status.CONFIRMED
            if confirm
            else ReferenceNotice.Status.DISMISSED
        )
        notice.decided_by = user
        notice.decided = timezone.now()
        if reader_note:
            notice.reader_note = reader_note
        notice.full_clean()
        save_with_history(
            notice,
            user=user,
            reason=_("confirmed: shown to readers") if confirm else _("dismissed"),
        )
    return notice

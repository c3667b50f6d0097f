"""What every workflow action shares: the refusal type, row locks, saves with history.

Lock order, taken by every action that needs more than one: the article row first,
then its assignments, then their reminders. Two actions on one article therefore
queue behind each other instead of deadlocking.
"""

from django.utils.translation import gettext as _

from articles.models import Article
from editorial.models import REASON_MAX_LENGTH, ReviewAssignment
from editorial.reminders import reminders_plan


class WorkflowError(Exception):
    """A refused action; the message says why and what to do instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def locked_article(article: Article, *, skip_locked: bool = False) -> Article | None:
    """The article's row, locked; with ``skip_locked``, None while another
    transaction holds it."""
    rows = Article.objects.select_for_update(skip_locked=skip_locked)
    if skip_locked:
        return rows.filter(pk=article.pk).first()
    return rows.get(pk=article.pk)


def locked_assignment(
    assignment: ReviewAssignment, *, skip_locked: bool = False
) -> ReviewAssignment | None:
    """The assignment's row, locked; with ``skip_locked``, None while another
    transaction holds it."""
    rows = ReviewAssignment.objects.select_for_update(skip_locked=skip_locked)
    if skip_locked:
        return rows.filter(pk=assignment.pk).first()
    return rows.get(pk=assignment.pk)


def save_with_history(instance, *, user, reason: str) -> None:
    if user is not None:
        instance._history_user = user
    instance._change_reason = reason
    instance.save()


def require_reason_fits(reason: str) -> None:
    """Refuse an editor's reason longer than the forms allow: history keeps every
    reason whole, so the bound is on what is typed, never a cut afterwards."""
    if len(reason) > REASON_MAX_LENGTH:
        raise WorkflowError(
            _(
                "The reason is too long: at most %(limit)s characters (it has "
                "%(length)s). Shorten it; nothing was changed."
            )
            % {"limit": REASON_MAX_LENGTH, "length": len(reason)}
        )


def save_assignment(assignment: ReviewAssignment, *, user, reason: str) -> None:
    """Save an assignment change and re-plan its reminders in the same transaction."""
    save_with_history(assignment, user=user, reason=reason)
    reminders_plan(assignment=assignment)


def require_editor(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise WorkflowError(_("Only editors may do this."))

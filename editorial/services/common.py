"""What every workflow action shares: the refusal type, row locks, saves with history.

Lock order, taken by every action that needs more than one: the article row first,
then its assignments, then their reminders. Two actions on one article therefore
queue behind each other instead of deadlocking.
"""

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from articles.models import Article
from editorial.models import ReviewAssignment
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
    instance._change_reason = fitted_reason(instance, reason)
    instance.save()


def fitted_reason(instance, reason: str) -> str:
    """The reason cut to the history column (an editor's reason can be longer; it is
    kept whole where it is shown to reviewers: the closing note and the email)."""
    field = instance.history.model._meta.get_field("history_change_reason")
    return Truncator(reason).chars(field.max_length)


def save_assignment(assignment: ReviewAssignment, *, user, reason: str) -> None:
    """Save an assignment change and re-plan its reminders in the same transaction."""
    save_with_history(assignment, user=user, reason=reason)
    reminders_plan(assignment=assignment)


def require_editor(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise WorkflowError(_("Only editors may do this."))

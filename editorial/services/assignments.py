"""Inviting reviewers and their answers: accept, decline, withdraw, expire, dates."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, ArticleStatus
from editorial import notifications
from editorial.models import (
    AssignmentState,
    ReviewAssignment,
    ReviewerConflict,
    end_of_day,
)
from editorial.services.common import (
    WorkflowError,
    locked_article,
    locked_assignment,
    require_editor,
    save_assignment,
    save_with_history,
)
from editorial.services.rounds import approve_if_enough_after_leaving
from reviewers.models import AdvisoryBoardMember


def default_due_dates(
    *, reviewer: AdvisoryBoardMember, invited_at: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """Respond-by and review-by dates: end of day in the reviewer's time zone."""
    local_day = invited_at.astimezone(reviewer.zone).date()
    respond_by = end_of_day(
        local_day + datetime.timedelta(days=settings.MEDREVIEW_RESPOND_WITHIN_DAYS),
        reviewer.zone,
    )
    review_by = end_of_day(
        local_day + datetime.timedelta(days=settings.MEDREVIEW_REVIEW_WITHIN_DAYS),
        reviewer.zone,
    )
    return respond_by, review_by


def assignment_create(
    *,
    article: Article,
    reviewer: AdvisoryBoardMember,
    invited_by: AbstractBaseUser,
    respond_by: datetime.datetime | None = None,
    review_by: datetime.datetime | None = None,
    reason: str = "",
) -> ReviewAssignment:
    """Invite a board member to review the article's current round."""
    require_editor(invited_by, "editorial.add_reviewassignment")
    with transaction.atomic():
        article = locked_article(article)
        if article.status == ArticleStatus.APPROVED:
            raise WorkflowError(
                _(
                    "“%(article)s” is approved. Reopen it for review before inviting "
                    "reviewers."
                )
                % {"article": article}
            )
        return invite(
            article=article,
            reviewer=reviewer,
            invited_by=invited_by,
            respond_by=respond_by,
            review_by=review_by,
            reason=reason or _("invited by %(user)s") % {"user": invited_by},
        )


def invite(
    *,
    article: Article,
    reviewer: AdvisoryBoardMember,
    invited_by: AbstractBaseUser | None,
    reason: str,
    respond_by: datetime.datetime | None = None,
    review_by: datetime.datetime | None = None,
) -> ReviewAssignment:
    now = timezone.now()
    default_respond_by, default_review_by = default_due_dates(
        reviewer=reviewer, invited_at=now
    )
    assignment = ReviewAssignment(
        article=article,
        reviewer=reviewer,
        round=article.review_round,
        invited_by=invited_by,
        invited_at=now,
        respond_by=respond_by or default_respond_by,
        review_by=review_by or default_review_by,
    )
    try:
        assignment.full_clean()
    except ValidationError as error:
        raise WorkflowError(" ".join(error.messages)) from error
    save_assignment(assignment, user=invited_by, reason=reason)
    notifications.assignment_created(assignment)
    return assignment


def reviewer_assignment(
    assignment: ReviewAssignment, user: AbstractBaseUser
) -> ReviewAssignment:
    assignment = locked_assignment(assignment)
    if not user.is_authenticated or assignment.reviewer.user_id != user.pk:
        raise WorkflowError(
            _("This review is assigned to another member; you cannot act on it.")
        )
    return assignment


def _require_invited(assignment: ReviewAssignment) -> None:
    if assignment.state == AssignmentState.INVITED:
        return
    if assignment.state in (AssignmentState.ACCEPTED, AssignmentState.DECLINED):
        raise WorkflowError(
            _("You already answered this invitation (%(state)s).")
            % {"state": assignment.get_state_display().lower()}
        )
    raise WorkflowError(
        _("This invitation is no longer open (%(state)s).")
        % {"state": assignment.get_state_display().lower()}
    )


def assignment_accept(
    *, assignment: ReviewAssignment, user: AbstractBaseUser
) -> ReviewAssignment:
    with transaction.atomic():
        locked_article(assignment.article)
        assignment = reviewer_assignment(assignment, user)
        _require_invited(assignment)
        assignment.accept()
        save_assignment(
            assignment, user=user, reason=_("accepted by %(user)s") % {"user": user}
        )
        notifications.assignment_answered(assignment)
    return assignment


def assignment_decline(
    *, assignment: ReviewAssignment, user: AbstractBaseUser, note: str = ""
) -> ReviewAssignment:
    with transaction.atomic():
        article = locked_article(assignment.article)
        assignment = reviewer_assignment(assignment, user)
        _require_invited(assignment)
        assignment.decline(note=note)
        reason = _("declined by %(user)s") % {"user": user}
        if note.strip():
            reason = _("%(declined)s: %(note)s") % {
                "declined": reason,
                "note": note.strip(),
            }
        save_assignment(assignment, user=user, reason=reason)
        notifications.assignment_answered(assignment)
        approve_if_enough_after_leaving(article, assignment, user)
    return assignment


def assignment_withdraw(
    *, assignment: ReviewAssignment, user: AbstractBaseUser, note: str
) -> ReviewAssignment:
    """An editor takes a reviewer off an article."""
    require_editor(user, "editorial.change_reviewassignment")
    if not note.strip():
        raise WorkflowError(_("Say why the reviewer is withdrawn."))
    with transaction.atomic():
        article = locked_article(assignment.article)
        assignment = locked_assignment(assignment)
        if not assignment.is_live:
            raise WorkflowError(
                _("This assignment is already closed (%(state)s).")
                % {"state": assignment.get_state_display().lower()}
            )
        assignment.withdraw(note=note)
        save_assignment(
            assignment,
            user=user,
            reason=_("withdrawn by %(user)s: %(note)s") % {"user": user, "note": note},
        )
        approve_if_enough_after_leaving(article, assignment, user)
    return assignment


def conflict_record(
    *, article: Article, member: AdvisoryBoardMember, user: AbstractBaseUser, note: str
) -> ReviewerConflict:
    """Record a conflict; a live assignment of that member on the article is
    withdrawn."""
    require_editor(user, "editorial.add_reviewerconflict")
    with transaction.atomic():
        conflict = ReviewerConflict(
            article=article, member=member, note=note, recorded_by=user
        )
        try:
            conflict.full_clean()
        except ValidationError as error:
            raise WorkflowError(" ".join(error.messages)) from error
        save_with_history(conflict, user=user, reason=_("conflict recorded"))
        for assignment in article.review_assignments.live().filter(reviewer=member):
            assignment_withdraw(
                assignment=assignment,
                user=user,
                note=_("conflict of interest: %(note)s") % {"note": note},
            )
    return conflict


def assignment_set_due_dates(
    *,
    assignment: ReviewAssignment,
    user: AbstractBaseUser,
    respond_by: datetime.datetime,
    review_by: datetime.datetime,
) -> ReviewAssignment:
    """An editor moves an assignment's deadlines; its reminders are re-planned."""
    require_editor(user, "editorial.change_reviewassignment")
    with transaction.atomic():
        locked_article(assignment.article)
        assignment = locked_assignment(assignment)
        if not assignment.is_live:
            raise WorkflowError(
                _("This assignment is closed (%(state)s); its dates cannot change.")
                % {"state": assignment.get_state_display().lower()}
            )
        if review_by < respond_by:
            raise WorkflowError(_("The review-by date must not be before respond-by."))
        assignment.respond_by = respond_by
        assignment.review_by = review_by
        save_assignment(
            assignment,
            user=user,
            reason=_("due dates changed by %(user)s") % {"user": user},
        )
    return assignment


def assignment_expire(
    *, assignment: ReviewAssignment, skip_locked: bool = False
) -> ReviewAssignment | None:
    """No answer by the respond-by date: the invitation expires, editors are told.

    With ``skip_locked`` (the reminder sweep) an invitation whose article or
    assignment another action holds, a reviewer answering it for instance, is left
    alone (None) instead of waited for: the answer decides, or the next sweep.
    """
    with transaction.atomic():
        article = locked_article(assignment.article, skip_locked=skip_locked)
        if article is None:
            return None
        assignment = locked_assignment(assignment, skip_locked=skip_locked)
        if assignment is None or assignment.state != AssignmentState.INVITED:
            return None
        assignment.expire()
        save_assignment(
            assignment, user=None, reason=_("invitation expired without an answer")
        )
        notifications.assignment_expired(assignment)
        approve_if_enough_after_leaving(article, assignment, None)
    return assignment


def reviewer_set_reminders_paused(
    *, member: AdvisoryBoardMember, user: AbstractBaseUser, paused: bool
) -> AdvisoryBoardMember:
    """A reviewer pauses or resumes their reminders; editors are told."""
    if member.user_id != user.pk:
        raise WorkflowError(_("Members pause their own reminders only."))
    with transaction.atomic():
        member = AdvisoryBoardMember.objects.select_for_update().get(pk=member.pk)
        if member.reminders_paused == paused:
            return member
        member.reminders_paused = paused
        save_with_history(
            member,
            user=user,
            reason=_("reminders paused") if paused else _("reminders resumed"),
        )
        notifications.reminders_paused(member, paused=paused)
    return member

"""Content edits: the one path by which what readers see changes.

An article's fields, its sections and their citations change only here (the admin's
article form and section inline call these functions). Each save locks the article
row first, compares the content as a reader sees it before and after, and only when
it differs moves ``last_updated``, records one history entry with the acting user and
the reason, and takes ``revise`` when the article was Under Review or Approved. A save
that changes nothing changes nothing.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles import diffing, markdown
from articles.models import Article, ArticleStatus, Section
from articles.selectors import article_content, article_content_as_of
from articles.services import article_content_restore
from editorial import notifications, selectors
from editorial.models import ReviewAssignment
from editorial.save_moments import one_moment
from editorial.services.common import (
    WorkflowError,
    locked_article,
    require_reason_fits,
    save_with_history,
)
from editorial.services.rounds import close_round
from references.models import Reference

SLUG_ATTEMPTS = 5


@dataclass(frozen=True)
class SeenState:
    """The review state the editor's form was opened in."""

    status: str
    review_round: int

    @classmethod
    def of(cls, article: Article) -> "SeenState":
        return cls(status=article.status, review_round=article.review_round)


class StaleEditError(WorkflowError):
    """The review moved on while the editor was typing; the edit was not applied."""


class ReasonRequiredError(WorkflowError):
    """The edit would end a review round and the editor gave no reason."""


@dataclass(frozen=True)
class ContentSave:
    article: Article
    content_changed: bool
    closed_assignments: list[ReviewAssignment]


def revision_warning(*, article: Article) -> str | None:
    """What saving a content change would do to the review, or None when nothing.

    Shown to the editor before the save, who must then confirm with a reason."""
    if article.status != ArticleStatus.UNDER_REVIEW:
        return None
    reviewers = selectors.live_assignments(article=article).count()
    return ngettext(
        "Saving ends round %(round)s: the %(count)s reviewer's assignment will be "
        "closed and they will be emailed.",
        "Saving ends round %(round)s: the %(count)s reviewers' assignments will be "
        "closed and they will be emailed.",
        reviewers,
    ) % {"round": article.review_round, "count": reviewers}


def article_create(*, article: Article, user: AbstractBaseUser) -> Article:
    """Save a new article; an address taken by a simultaneous creation moves on to
    the next free one instead of failing."""
    slug_chosen = bool(article.slug)
    for _attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                save_with_history(article, user=user, reason=_("created"))
            return article
        except IntegrityError as error:
            if slug_chosen:
                raise WorkflowError(
                    _(
                        "Another article took the address “%(slug)s” meanwhile; "
                        "choose another one."
                    )
                    % {"slug": article.slug}
                ) from error
            article.pk = None
            article.slug = ""
    raise WorkflowError(_("No free address was found; type one in the slug field."))


def article_content_save(
    *,
    article: Article,
    user: AbstractBaseUser,
    values: Mapping[str, Any],
    write_related: Callable[[Article], None] | None = None,
    reason: str = "",
    seen: SeenState | None = None,
) -> ContentSave:
    """Apply an editor's save: ``values`` for the article's own fields, then
    ``write_related`` (sections) under the article's lock.

    Raises ``StaleEditError`` when the content changed but the review moved on since
    ``seen``, and ``WorkflowError`` when the save would end a round without a reason
    or with one longer than ``REASON_MAX_LENGTH``.
    """
    require_reason_fits(reason)
    return _content_save(
        article=article,
        user=user,
        values=values,
        write_related=write_related,
        reason=reason,
        seen=seen,
    )


def _content_save(
    *,
    article: Article,
    user: AbstractBaseUser,
    values: Mapping[str, Any],
    write_related: Callable[[Article], None] | None,
    reason: str,
    seen: SeenState | None = None,
) -> ContentSave:
    """``article_content_save`` once the reason is known to fit; a restore's reason
    wraps the editor's own words, so only theirs are measured."""
    with transaction.atomic(), one_moment():
        locked = locked_article(article)
        before = _readers_view(locked)
        stored = {name: getattr(locked, name) for name in values}
        for name, value in values.items():
            setattr(locked, name, value)
        locked.normalise_content()
        if write_related is not None:
            write_related(locked)
        if _readers_view(locked) != before:
            _refuse_unless_confirmed(locked, seen=seen, reason=reason)
            closed = record_content_change(locked, user=user, reason=reason)
            return ContentSave(locked, True, closed)
        changed_fields = [
            name for name in values if getattr(locked, name) != stored[name]
        ]
        if changed_fields:
            save_with_history(
                locked,
                user=user,
                reason=_("settings changed by %(user)s: %(fields)s")
                % {"user": user, "fields": ", ".join(changed_fields)},
            )
        return ContentSave(locked, False, [])


def section_save(
    *,
    section: Section,
    user: AbstractBaseUser,
    reason: str = "",
    seen: SeenState | None = None,
) -> ContentSave:
    """Save one section (new or edited) as an edit of its article."""
    return _section_change(section, section.save, user=user, reason=reason, seen=seen)


def section_delete(
    *, section: Section, user: AbstractBaseUser, reason: str = ""
) -> ContentSave:
    """Remove a section as an edit of its article."""
    return _section_change(section, section.delete, user=user, reason=reason)


def _section_change(
    section: Section,
    write: Callable[[], object],
    *,
    user: AbstractBaseUser,
    reason: str,
    seen: SeenState | None = None,
) -> ContentSave:
    section._history_user = user
    return article_content_save(
        article=section.article,
        user=user,
        values={},
        write_related=lambda article: write(),
        reason=reason,
        seen=seen,
    )


def article_restore(
    *,
    article: Article,
    moment: datetime.datetime,
    user: AbstractBaseUser,
    reason: str = "",
) -> ContentSave:
    """Make the working copy what it was at ``moment``.

    The restore is itself an edit: recorded in history with the user, the date
    restored and the editor's ``reason`` if given, and a reviewed article goes back
    to Submitted for review (the restore and its reason are what the reviewers of a
    round it ends are told).
    """
    if not user.has_perm("articles.restore_article_version"):
        raise WorkflowError(_("Only editors may restore an earlier version."))
    require_reason_fits(reason)
    date = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    try:
        past = article_content_as_of(article=article, moment=moment)
    except Article.DoesNotExist as error:
        raise WorkflowError(
            _("The article did not exist yet on %(date)s.") % {"date": date}
        ) from error
    if not diffing.compare(article_content(article=article), past).has_changes:
        raise WorkflowError(
            _("The working copy is already the version of %(date)s.") % {"date": date}
        )
    restored = _("restored the version of %(date)s") % {"date": date}
    if reason.strip():
        restored = _("%(restored)s: %(reason)s") % {
            "restored": restored,
            "reason": reason.strip(),
        }
    return _content_save(
        article=article,
        user=user,
        values={name: past[name] for name in Article.CONTENT_FIELDS},
        write_related=lambda locked: article_content_restore(
            article=locked, past=past, user=user, reason=restored
        ),
        reason=restored,
    )


def reference_save(
    *,
    reference: Reference,
    user: AbstractBaseUser,
    reason: str = "",
    correction: str = "",
) -> list[Article]:
    """Save a library reference; each article citing it whose content changed as
    readers see it is edited with it (date, history, back to review).

    With a ``correction`` note, the change must only touch
    ``Reference.CORRECTABLE_FIELDS``: it reaches readers at once with a dated note,
    is recorded in the history of the reference and of each citing article, and
    sends nothing back to review.

    The citing articles' rows are locked first, in id order, like every other path
    (article → assignments → reminders). Returns the articles sent back to review.
    """
    with transaction.atomic(), one_moment():
        if reference.pk is None:
            save_with_history(reference, user=user, reason=reason or _("created"))
            return []
        citing = list(
            Article.objects.select_for_update()
            .filter(pk__in=list(citing_article_ids(reference)))
            .order_by("pk")
        )
        if correction.strip():
            _reference_correct(reference, citing, user=user, note=correction.strip())
            return []
        before = {article.pk: _readers_view(article) for article in citing}
        edited_by = _("edited by %(user)s") % {"user": user}
        save_with_history(reference, user=user, reason=reason or edited_by)
        changed = [
            article
            for article in citing
            if _readers_view(article) != before[article.pk]
        ]
        for article in changed:
            record_content_change(
                article,
                user=user,
                reason=reason
                or _("cited reference “%(title)s” edited") % {"title": reference.title},
            )
    return changed


def reference_changed_fields(reference: Reference) -> list[str]:
    stored = Reference.objects.values(*Reference.CONTENT_FIELDS).get(pk=reference.pk)
    return [
        name
        for name in Reference.CONTENT_FIELDS
        if stored[name] != getattr(reference, name)
    ]


def approved_articles_citing(reference: Reference) -> int:
    """How many approved articles a change to ``reference`` would send back."""
    return Article.objects.filter(
        pk__in=citing_article_ids(reference), status=ArticleStatus.APPROVED
    ).count()


def _reference_correct(
    reference: Reference, citing: list[Article], *, user, note: str
) -> None:
    changed = reference_changed_fields(reference)
    if not changed:
        raise WorkflowError(_("Nothing was changed, so there is nothing to correct."))
    others = [name for name in changed if name not in Reference.CORRECTABLE_FIELDS]
    if others:
        raise WorkflowError(
            _(
                "An editorial correction may change only %(allowed)s; %(others)s "
                "changed. Clear the correction note to save it as an edit that "
                "goes through review."
            )
            % {
                "allowed": ", ".join(Reference.CORRECTABLE_FIELDS),
                "others": ", ".join(others),
            }
        )
    reference.corrected_at = timezone.now()
    reference.correction_note = note
    save_with_history(
        reference,
        user=user,
        reason=_("editorial correction: %(note)s") % {"note": note},
    )
    for article in citing:
        save_with_history(
            article,
            user=user,
            reason=_("cited reference “%(title)s” corrected: %(note)s")
            % {"title": reference.title, "note": note},
        )


def citing_article_ids(reference: Reference):
    return (
        Article.objects.filter(sections__citations__reference=reference)
        .values_list("pk", flat=True)
        .distinct()
    )


def record_content_change(
    article: Article, *, user: AbstractBaseUser | None, reason: str
) -> list[ReviewAssignment]:
    """The content of a locked article changed: move the reader-facing date, send a
    reviewed article back to Submitted, close the round and tell its reviewers."""
    with one_moment() as moment:
        article.last_updated = moment
    reason = reason.strip() or _("content edited")
    closed: list[ReviewAssignment] = []
    history_reason = reason
    if article.status == ArticleStatus.UNDER_REVIEW:
        ending_round = article.review_round
        article.revise()
        closed = close_round(
            article=article,
            round_number=ending_round,
            user=user,
            note=_("round closed: %(reason)s") % {"reason": reason},
        )
        history_reason = _("%(reason)s: round %(round)s closed, back to Submitted") % {
            "reason": reason,
            "round": ending_round,
        }
    elif article.status == ArticleStatus.APPROVED:
        article.revise()
        history_reason = _("%(reason)s: back to Submitted") % {"reason": reason}
    save_with_history(article, user=user, reason=history_reason)
    if closed:
        notifications.round_closed(article, closed, reason=reason)
    return closed


def _refuse_unless_confirmed(
    article: Article, *, seen: SeenState | None, reason: str
) -> None:
    if seen is not None and seen != SeenState.of(article):
        raise StaleEditError(_stale_message(article, seen))
    warning = revision_warning(article=article)
    if warning and not reason.strip():
        raise ReasonRequiredError(
            _("%(warning)s Give a reason to confirm; it is shown to them.")
            % {"warning": warning}
        )


def _stale_message(article: Article, seen: SeenState) -> str:
    if article.status == ArticleStatus.APPROVED:
        happened = _("a reviewer approved this article while you were editing")
    elif (
        seen.status == ArticleStatus.UNDER_REVIEW
        and article.status == ArticleStatus.SUBMITTED
    ):
        happened = _("a reviewer requested changes while you were editing")
    else:
        happened = _(
            "the review state changed to %(status)s while you were editing"
        ) % {"status": article.get_status_display()}
    message = _(
        "%(happened)s; your changes are below, save again to start a new round."
    ) % {"happened": happened}
    return message[:1].upper() + message[1:]


def _readers_view(article: Article) -> dict[str, Any]:
    """The content compared before and after a save. Text is normalised here too, so
    a body stored before normalisation existed is not "changed" by being stored
    normalised."""
    content = article_content(article=article)
    content.pop("last_updated")
    content["summary"] = markdown.normalise_text(content["summary"])
    for section in content["sections"]:
        section["body"] = markdown.normalise_text(section["body"])
        section["patient_body"] = markdown.normalise_text(section["patient_body"])
    return content

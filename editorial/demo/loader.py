"""Load the demo content into the database, idempotently.

Every row is matched on a stable key (username, member slug, citation key, article
slug, section position, policy title): a second run updates what changed and leaves
the rest alone, so running the loader twice leaves the same data. Rows are validated
with ``full_clean()`` before they are saved and the whole load is one transaction, so
content that does not validate changes nothing.

Review states are reached through the editorial services, as an editor and a reviewer
would reach them (assignment, acceptance, start of review, decision), never by
writing the status.
"""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import markdown
from articles.models import Article, ArticleStatus, Section
from editorial import services
from editorial.demo import article_content, content
from editorial.models import (
    AssignmentState,
    EditorialPolicy,
    FollowUpQuestion,
    Recommendation,
    ReminderStep,
    ReviewAssignment,
)
from references.models import Reference
from reviewers.models import AdvisoryBoardMember, Writer

Report = Callable[[str], None]
INDENT = "  "
CHANGE_REASON = "demo content loaded"

CREATED, UPDATED, UNCHANGED, REMOVED = "created", "updated", "unchanged", "removed"
ACTION_LABELS = {
    CREATED: gettext_lazy("created"),
    UPDATED: gettext_lazy("updated"),
    UNCHANGED: gettext_lazy("unchanged"),
    REMOVED: gettext_lazy("removed"),
}


def _ignore(line: str) -> None:
    pass


@dataclass
class DemoLoadResult:
    password: str
    usernames: list[str]
    articles: list[Article]
    counts: dict[str, int] = field(default_factory=dict)
    # Articles left in another state than the demo's (see ``_move_to``).
    status_notes: list[str] = field(default_factory=list)


def demo_content_load(
    *, password: str = content.DEMO_PASSWORD, report: Report = _ignore
) -> DemoLoadResult:
    """Create or refresh the demo accounts, board, references, articles and policy.

    ``report`` receives one line per step as the load goes. Raises ``ValidationError``
    (and saves nothing) when the password or any demo row does not validate, for
    example when the library already holds one of the demo DOIs under another key.
    """
    validate_password(password)
    with transaction.atomic():
        loader = _Loader(report)
        users = loader.load_accounts(password)
        members = loader.load_board(users)
        writer = loader.load_writer(users)
        loader.load_references(editor=users["editor"])
        articles = loader.load_articles(
            editor=users["editor"], members=members, writer=writer
        )
        loader.load_policy(editor=users["editor"])
        loader.load_questions(editor=users["editor"])
    return DemoLoadResult(
        password=password,
        usernames=list(users),
        articles=articles,
        counts=loader.counts,
        status_notes=loader.status_notes,
    )


class _Loader:
    def __init__(self, report: Report):
        self.report = report
        self.counts = dict.fromkeys(ACTION_LABELS, 0)
        self.status_notes: list[str] = []

    # --- Steps -------------------------------------------------------------------

    def load_accounts(self, password: str) -> dict[str, Any]:
        self.report(_("Accounts"))
        groups = {
            content.EDITORS_GROUP: self._group(
                content.EDITORS_GROUP, content.EDITOR_APP_LABELS
            ),
            content.REVIEWERS_GROUP: self._group(content.REVIEWERS_GROUP, ()),
        }
        user_model = get_user_model()
        users = {}
        for demo_user in content.USERS:
            user, action = self._match(
                user_model,
                {"username": demo_user.username},
                {
                    "first_name": demo_user.first_name,
                    "last_name": demo_user.last_name,
                    "email": demo_user.email,
                    "is_staff": demo_user.is_staff,
                    "is_superuser": False,
                    "is_active": True,
                },
            )
            # Hashes are salted: compare the password, not the stored hash, or every
            # run would rewrite it.
            if not user.check_password(password):
                user.set_password(password)
                action = UPDATED if action == UNCHANGED else action
            self._finish(user, action, _("user %(name)s") % {"name": user.username})
            user.groups.add(groups[demo_user.group])
            users[demo_user.username] = user
        return users

    def load_board(self, users: Mapping[str, Any]) -> dict[str, AdvisoryBoardMember]:
        self.report(_("Medical Advisory Board"))
        members = {}
        for member in content.BOARD_MEMBERS:
            values = asdict(member)
            del values["slug"], values["username"]
            values["user"] = users[member.username] if member.username else None
            values["is_active"] = True
            members[member.slug] = self._sync(
                AdvisoryBoardMember,
                {"slug": member.slug},
                values,
                label=_("board member %(name)s") % {"name": member.display_name},
                history_user=users["editor"],
            )
        return members

    def load_references(self, *, editor) -> None:
        self.report(_("Reference library"))
        for reference in content.REFERENCES:
            values = asdict(reference)
            del values["citation_key"]
            self._sync(
                Reference,
                {"citation_key": reference.citation_key},
                values,
                label=_("reference [@%(key)s]") % {"key": reference.citation_key},
                history_user=editor,
            )

    def load_writer(self, users: Mapping[str, Any]) -> Writer:
        return self._sync(
            Writer,
            {"user": users[content.WRITER_USERNAME]},
            {
                "display_name": content.WRITER_DISPLAY_NAME,
                "credentials": content.WRITER_CREDENTIALS,
                "conflict_of_interest": content.WRITER_DISCLOSURE,
            },
            label=_("writer %(name)s") % {"name": content.WRITER_DISPLAY_NAME},
            history_user=users["editor"],
        )

    def load_articles(
        self, *, editor, members: Mapping[str, AdvisoryBoardMember], writer: Writer
    ) -> list[Article]:
        self.report(_("Articles"))
        articles = []
        for demo_article in article_content.ARTICLES:
            values = {
                "title": demo_article.title,
                "summary": markdown.normalise_text(demo_article.summary),
                "specialty": demo_article.specialty,
                "keywords": demo_article.keywords,
                "literature_reviewed_through": demo_article.literature_reviewed_through,
                "published": demo_article.published,
                "author": editor,
                "writer": writer,
            }
            label = _("article %(slug)s") % {"slug": demo_article.slug}
            article = Article.objects.filter(slug=demo_article.slug).first()
            if article is None:
                article = self._sync(
                    Article,
                    {"slug": demo_article.slug},
                    values,
                    label=label,
                    history_user=editor,
                )
                self._load_sections(article, demo_article.sections, editor=editor)
            else:
                # Putting an edited demo article back is an edit like any other.
                _instance, action = self._match(Article, {"pk": article.pk}, values)
                self._tally(action, label)
                services.article_content_save(
                    article=article,
                    user=editor,
                    values=values,
                    write_related=lambda locked, sections=demo_article.sections: (
                        self._load_sections(locked, sections, editor=editor)
                    ),
                    reason=CHANGE_REASON,
                )
            reviewer = members.get(demo_article.reviewer)
            article = self._put_in_state(
                article, demo_article.status, editor=editor, reviewer=reviewer
            )
            for slug, days_ago in demo_article.waiting_invitations:
                self._invite_in_the_past(
                    article, members[slug], days_ago=days_ago, editor=editor
                )
            articles.append(article)
        return articles

    def load_policy(self, *, editor) -> None:
        self.report(_("Editorial policy"))
        self._sync(
            EditorialPolicy,
            {"title": content.EDITORIAL_POLICY_TITLE},
            {"body": content.EDITORIAL_POLICY_BODY},
            label=_("editorial policy"),
            history_user=editor,
        )

    def load_questions(self, *, editor) -> None:
        self.report(_("Readers' follow-up questions"))
        for demo_question in content.QUESTIONS:
            question = self._sync(
                FollowUpQuestion,
                {"question": demo_question.question},
                {
                    "asked_on": Article.objects.get(slug=demo_question.asked_on),
                    "email": demo_question.email,
                    "consent": True,
                    "client_hash": "demo",
                },
                label=_("question on %(slug)s") % {"slug": demo_question.asked_on},
                history_user=editor,
            )
            if demo_question.answered_by and question.answer_id is None:
                services.question_link(
                    question=question,
                    article=Article.objects.get(slug=demo_question.answered_by),
                    user=editor,
                )

    # --- Articles ----------------------------------------------------------------

    def _load_sections(
        self,
        article: Article,
        sections: tuple[article_content.DemoSection, ...],
        *,
        editor,
    ) -> None:
        kept = []
        for order, section in enumerate(sections, start=1):
            row = self._sync(
                Section,
                {"article": article, "order": order},
                {
                    "kind": section.kind,
                    "heading": section.heading,
                    "body": markdown.normalise_text(section.body),
                    "patient_body": markdown.normalise_text(section.patient_body),
                },
                label=_("section %(order)s (%(kind)s)")
                % {"order": order, "kind": section.kind},
                history_user=editor,
                depth=2,
            )
            kept.append(row.pk)
        # A demo article is put back as the demo wrote it, without sections added
        # since.
        for extra in Section.objects.filter(article=article).exclude(pk__in=kept):
            extra._history_user = editor
            extra._change_reason = CHANGE_REASON
            extra.delete()
            label = _("section %(order)s") % {"order": extra.order}
            self._tally(REMOVED, label, depth=2)

    def _put_in_state(
        self,
        article: Article,
        status: str,
        *,
        editor,
        reviewer: AdvisoryBoardMember | None,
    ) -> Article:
        article = Article.objects.get(pk=article.pk)
        if article.status == status:
            return article
        before = article.get_status_display()
        try:
            moved = _move_to(article, status, editor=editor, reviewer=reviewer)
        except services.WorkflowError as error:
            raise ValidationError(f"“{article.title}”: {error.message}") from error
        if moved.status == status:
            message = _("moved from %(before)s to %(after)s") % {
                "before": before,
                "after": moved.get_status_display(),
            }
            self.report(INDENT * 2 + message)
        else:
            note = _(
                "“%(title)s” is %(current)s, not %(wanted)s: the demo does not undo "
                "review decisions taken since it was loaded."
            ) % {
                "title": moved.title,
                "current": moved.get_status_display(),
                "wanted": ArticleStatus(status).label,
            }
            self.status_notes.append(note)
            self.report(INDENT * 2 + note)
        return moved

    def _invite_in_the_past(
        self,
        article: Article,
        member: AdvisoryBoardMember,
        *,
        days_ago: int,
        editor,
    ) -> None:
        """Invite ``member`` and make the first reminder due as if the invitation
        were ``days_ago`` days old, so the demo has a reminder to send."""
        label = _("invitation of %(member)s") % {"member": member.display_name}
        if (
            article.status != ArticleStatus.UNDER_REVIEW
            or ReviewAssignment.objects.filter(
                article=article, reviewer=member, round=article.review_round
            ).exists()
        ):
            self._tally(UNCHANGED, label, depth=2)
            return
        assignment = services.assignment_create(
            article=article, reviewer=member, invited_by=editor, reason=CHANGE_REASON
        )
        # The invitation itself stays as sent (its email links name it); only its
        # first reminder is brought forward, as if ``days_ago`` days had passed.
        first = assignment.reminders.get(step=ReminderStep.INVITATION_FIRST)
        first.planned_at -= timedelta(days=days_ago)
        first.save(update_fields=["planned_at"])
        self._tally(CREATED, label, depth=2)

    # --- Rows ----------------------------------------------------------------------

    def _group(self, name: str, app_labels: tuple[str, ...]) -> Group:
        group, created = Group.objects.get_or_create(name=name)
        if created and app_labels:
            # Only when the roles migration's group is gone: every permission of the
            # editor's apps except reviewing, which stays with the board. An existing
            # group keeps the permissions it was given.
            group.permissions.set(
                Permission.objects.filter(
                    content_type__app_label__in=app_labels
                ).exclude(codename__in=content.REVIEWER_ONLY_PERMISSIONS)
            )
        action = CREATED if created else UNCHANGED
        self._tally(action, _("group %(name)s") % {"name": name})
        return group

    def _sync(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        *,
        label: str,
        history_user=None,
        depth: int = 1,
    ):
        instance, action = self._match(model, lookup, values)
        instance._history_user = history_user
        return self._finish(instance, action, label, depth=depth)

    def _match(self, model, lookup: dict[str, Any], values: dict[str, Any]):
        """The row for ``lookup`` with ``values`` applied, and what that changed."""
        instance = model._default_manager.filter(**lookup).first()
        if instance is None:
            return model(**lookup, **values), CREATED
        changed = {
            name: value
            for name, value in values.items()
            if getattr(instance, name) != value
        }
        for name, value in changed.items():
            setattr(instance, name, value)
        return instance, UPDATED if changed else UNCHANGED

    def _finish(self, instance, action: str, label: str, *, depth: int = 1):
        if action != UNCHANGED:
            try:
                instance.full_clean()
            except ValidationError as error:
                raise ValidationError(
                    [f"{label}: {message}" for message in error.messages]
                ) from error
            instance._change_reason = CHANGE_REASON
            instance.save()
        self._tally(action, label, depth=depth)
        return instance

    def _tally(self, action: str, label: str, *, depth: int = 1) -> None:
        self.counts[action] += 1
        self.report(f"{INDENT * depth}{label}: {ACTION_LABELS[action]}")


def _move_to(
    article: Article,
    status: str,
    *,
    editor,
    reviewer: AdvisoryBoardMember | None,
) -> Article:
    """Take ``article`` forward to ``status`` the way people would, and return it.

    The editor assigns ``reviewer``, who accepts; the editor starts the review; for
    Approved, the reviewer approves. Nothing moves backwards: an article already past
    ``status`` is returned unchanged. Raises ``WorkflowError`` when a rule refuses a
    step (a recorded conflict, for example).
    """
    order = list(ArticleStatus.values)
    if order.index(article.status) >= order.index(status):
        return article
    if reviewer is None:
        raise services.WorkflowError(
            _("The demo names no reviewer to take it to %(status)s.")
            % {"status": ArticleStatus(status).label}
        )
    if article.status == ArticleStatus.SUBMITTED:
        _accepted_assignment(article, reviewer, editor=editor)
        article = services.review_start(article=article, user=editor)
    if status == ArticleStatus.APPROVED:
        assignment = _accepted_assignment(article, reviewer, editor=editor)
        services.review_decide(
            assignment=assignment,
            user=reviewer.user,
            recommendation=Recommendation.APPROVE,
            comments=_(
                "Checked each statement against the cited guideline, label and "
                "trials; doses match the current label."
            ),
        )
    return Article.objects.get(pk=article.pk)


def _accepted_assignment(
    article: Article, reviewer: AdvisoryBoardMember, *, editor
) -> ReviewAssignment:
    """The reviewer's assignment in the article's current round, invited and
    accepted if needed."""
    assignment = ReviewAssignment.objects.filter(
        article=article, reviewer=reviewer, round=article.review_round
    ).first()
    if assignment is None:
        assignment = services.assignment_create(
            article=article,
            reviewer=reviewer,
            invited_by=editor,
            reason=CHANGE_REASON,
        )
    if assignment.state == AssignmentState.INVITED:
        assignment = services.assignment_accept(
            assignment=assignment, user=reviewer.user
        )
    return assignment

"""Reads for editors and reviewers: queues, timelines, versions."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from articles import diffing
from articles.models import ApprovedVersion, Article, ArticleStatus, Section
from articles.selectors import latest_approved_version
from editorial.models import (
    LIVE_STATES,
    AssignmentState,
    ReviewAssignment,
    ReviewerConflict,
    ReviewRound,
)
from reviewers.models import AdvisoryBoardMember


def live_assignments(
    *, article: Article, round_number: int | None = None
) -> QuerySet[ReviewAssignment]:
    """Assignments of a round that are invited or accepted (still able to act)."""
    return article.review_assignments.filter(
        round=article.review_round if round_number is None else round_number,
        state__in=LIVE_STATES,
    )


def eligible_reviewers(*, article: Article | None) -> QuerySet[AdvisoryBoardMember]:
    """The board members who can review the article: active, with an account, not
    its author, no recorded conflict (the rules ``ReviewAssignment.clean`` checks
    again on save). Without an article (a new one), every active member with an
    account."""
    members = AdvisoryBoardMember.objects.filter(is_active=True, user__isnull=False)
    if article is None:
        return members
    if article.author_id is not None:
        members = members.exclude(user_id=article.author_id)
    return members.exclude(
        pk__in=ReviewerConflict.objects.filter(article=article).values("member_id")
    )


def reviewers_to_invite_exist(article: Article) -> bool:
    """A review can start: reviewers are invited in this round, or the previous
    round's reviewers can be invited again (``Article.start_review``'s condition)."""
    if live_assignments(article=article).exists():
        return True
    return (
        article.review_round > 1
        and article.review_assignments.filter(
            round=article.review_round - 1,
            state__in=(
                *LIVE_STATES,
                AssignmentState.COMPLETED,
                AssignmentState.CANCELLED,
            ),
        ).exists()
    )


def is_accepted_reviewer(article: Article, user) -> bool:
    """Who may approve or request changes (the decisions' permission)."""
    return (
        user.is_authenticated
        and article.review_assignments.filter(
            round=article.review_round,
            state=AssignmentState.ACCEPTED,
            reviewer__user=user,
        ).exists()
    )


def assignments_for_reviewer(*, user) -> QuerySet[ReviewAssignment]:
    """A reviewer's own assignments, newest first; nobody else's. The content
    frozen with each decision is read only when a comparison needs it."""
    return (
        ReviewAssignment.objects.for_user(user)
        .select_related("article", "reviewer")
        .defer("reviewed_content")
        .order_by("-invited_at")
    )


def articles_waiting_on_editors() -> QuerySet[Article]:
    """Submitted articles (new, or back with requested changes) and articles in
    review that have no reviewer left to act."""
    in_review_without_reviewers = Q(status=ArticleStatus.UNDER_REVIEW) & ~Q(
        pk__in=ReviewAssignment.objects.filter(state__in=LIVE_STATES).values(
            "article_id"
        )
    )
    return Article.objects.filter(
        Q(status=ArticleStatus.SUBMITTED) | in_review_without_reviewers
    )


@dataclass(frozen=True)
class TimelineEvent:
    moment: datetime.datetime
    user: object
    category: str  # "article", "section", "assignment", "conflict", "approval"
    description: str


def _describe(record, label: str, previous) -> str:
    kind = {"+": _("created"), "~": _("changed"), "-": _("deleted")}[
        record.history_type
    ]
    text = f"{label} {kind}"
    if record.history_change_reason:
        text += f": {record.history_change_reason}"
    elif record.history_type == "~" and previous is not None:
        changed = record.diff_against(previous).changed_fields
        if changed:
            text += " (" + ", ".join(changed) + ")"
    return text


def _with_previous(records):
    """Each history record with the one before it of the same row, found in memory:
    asking each record for ``prev_record`` would cost a query per line."""
    latest = {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        yield record, latest.get(record.id)
        latest[record.id] = record


def article_timeline(*, article: Article) -> list[TimelineEvent]:
    """Every recorded edit, transition, assignment and decision, newest first, in
    a fixed number of queries however long the history."""
    events = []
    for record, previous in _with_previous(
        article.history.select_related("history_user")
    ):
        events.append(
            TimelineEvent(
                record.history_date,
                record.history_user,
                "article",
                _describe(record, _("Article"), previous),
            )
        )
    for record, previous in _with_previous(
        Section.history.filter(article_id=article.pk).select_related("history_user")
    ):
        label = _("Section “%(heading)s”") % {
            "heading": record.heading or record.get_kind_display()
        }
        events.append(
            TimelineEvent(
                record.history_date,
                record.history_user,
                "section",
                _describe(record, label, previous),
            )
        )
    for record, previous in _with_previous(
        ReviewAssignment.history.filter(article_id=article.pk).select_related(
            "history_user", "reviewer"
        )
    ):
        label = _("Assignment of %(member)s, round %(round)s") % {
            "member": record.reviewer,
            "round": record.round,
        }
        events.append(
            TimelineEvent(
                record.history_date,
                record.history_user,
                "assignment",
                _describe(record, label, previous),
            )
        )
    for record, previous in _with_previous(
        ReviewerConflict.history.filter(article_id=article.pk).select_related(
            "history_user", "member"
        )
    ):
        events.append(
            TimelineEvent(
                record.history_date,
                record.history_user,
                "conflict",
                _describe(
                    record,
                    _("Conflict of %(member)s") % {"member": record.member},
                    previous,
                ),
            )
        )
    for version in ApprovedVersion.objects.filter(article=article):
        names = ", ".join(approver["name"] for approver in version.approvers)
        events.append(
            TimelineEvent(
                version.approved_at,
                None,
                "approval",
                _("Version %(number)s approved by %(names)s")
                % {"number": version.number, "names": names},
            )
        )
    return sorted(_one_per_save(events), key=lambda event: event.moment, reverse=True)


CATEGORY_ORDER = ("article", "section", "assignment", "conflict", "approval")


def _one_per_save(events: list[TimelineEvent]) -> list[TimelineEvent]:
    """The rows one save wrote share its moment (``editorial.save_moments``): show
    them as one entry, the article's reason first, then the sections it changed."""
    by_moment: dict[datetime.datetime, list[TimelineEvent]] = {}
    for event in events:
        by_moment.setdefault(event.moment, []).append(event)
    grouped = []
    for moment, group in by_moment.items():
        if len(group) == 1:
            grouped.append(group[0])
            continue
        group.sort(key=lambda event: CATEGORY_ORDER.index(event.category))
        user = next((event.user for event in group if event.user), None)
        grouped.append(
            TimelineEvent(
                moment, user, "save", "; ".join(event.description for event in group)
            )
        )
    return grouped


def content_moments(*, article: Article) -> list[datetime.datetime]:
    """The moments the article's content changed: the versions one can compare or
    restore, newest first."""
    moments = set(article.history.values_list("history_date", flat=True))
    moments |= set(
        Section.history.filter(article_id=article.pk).values_list(
            "history_date", flat=True
        )
    )
    return sorted(moments, reverse=True)


@dataclass(frozen=True)
class EarlierDecision:
    reviewer: str
    recommendation: str
    comments: str


@dataclass(frozen=True)
class EarlierRound:
    """A closed round of the article as its reviewers are shown it."""

    number: int
    closing_note: str
    decisions: list[EarlierDecision]


def previously_reviewed_content(
    *, assignment: ReviewAssignment
) -> tuple[int, dict] | None:
    """The round and content this reviewer last reviewed on the article before the
    current round: the content frozen with their decision, or the round's frozen
    content when the round closed after they accepted but before they decided."""
    earlier = ReviewAssignment.objects.filter(
        article_id=assignment.article_id,
        reviewer_id=assignment.reviewer_id,
        round__lt=assignment.article.review_round,
        state__in=(AssignmentState.COMPLETED, AssignmentState.CANCELLED),
        responded_at__isnull=False,
    ).order_by("-round")
    for candidate in earlier:
        if candidate.reviewed_content is not None:
            return candidate.round, candidate.reviewed_content
        frozen = ReviewRound.objects.filter(
            article_id=assignment.article_id, number=candidate.round
        ).first()
        if frozen is not None:
            return candidate.round, frozen.content
    return None


@dataclass(frozen=True)
class ReviewComparison:
    """One panel of the assignment page: the working copy against an older
    version."""

    id: str
    heading: str
    old_label: str
    comparison: diffing.Comparison


def assignment_comparisons(
    *, assignment: ReviewAssignment, working_copy: dict
) -> list[ReviewComparison]:
    """What changed for this reviewer: since the version they last reviewed, and
    since the last approved version."""
    comparisons = []
    previous = previously_reviewed_content(assignment=assignment)
    if previous is not None:
        round_number, reviewed = previous
        comparisons.append(
            ReviewComparison(
                id="changes-since-reviewed",
                heading=_("Changes since you reviewed round %(round)s")
                % {"round": round_number},
                old_label=_("what you reviewed in round %(round)s")
                % {"round": round_number},
                comparison=diffing.compare(reviewed, working_copy),
            )
        )
    approved = latest_approved_version(article=assignment.article)
    if approved is not None:
        comparisons.append(
            ReviewComparison(
                id="changes-since-approved",
                heading=_("Changes since the approved version"),
                old_label=_("approved version %(n)s") % {"n": approved.number},
                comparison=diffing.compare(approved.content, working_copy),
            )
        )
    return comparisons


def earlier_rounds(*, article: Article) -> list[EarlierRound]:
    """Every closed round of the article, newest first: why it closed and each
    reviewer's decision and comments."""
    assignments = (
        ReviewAssignment.objects.filter(article=article, round__lt=article.review_round)
        .select_related("reviewer")
        .order_by("-round", "completed_at", "pk")
    )
    rounds: dict[int, EarlierRound] = {}
    for assignment in assignments:
        entry = rounds.setdefault(
            assignment.round, EarlierRound(assignment.round, "", [])
        )
        if assignment.state == AssignmentState.CANCELLED and not entry.closing_note:
            entry = rounds[assignment.round] = EarlierRound(
                entry.number, assignment.closing_note, entry.decisions
            )
        if assignment.state == AssignmentState.COMPLETED:
            entry.decisions.append(
                EarlierDecision(
                    reviewer=assignment.reviewer.name_with_credentials,
                    recommendation=assignment.get_recommendation_display(),
                    comments=assignment.comments,
                )
            )
    return [entry for entry in rounds.values() if entry.closing_note or entry.decisions]

"""Decisions arriving at the same moment, each on its own PostgreSQL connection.

The services lock the article row before reading the state they depend on; these
tests start two real transactions together (a barrier releases both threads at once)
and check that neither approves twice nor loses the other's decision.
"""

import pytest

from articles.models import ApprovedVersion, Article, ArticleStatus
from editorial import services
from editorial.models import AssignmentState, Recommendation, ReviewAssignment
from tests.editorial.threads import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def decide(assignment, recommendation=Recommendation.APPROVE, comments=""):
    def action():
        return services.review_decide(
            assignment=ReviewAssignment.objects.get(pk=assignment.pk),
            user=assignment.reviewer.user,
            recommendation=recommendation,
            comments=comments,
        )

    return action


def approvals_recorded(article) -> int:
    return article.history.filter(status=ArticleStatus.APPROVED).count()


def test_two_reviewers_approving_together_approve_once(
    workflow, article, reviewer_one, reviewer_two
):
    first, second = workflow.send_to_review(article, reviewer_one, reviewer_two)

    outcomes = run_together(decide(first), decide(second))

    assert all(isinstance(outcome, ReviewAssignment) for outcome in outcomes), outcomes
    article = Article.objects.get(pk=article.pk)
    assert article.status == ArticleStatus.APPROVED
    assert article.review_round == 2
    assert ApprovedVersion.objects.filter(article=article).count() == 1
    assert approvals_recorded(article) == 1
    assert set(
        ReviewAssignment.objects.filter(article=article).values_list(
            "state", "recommendation"
        )
    ) == {(AssignmentState.COMPLETED, Recommendation.APPROVE)}
    version = ApprovedVersion.objects.get(article=article)
    assert {approver["name"] for approver in version.approvers} == {
        "Ana Ruiz",
        "Kenji Sato",
    }


def test_an_approval_and_a_request_for_changes_together_keep_both(
    workflow, article, reviewer_one, reviewer_two
):
    approver, critic = workflow.send_to_review(article, reviewer_one, reviewer_two)

    outcomes = run_together(
        decide(approver),
        decide(critic, Recommendation.REQUEST_CHANGES, "Cite the newer trial."),
    )

    article = Article.objects.get(pk=article.pk)
    recorded = dict(
        ReviewAssignment.objects.filter(article=article).values_list(
            "reviewer__display_name", "recommendation"
        )
    )
    assert recorded["Kenji Sato"] == Recommendation.REQUEST_CHANGES
    assert article.status == ArticleStatus.SUBMITTED
    assert approvals_recorded(article) == 0
    assert not ApprovedVersion.objects.filter(article=article).exists()
    if isinstance(outcomes[0], services.WorkflowError):
        # The request for changes came first and closed the round.
        assert (
            outcomes[0].message
            == "This review is closed with the round; there is nothing to decide."
        )
        assert recorded["Ana Ruiz"] == ""
    else:
        assert recorded["Ana Ruiz"] == Recommendation.APPROVE


def test_a_double_submit_records_one_decision(workflow, article, reviewer_one):
    (assignment,) = workflow.send_to_review(article, reviewer_one)

    outcomes = run_together(decide(assignment), decide(assignment))

    refused = [o for o in outcomes if isinstance(o, services.WorkflowError)]
    assert len(refused) == 1, outcomes
    assert refused[0].message == (
        "Your decision on this round was already recorded (approve)."
    )
    article = Article.objects.get(pk=article.pk)
    assert article.status == ArticleStatus.APPROVED
    assert approvals_recorded(article) == 1
    assert ApprovedVersion.objects.filter(article=article).count() == 1
    decisions = ReviewAssignment.history.filter(
        id=assignment.pk, history_change_reason="approved by ruiz"
    )
    assert decisions.count() == 1


def test_an_edit_outside_a_transaction_closes_the_round(
    workflow, article, editor, references, reviewer_one
):
    """Autocommit, as in a shell or a task: closing the round still takes its locks."""
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    reference = references["trial2021"]
    reference.title = "Targeted therapy after profiling: final analysis"
    services.reference_save(reference=reference, user=editor)

    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CANCELLED
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.SUBMITTED

    workflow.send_to_review(article)
    services.article_content_save(
        article=article,
        user=editor,
        values={"title": "Which tumours need molecular testing?"},
        reason="A sharper question.",
    )

    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert not ReviewAssignment.objects.filter(
        article=article, state__in=(AssignmentState.INVITED, AssignmentState.ACCEPTED)
    ).exists()

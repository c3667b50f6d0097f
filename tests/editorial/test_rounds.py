"""How many approvals an article needs, and how rounds of review open and close."""

import pytest

from articles.models import ApprovedVersion, ArticleStatus
from editorial import services
from editorial.models import AssignmentState, Recommendation, ReviewAssignment
from tests.editorial.conftest import change_url, make_editor

CHANGES = "Cite the 2024 guideline update for squamous tumours."


def states(article, round_number):
    return {
        assignment.reviewer.display_name: assignment.state
        for assignment in ReviewAssignment.objects.filter(
            article=article, round=round_number
        ).select_related("reviewer")
    }


# --- The approval rule ----------------------------------------------------------------


@pytest.mark.django_db
def test_by_default_every_invited_reviewer_must_approve(
    workflow, article, reviewer_one, reviewer_two
):
    first, second = workflow.send_to_review(article, reviewer_one, reviewer_two)

    workflow.approve(first)
    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW
    assert services.approvals_needed(article=article, round_number=1) == 2

    workflow.approve(second)
    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED


@pytest.mark.django_db
def test_an_invited_reviewer_who_has_not_answered_still_counts(
    workflow, article, reviewer_one, reviewer_two
):
    accepted, silent = workflow.invite(article, reviewer_one, reviewer_two)
    workflow.accept(accepted)
    workflow.start(article)

    workflow.approve(accepted)

    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW


@pytest.mark.django_db
def test_two_of_three_approvals_approve_and_close_the_third(
    workflow, article, reviewer_one, reviewer_two, reviewer_three
):
    article.required_approvals = 2
    article.save()
    first, second, third = workflow.send_to_review(
        article, reviewer_one, reviewer_two, reviewer_three
    )

    workflow.approve(first)
    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW
    workflow.approve(second)

    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED
    third.refresh_from_db()
    assert third.state == AssignmentState.CANCELLED
    assert third.closing_note == "round closed: article approved"
    version = ApprovedVersion.objects.get(article=article)
    assert [approver["name"] for approver in version.approvers] == [
        "Ana Ruiz",
        "Kenji Sato",
    ]
    with pytest.raises(services.WorkflowError):
        workflow.approve(third)
    assert ApprovedVersion.objects.filter(article=article).count() == 1


@pytest.mark.django_db
def test_a_decline_lowers_the_approvals_needed(
    workflow, article, reviewer_one, reviewer_two
):
    stays, leaves = workflow.invite(article, reviewer_one, reviewer_two)
    workflow.accept(stays)
    workflow.start(article)
    services.assignment_decline(
        assignment=leaves, user=reviewer_two.user, note="Travelling this month."
    )
    assert services.approvals_needed(article=article, round_number=1) == 1

    workflow.approve(stays)

    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED


@pytest.mark.django_db
def test_a_decline_after_the_other_approval_approves_at_once(
    workflow, article, reviewer_one, reviewer_two
):
    approver, undecided = workflow.invite(article, reviewer_one, reviewer_two)
    workflow.accept(approver)
    workflow.start(article)
    workflow.approve(approver)
    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW

    services.assignment_decline(assignment=undecided, user=reviewer_two.user)

    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED
    version = ApprovedVersion.objects.get(article=article)
    assert [approver["name"] for approver in version.approvers] == ["Ana Ruiz"]


@pytest.mark.django_db
def test_withdrawing_the_last_pending_reviewer_approves_with_the_others(
    workflow, article, editor, reviewer_one, reviewer_two
):
    approver, pending = workflow.send_to_review(article, reviewer_one, reviewer_two)
    workflow.approve(approver)

    services.assignment_withdraw(
        assignment=pending, user=editor, note="On leave until next quarter."
    )

    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED


@pytest.mark.django_db
def test_withdrawing_everyone_before_a_decision_approves_nothing(
    workflow, article, editor, reviewer_one
):
    (only,) = workflow.send_to_review(article, reviewer_one)

    services.assignment_withdraw(assignment=only, user=editor, note="Conflict found.")

    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW
    assert not ApprovedVersion.objects.filter(article=article).exists()


# --- Rounds ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_requesting_changes_closes_the_round_and_returns_the_article(
    workflow, article, reviewer_one, reviewer_two, reviewer_three
):
    approver, critic, silent = workflow.invite(
        article, reviewer_one, reviewer_two, reviewer_three
    )
    workflow.accept(approver, critic)
    workflow.start(article)
    workflow.approve(approver)

    workflow.request_changes(critic, comments=CHANGES)

    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert article.review_round == 2
    assert states(article, 1) == {
        "Ana Ruiz": AssignmentState.COMPLETED,
        "Kenji Sato": AssignmentState.COMPLETED,
        "Lena Berg": AssignmentState.CANCELLED,
    }
    critic.refresh_from_db()
    assert critic.recommendation == Recommendation.REQUEST_CHANGES
    assert critic.comments == CHANGES
    silent.refresh_from_db()
    assert silent.closing_note == "round closed: changes requested by sato"
    assert not ApprovedVersion.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_editors_read_the_requested_changes_on_the_article_page(
    workflow, article, editor, client, reviewer_one
):
    (critic,) = workflow.send_to_review(article, reviewer_one)
    workflow.request_changes(critic, comments=CHANGES)
    client.force_login(editor)

    page = client.get(change_url(article)).content.decode()

    assert CHANGES in page
    assert "Request changes" in page  # the recommendation beside the comment


@pytest.mark.django_db
def test_resubmitting_opens_round_two_with_the_same_reviewers(
    workflow, article, editor, reviewer_one, reviewer_two
):
    approver, critic = workflow.send_to_review(article, reviewer_one, reviewer_two)
    workflow.approve(approver)
    workflow.request_changes(critic, comments=CHANGES)

    workflow.start(article)

    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW
    assert article.review_round == 2
    assert states(article, 2) == {
        "Ana Ruiz": AssignmentState.INVITED,
        "Kenji Sato": AssignmentState.INVITED,
    }
    reinvited = ReviewAssignment.objects.get(
        article=article, round=2, reviewer=reviewer_two
    )
    assert reinvited.invited_by == editor
    record = reinvited.history.earliest()
    assert record.history_change_reason == "invited again for round 2"
    assert record.history_user == editor
    # Round one's decisions stay as they were, in the rows and in their history.
    critic.refresh_from_db()
    assert critic.recommendation == Recommendation.REQUEST_CHANGES
    assert critic.comments == CHANGES
    approver.refresh_from_db()
    assert approver.recommendation == Recommendation.APPROVE
    reasons = list(
        critic.history.values_list("history_change_reason", flat=True).order_by(
            "history_date"
        )
    )
    assert reasons[-1] == f"changes requested by sato: {CHANGES}"


@pytest.mark.django_db
def test_round_two_approves_with_both_reviewers(
    workflow, article, reviewer_one, reviewer_two
):
    approver, critic = workflow.send_to_review(article, reviewer_one, reviewer_two)
    workflow.approve(approver)
    workflow.request_changes(critic, comments=CHANGES)
    workflow.start(article)

    for assignment in workflow.accept(
        *ReviewAssignment.objects.filter(article=article, round=2)
    ):
        workflow.approve(assignment)

    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED
    version = ApprovedVersion.objects.get(article=article)
    assert version.review_round == 2
    assert {approver["name"] for approver in version.approvers} == {
        "Ana Ruiz",
        "Kenji Sato",
    }


@pytest.mark.django_db
def test_a_member_who_declined_is_not_invited_again(
    workflow, article, reviewer_one, reviewer_two
):
    critic, decliner = workflow.invite(article, reviewer_one, reviewer_two)
    workflow.accept(critic)
    services.assignment_decline(assignment=decliner, user=reviewer_two.user)
    workflow.start(article)
    workflow.request_changes(critic, comments=CHANGES)

    workflow.start(article)

    assert states(article, 2) == {"Ana Ruiz": AssignmentState.INVITED}


@pytest.mark.django_db
def test_reviewers_chosen_for_the_new_round_replace_the_old_ones(
    workflow, article, reviewer_one, reviewer_two
):
    (critic,) = workflow.send_to_review(article, reviewer_one)
    workflow.request_changes(critic, comments=CHANGES)
    workflow.invite(article, reviewer_two)

    workflow.start(article)

    assert states(article, 2) == {"Kenji Sato": AssignmentState.INVITED}


@pytest.mark.django_db
def test_an_edit_during_review_closes_the_round(
    workflow, article, editor, reviewer_one, reviewer_two
):
    accepted, invited = workflow.invite(article, reviewer_one, reviewer_two)
    workflow.accept(accepted)
    workflow.start(article)
    section = article.sections.get(order=1)
    section.body = "Test every advanced tumour, whatever its histology [@guide2024]."
    services.section_save(
        section=section, user=editor, reason="the guideline now covers all histologies"
    )

    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert article.review_round == 2
    assert states(article, 1) == {
        "Ana Ruiz": AssignmentState.CANCELLED,
        "Kenji Sato": AssignmentState.CANCELLED,
    }
    accepted.refresh_from_db()
    assert accepted.closing_note == (
        "round closed: the guideline now covers all histologies"
    )

    workflow.start(article)
    assert set(states(article, 2)) == {"Ana Ruiz", "Kenji Sato"}


@pytest.mark.django_db
def test_reopening_an_approved_article_invites_its_reviewers_again(
    workflow, article, editor, reviewer_one, reviewer_two
):
    workflow.approve_with(article, reviewer_one, reviewer_two)

    services.article_reopen(
        article=article, user=editor, reason="A new trial was published."
    )

    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW
    assert article.review_round == 2
    assert states(article, 2) == {
        "Ana Ruiz": AssignmentState.INVITED,
        "Kenji Sato": AssignmentState.INVITED,
    }
    record = article.history.latest()
    assert record.history_change_reason == (
        "reopened by editor: A new trial was published."
    )
    assert record.history_user == editor


@pytest.mark.django_db
def test_reopening_needs_a_reason_and_an_editor(
    workflow, article, editor, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    before = article.history.count()

    with pytest.raises(services.WorkflowError, match="Say why"):
        services.article_reopen(article=article, user=editor, reason="  ")
    with pytest.raises(services.WorkflowError, match="Only editors"):
        services.article_reopen(
            article=article, user=reviewer_one.user, reason="I changed my mind."
        )

    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED
    assert article.history.count() == before
    assert not ReviewAssignment.objects.filter(article=article, round=2).exists()


@pytest.mark.django_db
def test_another_editor_can_take_over_a_round(workflow, article, reviewer_one):
    (critic,) = workflow.send_to_review(article, reviewer_one)
    workflow.request_changes(critic, comments=CHANGES)
    colleague = make_editor("colleague")

    services.review_start(article=article, user=colleague)

    reinvited = ReviewAssignment.objects.get(article=article, round=2)
    assert reinvited.invited_by == colleague

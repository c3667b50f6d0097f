"""Who may move an article where: the transition table, the assignment rules and the
refusals (double clicks, stale forms, someone else's review)."""

import datetime

import pytest
from django_fsm import has_transition_perm

from articles.models import Article, ArticleStatus
from editorial import services
from editorial.models import AssignmentState, Recommendation
from tests.editorial.conftest import (
    ORIGINAL_GUIDELINE_TEXT,
    change_form_data,
    change_url,
    make_editor,
    section_field,
    workflow_state,
)
from tests.reviewers.factories import AdvisoryBoardMemberFactory

STATES = [ArticleStatus.SUBMITTED, ArticleStatus.UNDER_REVIEW, ArticleStatus.APPROVED]
TRANSITIONS = ["start_review", "request_changes", "approve", "reopen", "revise"]
ROLES = [
    "anonymous",
    "editor",
    "accepted_reviewer",
    "invited_reviewer",
    "unassigned_reviewer",
    "author",
    "superuser",
]
EDITORS = {"editor", "superuser"}

# (state, transition) → the roles allowed to take it; anything else is refused.
ALLOWED = {
    (ArticleStatus.SUBMITTED, "start_review"): EDITORS,
    (ArticleStatus.UNDER_REVIEW, "request_changes"): {"accepted_reviewer"},
    (ArticleStatus.UNDER_REVIEW, "approve"): {"accepted_reviewer"},
    (ArticleStatus.APPROVED, "reopen"): EDITORS,
    # Editing content is open to editors in every state; the edit revises the state.
    (ArticleStatus.SUBMITTED, "revise"): EDITORS,
    (ArticleStatus.UNDER_REVIEW, "revise"): EDITORS,
    (ArticleStatus.APPROVED, "revise"): EDITORS,
}
TARGET = {
    "start_review": ArticleStatus.UNDER_REVIEW,
    "request_changes": ArticleStatus.SUBMITTED,
    "approve": ArticleStatus.APPROVED,
    "reopen": ArticleStatus.UNDER_REVIEW,
    "revise": ArticleStatus.SUBMITTED,
}
EDITED_TEXT = "Test every advanced tumour, including squamous ones [@guide2024]."


@pytest.fixture
def table_case(
    workflow,
    article,
    editor,
    superuser,
    anonymous,
    reviewer_one,
    reviewer_two,
    reviewer_three,
    author_member,
):
    """Builds the article in a state with one accepted and one invited reviewer."""

    def build(state: str):
        article.required_approvals = 1
        article.save()
        accepted, invited = workflow.invite(article, reviewer_one, reviewer_two)
        workflow.accept(accepted)
        if state != ArticleStatus.SUBMITTED:
            workflow.start(article)
        if state == ArticleStatus.APPROVED:
            workflow.approve(accepted)
        article.refresh_from_db()
        assert article.status == state
        users = {
            "anonymous": anonymous,
            "editor": editor,
            "accepted_reviewer": reviewer_one.user,
            "invited_reviewer": reviewer_two.user,
            "unassigned_reviewer": reviewer_three.user,
            "author": author_member.user,
            "superuser": superuser,
        }
        own_assignment = {"accepted_reviewer": accepted, "invited_reviewer": invited}
        return article, users, own_assignment, accepted

    return build


def run_through_service(transition, article, user, assignment):
    if transition == "start_review":
        services.review_start(article=article, user=user)
    elif transition == "reopen":
        services.article_reopen(
            article=article, user=user, reason="A new trial changes the advice."
        )
    else:
        services.review_decide(
            assignment=assignment,
            user=user,
            recommendation=(
                Recommendation.APPROVE
                if transition == "approve"
                else Recommendation.REQUEST_CHANGES
            ),
            comments="Cite the newer guideline." if transition != "approve" else "",
        )


def edit_in_admin(client, superuser, article, user):
    """Post an edited section through the admin change form as ``user``."""
    client.force_login(superuser)
    data = change_form_data(client, article)
    data[section_field(data, ORIGINAL_GUIDELINE_TEXT[:20])] = [EDITED_TEXT]
    data["revision_reason"] = ["The guideline covers every histology now."]
    client.logout()
    if user.is_authenticated:
        client.force_login(user)
    return client.post(change_url(article), data)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", TRANSITIONS)
@pytest.mark.parametrize("state", STATES)
def test_transition_table(table_case, client, superuser, state, transition, role):
    article, users, own_assignment, accepted = table_case(state)
    user = users[role]
    allowed = role in ALLOWED.get((state, transition), set())
    before = workflow_state(article)

    if transition == "revise":
        response = edit_in_admin(client, superuser, article, user)
        assert response.status_code == 302
        refused = response.url.startswith("/admin/login/")
        assert refused is not allowed, response.url
        body = article.sections.get(order=1).body
        assert (body == EDITED_TEXT) is allowed
    else:
        assignment = own_assignment.get(role, accepted)
        method = getattr(Article.objects.get(pk=article.pk), transition)
        assert has_transition_perm(method, user) is allowed
        if allowed:
            run_through_service(transition, article, user, assignment)
        else:
            with pytest.raises(services.WorkflowError) as refusal:
                run_through_service(transition, article, user, assignment)
            assert refusal.value.message

    article.refresh_from_db()
    if allowed:
        assert article.status == TARGET[transition]
    else:
        assert workflow_state(article) == before


@pytest.mark.django_db
def test_refusals_say_why(workflow, article, editor, reviewer_one, reviewer_two):
    with pytest.raises(services.WorkflowError, match="Assign at least one reviewer"):
        services.review_start(article=article, user=editor)

    accepted, invited = workflow.invite(article, reviewer_one, reviewer_two)
    workflow.accept(accepted)
    with pytest.raises(services.WorkflowError, match="Only editors"):
        services.review_start(article=article, user=reviewer_one.user)
    workflow.start(article)

    with pytest.raises(services.WorkflowError, match="only a submitted article"):
        services.review_start(article=article, user=editor)
    with pytest.raises(services.WorkflowError, match="Only an approved article"):
        services.article_reopen(article=article, user=editor, reason="New data.")
    with pytest.raises(services.WorkflowError, match="assigned to another member"):
        services.review_decide(
            assignment=accepted,
            user=reviewer_two.user,
            recommendation=Recommendation.APPROVE,
        )
    with pytest.raises(services.WorkflowError, match="Accept the invitation"):
        workflow.approve(invited)
    with pytest.raises(services.WorkflowError, match="a comment is needed"):
        workflow.request_changes(accepted, comments="  ")
    with pytest.raises(services.WorkflowError, match="Choose approve or request"):
        services.review_decide(
            assignment=accepted, user=reviewer_one.user, recommendation="maybe"
        )


@pytest.mark.django_db
def test_editors_never_approve_even_when_they_press_it(workflow, article, editor):
    member = AdvisoryBoardMemberFactory(with_account=True)
    (assignment,) = workflow.send_to_review(article, member)
    article.refresh_from_db()

    assert not has_transition_perm(article.approve, editor)
    before = workflow_state(article)
    with pytest.raises(services.WorkflowError, match="assigned to another member"):
        services.review_decide(
            assignment=assignment, user=editor, recommendation=Recommendation.APPROVE
        )
    with pytest.raises(services.WorkflowError, match="reviewer desk, not here"):
        services.article_transition(article=article, name="approve", user=editor)
    assert workflow_state(article) == before


# --- Assignment rules -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_author_cannot_review_their_own_article(article, editor, author_member):
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError) as refusal:
        services.assignment_create(
            article=article, reviewer=author_member, invited_by=editor
        )

    assert refusal.value.message == (
        "Omar Haddad, MD wrote this article and cannot review it: nobody approves "
        "their own work."
    )
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_an_author_named_after_the_invitation_cannot_decide(
    workflow, article, editor, reviewer_one, reviewer_two
):
    own, other = workflow.send_to_review(article, reviewer_one, reviewer_two)
    article.refresh_from_db()
    article.author = reviewer_one.user
    article.save()
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError, match="nobody approves their own"):
        workflow.approve(own)

    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_recorded_conflict_bars_the_member(article, editor, reviewer_one):
    services.conflict_record(
        article=article,
        member=reviewer_one,
        user=editor,
        note="Consults for the drug's maker",
    )
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError) as refusal:
        services.assignment_create(
            article=article, reviewer=reviewer_one, invited_by=editor
        )

    assert "recorded conflict of interest" in refusal.value.message
    assert "Consults for the drug's maker" in refusal.value.message
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_recording_a_conflict_withdraws_a_live_assignment(
    workflow, article, editor, reviewer_one, reviewer_two
):
    conflicted, other = workflow.send_to_review(article, reviewer_one, reviewer_two)

    services.conflict_record(
        article=article, member=reviewer_one, user=editor, note="Co-author of a trial"
    )

    conflicted.refresh_from_db()
    other.refresh_from_db()
    assert conflicted.state == AssignmentState.WITHDRAWN
    assert conflicted.closing_note == "conflict of interest: Co-author of a trial"
    assert other.state == AssignmentState.ACCEPTED
    with pytest.raises(services.WorkflowError, match="withdrawn; there is nothing"):
        workflow.approve(conflicted)


@pytest.mark.django_db
def test_a_member_without_an_account_cannot_be_assigned(article, editor):
    member = AdvisoryBoardMemberFactory(display_name="Ines Costa", user=None)
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError) as refusal:
        services.assignment_create(article=article, reviewer=member, invited_by=editor)

    assert refusal.value.message.startswith(
        "Ines Costa, MD has no user account and cannot sign in to review."
    )
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_member_is_invited_once_per_round(workflow, article, editor, reviewer_one):
    workflow.invite(article, reviewer_one)
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError) as refusal:
        workflow.invite(article, reviewer_one)

    assert "already assigned to this round" in refusal.value.message
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_only_editors_invite(article, reviewer_one, reviewer_two):
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError, match="Only editors"):
        services.assignment_create(
            article=article, reviewer=reviewer_two, invited_by=reviewer_one.user
        )

    assert workflow_state(article) == before


@pytest.mark.django_db
def test_an_approved_article_is_reopened_before_new_invitations(
    workflow, article, editor, reviewer_one, reviewer_two
):
    workflow.approve_with(article, reviewer_one)
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError, match="Reopen it for review"):
        workflow.invite(article, reviewer_two)

    assert workflow_state(article) == before


# --- Double clicks, stale forms, someone else's review --------------------------------


@pytest.mark.django_db
def test_a_second_decision_is_refused_and_changes_nothing(
    workflow, article, reviewer_one, reviewer_two
):
    first, second = workflow.send_to_review(article, reviewer_one, reviewer_two)
    workflow.approve(first)
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError) as refusal:
        workflow.request_changes(first, comments="On second thought, no.")

    assert refusal.value.message == (
        "Your decision on this round was already recorded (approve)."
    )
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_decision_on_a_page_read_before_an_edit_is_refused(
    workflow, article, editor, reviewer_one
):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    seen = Article.objects.get(pk=article.pk).last_updated
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    services.section_save(section=section, user=editor, reason="edited")
    before = workflow_state(article)
    assert before["last_updated"] > seen

    with pytest.raises(services.WorkflowError) as refusal:
        services.review_decide(
            assignment=assignment,
            user=reviewer_one.user,
            recommendation=Recommendation.APPROVE,
            seen_last_updated=seen,
        )

    assert refusal.value.message.startswith("The article changed after you opened it.")
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_decision_with_the_current_version_is_taken(workflow, article, reviewer_one):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    seen = Article.objects.get(pk=article.pk).last_updated

    services.review_decide(
        assignment=assignment,
        user=reviewer_one.user,
        recommendation=Recommendation.APPROVE,
        seen_last_updated=seen,
    )

    article.refresh_from_db()
    assert article.status == ArticleStatus.APPROVED


@pytest.mark.django_db
def test_a_stale_form_from_an_earlier_day_is_refused(workflow, article, reviewer_one):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError, match="changed after you opened it"):
        services.review_decide(
            assignment=assignment,
            user=reviewer_one.user,
            recommendation=Recommendation.APPROVE,
            seen_last_updated=before["last_updated"] - datetime.timedelta(days=1),
        )

    assert workflow_state(article) == before


@pytest.mark.django_db
def test_acting_on_another_members_assignment_is_refused(
    workflow, article, reviewer_one, reviewer_two
):
    theirs, mine = workflow.invite(article, reviewer_one, reviewer_two)
    before = workflow_state(article)

    for action in (services.assignment_accept, services.assignment_decline):
        with pytest.raises(services.WorkflowError, match="assigned to another member"):
            action(assignment=theirs, user=reviewer_two.user)

    assert workflow_state(article) == before


@pytest.mark.django_db
def test_answering_an_invitation_twice_is_refused(workflow, article, reviewer_one):
    (assignment,) = workflow.accept(*workflow.invite(article, reviewer_one))
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError) as refusal:
        services.assignment_decline(assignment=assignment, user=reviewer_one.user)

    assert refusal.value.message == "You already answered this invitation (accepted)."
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_an_invitation_closed_with_the_round_is_not_called_answered(
    workflow, article, reviewer_one, reviewer_two
):
    article.required_approvals = 1
    article.save()
    approver, late = workflow.invite(article, reviewer_one, reviewer_two)
    workflow.accept(approver)
    workflow.start(article)
    workflow.approve(approver)
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError) as refusal:
        services.assignment_accept(assignment=late, user=reviewer_two.user)

    assert "already answered" not in refusal.value.message
    assert "closed with the round" in refusal.value.message
    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_reviewer_without_the_editor_group_cannot_withdraw(
    workflow, article, reviewer_one, reviewer_two
):
    (assignment,) = workflow.invite(article, reviewer_one)
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError, match="Only editors"):
        services.assignment_withdraw(
            assignment=assignment, user=reviewer_two.user, note="Not needed."
        )

    assert workflow_state(article) == before


@pytest.mark.django_db
def test_a_second_editor_can_withdraw_with_a_reason(workflow, article, reviewer_one):
    (assignment,) = workflow.invite(article, reviewer_one)
    other_editor = make_editor("second-editor")

    with pytest.raises(services.WorkflowError, match="Say why"):
        services.assignment_withdraw(assignment=assignment, user=other_editor, note="")
    services.assignment_withdraw(
        assignment=assignment, user=other_editor, note="Away on leave."
    )

    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.WITHDRAWN
    assert assignment.closing_note == "Away on leave."

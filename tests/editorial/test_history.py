"""Every workflow step leaves a history row naming who acted and why, and editors read
them as a timeline and as differences between versions."""

import pytest

from articles.models import ArticleStatus
from articles.selectors import article_content, article_content_as_of
from editorial import services
from editorial.models import ReviewAssignment
from tests.editorial.conftest import (
    ORIGINAL_GUIDELINE_TEXT,
    change_form_data,
    change_url,
    section_field,
)

CHANGES = "The dosing paragraph needs the renal adjustment."
EDITED_TEXT = "Test every advanced tumour, squamous ones included [@guide2024]."


def latest(history):
    return history.order_by("-history_date", "-history_id").first()


@pytest.mark.django_db
def test_an_invitation_is_recorded_with_the_editor(
    workflow, article, editor, reviewer_one
):
    (assignment,) = workflow.invite(article, reviewer_one)

    record = assignment.history.get()
    assert record.history_type == "+"
    assert record.history_user == editor
    assert record.history_change_reason == "invited by editor"


@pytest.mark.django_db
def test_answers_and_the_start_of_review_are_recorded(
    workflow, article, editor, reviewer_one
):
    (assignment,) = workflow.invite(article, reviewer_one)
    workflow.accept(assignment)
    workflow.start(article)

    accepted = latest(assignment.history)
    assert accepted.history_user == reviewer_one.user
    assert accepted.history_change_reason == "accepted by ruiz"
    started = latest(article.history)
    assert started.status == ArticleStatus.UNDER_REVIEW
    assert started.history_user == editor
    assert started.history_change_reason == "review round 1 started by editor"


@pytest.mark.django_db
def test_an_approval_names_the_approvers(workflow, article, reviewer_one, reviewer_two):
    first, second = workflow.approve_with(article, reviewer_one, reviewer_two)

    record = latest(article.history)
    assert record.status == ArticleStatus.APPROVED
    assert record.history_user == reviewer_two.user
    assert record.history_change_reason == (
        "approved by Ana Ruiz, MD, PhD, Kenji Sato, MD"
    )
    decision = latest(ReviewAssignment.objects.get(pk=first.pk).history.all())
    assert decision.history_user == reviewer_one.user
    assert decision.history_change_reason == "approved by ruiz"
    assert decision.recommendation == "approve"


@pytest.mark.django_db
def test_requested_changes_are_recorded_with_the_comment(
    workflow, article, reviewer_one
):
    (critic,) = workflow.send_to_review(article, reviewer_one)

    workflow.request_changes(critic, comments=CHANGES)

    record = latest(article.history)
    assert record.status == ArticleStatus.SUBMITTED
    assert record.history_user == reviewer_one.user
    assert record.history_change_reason == f"changes requested by ruiz: {CHANGES}"
    decision = latest(ReviewAssignment.objects.get(pk=critic.pk).history.all())
    assert decision.comments == CHANGES
    assert decision.history_change_reason == f"changes requested by ruiz: {CHANGES}"


@pytest.mark.django_db
def test_an_edit_of_an_approved_article_in_the_admin_is_recorded(
    workflow, article, editor, client, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    client.force_login(editor)
    data = change_form_data(client, article)
    data[section_field(data, ORIGINAL_GUIDELINE_TEXT[:20])] = [EDITED_TEXT]

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    record = latest(article.history)
    assert record.status == ArticleStatus.SUBMITTED
    assert record.history_user == editor
    assert record.history_change_reason == "content edited: back to Submitted"
    section = latest(article.sections.get(order=1).history)
    assert section.body == EDITED_TEXT
    assert section.history_user == editor


@pytest.mark.django_db
def test_an_edit_of_a_cited_reference_is_recorded_on_the_article(
    workflow, article, editor, references, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    reference = references["trial2021"]
    reference.title = "Targeted therapy after profiling: final analysis"
    services.reference_save(reference=reference, user=editor)

    record = latest(article.history)
    assert record.status == ArticleStatus.SUBMITTED
    assert record.history_user == editor
    assert record.history_change_reason == (
        "cited reference “Targeted therapy after profiling: final analysis” edited: "
        "back to Submitted"
    )
    assert latest(reference.history).history_user == editor


@pytest.mark.django_db
def test_a_conflict_and_the_withdrawal_it_causes_are_recorded(
    workflow, article, editor, reviewer_one
):
    (assignment,) = workflow.invite(article, reviewer_one)

    conflict = services.conflict_record(
        article=article, member=reviewer_one, user=editor, note="Paid adviser"
    )

    assert conflict.history.get().history_user == editor
    withdrawn = latest(assignment.history)
    assert withdrawn.history_user == editor
    assert withdrawn.history_change_reason == (
        "withdrawn by editor: conflict of interest: Paid adviser"
    )


# --- What editors read ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_timeline_lists_edits_transitions_assignments_and_decisions(
    workflow, article, editor, client, reviewer_one, reviewer_two
):
    approver, critic = workflow.send_to_review(article, reviewer_one, reviewer_two)
    workflow.approve(approver)
    workflow.request_changes(critic, comments=CHANGES)
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    services.section_save(section=section, user=editor, reason="edited")
    client.force_login(editor)

    response = client.get(f"/admin/articles/article/{article.pk}/timeline/")

    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Assignment of Ana Ruiz, MD, PhD, round 1 created: invited by editor",
        "accepted by sato",
        "review round 1 started by editor",
        "changed: approved by ruiz",
        f"changes requested by sato: {CHANGES}",
        "Section “From the Guidelines” changed",
    ):
        assert text in page, text
    assert page.index("Section “From the Guidelines” changed") < page.index(
        "review round 1 started by editor"
    ), "newest first"


@pytest.mark.django_db
def test_compare_shows_what_changed_in_sections_and_references(
    workflow, article, editor, client, references, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    services.section_save(section=section, user=editor, reason="edited")
    reference = references["trial2021"]
    reference.year = 2023
    reference.save()
    client.force_login(editor)

    response = client.get(f"/admin/articles/article/{article.pk}/compare/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Comparing approved version 1 with working copy." in page
    assert f"- {ORIGINAL_GUIDELINE_TEXT}" in page
    assert f"+ {EDITED_TEXT}" in page
    assert "- year: 2021" in page
    assert "+ year: 2023" in page
    assert "Targeted therapy after profiling: a trial <span" in page
    assert "(changed)" in page


@pytest.mark.django_db
def test_compare_two_moments_from_the_timeline(
    workflow, article, editor, client, reviewer_one
):
    client.force_login(editor)
    before_edit = article.sections.get(order=1).history.latest().history_date
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    section.save()
    after_edit = section.history.latest().history_date

    response = client.get(
        f"/admin/articles/article/{article.pk}/compare/",
        {"from": before_edit.isoformat(), "to": after_edit.isoformat()},
    )

    page = response.content.decode()
    assert f"- {ORIGINAL_GUIDELINE_TEXT}" in page
    assert f"+ {EDITED_TEXT}" in page


@pytest.mark.django_db
def test_reviewers_cannot_read_the_timeline(client, article, reviewer_one):
    client.force_login(reviewer_one.user)

    response = client.get(f"/admin/articles/article/{article.pk}/timeline/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.django_db
def test_a_past_version_keeps_references_edited_in_the_library(article, references):
    guideline = references["guide2024"]
    guideline.year = 2024
    guideline.save()
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    section.save()
    moment = section.history.latest().history_date

    past = article_content_as_of(article=article, moment=moment)

    assert [(item["citation_key"], item["year"]) for item in past["references"]] == [
        ("guide2024", 2024),
        ("trial2021", 2021),
    ]
    assert past["references"] == article_content(article=article)["references"]

"""Editing through the admin never changes a review by accident: a save that changes
nothing changes nothing, and an edit that ends a round is confirmed with a reason."""

import html

import pytest
from django.contrib.messages import get_messages

from articles.models import Article, ArticleStatus, Section
from editorial import services
from editorial.models import AssignmentState, OutboundEmail, ReviewAssignment
from tests.editorial.conftest import (
    ORIGINAL_GUIDELINE_TEXT,
    change_form_data,
    change_url,
    form_data,
    section_field,
    workflow_state,
)

EDITED_TEXT = "Test every advanced tumour, squamous ones included [@guide2024]."
REASON = "The 2024 guideline now covers squamous tumours."


def as_browser_sends(data: dict[str, list[str]]) -> dict[str, list[str]]:
    """Browsers post textarea contents with CRLF line endings, whatever the page
    held."""
    return {
        name: [value.replace("\r\n", "\n").replace("\n", "\r\n") for value in values]
        for name, values in data.items()
    }


def form_with_an_edited_section(client, article, **fields) -> dict[str, list[str]]:
    """The article's change form with its first section rewritten."""
    data = change_form_data(client, article)
    data[section_field(data, ORIGINAL_GUIDELINE_TEXT[:20])] = [EDITED_TEXT]
    data.update({name: [value] for name, value in fields.items()})
    return data


def section_history_count(article) -> int:
    return Section.history.filter(article_id=article.pk).count()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def multiline_article(article, editor):
    """The demo's sections have several lines, so CRLF differs from what is stored."""
    section = article.sections.get(order=1)
    section.body = f"{ORIGINAL_GUIDELINE_TEXT}\n\n- First point.\n- Second point."
    section.save()
    return Article.objects.get(pk=article.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ArticleStatus.UNDER_REVIEW, ArticleStatus.APPROVED])
def test_saving_the_admin_form_unchanged_changes_nothing(
    workflow, multiline_article, editor, client, reviewer_one, reviewer_two, status
):
    article = multiline_article
    if status == ArticleStatus.APPROVED:
        workflow.approve_with(article, reviewer_one, reviewer_two)
    else:
        workflow.send_to_review(article, reviewer_one, reviewer_two)
    client.force_login(editor)
    data = as_browser_sends(change_form_data(client, article))
    data["_continue"] = ["Save and continue editing"]
    before = workflow_state(article)
    sections_before = section_history_count(article)
    emails_before = OutboundEmail.objects.count()

    response = client.post(change_url(article), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert workflow_state(article) == before
    assert section_history_count(article) == sections_before
    assert OutboundEmail.objects.count() == emails_before


@pytest.mark.django_db
def test_adding_a_reviewer_mid_review_keeps_the_round(
    workflow, multiline_article, editor, client, reviewer_one, reviewer_two
):
    article = multiline_article
    (accepted,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(editor)
    data = as_browser_sends(change_form_data(client, article))
    total = int(data["review_assignments-TOTAL_FORMS"][0])
    data[f"review_assignments-{total}-reviewer"] = [str(reviewer_two.pk)]
    data[f"review_assignments-{total}-id"] = [""]
    data["review_assignments-TOTAL_FORMS"] = [str(total + 1)]

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW
    assert article.review_round == 1
    accepted.refresh_from_db()
    assert accepted.state == AssignmentState.ACCEPTED
    assert ReviewAssignment.objects.get(
        article=article, reviewer=reviewer_two
    ).state == (AssignmentState.INVITED)


@pytest.mark.django_db
def test_an_edit_that_ends_a_round_asks_for_a_reason_and_keeps_the_text(
    workflow, article, editor, client, reviewer_one, reviewer_two
):
    workflow.send_to_review(article, reviewer_one, reviewer_two)
    client.force_login(editor)
    data = form_with_an_edited_section(client, article)
    before = workflow_state(article)

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert (
        "Saving ends round 1: the 2 reviewers' assignments will be closed and they "
        "will be emailed. Give a reason to confirm" in page
    )
    assert EDITED_TEXT in page
    assert workflow_state(article) == before
    assert article.sections.get(order=1).body == ORIGINAL_GUIDELINE_TEXT


@pytest.mark.django_db
def test_a_confirmed_edit_closes_the_round_with_the_reason_and_tells_reviewers(
    workflow, article, editor, client, reviewer_one, reviewer_two
):
    assignments = workflow.send_to_review(article, reviewer_one, reviewer_two)
    client.force_login(editor)
    data = form_with_an_edited_section(client, article, revision_reason=REASON)

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.review_round) == (ArticleStatus.SUBMITTED, 2)
    for assignment in assignments:
        assignment.refresh_from_db()
        assert assignment.state == AssignmentState.CANCELLED
        assert assignment.closing_note == f"round closed: {REASON}"
    emails = OutboundEmail.objects.filter(kind="round_closed")
    assert sorted(email.to_address for email in emails) == sorted(
        member.user.email for member in (reviewer_one, reviewer_two)
    )
    assert all(REASON in email.body_text for email in emails)
    assert article.history.latest().history_change_reason == (
        f"{REASON}: round 1 closed, back to Submitted"
    )
    assert article.history.latest().history_user == editor
    client.force_login(reviewer_one.user)
    desk = client.get(f"/review/{assignments[0].pk}/")
    assert f"round closed: {REASON}" in html.unescape(desk.content.decode())


@pytest.mark.django_db
def test_an_edit_racing_an_approval_is_refused_with_the_text_kept(
    workflow, article, editor, client, reviewer_one
):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(editor)
    data = form_with_an_edited_section(client, article, revision_reason=REASON)
    workflow.approve(assignment)  # while the editor types
    approved = workflow_state(article)

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert (
        "A reviewer approved this article while you were editing; your changes are "
        "below, save again to start a new round." in page
    )
    assert EDITED_TEXT in page
    assert workflow_state(article) == approved

    again = client.post(change_url(article), form_data(response))

    assert again.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert article.sections.get(order=1).body == EDITED_TEXT


@pytest.mark.django_db
def test_a_section_save_then_an_article_save_is_not_a_concurrent_transition(
    workflow, article, editor, reviewer_one
):
    """Saving a section no longer changes the article's state behind its back."""
    workflow.approve_with(article, reviewer_one)
    article = Article.objects.get(pk=article.pk)
    section = article.sections.get(order=1)

    section.body = EDITED_TEXT
    section.save()
    article.summary = "Test first."
    article.save()

    article.refresh_from_db()
    assert article.summary == "Test first."
    assert article.status == ArticleStatus.APPROVED, "a model save is not the workflow"


@pytest.mark.django_db
def test_edits_through_the_services_with_an_article_read_before_them(
    workflow, article, editor, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    article = Article.objects.get(pk=article.pk)
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    rows_before = article.history.count()

    services.section_save(section=section, user=editor, reason=REASON)
    services.article_content_save(
        article=article, user=editor, values={"summary": "Test first."}
    )

    article.refresh_from_db()
    assert (article.status, article.summary) == (ArticleStatus.SUBMITTED, "Test first.")
    assert article.history.count() == rows_before + 2, "one row per save"


@pytest.mark.django_db
def test_creating_an_article_with_five_sections_is_one_article_history_row(
    client, editor, author_member
):
    client.force_login(editor)
    response = client.get("/admin/articles/article/add/")
    data = form_data(response)
    data["title"] = ["Does smoking history change testing?"]
    data["author"] = [str(editor.pk)]
    data["sections-TOTAL_FORMS"] = ["5"]
    for index in range(5):
        data[f"sections-{index}-order"] = [str(index)]
        data[f"sections-{index}-kind"] = ["general"]
        data[f"sections-{index}-body"] = [f"Part {index}.\r\nMore."]

    response = client.post("/admin/articles/article/add/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(title="Does smoking history change testing?")
    assert article.history.count() == 1
    assert article.sections.count() == 5
    assert article.sections.first().body == "Part 0.\nMore."


@pytest.mark.django_db
def test_one_admin_save_is_one_timeline_entry_and_one_restore_point(
    article, editor, client
):
    from editorial import selectors

    client.force_login(editor)
    moments_before = len(selectors.content_moments(article=article))
    data = form_with_an_edited_section(
        client,
        article,
        title="Which tumours need testing?",
        revision_reason="Plainer wording.",
    )
    data[section_field(data, "Targeted")] = ["Targeted therapy helps [@trial2021]."]

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    assert len(selectors.content_moments(article=article)) == moments_before + 1
    (entry, *_older) = selectors.article_timeline(article=article)
    assert entry.user == editor
    assert entry.description.startswith("Article changed: Plainer wording.")
    assert "Section “From the Guidelines” changed" in entry.description
    assert "Section “From the Research” changed" in entry.description


@pytest.mark.django_db
def test_a_body_stored_before_normalisation_is_not_an_edit(
    workflow, article, editor, client, reviewer_one
):
    """Text saved by an earlier version of the site may still hold CRLF."""
    workflow.send_to_review(article, reviewer_one)
    Section.objects.filter(article=article, order=1).update(
        body=f"{ORIGINAL_GUIDELINE_TEXT}\r\n\r\n- A point.   \r\n"
    )
    client.force_login(editor)
    data = as_browser_sends(change_form_data(client, article))
    before = workflow_state(article)

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    assert workflow_state(article) == before


def long_reason(length: int) -> str:
    """An editor's reason of ``length`` characters, with markup that must show as
    text and its last words at the very end, where a cut would fall."""
    words = "The 2024 guideline <b>now</b> covers squamous tumours & small biopsies. "
    end = " Last words of the reason."
    return (words * (length // len(words) + 1))[: length - len(end)] + end


@pytest.mark.django_db
def test_a_long_reason_ending_a_round_is_kept_whole_in_history_and_shown(
    workflow, article, editor, client, reviewer_one
):
    reason = long_reason(600)
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(editor)
    data = form_with_an_edited_section(client, article, revision_reason=reason)

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    assert article.history.latest().history_change_reason == (
        f"{reason}: round 1 closed, back to Submitted"
    )
    assert assignment.history.latest().history_change_reason == (
        f"round closed: {reason}"
    )
    timeline = client.get(f"/admin/articles/article/{article.pk}/timeline/")
    assert html.escape(reason) in timeline.content.decode()
    assert "<b>now</b>" not in timeline.content.decode()
    history_page = client.get(f"/admin/articles/article/{article.pk}/history/")
    assert html.escape(reason) in history_page.content.decode()
    client.force_login(reviewer_one.user)
    desk = client.get(f"/review/{assignment.pk}/")
    assert html.escape(reason) in desk.content.decode()


@pytest.mark.django_db
def test_a_reason_over_the_limit_is_refused_and_nothing_changes(
    workflow, article, editor, client, reviewer_one
):
    workflow.send_to_review(article, reviewer_one)
    before = workflow_state(article)
    client.force_login(editor)
    data = form_with_an_edited_section(
        client, article, revision_reason=long_reason(1001)
    )

    response = client.post(change_url(article), data)

    assert response.status_code == 200
    assert "Ensure this value has at most 1000 characters (it has 1001)." in (
        html.unescape(response.content.decode())
    )
    assert workflow_state(article) == before
    assert article.sections.get(order=1).body == ORIGINAL_GUIDELINE_TEXT


@pytest.mark.django_db
def test_the_services_refuse_a_reason_over_the_limit(
    workflow, article, editor, reviewer_one
):
    workflow.send_to_review(article, reviewer_one)
    before = workflow_state(article)

    with pytest.raises(services.WorkflowError, match="at most 1000 characters"):
        services.article_content_save(
            article=article,
            user=editor,
            values={"title": "A new title"},
            reason=long_reason(1001),
        )

    assert workflow_state(article) == before

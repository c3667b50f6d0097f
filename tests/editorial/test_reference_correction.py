"""An editorial correction of a cited reference reaches readers with a dated note
and no new review; any other change still sends the citing articles to review."""

import html

import pytest
import time_machine

from articles.models import Article, ArticleStatus
from tests.editorial.conftest import form_data, workflow_state

NOTE = "Page range corrected to match the journal."


def reference_url(reference) -> str:
    return f"/admin/references/reference/{reference.pk}/change/"


def reference_form(client, reference) -> tuple[str, dict[str, list[str]]]:
    page = client.get(reference_url(reference))
    assert page.status_code == 200
    return html.unescape(page.content.decode()), form_data(page, "reference_form")


@pytest.fixture
def approved(workflow, article, reviewer_one):
    with time_machine.travel("2026-03-01 10:00 +0000", tick=False):
        workflow.approve_with(article, reviewer_one)
    return Article.objects.get(pk=article.pk)


@pytest.mark.django_db
def test_a_correction_reaches_the_page_dated_without_a_review(
    approved, references, client, editor
):
    reference = references["trial2021"]
    client.force_login(editor)
    page, data = reference_form(client, reference)
    assert "1 approved article cites this reference" in page
    data["pages"] = ["101-119"]
    data["correction"] = [NOTE]
    before = workflow_state(approved)

    with time_machine.travel("2026-03-05 10:00 +0000", tick=False):
        response = client.post(reference_url(reference), data)

    assert response.status_code == 302
    after = workflow_state(approved)
    assert after["status"] == ArticleStatus.APPROVED
    assert after["round"] == before["round"]
    assert after["last_updated"] == before["last_updated"]
    public = html.unescape(client.get(approved.get_absolute_url()).content.decode())
    assert "101-119" in public
    assert f"Corrected on March 5, 2026: {NOTE}" in public
    assert reference.history.filter(
        history_change_reason=f"editorial correction: {NOTE}", history_user=editor
    ).exists()
    assert approved.history.filter(
        history_change_reason__startswith=f"cited reference “{reference.title}” "
        "corrected",
        status=ArticleStatus.APPROVED,
    ).exists()


@pytest.mark.django_db
def test_a_correction_that_changes_what_the_source_is_is_refused(
    approved, references, client, editor
):
    reference = references["trial2021"]
    client.force_login(editor)
    _page, data = reference_form(client, reference)
    data["title"] = ["Another trial altogether"]
    data["correction"] = [NOTE]
    before = workflow_state(approved)

    response = client.post(reference_url(reference), data)

    assert response.status_code == 200
    assert "A correction may change only authors, volume, issue, pages" in (
        html.unescape(response.content.decode())
    )
    reference.refresh_from_db()
    assert reference.title != "Another trial altogether"
    assert workflow_state(approved) == before


@pytest.mark.django_db
def test_any_other_change_sends_the_citing_article_back_to_review(
    approved, references, client, editor
):
    reference = references["trial2021"]
    client.force_login(editor)
    _page, data = reference_form(client, reference)
    data["pages"] = ["101-119"]

    response = client.post(reference_url(reference), data)

    assert response.status_code == 302
    assert Article.objects.get(pk=approved.pk).status == ArticleStatus.SUBMITTED

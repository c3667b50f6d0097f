"""The article form offers what applies right away: reviewers invited and the
review started in one save, and a reviewer picker listing only the members who can
review the article."""

import pytest

from articles.models import ArticleStatus
from editorial.models import ReviewerConflict
from tests.editorial.conftest import change_form_data, change_url
from tests.editorial.test_admin_workflow import add_reviewer_row, messages_of
from tests.reviewers.factories import AdvisoryBoardMemberFactory

AUTOCOMPLETE = "/admin/autocomplete/"


@pytest.mark.django_db
def test_reviewers_invited_and_review_started_in_one_save(
    client, editor, article, reviewer_one
):
    client.force_login(editor)
    data = add_reviewer_row(change_form_data(client, article), reviewer_one)
    data["_send_to_review"] = ["Save and send to review"]

    response = client.post(change_url(article), data)

    assert response.status_code == 302
    assert response.url == change_url(article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.UNDER_REVIEW
    assert article.review_assignments.get().reviewer == reviewer_one
    assert messages_of(response)[-1] == f"“{article}”: Start review done."


@pytest.mark.django_db
def test_send_to_review_without_a_reviewer_saves_and_says_why_not(
    client, editor, article
):
    client.force_login(editor)
    data = change_form_data(client, article)
    data["title"] = ["Which EGFR test comes first?"]
    data["_send_to_review"] = ["Save and send to review"]

    response = client.post(change_url(article), data)

    article.refresh_from_db()
    assert article.title == "Which EGFR test comes first?"
    assert article.status == ArticleStatus.SUBMITTED
    assert response.status_code == 302
    assert messages_of(response) == [
        "Assign at least one reviewer before starting the review."
    ]


@pytest.mark.django_db
def test_the_button_is_offered_on_a_submitted_article_only(
    client, editor, article, workflow, reviewer_one
):
    client.force_login(editor)
    label = "Save and send to review"

    assert label in client.get(change_url(article)).content.decode()
    assert label in client.get("/admin/articles/article/add/").content.decode()
    workflow.send_to_review(article, reviewer_one)
    assert label not in client.get(change_url(article)).content.decode()


@pytest.mark.django_db
def test_reviewer_picker_offers_only_members_who_can_review(
    client, editor, article, author_member, reviewer_one, reviewer_two
):
    AdvisoryBoardMemberFactory(display_name="No Account")
    AdvisoryBoardMemberFactory(
        display_name="Retired Member", with_account=True, is_active=False
    )
    ReviewerConflict.objects.create(
        article=article, member=reviewer_two, note="Consults for the maker"
    )
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    assert f"/admin/autocomplete/?article={article.pk}" in page

    response = client.get(
        AUTOCOMPLETE,
        {
            "article": article.pk,
            "app_label": "editorial",
            "model_name": "reviewassignment",
            "field_name": "reviewer",
            "term": "",
        },
    )

    offered = [item["text"] for item in response.json()["results"]]
    assert offered == [str(reviewer_one)]

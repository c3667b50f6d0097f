"""An editor's admin save racing a reviewer's decision, each on its own PostgreSQL
connection: one waits for the other on the article row, neither answers 500 and
neither side is lost silently."""

import html

import pytest
from django.test import Client

from articles.models import Article, ArticleStatus
from editorial import services
from editorial.models import AssignmentState, Recommendation, ReviewAssignment
from tests.editorial.conftest import (
    ORIGINAL_GUIDELINE_TEXT,
    change_form_data,
    change_url,
    form_data,
    section_field,
)
from tests.editorial.threads import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EDITED_TEXT = "Test every advanced tumour, squamous ones included [@guide2024]."
STALE = "while you were editing; your changes are below, save again"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_form(editor, article, **changes) -> tuple[Client, dict]:
    client = signed_in(editor)
    data = change_form_data(client, article)
    data.update(changes)
    return client, data


def decide(assignment, recommendation, comments=""):
    return lambda: services.review_decide(
        assignment=ReviewAssignment.objects.get(pk=assignment.pk),
        user=assignment.reviewer.user,
        recommendation=recommendation,
        comments=comments,
    )


def page_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("recommendation", "decided_status", "happened"),
    [
        (
            Recommendation.APPROVE,
            ArticleStatus.APPROVED,
            "A reviewer approved this article",
        ),
        (
            Recommendation.REQUEST_CHANGES,
            ArticleStatus.SUBMITTED,
            "A reviewer requested changes",
        ),
    ],
)
def test_a_section_edit_racing_a_decision(
    workflow, article, editor, reviewer_one, recommendation, decided_status, happened
):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client, data = edit_form(editor, article)
    data[section_field(data, ORIGINAL_GUIDELINE_TEXT[:20])] = [EDITED_TEXT]
    data["revision_reason"] = ["The guideline now covers squamous tumours."]

    response, decision = run_together(
        lambda: client.post(change_url(article), data),
        decide(assignment, recommendation, "Cite the 2024 guideline."),
    )

    body = Article.objects.get(pk=article.pk).sections.get(order=1).body
    assignment.refresh_from_db()
    if response.status_code == 302:  # the edit came first and ended the round
        assert isinstance(decision, services.WorkflowError), decision
        assert body == EDITED_TEXT
        assert assignment.state == AssignmentState.CANCELLED
    else:  # the decision came first: the editor is told, the typed text kept
        assert response.status_code == 200
        assert isinstance(decision, ReviewAssignment), decision
        assert f"{happened} {STALE}" in page_of(response)
        assert EDITED_TEXT in page_of(response)
        assert body == ORIGINAL_GUIDELINE_TEXT
        assert Article.objects.get(pk=article.pk).status == decided_status
        assert assignment.recommendation == recommendation


def test_unticking_published_racing_an_approval_keeps_both(
    workflow, article, editor, reviewer_one
):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client, data = edit_form(editor, article)
    data.pop("published", None)

    response, decision = run_together(
        lambda: client.post(change_url(article), data),
        decide(assignment, Recommendation.APPROVE),
    )

    assert response.status_code == 302, page_of(response)[:2000]
    assert isinstance(decision, ReviewAssignment), decision
    article = Article.objects.get(pk=article.pk)
    assert article.status == ArticleStatus.APPROVED
    assert article.published is False


def test_two_articles_created_together_with_one_title_get_two_addresses(editor):
    def create():
        client = signed_in(editor)
        data = form_data(client.get("/admin/articles/article/add/"))
        data["title"] = ["Does smoking history change testing?"]
        data["author"] = [str(editor.pk)]
        return client.post("/admin/articles/article/add/", data)

    responses = run_together(create, create)

    assert [response.status_code for response in responses] == [302, 302]
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "does-smoking-history-change-testing",
        "does-smoking-history-change-testing-2",
    ]

"""History pages can be read, never written back: a POST to a history form of any
model changes nothing."""

import pytest
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from articles.models import Article, Citation
from config.history import ReadOnlyHistoryAdmin
from tests.editorial.conftest import workflow_state


def history_form_url(model, object_id: int, history_id: int) -> str:
    meta = model._meta
    return (
        f"/admin/{meta.app_label}/{meta.model_name}/{object_id}/history/{history_id}/"
    )


@pytest.mark.django_db
def test_posting_an_old_article_version_changes_nothing(
    workflow, article, client, superuser, reviewer_one
):
    first = article.history.earliest()
    workflow.approve_with(article, reviewer_one)
    before = workflow_state(article)
    client.force_login(superuser)
    page = client.get(history_form_url(Article, article.pk, first.history_id))
    assert page.status_code == 200

    response = client.post(
        history_form_url(Article, article.pk, first.history_id),
        {
            "title": first.title,
            "slug": first.slug,
            "summary": first.summary,
            "author": first.author_id,
            "published": "on",
            "_save": "Save",
        },
    )

    assert response.status_code == 405
    assert "History is read-only" in response.content.decode()
    assert workflow_state(article) == before
    assert Article.objects.get(pk=article.pk).review_round == 2


@pytest.mark.django_db
def test_posting_a_citation_version_cannot_change_the_cited_source(
    workflow, article, client, superuser, references, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    citation = Citation.objects.filter(section__article=article).first()
    other = next(
        reference
        for reference in references.values()
        if reference.pk != citation.reference_id
    )
    record = citation.history.latest()
    client.force_login(superuser)

    response = client.post(
        history_form_url(Citation, citation.pk, record.history_id),
        {
            "section": citation.section_id,
            "reference": other.pk,
            "key": citation.key,
            "position": citation.position,
        },
    )

    assert response.status_code == 405
    citation.refresh_from_db()
    assert citation.reference_id != other.pk


def test_every_admin_with_history_is_read_only():
    with_history = [
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]
    assert len(with_history) >= 7
    assert all(isinstance(each, ReadOnlyHistoryAdmin) for each in with_history)

""" "Literature reviewed through": set by the editor, frozen with each approval."""

import datetime

import pytest

from articles import diffing
from articles.models import ArticleStatus
from articles.selectors import article_content
from editorial.services import article_content_save
from tests.articles.factories import ArticleFactory, SectionFactory, take_through_review


def dates_line(client, html, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return html(response.content).find("p", class_="dates").normalised_text


@pytest.mark.django_db
def test_the_page_shows_the_date_the_literature_was_reviewed_through(client, html):
    article = ArticleFactory(literature_reviewed_through=datetime.date(2025, 9, 30))
    SectionFactory(article=article)

    assert "Literature reviewed through: September 30, 2025" in dates_line(
        client, html, article
    )


@pytest.mark.django_db
def test_the_date_is_frozen_with_the_approval(client, html, editor_user):
    article = ArticleFactory(literature_reviewed_through=datetime.date(2025, 9, 30))
    SectionFactory(article=article)
    article = take_through_review(article, to=ArticleStatus.APPROVED)

    article_content_save(
        article=article,
        user=editor_user,
        values={"literature_reviewed_through": datetime.date(2026, 3, 31)},
    )
    article.refresh_from_db()

    assert article.status == ArticleStatus.SUBMITTED
    line = dates_line(client, html, article)
    assert "Literature reviewed through: September 30, 2025" in line
    assert "March 31, 2026" not in line


@pytest.mark.django_db
def test_reviewers_see_a_changed_date_in_the_comparison():
    article = ArticleFactory(literature_reviewed_through=datetime.date(2025, 9, 30))
    before = article_content(article=article)
    article.literature_reviewed_through = datetime.date(2026, 3, 31)
    article.save()

    changed = [
        change
        for change in diffing.compare(before, article_content(article=article)).fields
        if change.is_changed
    ]
    assert [change.label for change in changed] == ["Literature reviewed through"]


@pytest.mark.django_db
def test_a_version_approved_before_the_date_existed_still_shows(client, html):
    article = ArticleFactory()
    SectionFactory(article=article)
    article = take_through_review(article, to=ArticleStatus.APPROVED)
    version = article.approved_versions.get()
    del version.content["literature_reviewed_through"]
    version.save()

    assert "Literature reviewed through" not in dates_line(client, html, article)


@pytest.mark.django_db
def test_restoring_an_earlier_version_restores_its_date(editor_user, time_machine):
    from editorial.services import article_restore

    time_machine.move_to(datetime.datetime(2025, 10, 1, 9, tzinfo=datetime.UTC))
    article = ArticleFactory(literature_reviewed_through=datetime.date(2025, 9, 30))
    time_machine.move_to(datetime.datetime(2025, 11, 1, 9, tzinfo=datetime.UTC))
    article_content_save(
        article=article,
        user=editor_user,
        values={"literature_reviewed_through": datetime.date(2025, 10, 31)},
    )
    time_machine.move_to(datetime.datetime(2025, 11, 2, 9, tzinfo=datetime.UTC))
    article.refresh_from_db()

    article_restore(
        article=article,
        moment=datetime.datetime(2025, 10, 15, tzinfo=datetime.UTC),
        user=editor_user,
    )
    article.refresh_from_db()
    assert article.literature_reviewed_through == datetime.date(2025, 9, 30)

"""Rules of the Article model that editors and readers notice."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article, ArticleStatus, Section
from editorial import services
from tests.articles.factories import (
    ArticleFactory,
    EditorFactory,
    SectionFactory,
    UserFactory,
    take_through_review,
)

START = datetime.datetime(2025, 6, 11, 9, tzinfo=datetime.UTC)
LATER = START + datetime.timedelta(days=3)


def stored(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def article_written_on_start(db, time_machine):
    """An article written at START; the clock then stands at LATER."""
    time_machine.move_to(START, tick=False)
    article = ArticleFactory()
    SectionFactory(article=article, body="First version.")
    time_machine.move_to(LATER, tick=False)
    return stored(article)


# --- Status -----------------------------------------------------------------------


def test_the_status_cannot_be_assigned_directly(db):
    article = ArticleFactory()
    with pytest.raises(AttributeError, match="not allowed"):
        article.status = ArticleStatus.APPROVED
    article.save()
    assert stored(article).status == ArticleStatus.SUBMITTED


def test_a_new_article_starts_as_submitted_and_off_the_site(db):
    article = Article.objects.create(
        title="Does smoking history change testing?",
        author=UserFactory(),
    )
    assert article.status == ArticleStatus.SUBMITTED
    assert article.published is False


# --- Last updated -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_name", "value"),
    [
        ("title", "A sharper question?"),
        ("summary", "A new short answer."),
        ("specialty", "Pulmonology"),
        ("keywords", "ALK, ROS1"),
    ],
)
def test_last_updated_moves_when_the_text_changes(
    article_written_on_start, field_name, value
):
    article = article_written_on_start
    services.article_content_save(
        article=article, user=EditorFactory(), values={field_name: value}
    )
    assert stored(article).last_updated == LATER


def test_last_updated_moves_when_a_section_is_added_edited_or_removed(
    article_written_on_start, time_machine
):
    article = article_written_on_start
    editor = EditorFactory()
    added = Section(article=article, body="More.")
    services.section_save(section=added, user=editor)
    assert stored(article).last_updated == LATER

    time_machine.move_to(LATER + datetime.timedelta(days=1), tick=False)
    added.body = "More, corrected."
    services.section_save(section=added, user=editor)
    assert stored(article).last_updated == LATER + datetime.timedelta(days=1)

    time_machine.move_to(LATER + datetime.timedelta(days=2), tick=False)
    services.section_delete(section=added, user=editor)
    assert stored(article).last_updated == LATER + datetime.timedelta(days=2)


def test_a_save_that_changes_nothing_a_reader_sees_changes_nothing(
    article_written_on_start,
):
    """Line endings and trailing spaces are not content: no date, no history."""
    article = article_written_on_start
    section = article.sections.get()
    article_rows, section_rows = article.history.count(), section.history.count()
    section.body = "First version.  \r\n\r\n"

    result = services.section_save(section=section, user=EditorFactory())

    assert not result.content_changed
    assert stored(article).last_updated == START
    assert article.history.count() == article_rows
    assert Section.objects.get(pk=section.pk).body == "First version."
    assert section.history.count() == section_rows + 1  # the section row itself


@pytest.mark.parametrize("status", [ArticleStatus.UNDER_REVIEW, ArticleStatus.APPROVED])
def test_last_updated_stays_on_a_status_change(article_written_on_start, status):
    article = take_through_review(article_written_on_start, to=status)
    assert stored(article).status == status
    assert stored(article).last_updated == START


def test_last_updated_stays_when_the_article_is_published_or_withdrawn(
    article_written_on_start,
):
    article = article_written_on_start
    article.published = False
    article.save()
    article.published = True
    article.save()
    assert stored(article).last_updated == START


def test_last_updated_stays_on_a_save_without_changes(article_written_on_start):
    article = article_written_on_start
    article.save()
    assert stored(article).last_updated == START


def test_the_page_shows_the_content_date_not_the_status_date(
    client, html, article_written_on_start
):
    article = take_through_review(article_written_on_start, to=ArticleStatus.APPROVED)
    page = html(client.get(article.get_absolute_url()).content)
    assert "Last updated: June 11, 2025" in page.find("article").normalised_text


# --- Address ----------------------------------------------------------------------


def test_the_address_is_made_from_the_title(db):
    article = ArticleFactory(title="What is the role of PD-L1 testing?")
    assert article.slug == "what-is-the-role-of-pd-l1-testing"
    assert article.get_absolute_url() == "/articles/what-is-the-role-of-pd-l1-testing/"


def test_two_articles_with_the_same_title_get_distinct_addresses(db):
    first = ArticleFactory(title="Is ALK testing needed?")
    second = ArticleFactory(title="Is ALK testing needed?")
    third = ArticleFactory(title="Is ALK testing needed?")
    assert [first.slug, second.slug, third.slug] == [
        "is-alk-testing-needed",
        "is-alk-testing-needed-2",
        "is-alk-testing-needed-3",
    ]


def test_the_address_does_not_follow_a_later_title_change(db):
    article = ArticleFactory(title="Is ALK testing needed?")
    article.title = "When is ALK testing needed?"
    article.save()
    assert stored(article).slug == "is-alk-testing-needed"


def test_an_article_can_be_fully_validated(db):
    # Services validate with full_clean() before saving; the protected status field
    # must not make that fail.
    article = ArticleFactory()
    article.title = "A reworded question?"
    article.full_clean()


def test_the_address_can_change_before_the_article_is_public(db):
    draft = ArticleFactory(title="Is ALK testing needed?", published=False)
    draft.slug = "alk-testing"
    draft.clean()
    draft.save()
    assert stored(draft).slug == "alk-testing"


@pytest.mark.parametrize("still_published", [True, False])
def test_the_address_is_fixed_once_the_article_has_been_public(db, still_published):
    article = ArticleFactory(title="Is ALK testing needed?", published=True)
    article.published = still_published
    article.save()

    article.slug = "alk-testing"
    with pytest.raises(ValidationError) as caught:
        article.clean()
    (message,) = caught.value.message_dict["slug"]
    assert "cannot change" in message and "is-alk-testing-needed" in message


def test_publishing_records_the_first_publication_once(db, time_machine):
    time_machine.move_to(START, tick=False)
    article = ArticleFactory(published=False)
    assert article.first_published_at is None
    article.published = True
    article.save()
    time_machine.move_to(LATER, tick=False)
    article.published = False
    article.save()
    article.published = True
    article.save()
    assert stored(article).first_published_at == START

"""Each section text's Markdown is rendered once and kept: a page the cache does not
hold only numbers its citations, and never shows an old rendering."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import rendering
from articles.models import PreparedText
from articles.selectors import SectionDraft, draft_preview
from articles.tasks import prune_prepared_texts
from editorial import services
from tests.articles.factories import EditorFactory

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def uncached(settings):
    """No page or body cache: every request renders, as on a site without Redis."""
    settings.CACHES = NO_CACHE


def article_html(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_page_reads_the_same_from_kept_renderings_as_rendered_afresh(
    client, uncached, reference_page_article
):
    first = article_html(client, reference_page_article)
    kept = PreparedText.objects.count()
    from_store = article_html(client, reference_page_article)
    PreparedText.objects.all().delete()
    afresh = article_html(client, reference_page_article)

    assert kept == reference_page_article.sections.count()
    assert first == from_store == afresh
    assert 'href="#ref-1"' in first


def test_a_kept_rendering_is_read_not_rendered_again(
    client, uncached, reference_page_article
):
    article_html(client, reference_page_article)
    with CaptureQueriesContext(connection) as second_read:
        article_html(client, reference_page_article)

    assert not [q for q in second_read if q["sql"].startswith("INSERT")]
    assert PreparedText.objects.count() == reference_page_article.sections.count()


def test_an_old_rendering_is_never_shown_after_the_renderer_changes(
    client, uncached, reference_page_article, monkeypatch
):
    article_html(client, reference_page_article)
    # What an earlier release might have kept for these very texts.
    PreparedText.objects.update(html="<p>Rendered by an older release.</p>")
    assert "older release" in article_html(client, reference_page_article)

    monkeypatch.setattr(rendering, "RENDERER_FINGERPRINT", "a newer renderer")

    page = article_html(client, reference_page_article)
    assert "older release" not in page
    assert 'href="#ref-1"' in page


def test_an_edit_shows_at_once_with_nothing_to_expire(
    client, uncached, reference_page_article
):
    article_html(client, reference_page_article)
    section = reference_page_article.sections.first()
    section.body = "Sequencing of the tumour comes **first** [@esmo2023]."
    services.section_save(section=section, user=EditorFactory())

    page = article_html(client, reference_page_article)

    assert "Sequencing of the tumour comes <strong>first</strong>" in page


def test_the_live_preview_of_typed_text_keeps_nothing(
    db, django_assert_max_num_queries
):
    typed = [
        SectionDraft(kind="research", heading="", body=f"Draft {n} **b**")
        for n in range(3)
    ]

    with django_assert_max_num_queries(1):  # the cited references at most, as before
        preview = draft_preview(sections=typed)

    assert "<strong>b</strong>" in preview.body.sections[2].html
    assert PreparedText.objects.count() == 0


@pytest.fixture
def inserts_refused(django_db_blocker):
    """PostgreSQL refusing every new prepared text, as a full disk or a read-only
    replica would: a real error from the server, not a stand-in."""
    statements = [
        """CREATE FUNCTION refuse_prepared_text() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'could not extend file: No space left on device';
           END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER refuse_prepared_text BEFORE INSERT ON articles_preparedtext
           FOR EACH ROW EXECUTE FUNCTION refuse_prepared_text()""",
    ]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_prepared_text ON articles_preparedtext")
        cursor.execute("DROP FUNCTION refuse_prepared_text()")


@pytest.mark.postgres
def test_a_database_refusing_to_keep_renderings_still_serves_every_page(
    client, uncached, reference_page_article, inserts_refused, caplog
):
    page = article_html(client, reference_page_article)
    again = article_html(client, reference_page_article)

    assert 'href="#ref-1"' in page
    assert again == page
    assert PreparedText.objects.count() == 0
    assert "Could not keep" in caplog.text


def test_pruning_drops_only_renderings_no_page_shows(
    client, uncached, reference_page_article
):
    article_html(client, reference_page_article)
    section = reference_page_article.sections.first()
    section.body = "A newer text for this section [@esmo2023]."
    services.section_save(section=section, user=EditorFactory())
    before = article_html(client, reference_page_article)
    kept = PreparedText.objects.count()
    output = StringIO()

    call_command("prune_prepared_texts", stdout=output)

    assert PreparedText.objects.count() == kept - 1  # the earlier text's
    assert "1 unused renderings deleted." in output.getvalue()
    with CaptureQueriesContext(connection) as read:
        assert article_html(client, reference_page_article) == before
    assert not [q for q in read if q["sql"].startswith("INSERT")]


def test_the_weekly_pruning_is_scheduled_and_runs(
    client, uncached, reference_page_article, settings
):
    article_html(client, reference_page_article)
    PreparedText.objects.create(digest="0" * 64, html="<p>An older rendering.</p>")
    schedule = settings.CELERY_BEAT_SCHEDULE["prune-prepared-texts"]

    assert schedule["task"] == "articles.tasks.prune_prepared_texts"
    assert prune_prepared_texts.delay().get() == 1
    assert not PreparedText.objects.filter(digest="0" * 64).exists()

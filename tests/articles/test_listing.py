"""The public list, its search and the API list show what each article's page shows,
after every kind of change (they read stored rows, ``articles.ListedArticle``)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import selectors
from articles.models import Article, ArticleStatus, ListedArticle, Section
from editorial import services
from tests.articles.factories import (
    ArticleFactory,
    EditorFactory,
    SectionFactory,
    take_through_review,
)
from tests.references.factories import ReferenceFactory


def to_the_second(moment: datetime.datetime | None) -> datetime.datetime | None:
    # SQLite reads a frozen version's date to the second; readers see the day.
    return moment.replace(microsecond=0) if moment else None


def page_shows(article: Article) -> dict:
    """What the article's own page shows, read the way the page reads it."""
    page = selectors.article_page(article=Article.objects.get(pk=article.pk))
    return {
        "title": page.title,
        "summary": page.summary,
        "specialty": page.specialty,
        "status": ArticleStatus.APPROVED if page.is_reviewed else article.status,
        "last_reviewed": to_the_second(page.last_reviewed),
        "last_updated": to_the_second(page.last_updated),
    }


def list_shows(client, article: Article) -> dict | None:
    """The article's row in the API list (the HTML list reads the same rows)."""
    rows = client.get("/api/articles/").json()["results"]
    row = next((row for row in rows if row["slug"] == article.slug), None)
    if row is None:
        return None
    return {
        "title": row["title"],
        "summary": row["summary"],
        "specialty": row["specialty"],
        "status": row["status"],
        "last_reviewed": to_the_second(
            datetime.datetime.fromisoformat(row["last_reviewed"])
            if row["last_reviewed"]
            else None
        ),
        "last_updated": to_the_second(
            datetime.datetime.fromisoformat(row["last_updated"])
        ),
    }


def found_by(client, word: str) -> list[str]:
    """Slugs the public search finds, on the HTML list and in the API."""
    results = client.get("/api/articles/", {"q": word}).json()["results"]
    html = client.get("/", {"q": word}).text
    assert all(
        f'href="{row["url"].removeprefix("http://testserver")}"' in html
        for row in results
    )
    return [row["slug"] for row in results]


@pytest.fixture
def editor(db):
    return EditorFactory(is_superuser=True)


@pytest.fixture
def article(db):
    article = ArticleFactory(
        title="When is osimertinib used?",
        summary="In EGFR-mutated lung cancer.",
        specialty="Oncology",
    )
    SectionFactory(article=article, body="Resistance develops after a year.")
    return article


@pytest.mark.django_db
def test_an_edit_of_a_working_copy_is_listed_and_searchable_at_once(
    client, article, editor
):
    services.article_content_save(
        article=article,
        user=editor,
        values={"title": "When is lorlatinib used?", "specialty": "Thoracic oncology"},
    )
    services.section_save(
        section=Section(
            article=article, body="Brain metastases.", patient_body="Tiredness."
        ),
        user=editor,
    )

    assert list_shows(client, article) == page_shows(article)
    assert list_shows(client, article)["title"] == "When is lorlatinib used?"
    assert found_by(client, "lorlatinib") == [article.slug]
    assert found_by(client, "metastases") == [article.slug]
    assert found_by(client, "tiredness") == [article.slug]
    assert found_by(client, "osimertinib") == []
    response = client.get("/specialties/thoracic-oncology/")
    assert response.status_code == 200
    assert article.get_absolute_url() in response.text


@pytest.mark.django_db
def test_an_approval_is_listed_with_its_date(client, article):
    take_through_review(article, to=ArticleStatus.UNDER_REVIEW)
    assert list_shows(client, article)["status"] == ArticleStatus.UNDER_REVIEW

    services.review_decide(
        assignment=article.review_assignments.get(),
        user=article.review_assignments.get().reviewer.user,
        recommendation="approve",
    )

    shown = list_shows(client, article)
    assert shown == page_shows(article)
    assert shown["status"] == ArticleStatus.APPROVED
    assert shown["last_reviewed"] is not None


@pytest.mark.django_db
def test_an_edit_after_approval_stays_off_the_list_until_approved_again(
    client, article, editor, time_machine
):
    take_through_review(article, to=ArticleStatus.APPROVED)
    approved = list_shows(client, article)
    article.refresh_from_db()

    services.article_content_save(
        article=article,
        user=editor,
        values={"title": "When is lorlatinib used?", "summary": "Second line."},
    )
    section = article.sections.get()
    section.body = "Alectinib is the draft's new word."
    services.section_save(section=section, user=editor)

    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert list_shows(client, article) == page_shows(article) == approved
    assert found_by(client, "lorlatinib") == []
    assert found_by(client, "alectinib") == []
    assert found_by(client, "osimertinib") == [article.slug]
    assert found_by(client, "resistance") == [article.slug]
    assert article.slug not in client.get("/api/articles/?status=submitted").text

    time_machine.move_to(
        datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=3)
    )
    take_through_review(article, to=ArticleStatus.APPROVED)

    shown = list_shows(client, article)
    assert shown == page_shows(article)
    assert shown["title"] == "When is lorlatinib used?"
    assert shown["last_reviewed"] > approved["last_reviewed"]
    assert found_by(client, "alectinib") == [article.slug]
    assert found_by(client, "osimertinib") == []


@pytest.mark.django_db
def test_a_correction_of_a_cited_reference_keeps_the_row_true(client, article, editor):
    reference = ReferenceFactory(citation_key="flaura2018")
    section = article.sections.get()
    section.body = "Overall survival was longer [@flaura2018]."
    services.section_save(section=section, user=editor)
    take_through_review(article, to=ArticleStatus.APPROVED)

    reference.pages = "41-50"
    services.reference_save(
        reference=reference, user=editor, correction="The pages were wrong."
    )

    assert list_shows(client, article) == page_shows(article)
    assert list_shows(client, article)["status"] == ArticleStatus.APPROVED
    assert found_by(client, "survival") == [article.slug]


@pytest.mark.django_db
def test_an_edit_of_a_cited_reference_sends_the_working_copy_back_not_the_list(
    client, article, editor
):
    reference = ReferenceFactory(citation_key="flaura2018")
    section = article.sections.get()
    section.body = "Overall survival was longer [@flaura2018]."
    services.section_save(section=section, user=editor)
    take_through_review(article, to=ArticleStatus.APPROVED)
    approved = list_shows(client, article)

    reference.title = "A retitled trial"
    services.reference_save(reference=reference, user=editor)

    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert list_shows(client, article) == page_shows(article) == approved


@pytest.mark.django_db
def test_unpublishing_takes_the_article_off_every_list_and_search(
    client, article, editor
):
    take_through_review(article, to=ArticleStatus.APPROVED)

    services.article_content_save(
        article=article, user=editor, values={"published": False}
    )

    assert list_shows(client, article) is None
    assert found_by(client, "osimertinib") == []
    assert article.get_absolute_url() not in client.get("/").text
    assert client.get("/specialties/oncology/").status_code == 404
    assert client.get(f"/api/articles/{article.slug}/").status_code == 404
    assert article.get_absolute_url() not in client.get("/sitemap.xml").text

    services.article_content_save(
        article=article, user=editor, values={"published": True}
    )

    assert list_shows(client, article) == page_shows(article)
    assert found_by(client, "osimertinib") == [article.slug]


@pytest.mark.django_db
def test_a_restored_version_is_listed_as_the_page_shows_it(
    client, article, editor, time_machine
):
    before_edit = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(hours=1)
    time_machine.move_to(before_edit + datetime.timedelta(hours=1))
    services.article_content_save(
        article=article, user=editor, values={"title": "When is lorlatinib used?"}
    )

    article.refresh_from_db()
    services.article_restore(article=article, moment=before_edit, user=editor)

    assert list_shows(client, article) == page_shows(article)
    assert list_shows(client, article)["title"] == "When is osimertinib used?"
    assert found_by(client, "lorlatinib") == []


@pytest.mark.django_db
def test_a_new_article_is_listed_only_once_published(client, editor):
    draft = services.article_create(
        article=Article(title="A draft on osimertinib", author=editor), user=editor
    )
    public = services.article_create(
        article=Article(
            title="Osimertinib at progression", author=editor, published=True
        ),
        user=editor,
    )

    assert list_shows(client, draft) is None
    assert list_shows(client, public) == page_shows(public)
    assert found_by(client, "osimertinib") == [public.slug]


@pytest.mark.django_db
def test_deleting_an_article_deletes_its_row(client, article):
    take_through_review(article, to=ArticleStatus.APPROVED)

    Article.objects.get(pk=article.pk).delete()

    assert not ListedArticle.objects.filter(pk=article.pk).exists()
    assert client.get("/api/articles/").json()["count"] == 0


@pytest.mark.django_db
def test_rebuild_listings_rewrites_every_row_and_drops_unpublished_ones(
    client, article
):
    take_through_review(article, to=ArticleStatus.APPROVED)
    other = ArticleFactory(title="Statins after a stroke", specialty="Neurology")
    draft = ArticleFactory(published=False)
    # Rows gone stale the way only writes outside Django can make them.
    ListedArticle.objects.filter(pk=article.pk).update(
        title="Stale", status="under_review"
    )
    ListedArticle.objects.filter(pk=other.pk).delete()
    ListedArticle.objects.create(
        article=draft,
        slug=draft.slug,
        title="Leaked",
        status="submitted",
        last_updated=draft.last_updated,
    )
    assert "Stale" in client.get("/").text  # and kept by the page cache
    output = StringIO()

    call_command("rebuild_listings", batch_size=1, stdout=output)

    assert output.getvalue().splitlines() == [
        "1 of 2 articles",
        "2 of 2 articles",
        "2 published articles listed.",
    ]
    assert list_shows(client, article) == page_shows(article)
    assert list_shows(client, other) == page_shows(other)
    assert list_shows(client, draft) is None
    assert found_by(client, "statins") == [other.slug]
    home = client.get("/").text
    assert other.get_absolute_url() in home
    assert "Stale" not in home
    assert draft.get_absolute_url() not in home


# Migrating back and forth needs real commits; the rows the migrations made (the
# roles) are restored afterwards for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_lists_the_articles_published_before_it(client):
    approved = ArticleFactory(title="Statins after a stroke")
    SectionFactory(article=approved, body="Lower the cholesterol.")
    take_through_review(approved, to=ArticleStatus.APPROVED)
    ArticleFactory(title="A draft on statins", published=False)
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0008_history_reasons_kept_whole")])

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list_shows(client, approved) == page_shows(approved)
    assert found_by(client, "statins") == [approved.slug]
    assert found_by(client, "cholesterol") == [approved.slug]


@pytest.mark.django_db
def test_a_specialty_page_lists_every_spelling_of_its_specialty(client):
    capitalised = ArticleFactory(specialty="Oncology")
    lower_case = ArticleFactory(specialty="oncology")

    page = client.get("/specialties/oncology/").text
    menu = client.get("/").text

    assert capitalised.get_absolute_url() in page
    assert lower_case.get_absolute_url() in page
    assert menu.count('href="/specialties/oncology/"') == 3  # menu and two rows

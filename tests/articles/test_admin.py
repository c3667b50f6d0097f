"""Editors manage articles and their sections in the admin."""

import pytest
from django.urls import reverse

from articles.models import Article, Section
from tests.articles.factories import ArticleFactory, SectionFactory

MANAGEMENT_FIELDS = (
    "-TOTAL_FORMS",
    "-INITIAL_FORMS",
    "-MIN_NUM_FORMS",
    "-MAX_NUM_FORMS",
)


@pytest.fixture
def article_form_data(html):
    """Fill in the admin article form at ``url``, adding no inline rows."""

    def fill(client, url: str, author, **fields) -> dict[str, str]:
        page = html(client.get(url).content)
        data = {
            field.attrs["name"]: field.attrs.get("value", "")
            for field in page.find_all("input")
            if field.attrs.get("name", "").endswith(MANAGEMENT_FIELDS)
        }
        data.update(
            {
                "title": "Should every lung tumour be tested for KRAS?",
                "slug": "",
                "summary": "Yes, for non-squamous disease.",
                "specialty": "Oncology",
                "keywords": "KRAS",
                "author": str(author.pk),
                "published": "on",
            }
        )
        data.update(fields)
        return data

    return fill


def with_sections(data: dict[str, str], *bodies: str) -> dict[str, str]:
    data = dict(data, **{"sections-TOTAL_FORMS": str(len(bodies))})
    for index, body in enumerate(bodies):
        data.update(
            {
                f"sections-{index}-order": str(index),
                f"sections-{index}-kind": Section.Kind.RESEARCH,
                f"sections-{index}-heading": "",
                f"sections-{index}-body": body,
            }
        )
    return data


def test_the_article_list_opens(admin_client):
    ArticleFactory.create_batch(3)
    response = admin_client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 200
    assert "3 articles" in response.text


def test_the_add_form_opens_with_a_section_inline(admin_client):
    response = admin_client.get(reverse("admin:articles_article_add"))
    assert response.status_code == 200
    assert 'name="sections-TOTAL_FORMS"' in response.text


def test_the_change_form_shows_the_sections_inline(admin_client):
    section = SectionFactory(body="Testing comes **first**.")
    response = admin_client.get(
        reverse("admin:articles_article_change", args=[section.article.pk])
    )
    assert response.status_code == 200
    assert 'name="sections-0-body"' in response.text
    assert "Testing comes **first**." in response.text


def test_the_history_page_lists_changes(admin_client, admin_user):
    article = ArticleFactory(title="First wording?")
    article.title = "Second wording?"
    article.save()
    response = admin_client.get(
        reverse("admin:articles_article_history", args=[article.pk])
    )
    assert response.status_code == 200
    assert "First wording?" in response.text
    assert "Second wording?" in response.text


def test_an_editor_creates_an_article_with_sections(
    editor_client, editor_user, article_form_data
):
    url = reverse("admin:articles_article_add")
    data = with_sections(
        article_form_data(editor_client, url, editor_user),
        "Test for KRAS G12C.",
        "Then treat.",
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    article = Article.objects.get()
    assert article.slug == "should-every-lung-tumour-be-tested-for-kras"
    assert [s.body for s in article.sections.all()] == [
        "Test for KRAS G12C.",
        "Then treat.",
    ]


def test_an_unknown_marker_is_shown_to_the_editor_and_nothing_is_saved(
    editor_client, editor_user, article_form_data
):
    url = reverse("admin:articles_article_add")
    data = with_sections(
        article_form_data(editor_client, url, editor_user), "Cited [@nosuchkey]."
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "[@nosuchkey]" in response.text
    assert "No reference in the library has the citation key" in response.text
    assert not Article.objects.exists()
    assert not Section.objects.exists()


def test_the_address_of_a_public_article_cannot_be_changed_in_the_admin(
    editor_client, editor_user, article_form_data
):
    article = ArticleFactory(title="Is ALK testing needed?", author=editor_user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form_data(
        editor_client, url, editor_user, title=article.title, slug="alk"
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "cannot change once the article has been public" in response.text
    assert Article.objects.get(pk=article.pk).slug == "is-alk-testing-needed"


def test_the_status_is_not_editable_in_the_form(
    editor_client, editor_user, article_form_data
):
    article = ArticleFactory(author=editor_user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form_data(
        editor_client,
        url,
        editor_user,
        title=article.title,
        slug=article.slug,
        status="approved",
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == "submitted"


def test_the_public_cannot_open_the_admin(client, db):
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


def test_an_editor_writes_a_patient_version_a_writer_a_date_and_a_correction(
    editor_client, editor_user, article_form_data
):
    from tests.reviewers.factories import WriterFactory

    writer = WriterFactory()
    url = reverse("admin:articles_article_add")
    data = with_sections(
        article_form_data(
            editor_client,
            url,
            editor_user,
            writer=str(writer.pk),
            literature_reviewed_through="2025-09-30",
        ),
        "Test for KRAS G12C.",
    )
    data["sections-0-patient_body"] = "Your tumour is tested for a gene change."
    data.update(
        {
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-corrected_on": "2025-10-02",
            "corrections-0-note": "The test named was wrong.",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]

    article = Article.objects.get()
    assert article.writer == writer
    assert str(article.literature_reviewed_through) == "2025-09-30"
    assert article.sections.get().patient_body == (
        "Your tumour is tested for a gene change."
    )
    assert article.corrections.get().note == "The test named was wrong."

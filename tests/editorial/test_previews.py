"""Previews: the working copy rendered exactly as the public page would, for editors
(a link on the change form, a section preview beside its editor) and for the
article's reviewers at their desk; nothing is published by looking."""

import html
import re

import pytest
from django.test import Client

from articles.models import Article
from tests.editorial.conftest import make_reviewer

DRAFT_TEXT = "Retest after progression [@trial2021]; *always* <script>x()</script>"


def article_element(response) -> str:
    """The page's <article>: what the public page and a preview must share."""
    page = response.content.decode()
    return page[page.index("<article") : page.index("</article>")]


def text(content: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def preview_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/preview/"


def edit_first_section(article: Article, body: str) -> None:
    section = article.sections.get(order=1)
    section.body = body
    section.save()


@pytest.mark.django_db
def test_the_editors_preview_renders_the_public_page(client, editor, article):
    client.force_login(editor)
    public = Client().get(article.get_absolute_url())

    preview = client.get(preview_url(article))

    assert preview.status_code == 200
    assert article_element(preview) == article_element(public)
    assert "Previewing publishes nothing." in text(preview.content.decode())
    assert preview["X-Robots-Tag"] == "noindex"


@pytest.mark.django_db
def test_an_unpublished_article_can_be_previewed_without_publishing_it(
    client, editor, article
):
    Article.objects.filter(pk=article.pk).update(published=False)
    client.force_login(editor)

    preview = client.get(preview_url(article))

    assert preview.status_code == 200
    assert article.title in text(article_element(preview))
    assert Client().get(article.get_absolute_url()).status_code == 404
    assert Article.objects.get(pk=article.pk).published is False


@pytest.mark.django_db
def test_the_preview_shows_the_working_copy_not_the_approved_version(
    client, editor, article, workflow, reviewer_one
):
    workflow.approve_with(article, reviewer_one)
    edit_first_section(Article.objects.get(pk=article.pk), DRAFT_TEXT)
    client.force_login(editor)

    preview = text(article_element(client.get(preview_url(article))))
    public = text(article_element(Client().get(article.get_absolute_url())))

    assert "Retest after progression" in preview
    assert "Retest after progression" not in public


@pytest.mark.django_db
def test_the_change_form_links_to_the_preview(client, editor, article):
    client.force_login(editor)

    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()

    assert f'href="{preview_url(article)}"' in page


@pytest.mark.django_db
def test_an_assigned_reviewer_previews_from_the_desk(
    client, article, workflow, reviewer_one
):
    (assignment,) = workflow.invite(article, reviewer_one)
    Article.objects.filter(pk=article.pk).update(published=False)
    client.force_login(reviewer_one.user)

    desk_page = client.get(f"/review/{assignment.pk}/").content.decode()
    preview = client.get(f"/review/{assignment.pk}/preview/")

    assert f'href="/review/{assignment.pk}/preview/"' in desk_page
    assert preview.status_code == 200
    editor_client = Client()
    editor_client.force_login(workflow.editor)
    assert article_element(preview) == article_element(
        editor_client.get(preview_url(article))
    )


@pytest.mark.django_db
def test_nobody_else_previews_a_draft(client, article, workflow, reviewer_one):
    (assignment,) = workflow.invite(article, reviewer_one)
    outsider = make_reviewer("Lena Berg")

    assert Client().get(f"/review/{assignment.pk}/preview/").status_code == 302
    client.force_login(outsider.user)
    assert client.get(f"/review/{assignment.pk}/preview/").status_code == 404
    response = client.get(preview_url(article))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


# --- A section's Markdown beside its editor -------------------------------------------

SECTION_PREVIEW_URL = "/admin/articles/article/preview-section/"


@pytest.mark.django_db
def test_a_section_preview_renders_markdown_like_the_public_page(
    client, editor, references
):
    client.force_login(editor)

    response = client.post(
        SECTION_PREVIEW_URL,
        {"kind": "research", "heading": "", "body": DRAFT_TEXT},
    )

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<em>always</em>" in fragment
    assert "&lt;script&gt;x()&lt;/script&gt;" in fragment
    assert "<script>" not in fragment
    assert '<sup class="citations"><a href="#ref-1"' in fragment
    shown = text(fragment)
    assert "From the Research" in shown
    assert "Targeted therapy after profiling: a trial" in shown


@pytest.mark.django_db
def test_a_section_preview_names_an_unknown_citation_key(client, editor, references):
    client.force_login(editor)

    response = client.post(
        SECTION_PREVIEW_URL,
        {"kind": "research", "heading": "", "body": "See [@nosuchkey]."},
    )

    assert response.status_code == 400
    assert "No reference in the library has the citation key of [@nosuchkey]" in (
        text(response.content.decode())
    )


@pytest.mark.django_db
def test_the_section_preview_is_for_editors_by_post_with_csrf(
    client, editor, reviewer_one
):
    data = {"kind": "general", "heading": "", "body": "Hello"}
    client.force_login(reviewer_one.user)
    assert client.post(SECTION_PREVIEW_URL, data).status_code == 302

    client.force_login(editor)
    assert client.get(SECTION_PREVIEW_URL).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(SECTION_PREVIEW_URL, data).status_code == 403

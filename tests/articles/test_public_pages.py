"""What the public can reach: published articles, the board, the editorial policy."""

import datetime

import pytest

from editorial import services
from editorial.models import EditorialPolicy
from tests.articles.factories import ArticleFactory, EditorFactory


@pytest.mark.django_db
def test_an_unknown_address_is_not_found(client):
    assert client.get("/articles/no-such-article/").status_code == 404


@pytest.mark.django_db
def test_an_unpublished_article_is_not_found(client):
    draft = ArticleFactory(published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_an_unpublished_article_is_not_found_for_signed_in_staff_either(
    editor_client,
):
    draft = ArticleFactory(published=False)
    assert editor_client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_an_article_withdrawn_from_the_site_disappears(client):
    article = ArticleFactory()
    assert client.get(article.get_absolute_url()).status_code == 200
    article.published = False
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_the_list_shows_published_articles_with_status_and_date(
    client, html, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC))
    older = ArticleFactory(title="Which test finds EGFR mutations?")
    time_machine.move_to(datetime.datetime(2025, 5, 6, 12, tzinfo=datetime.UTC))
    newer = ArticleFactory(title="When is osimertinib used?", review="under_review")
    ArticleFactory(title="A draft nobody should see", published=False)

    response = client.get("/")
    assert response.status_code == 200
    items = html(response.content).find("ul", class_="article-list").find_all("li")
    shown = [
        (
            item.find("a").text,
            item.find("a").attrs["href"],
            item.find("span", class_="badge").text,
            item.find("time").text,
        )
        for item in items
    ]
    assert shown == [
        (newer.title, newer.get_absolute_url(), "Under Review", "May 6, 2025"),
        (older.title, older.get_absolute_url(), "Submitted", "March 4, 2025"),
    ]
    assert "A draft nobody should see" not in response.text


@pytest.mark.django_db
def test_the_list_shows_the_approved_version_while_an_update_is_reviewed(
    client, html, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC))
    article = ArticleFactory(title="When is osimertinib used?", review="approved")
    time_machine.move_to(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC))
    services.article_content_save(
        article=article,
        user=EditorFactory(),
        values={"title": "When is osimertinib used first line?"},
    )
    article.refresh_from_db()
    assert article.status == "submitted"

    item = html(client.get("/").content).find("ul", class_="article-list").find("li")

    assert item.find("a").text == "When is osimertinib used?"
    assert item.find("span", class_="badge").text == "Approved"
    assert item.find("time").text == "March 4, 2025"


@pytest.mark.django_db
def test_the_list_says_so_when_nothing_is_published(client):
    ArticleFactory(published=False)
    response = client.get("/")
    assert "No articles have been published yet." in response.text


@pytest.mark.django_db
def test_the_editorial_policy_is_rendered_and_sanitised(client, html):
    EditorialPolicy.objects.create(
        title="How we review",
        body=(
            "## Sources\n\nWe cite **primary** sources.\n\n"
            "<script>alert(1)</script> [bad](javascript:alert(1)) "
            "<img src=x onerror=alert(1)>"
        ),
    )
    response = client.get("/editorial-policy/")
    assert response.status_code == 200
    page = html(response.content)
    prose = page.find("div", class_="prose")
    assert page.find("h1").text == "How we review"
    assert prose.find("h2").text == "Sources"
    assert prose.find("strong").text == "primary"
    assert not page.find_all("script") and not prose.find_all("img")
    hrefs = [link.attrs.get("href", "") for link in prose.find_all("a")]
    assert not [href for href in hrefs if "javascript" in href.lower()]
    assert "<script>alert(1)</script>" in prose.text


@pytest.mark.django_db
def test_the_latest_policy_is_the_one_shown(client, html, time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    EditorialPolicy.objects.create(title="Old policy", body="Old.")
    time_machine.move_to(datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    EditorialPolicy.objects.create(title="Current policy", body="Current.")
    page = html(client.get("/editorial-policy/").content)
    assert page.find("h1").text == "Current policy"


@pytest.mark.django_db
def test_the_policy_page_works_before_a_policy_is_written(client):
    response = client.get("/editorial-policy/")
    assert response.status_code == 200
    assert "has not been written yet" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/advisory-board/", "/editorial-policy/"])
def test_public_pages_refuse_writes(client, url):
    assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_the_policy_outline_skips_no_heading_level(client, html):
    EditorialPolicy.objects.create(
        title="Editorial policy",
        body="### How we write\n\nFrom sources.\n\n#### Sources\n\nGuidelines first.",
    )
    page = html(client.get("/editorial-policy/").content)
    levels = [
        element.tag
        for element in page.find("main").iter()
        if element.tag in {"h1", "h2", "h3", "h4"}
    ]
    assert levels == ["h1", "h2", "h3"]

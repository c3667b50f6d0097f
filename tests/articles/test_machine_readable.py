"""What the pages tell search engines: JSON-LD, robots, descriptions."""

import json

import pytest
from django.urls import reverse

from articles.models import ArticleStatus
from tests.articles.factories import ArticleFactory, SectionFactory, take_through_review
from tests.reviewers.factories import WriterFactory


def structured_data(page) -> list[dict]:
    return [
        json.loads(script.text)
        for script in page.find_all("script", type="application/ld+json")
    ]


def robots(page) -> list[str]:
    return [meta.attrs["content"] for meta in page.find_all("meta", name="robots")]


@pytest.fixture
def approved_article(reference_page_article):
    article = reference_page_article
    article.writer = WriterFactory(display_name="Maria Ortega", credentials="MD")
    article.save()
    return take_through_review(article, to=ArticleStatus.APPROVED)


@pytest.mark.django_db
def test_an_approved_page_describes_itself_as_a_reviewed_medical_web_page(
    client, html, approved_article
):
    response = client.get(approved_article.get_absolute_url())
    page = html(response.content)
    [data] = structured_data(page)
    version = approved_article.approved_versions.get()
    [approver] = version.approvers

    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == approved_article.title
    assert data["url"] == f"http://testserver{approved_article.get_absolute_url()}"
    assert data["lastReviewed"] == version.approved_at.date().isoformat()
    assert data["dateModified"].startswith(version.content["last_updated"][:19])
    assert data["reviewedBy"] == [
        {
            "@type": "Person",
            "name": approver["name"],
            "honorificSuffix": approver["credentials"],
            "url": "http://testserver"
            + reverse("reviewers:member", args=[approver["slug"]]),
        }
    ]
    assert data["author"]["name"] == "Maria Ortega"
    assert data["medicalAudience"]["audienceType"] == "Clinician"
    assert data["publishingPrinciples"] == "http://testserver/editorial-policy/"
    assert data["isPartOf"]["@type"] == "WebSite"
    shown_references = page.find("ol", class_="reference-list").find_all("li")
    assert len(data["citation"]) == len(shown_references) == 7
    assert [item["name"] for item in data["about"]] == [
        "Oncology",
        "lung cancer",
        "EGFR",
    ]
    assert "noindex" not in robots(page)


@pytest.mark.django_db
def test_the_audience_in_structured_data_follows_the_version_shown(
    client, html, approved_article
):
    response = client.get(approved_article.get_absolute_url(), {"audience": "patient"})
    [data] = structured_data(html(response.content))
    assert data["medicalAudience"]["audienceType"] == "Patient"


@pytest.mark.django_db
@pytest.mark.parametrize("review", ["submitted", "under_review"])
def test_a_never_approved_page_is_not_indexed_and_claims_no_review(
    client, html, review
):
    article = ArticleFactory(review=review)
    SectionFactory(article=article)
    page = html(client.get(article.get_absolute_url()).content)

    assert robots(page) == ["noindex"]
    assert structured_data(page) == []
    assert not page.find_all("p", class_="reviewed-by")


@pytest.mark.django_db
def test_text_in_structured_data_cannot_close_the_script(client, html):
    article = ArticleFactory(
        title="Is </script><script>alert(1)</script> safe?", review="approved"
    )
    response = client.get(article.get_absolute_url())
    body = response.content.decode()
    script = body.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in script
    assert json.loads(script)["name"] == article.title


@pytest.mark.django_db
def test_every_public_page_has_a_description(client, html, board_member):
    article = ArticleFactory(summary="Test the tumour first.")
    SectionFactory(article=article)
    addresses = [
        "/",
        article.get_absolute_url(),
        reverse("reviewers:board"),
        board_member.get_absolute_url(),
        reverse("editorial:policy"),
        reverse("login"),
        "/no-such-page/",
    ]
    for address in addresses:
        page = html(client.get(address).content)
        [description] = page.find_all("meta", name="description")
        assert len(description.attrs["content"]) > 20, address
    article_page = html(client.get(article.get_absolute_url()).content)
    assert article_page.find("meta", name="description").attrs["content"] == (
        "Test the tumour first."
    )

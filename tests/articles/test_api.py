"""The read-only JSON API: what the public pages show, conditional GETs, OpenAPI."""

import datetime

import jsonschema
import pytest
from django.core.cache import cache
from django.utils.http import http_date
from openapi_spec_validator import validate as validate_openapi

from editorial import services
from tests.articles.factories import (
    ArticleFactory,
    EditorFactory,
    SectionFactory,
    take_through_review,
)


@pytest.fixture
def approved_article(reference_page_article):
    return take_through_review(reference_page_article, to="approved")


@pytest.mark.django_db
def test_an_article_answers_with_sections_references_and_review(
    client, approved_article
):
    answer = client.get(f"/api/articles/{approved_article.slug}/").json()

    assert answer["status"] == "approved"
    assert answer["update_under_review"] is False
    assert answer["url"] == f"http://testserver{approved_article.get_absolute_url()}"
    [reviewer] = answer["reviewed_by"]
    assert reviewer["profile_url"].startswith("http://testserver/advisory-board/")
    assert [section["kind"] for section in answer["sections"]] == [
        "guidelines",
        "drug_label",
        "research",
    ]
    research = answer["sections"][2]
    assert research["markdown"].startswith("- EGFR inhibitors help [@wu2020;")
    assert '<a href="#ref-3" id="cite-3-1"' in research["html"]
    assert research["citation_numbers"] == {
        "wu2020": 3,
        "chen2019": 4,
        "lin2022": 5,
        "mosele2020": 6,
        "tan2021": 7,
    }
    first = answer["references"][0]
    assert (first["number"], first["citation_key"]) == (1, "esmo2023")
    assert [item["number"] for item in answer["references"]] == list(range(1, 8))
    assert any(item["doi"] or item["pmid"] for item in answer["references"])
    assert all(item["text"] for item in answer["references"])


@pytest.mark.django_db
def test_the_api_shows_the_approved_version_while_an_edit_waits(
    client, approved_article
):
    editor = EditorFactory()
    services.article_content_save(
        article=approved_article,
        user=editor,
        values={"title": "An unreviewed new title"},
    )
    section = approved_article.sections.first()
    section.body = "An unreviewed claim."
    services.section_save(section=section, user=editor)

    answer = client.get(f"/api/articles/{approved_article.slug}/").json()
    listed = client.get("/api/articles/").json()["results"]

    assert (
        answer["title"]
        == "How is treatment personalised in non-small cell lung cancer?"
    )
    assert answer["update_under_review"] is True
    assert "An unreviewed claim." not in str(answer)
    assert [item["title"] for item in listed] == [answer["title"]]


@pytest.mark.django_db
def test_unpublished_and_unknown_articles_are_not_found(client):
    draft = ArticleFactory(published=False, review="approved")
    assert client.get(f"/api/articles/{draft.slug}/").status_code == 404
    assert client.get("/api/articles/no-such-article/").status_code == 404
    assert client.get("/api/articles/").json()["count"] == 0


@pytest.mark.django_db
def test_the_list_searches_filters_and_pages(client):
    for number in range(22):
        ArticleFactory(title=f"Statins question {number}", specialty="Cardiology")
    approved = ArticleFactory(
        title="Osimertinib question", specialty="Oncology", review="approved"
    )

    assert [
        item["slug"]
        for item in client.get("/api/articles/?q=osimertinib").json()["results"]
    ] == [approved.slug]
    assert client.get("/api/articles/?status=approved").json()["count"] == 1
    assert client.get("/api/articles/?specialty=oncology").json()["count"] == 1
    assert client.get("/api/articles/?specialty=dermatology").json()["count"] == 0
    first = client.get("/api/articles/?specialty=cardiology").json()
    assert (first["count"], first["pages"], len(first["results"])) == (22, 2, 20)
    assert (
        first["next"] == "http://testserver/api/articles/?specialty=cardiology&page=2"
    )
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["previous"] is not None


@pytest.mark.django_db
def test_bad_parameters_get_a_clear_error(client):
    ArticleFactory()
    answer = client.get("/api/articles/?status=published&page=0")
    assert answer.status_code == 422
    assert {tuple(error["loc"]) for error in answer.json()["detail"]} == {
        ("query", "status"),
        ("query", "page"),
    }
    too_far = client.get("/api/articles/?page=9")
    assert too_far.status_code == 404
    assert too_far.json() == {"detail": "Page 9 does not exist: there are 1."}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/articles/", "/api/articles/{slug}/"])
def test_an_unchanged_answer_is_not_sent_again(
    client, approved_article, path, time_machine
):
    url = path.format(slug=approved_article.slug)
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]

    same = client.get(url, headers={"If-None-Match": etag})
    assert (same.status_code, same.content, same["ETag"]) == (304, b"", etag)
    assert (
        client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    )

    time_machine.move_to(approved_article.modified + datetime.timedelta(minutes=5))
    services.section_delete(
        section=approved_article.sections.first(), user=EditorFactory()
    )
    approved_article.refresh_from_db()
    approved_article = take_through_review(approved_article, to="approved")

    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    later = client.get(url, headers={"If-Modified-Since": last_modified})
    assert later.status_code == 200


@pytest.mark.django_db
def test_if_modified_since_before_the_last_change_gets_the_answer(
    client, approved_article
):
    url = f"/api/articles/{approved_article.slug}/"
    earlier = http_date(
        (approved_article.modified - datetime.timedelta(days=1)).timestamp()
    )
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200


@pytest.mark.django_db
def test_the_openapi_description_is_valid_and_matches_real_answers(
    client, approved_article
):
    ArticleFactory(review="under_review")
    description = client.get("/api/schema/").json()
    assert description["openapi"].startswith("3.1")
    validate_openapi(description)
    # HEAD is answered for every GET without an entry of its own.
    assert {method for path in description["paths"].values() for method in path} == {
        "get"
    }
    assert client.head("/api/schema/").status_code == 200

    answers = {
        "/api/articles/": client.get("/api/articles/?page=1"),
        "/api/articles/{slug}/": client.get(f"/api/articles/{approved_article.slug}/"),
    }
    for path, response in answers.items():
        documented = description["paths"][path]["get"]["responses"]["200"]
        schema = documented["content"]["application/json"]["schema"]
        jsonschema.validate(
            response.json(),
            schema | {"components": description["components"]},
            cls=jsonschema.Draft202012Validator,
        )
    missing = client.get("/api/articles/no-such-article/")
    documented = description["paths"]["/api/articles/{slug}/"]["get"]["responses"]
    jsonschema.validate(
        missing.json(),
        documented["404"]["content"]["application/json"]["schema"]
        | {"components": description["components"]},
        cls=jsonschema.Draft202012Validator,
    )


@pytest.mark.django_db
def test_api_queries_do_not_grow_with_articles(client, django_assert_max_num_queries):
    for number in range(25):
        article = ArticleFactory(review="approved" if number % 2 else None)
        SectionFactory(article=article)
    # Count, page and the last change; the article, its version (or its sections
    # and citations), the prepared section texts of each audience and, read for the
    # first time, their insert in a savepoint; plus the transaction's BEGIN and
    # COMMIT.
    with django_assert_max_num_queries(5):
        assert client.get("/api/articles/?q=treatment").status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(f"/api/articles/{article.slug}/").status_code == 200
    cache.clear()  # rendered again, with the prepared texts now kept
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/articles/{article.slug}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/articles/", "/api/articles/{slug}/"])
def test_head_answers_like_get_without_a_body(client, approved_article, path):
    url = path.format(slug=approved_article.slug)
    got = client.get(url)

    head = client.head(url)

    assert head.status_code == 200
    assert head.content == b""
    for header in ("ETag", "Last-Modified", "Content-Type"):
        assert head[header] == got[header], header
    assert head["Content-Length"] == got["Content-Length"]
    same = client.head(url, headers={"If-None-Match": got["ETag"]})
    assert (same.status_code, same.content, same["ETag"]) == (304, b"", got["ETag"])
    since = client.head(url, headers={"If-Modified-Since": got["Last-Modified"]})
    assert since.status_code == 304


@pytest.mark.django_db
def test_head_of_an_unknown_article_or_page_is_not_found(client):
    ArticleFactory()
    unknown = client.head("/api/articles/no-such-article/")
    assert (unknown.status_code, unknown.content) == (404, b"")
    assert unknown["Content-Type"] == "application/json; charset=utf-8"
    assert client.head("/api/articles/?page=9").status_code == 404
    assert client.head("/api/articles/?page=0").status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/articles/", "/api/articles/{slug}/"])
def test_the_api_stays_read_only(client, approved_article, method, path):
    url = path.format(slug=approved_article.slug)
    answer = getattr(client, method)(url)
    assert answer.status_code == 405
    assert "HEAD" in answer["Allow"] and "GET" in answer["Allow"]

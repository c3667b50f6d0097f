"""What machines read: the sitemap, robots.txt and the Atom feed of approvals."""

import datetime
import xml.etree.ElementTree as ElementTree

import pytest

from articles.models import ArticleStatus, Correction
from editorial import services
from tests.articles.factories import ArticleFactory, EditorFactory

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
FEED_QUERIES = 4


def parse_xml(content: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(content)  # noqa: S314 - the site's own answer


@pytest.mark.django_db
def test_the_sitemap_lists_approved_articles_dated_by_their_approval(
    client, time_machine
):
    time_machine.move_to(datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC))
    approved = ArticleFactory(review="approved")
    ArticleFactory(review="under_review")
    ArticleFactory()
    ArticleFactory(review="approved", published=False)

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = parse_xml(response.content).findall(f"{SITEMAP}url")
    assert [
        (url.find(f"{SITEMAP}loc").text, url.find(f"{SITEMAP}lastmod").text)
        for url in urls
    ] == [(f"http://testserver{approved.get_absolute_url()}", "2025-03-04")]


@pytest.mark.django_db
def test_an_approved_article_stays_in_the_sitemap_while_an_update_is_reviewed(
    client,
):
    article = ArticleFactory(review="approved")
    services.article_content_save(
        article=article,
        user=EditorFactory(),
        values={"title": "An edit waiting for review"},
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    assert article.get_absolute_url().encode() in client.get("/sitemap.xml").content


@pytest.mark.django_db
def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.text.splitlines()
    assert "Disallow: /review/" in response.text.splitlines()
    assert "Disallow: /articles/*/ask/" in response.text.splitlines()


@pytest.mark.django_db
def test_the_feed_has_an_entry_per_approval_and_re_approval(client, time_machine):
    time_machine.move_to(datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC))
    article = ArticleFactory(
        title="When is osimertinib used?", review="approved", specialty="Oncology"
    )
    ArticleFactory(title="Still in review", review="under_review")
    ArticleFactory(title="Withdrawn", review="approved", published=False)
    time_machine.move_to(datetime.datetime(2025, 9, 1, 12, tzinfo=datetime.UTC))
    article.refresh_from_db()
    services.article_reopen(article=article, user=EditorFactory(), reason="Yearly")
    decide_open_assignment(article)

    response = client.get("/feeds/approvals.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = parse_xml(response.content).findall(f"{ATOM}entry")
    assert [
        (
            entry.find(f"{ATOM}title").text,
            entry.find(f"{ATOM}updated").text[:10],
            entry.find(f"{ATOM}link").attrib["href"],
        )
        for entry in entries
    ] == [
        (
            "Re-approved: When is osimertinib used?",
            "2025-09-01",
            f"http://testserver{article.get_absolute_url()}",
        ),
        (
            "Approved: When is osimertinib used?",
            "2025-03-04",
            f"http://testserver{article.get_absolute_url()}",
        ),
    ]
    ids = {entry.find(f"{ATOM}id").text for entry in entries}
    assert len(ids) == 2
    assert "Reviewed by" in entries[0].find(f"{ATOM}summary").text


def decide_open_assignment(article):
    assignment = article.review_assignments.get(
        round=article.review_round, state="invited"
    )
    services.assignment_accept(assignment=assignment, user=assignment.reviewer.user)
    services.review_decide(
        assignment=assignment, user=assignment.reviewer.user, recommendation="approve"
    )


@pytest.mark.django_db
def test_every_page_points_feed_readers_to_the_feed(client, html):
    links = html(client.get("/").content).find_all("link", rel="alternate")
    assert [(link.attrs["type"], link.attrs["href"]) for link in links] == [
        ("application/atom+xml", "/feeds/approvals.atom")
    ]


@pytest.mark.django_db
def test_feed_entries_carry_the_articles_dated_correction_notes_escaped(
    client, django_assert_max_num_queries
):
    corrected = ArticleFactory(title="Corrected", review="approved")
    Correction.objects.create(
        article=corrected,
        corrected_on=datetime.date(2025, 3, 5),
        note="The dose read <b>50 mg</b>; it is 5 mg.",
    )
    for title in ("Another", "And another"):
        article = ArticleFactory(title=title, review="approved")
        Correction.objects.create(article=article, note=f"{title} fixed.")

    with django_assert_max_num_queries(FEED_QUERIES):
        response = client.get("/feeds/approvals.atom")

    summaries = {
        entry.find(f"{ATOM}title").text: entry.find(f"{ATOM}summary").text
        for entry in parse_xml(response.content).findall(f"{ATOM}entry")
    }
    assert (
        "<p>Corrected on March 5, 2025: "
        "The dose read &lt;b&gt;50 mg&lt;/b&gt;; it is 5 mg.</p>"
    ) in summaries["Approved: Corrected"]
    assert "Another fixed." not in summaries["Approved: Corrected"]
    assert "Another fixed." in summaries["Approved: Another"]

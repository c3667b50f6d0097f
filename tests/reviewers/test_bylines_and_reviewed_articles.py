"""Writers named with credentials and disclosures; members' reviewed articles."""

import pytest

from articles.models import ArticleStatus
from editorial import services
from tests.articles.factories import (
    ArticleFactory,
    EditorFactory,
    SectionFactory,
    take_through_review,
)
from tests.reviewers.factories import WriterFactory


@pytest.mark.django_db
def test_the_article_names_its_writer_with_credentials_and_disclosure(client, html):
    writer = WriterFactory(
        display_name="Maria Ortega",
        credentials="MD, MPH",
        conflict_of_interest="Speaker fees from a maker of EGFR tests (2024).",
    )
    article = ArticleFactory(writer=writer)
    SectionFactory(article=article)

    page = html(client.get(article.get_absolute_url()).content)
    byline = page.find("p", class_="byline").normalised_text
    assert byline == (
        "Written by Maria Ortega, MD, MPH. Disclosure: Speaker fees from a maker of "
        "EGFR tests (2024)."
    )


@pytest.mark.django_db
def test_an_article_without_writer_has_no_byline(client, html):
    article = ArticleFactory()
    SectionFactory(article=article)

    page = html(client.get(article.get_absolute_url()).content)
    assert not page.find_all("p", class_="byline")


def reviewed_links(client, html, member) -> tuple[list[str], list[str]]:
    response = client.get(member.get_absolute_url())
    assert response.status_code == 200
    links = html(response.content).find("ul", class_="reviewed-list").find_all("a")
    return [a.normalised_text for a in links], [a.attrs["href"] for a in links]


@pytest.mark.django_db
def test_a_member_page_lists_the_published_articles_the_member_approved(client, html):
    approved = take_through_review(
        ArticleFactory(title="Which test comes first?"), to=ArticleStatus.APPROVED
    )
    member = approved.approved_versions.get().reviewers.get()
    hidden = ArticleFactory(title="A withdrawn answer", published=False)
    SectionFactory(article=hidden)
    editor = EditorFactory()
    assignment = services.assignment_create(
        article=hidden, reviewer=member, invited_by=editor
    )
    services.assignment_accept(assignment=assignment, user=member.user)
    services.review_start(article=hidden, user=editor)
    services.review_decide(
        assignment=assignment, user=member.user, recommendation="approve"
    )

    titles, hrefs = reviewed_links(client, html, member)
    assert titles == ["Which test comes first?"]
    assert hrefs == [approved.get_absolute_url()]


@pytest.mark.django_db
def test_a_member_who_approved_nothing_says_so(client, html, board_member):
    page = html(client.get(board_member.get_absolute_url()).content)
    assert "No approved article yet." in page.find("main").normalised_text

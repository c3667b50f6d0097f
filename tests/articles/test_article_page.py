"""The public article page: every part the reader expects, in order, cheaply."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial import services
from references.models import Reference
from tests.articles.factories import ArticleFactory, EditorFactory, SectionFactory
from tests.references.factories import ReferenceFactory

# Article (with writer), latest approved version, sections, citations with their
# references, the prepared section texts, corrections, confirmed notes on cited
# works; no transaction (the public pages only read).
MAX_ARTICLE_PAGE_QUERIES = 7


@pytest.fixture
def page_on_a_known_date(client, html, time_machine, reference_page_article):
    """The reference article last changed on 11 June 2025, read a week later."""
    time_machine.move_to(
        datetime.datetime(2025, 6, 11, 9, 0, 0, 250_000, tzinfo=datetime.UTC)
    )
    article = reference_page_article
    services.article_content_save(
        article=article,
        user=EditorFactory(),
        values={"summary": "Test the tumour, then treat the driver that was found."},
    )
    time_machine.move_to(datetime.datetime(2025, 6, 18, 9, tzinfo=datetime.UTC))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return html(response.content)


def test_the_page_shows_each_part_in_order(page_on_a_known_date, reference_library):
    text = page_on_a_known_date.find("article").normalised_text
    # The table of contents repeats the headings: count it as one part.
    contents = page_on_a_known_date.find("nav", class_="toc").normalised_text
    text = text.replace(contents, "On this page", 1)
    parts_in_order = [
        "How is treatment personalised in non-small cell lung cancer?",
        "All articles are reviewed for accuracy by our Medical Advisory Board",
        "Educational purpose only • Exercise caution as content is pending human "
        "review",
        "Article review status",
        "Last updated: June 11, 2025",
        "View editorial policy",
        "Which best describes you?",
        "On this page",
        "From the Guidelines",
        "From the FDA Drug Label",
        "From the Research",
        "Clinical Outcomes",
        "References",
        reference_library["esmo2023"].title,
        reference_library["tan2021"].title,
        "Cite this page",
        "Professional medical disclaimer",
        "Have a follow-up question?",
    ]
    positions = [text.find(part) for part in parts_in_order]
    missing = [
        part for part, at in zip(parts_in_order, positions, strict=True) if at < 0
    ]
    assert not missing
    assert positions == sorted(positions)


def test_the_header_links_to_the_board_and_the_policy(page_on_a_known_date):
    header = page_on_a_known_date.find("article").find("header")
    hrefs = [link.attrs["href"] for link in header.find_all("a")]
    assert reverse("reviewers:board") == "/advisory-board/"
    assert hrefs.index("/advisory-board/") < hrefs.index("/editorial-policy/")
    time = header.find("time")
    assert time.attrs["datetime"].startswith("2025-06-11")


def test_headings_are_in_outline_order(page_on_a_known_date):
    article = page_on_a_known_date.find("article")
    levels = [
        int(element.tag[1])
        for element in article.iter()
        if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}
    ]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(
        after - before <= 1 for before, after in zip(levels, levels[1:], strict=False)
    )


def test_sections_keep_nested_bullets_and_emphasis(page_on_a_known_date):
    sections = page_on_a_known_date.find_all("section", class_="article-section")
    label_section = sections[1]
    outer_item = label_section.find("ul").find("li")
    nested = outer_item.find("ul").find_all("li")
    assert [item.normalised_text for item in nested] == [
        "Genetic testing comes first.",
        "The test must be approved.",
    ]
    assert label_section.find("strong").text == "Genetic testing"
    assert label_section.find("em").text == "approved"


def test_each_reference_shows_its_kind_text_and_links(
    page_on_a_known_date, reference_library
):
    entries = page_on_a_known_date.find("ol", class_="reference-list").find_all("li")
    guideline, label = entries[0], entries[1]
    esmo = reference_library["esmo2023"]
    assert guideline.find("span", class_="reference-kind").text == "Guideline"
    assert guideline.find("p", class_="reference-text").text == esmo.vancouver()
    links = {link.text: link.attrs["href"] for link in guideline.find_all("a")}
    assert links["DOI"] == f"https://doi.org/{esmo.doi}"
    assert links["PubMed"] == f"https://pubmed.ncbi.nlm.nih.gov/{esmo.pmid}/"

    assert label.find("span", class_="reference-kind").text == "FDA Drug Label"
    label_links = {link.text: link.attrs["href"] for link in label.find_all("a")}
    assert "DOI" not in label_links and "PubMed" not in label_links
    assert label_links["Source"] == "https://example.org/label.pdf"


@pytest.mark.parametrize(
    ("review", "current_step", "caution_shown"),
    [
        ("submitted", "Submitted", True),
        ("under_review", "Under Review", True),
        ("approved", "Approved", False),
    ],
)
def test_the_tracker_marks_the_current_step_and_the_caution_follows_it(
    client, html, db, review, current_step, caution_shown
):
    article = ArticleFactory(review=review)
    page = html(client.get(article.get_absolute_url()).content)

    tracker = page.find("section", class_="tracker")
    steps = tracker.find_all("li")
    assert [step.normalised_text.split(" (")[0] for step in steps] == [
        "Submitted",
        "Under Review",
        "Approved",
    ]
    (current,) = [step for step in steps if step.attrs.get("aria-current") == "step"]
    assert current.normalised_text == f"{current_step} (current step)"
    text = page.find("article").normalised_text
    assert ("pending human review" in text) is caution_shown


def test_the_audience_question_offers_patient_and_clinician(client, html, db):
    article = ArticleFactory()
    page = html(
        client.get(article.get_absolute_url(), {"audience": "clinician"}).content
    )
    choices = {
        element.attrs["value"]: "checked" in element.attrs
        for element in page.find("form", class_="audience").find_all("input")
    }
    assert choices == {"patient": False, "clinician": True}


# --- Cost of the page -------------------------------------------------------------


def article_with(*, sections: int, references: int):
    article = ArticleFactory()
    library = ReferenceFactory.create_batch(references, kind=Reference.Kind.RESEARCH)
    for index in range(sections):
        cited = library[index::sections] + [library[0]]
        markers = "; ".join(f"@{reference.citation_key}" for reference in cited)
        SectionFactory(
            article=article,
            order=index,
            heading=f"Part {index + 1}",
            body=f"- Finding [{markers}].\n  - Detail [@{library[0].citation_key}].",
        )
    return article


def queries_for(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_page_costs_the_same_few_queries_whatever_the_article_size(
    client, html, db, django_assert_max_num_queries
):
    small = article_with(sections=2, references=2)
    large = article_with(sections=40, references=100)

    small_count, _ = queries_for(client, small.get_absolute_url())
    large_count, response = queries_for(client, large.get_absolute_url())
    assert small_count == large_count

    page = html(response.content)
    assert len(page.find_all("section", class_="article-section")) == 40
    assert len(page.find("ol", class_="reference-list").find_all("li")) == 100

    with django_assert_max_num_queries(MAX_ARTICLE_PAGE_QUERIES):
        client.get(large.get_absolute_url())
    with django_assert_max_num_queries(MAX_ARTICLE_PAGE_QUERIES):
        client.get(small.get_absolute_url())


def test_the_article_list_costs_the_same_few_queries_whatever_its_length(
    client, html, db, django_assert_max_num_queries
):
    ArticleFactory.create_batch(2)
    with django_assert_max_num_queries(MAX_ARTICLE_PAGE_QUERIES):
        short_count, _ = queries_for(client, "/")
    ArticleFactory.create_batch(30)
    long_count, response = queries_for(client, "/")
    assert short_count == long_count
    page = html(response.content)
    assert len(page.find("ul", class_="article-list").find_all("h2")) == 20
    assert page.find("p", class_="result-count").text == "32 articles"


def test_machine_readable_dates_have_no_fractions_of_a_second(page_on_a_known_date):
    # The Nu HTML Checker rejects microseconds in <time datetime>.
    values = [time.attrs["datetime"] for time in page_on_a_known_date.find_all("time")]
    assert values
    for value in values:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d{4})?", value), value

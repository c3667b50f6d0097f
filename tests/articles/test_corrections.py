"""Dated correction notes: readers see what was corrected and when."""

import datetime

import pytest

from articles.models import Correction
from tests.articles.factories import ArticleFactory, SectionFactory


@pytest.mark.django_db
def test_the_page_lists_its_corrections_with_their_dates_newest_first(client, html):
    article = ArticleFactory()
    SectionFactory(article=article)
    Correction.objects.create(
        article=article,
        corrected_on=datetime.date(2025, 3, 4),
        note="The brigatinib dose was given per week; it is per day.",
    )
    Correction.objects.create(
        article=article,
        corrected_on=datetime.date(2025, 5, 20),
        note="A trial's hazard ratio read 0.64; it is 0.46.",
    )

    page = html(client.get(article.get_absolute_url()).content)
    items = page.find("section", class_="corrections").find_all("li")
    assert [item.normalised_text for item in items] == [
        "May 20, 2025: A trial's hazard ratio read 0.64; it is 0.46.",
        "March 4, 2025: The brigatinib dose was given per week; it is per day.",
    ]
    assert items[0].find("time").attrs["datetime"] == "2025-05-20"
    header_note = page.find("article").find("header").find("a", href="#corrections")
    assert header_note.normalised_text == "Corrected on May 20, 2025"


@pytest.mark.django_db
def test_a_page_without_corrections_shows_no_such_section(client, html):
    article = ArticleFactory()
    SectionFactory(article=article)
    page = html(client.get(article.get_absolute_url()).content)
    assert not page.find_all("section", class_="corrections")
    assert not page.find_all("a", href="#corrections")

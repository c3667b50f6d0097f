"""A section save and an article save cost a fixed number of queries, whatever the
article's size (the content is compared in a few queries, not one per section)."""

import pytest

from articles.models import Section
from editorial import services
from tests.articles.factories import SectionFactory

# Measured: 39, one reviewer told; four of them rewrite the article's list row, once
# after the section's save and once after the article's.
MAX_SECTION_SAVE_QUERIES = 41
MAX_ARTICLE_SAVE_QUERIES = 12  # measured: 11, two of them rewriting the list row


@pytest.fixture(params=[2, 60], ids=["2 sections", "60 sections"])
def sized_article(request, article, references):
    for order in range(3, request.param + 1):
        SectionFactory(
            article=article,
            order=order,
            body=f"Part {order} [@guide2024] and [@trial2021].",
        )
    return article


@pytest.mark.django_db
def test_a_section_save_has_a_fixed_query_bound(
    workflow, sized_article, editor, reviewer_one, django_assert_max_num_queries
):
    workflow.send_to_review(sized_article, reviewer_one)
    section = Section.objects.get(article=sized_article, order=1)
    section.body = "Test every advanced tumour [@guide2024]."

    with django_assert_max_num_queries(MAX_SECTION_SAVE_QUERIES):
        result = services.section_save(section=section, user=editor, reason="Wider.")

    assert result.content_changed


@pytest.mark.django_db
def test_an_article_save_has_a_fixed_query_bound(
    workflow, sized_article, editor, reviewer_one, django_assert_max_num_queries
):
    workflow.approve_with(sized_article, reviewer_one)

    with django_assert_max_num_queries(MAX_ARTICLE_SAVE_QUERIES):
        result = services.article_content_save(
            article=sized_article, user=editor, values={"title": "A sharper question?"}
        )

    assert result.content_changed

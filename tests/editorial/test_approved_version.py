"""Readers see what the board approved: an edit waits for the next approval."""

import datetime
import re

import pytest
import time_machine

from articles.models import ApprovedVersion, ArticleStatus
from editorial import services
from editorial.models import ReviewAssignment
from tests.editorial.conftest import ORIGINAL_GUIDELINE_TEXT

EDITED_TEXT = "Test every advanced tumour, squamous ones included [@guide2024]."
OLD_TITLE = "Targeted therapy after profiling: a trial"
NEW_TITLE = "Targeted therapy after profiling: final analysis"
UPDATE_NOTE = "An update to this article is under review"
DAY = datetime.datetime(2025, 3, 3, 10, 0, tzinfo=datetime.UTC)


def public_page(client, article) -> str:
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def last_updated(page: str) -> str:
    return re.search(r'Last updated: <time datetime="([^"]+)"', page).group(1)


def edit_section(article, editor):
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    services.section_save(section=section, user=editor, reason="edited")


def edit_reference(reference, editor):
    reference.title = NEW_TITLE
    services.reference_save(reference=reference, user=editor)


def approve_round(workflow, article):
    """Resubmit the article and have the re-invited reviewers approve."""
    workflow.start(article)
    article.refresh_from_db()
    assignments = ReviewAssignment.objects.filter(
        article=article, round=article.review_round
    )
    for assignment in workflow.accept(*assignments):
        workflow.approve(assignment)
    article.refresh_from_db()


@pytest.mark.django_db
def test_readers_keep_the_approved_text_until_the_update_is_approved(
    workflow, article, editor, references, client, reviewer_one, reviewer_two
):
    with time_machine.travel(DAY):
        workflow.approve_with(article, reviewer_one, reviewer_two)
    approved_page = public_page(client, article)
    assert ORIGINAL_GUIDELINE_TEXT.split(" [@")[0] in approved_page
    assert OLD_TITLE in approved_page
    assert UPDATE_NOTE not in approved_page

    with time_machine.travel(DAY + datetime.timedelta(days=4)):
        edit_section(article, editor)
    with time_machine.travel(DAY + datetime.timedelta(days=6)):
        edit_reference(references["trial2021"], editor)

    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED
    page = public_page(client, article)
    assert ORIGINAL_GUIDELINE_TEXT.split(" [@")[0] in page
    assert EDITED_TEXT.split(" [@")[0] not in page
    assert OLD_TITLE in page
    assert NEW_TITLE not in page
    assert f"{UPDATE_NOTE}. You are reading the version approved on March 3, 2025." in (
        page
    )
    assert last_updated(page) == last_updated(approved_page)

    with time_machine.travel(DAY + datetime.timedelta(days=9)):
        approve_round(workflow, article)

    assert article.status == ArticleStatus.APPROVED
    page = public_page(client, article)
    assert EDITED_TEXT.split(" [@")[0] in page
    assert ORIGINAL_GUIDELINE_TEXT.split(" [@")[0] not in page
    assert NEW_TITLE in page
    assert UPDATE_NOTE not in page
    assert 'Last reviewed: <time datetime="2025-03-12' in page
    # The reference edit is the latest change to the content readers now see.
    assert last_updated(page).startswith("2025-03-09")
    assert ApprovedVersion.objects.filter(article=article).count() == 2


@pytest.mark.django_db
def test_the_page_names_the_approvers_with_links_and_both_dates(
    workflow, article, editor, client, reviewer_one, reviewer_two
):
    with time_machine.travel(DAY - datetime.timedelta(days=2)):
        services.article_content_save(
            article=article,
            user=editor,
            values={
                "summary": "Yes: every advanced tumour, before the first treatment."
            },
        )
    with time_machine.travel(DAY):
        workflow.approve_with(article, reviewer_one, reviewer_two)

    page = public_page(client, article)

    assert "pending human review" not in page
    reviewed_by = re.search(r'<p class="reviewed-by">(.*?)</p>', page).group(1)
    assert "Reviewed by" in reviewed_by
    assert (
        f'<a href="/advisory-board/{reviewer_one.slug}/">Ana Ruiz, MD, PhD</a>'
        in reviewed_by
    )
    assert (
        f'<a href="/advisory-board/{reviewer_two.slug}/">Kenji Sato, MD</a>'
        in reviewed_by
    )
    assert 'Last reviewed: <time datetime="2025-03-03' in page
    assert ">March 3, 2025</time>" in page
    assert 'Last updated: <time datetime="2025-03-01' in page
    assert ">March 1, 2025</time>" in page


@pytest.mark.django_db
def test_before_any_approval_the_working_copy_shows_with_its_caution(
    workflow, article, client, reviewer_one
):
    workflow.send_to_review(article, reviewer_one)

    page = public_page(client, article)

    assert "pending human review" in page
    assert "Reviewed by" not in page
    assert "Last reviewed" not in page
    assert ORIGINAL_GUIDELINE_TEXT.split(" [@")[0] in page


@pytest.mark.django_db
def test_the_snapshot_keeps_numbering_and_approvers(
    workflow, article, reviewer_one, reviewer_two
):
    with time_machine.travel(DAY, tick=False):
        workflow.approve_with(article, reviewer_one, reviewer_two)

    version = ApprovedVersion.objects.get(article=article)
    assert version.number == 1
    assert version.review_round == 1
    assert version.approved_at == DAY
    assert [item["citation_key"] for item in version.content["references"]] == [
        "guide2024",
        "trial2021",
    ]
    assert [item["number"] for item in version.content["references"]] == [1, 2]
    assert version.content["sections"][1]["numbers"] == {"trial2021": 2, "guide2024": 1}
    assert [approver["slug"] for approver in version.approvers] == [
        reviewer_one.slug,
        reviewer_two.slug,
    ]


@pytest.mark.django_db
def test_reopening_keeps_the_approved_version_public(
    workflow, article, editor, client, reviewer_one
):
    workflow.approve_with(article, reviewer_one)

    services.article_reopen(article=article, user=editor, reason="New trial data.")

    page = public_page(client, article)
    assert ORIGINAL_GUIDELINE_TEXT.split(" [@")[0] in page
    assert UPDATE_NOTE in page
    assert "pending human review" not in page

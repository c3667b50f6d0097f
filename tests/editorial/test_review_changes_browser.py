"""In a real browser: a reviewer reads what changed since they reviewed and why
their round closed; an editor previews a section beside its editor.

The content is set up with the ORM before the browser starts (the fixtures come
before ``tabs``), as in ``test_browser_journey``; from then on the test reads pages.
"""

import re

import pytest

from articles.models import Article
from tests.articles.factories import DEFAULT_PASSWORD
from tests.editorial.browser import (
    ARTIFACTS_DIR,
    Screenshots,
    Tabs,
    sign_in_to_admin,
    sign_in_to_site,
)

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by the ``browser`` marker
    expect = None

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CHANGES = "Say whether squamous tumours are tested too."
EDITED_TEXT = "Test every advanced tumour, squamous ones included [@guide2024]."


@pytest.fixture
def tabs(chromium, live_server):
    tabs = Tabs(chromium, live_server.url)
    yield tabs
    tabs.close_all()


@pytest.fixture
def second_round(workflow, article, editor, reviewer_one, reviewer_two):
    """Round 1 closes when Kenji Sato requests changes while Ana Ruiz has accepted
    but not decided; the editor revises the first section and opens round 2."""
    _ana, kenji = workflow.send_to_review(article, reviewer_one, reviewer_two)
    workflow.request_changes(kenji, CHANGES)
    section = article.sections.get(order=1)
    section.body = EDITED_TEXT
    section._history_user = editor
    section.save()
    workflow.start(Article.objects.get(pk=article.pk))
    return article


def test_a_reviewer_sees_what_changed_since_they_reviewed(
    second_round, reviewer_one, tabs
):
    # A folder of its own: the journey test clears the numbered shots it finds.
    screenshots = Screenshots(ARTIFACTS_DIR / "review-changes")
    page = tabs.open()
    sign_in_to_site(page, reviewer_one.user.username, DEFAULT_PASSWORD)

    page.goto("/review/")
    closed = page.locator("section[aria-labelledby=closed-heading]")
    expect(closed).to_contain_text("round closed: changes requested by sato")
    screenshots.take(page, "reviewer-sees-why-round-1-closed")

    invitations = page.locator("section[aria-labelledby=to-answer-heading]")
    invitations.get_by_role("link", name=second_round.title).click()
    changes = page.locator("#changes-since-reviewed")
    expect(changes.get_by_role("heading", level=2)).to_have_text(
        "Changes since you reviewed round 1"
    )
    expect(changes.locator("ins")).to_have_text([", squamous ones included"])
    expect(changes.locator("del")).to_have_text([" for driver mutations"])
    earlier = page.locator("#earlier-rounds")
    expect(earlier).to_contain_text("round closed: changes requested by sato")
    expect(earlier).to_contain_text(f"Kenji Sato, MD — Request changes: {CHANGES}")
    screenshots.take(page, "reviewer-sees-changes-since-round-1")

    page.get_by_role("link", name="Open the full-page preview").click()
    expect(page.locator(".preview-banner")).to_be_visible()
    expect(page.locator("article")).to_contain_text("squamous ones included")


def test_an_editor_previews_a_section_beside_its_editor(article, editor, tabs):
    page = tabs.open()
    sign_in_to_admin(page, editor.username, DEFAULT_PASSWORD)
    page.goto(f"/admin/articles/article/{article.pk}/change/")

    page.locator("#id_sections-0-body").fill(
        "Test **all** tumours [@guide2024] <script>alert(1)</script>"
    )
    page.get_by_role("button", name="Preview this section").first.click()

    preview = page.locator(".section-preview-output").first
    expect(preview.locator("strong")).to_have_text("all")
    expect(preview.locator("sup.citations")).to_have_text("1")
    expect(preview).to_contain_text("<script>alert(1)</script>")
    expect(preview).to_contain_text("Molecular testing in advanced lung cancer")
    expect(page).to_have_url(re.compile(rf"/admin/articles/article/{article.pk}/"))
    assert page.locator("#id_sections-0-body").input_value().startswith("Test **all**")

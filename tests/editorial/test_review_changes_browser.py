"""In a real browser: an editor's edit during review is confirmed with a reason, and
the reviewer reads the reason and what changed since they reviewed; an editor
previews a section beside its editor.

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
    admin_error_messages,
    admin_success_message,
    readonly_value,
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


REASON = "The 2024 guideline now covers squamous tumours."


@pytest.fixture
def under_review(workflow, article, reviewer_one, reviewer_two):
    """Round 1 with both reviewers accepted, nobody has decided yet."""
    workflow.send_to_review(article, reviewer_one, reviewer_two)
    return article


def test_an_edit_during_review_is_confirmed_and_reviewers_see_why_and_what_changed(
    under_review, editor, reviewer_one, tabs
):
    screenshots = Screenshots(ARTIFACTS_DIR / "edit-during-review")
    editor_page, reviewer_page = tabs.open(), tabs.open()
    article = under_review
    assignments = editor_page.locator("#review_assignments-group tbody tr.has_original")

    # Saving without changing anything keeps the round and both reviewers.
    sign_in_to_admin(editor_page, editor.username, DEFAULT_PASSWORD)
    editor_page.goto(f"/admin/articles/article/{article.pk}/change/")
    editor_page.get_by_role("button", name="Save and continue editing").click()
    expect(admin_error_messages(editor_page)).to_have_count(0)
    expect(readonly_value(editor_page, "status")).to_have_text("Under Review")
    expect(readonly_value(editor_page, "review_round")).to_have_text("1")
    expect(assignments.filter(has_text="Accepted")).to_have_count(2)
    screenshots.take(editor_page, "editor-saves-without-changes")

    # Editing a section asks first, keeping what was typed.
    editor_page.locator("#id_sections-0-body").fill(EDITED_TEXT)
    editor_page.get_by_role("button", name="Save and continue editing").click()
    expect(editor_page.locator("#content")).to_contain_text(
        "Saving ends round 1: the 2 reviewers' assignments will be closed and they "
        "will be emailed."
    )
    expect(editor_page.locator("#id_sections-0-body")).to_have_value(EDITED_TEXT)
    expect(readonly_value(editor_page, "status")).to_have_text("Under Review")
    screenshots.take(editor_page, "editor-is-warned-the-round-ends")

    editor_page.get_by_label("Reason for this edit").fill(REASON)
    editor_page.get_by_role("button", name="Save and continue editing").click()
    expect(admin_success_message(editor_page)).to_be_visible()
    expect(readonly_value(editor_page, "status")).to_have_text("Submitted")
    expect(readonly_value(editor_page, "review_round")).to_have_text("2")
    screenshots.take(editor_page, "editor-confirms-with-a-reason")

    # The reviewer sees why the round closed and what changed since they read it.
    sign_in_to_site(reviewer_page, reviewer_one.user.username, DEFAULT_PASSWORD)
    reviewer_page.goto("/review/")
    closed = reviewer_page.locator("section[aria-labelledby=closed-heading]")
    expect(closed).to_contain_text(f"round closed: {REASON}")
    closed.get_by_role("link", name=article.title).click()
    expect(reviewer_page.locator(".assignment-facts")).to_contain_text(REASON)
    changes = reviewer_page.locator("#changes-since-reviewed")
    expect(changes.locator("ins")).to_have_text([", squamous ones included"])
    expect(changes.locator("del")).to_have_text([" for driver mutations"])
    screenshots.take(reviewer_page, "reviewer-sees-reason-and-changes")

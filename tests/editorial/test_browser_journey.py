"""The whole review journey in a real browser, as the editor and two reviewers live it.

The editor writes an article in the admin and invites two reviewers through the
autocomplete; one approves, the other asks for changes; the editor revises and sends
it back; both approve; readers see it approved with both names. Each person has a
browser context of their own, and a screenshot of every step lands in ``artifacts/``.

The people are created with the ORM before the browser starts (the test asks for
them before ``tabs``): while Playwright's synchronous API runs its event loop in this
thread, Django takes every query for one made from async code and, even with the check
lifted, hands it a connection of its own. From then on the test reads only the pages.
"""

import pytest

from tests.articles.factories import DEFAULT_PASSWORD
from tests.editorial.browser import (
    Screenshots,
    Tabs,
    admin_error_messages,
    admin_success_message,
    choose_in_autocomplete,
    readonly_value,
    sign_in_to_admin,
    sign_in_to_site,
    site_message,
)

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by the ``browser`` marker
    expect = None

# The live server sees committed rows only, so the test commits; serialized rollback
# puts back what the migrations created (the roles above all) for the tests after it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Should every smoker over fifty be offered a low-dose CT scan?"
SUMMARY = (
    "Yearly low-dose CT finds lung cancer earlier in heavy smokers aged 50 to 80 "
    "and lowers lung cancer deaths."
)
FIRST_BODY = (
    "Offer a yearly low-dose CT to adults with a heavy smoking history [@uspstf2021]."
)
REVISED_BODY = (
    "Offer a yearly low-dose CT to adults aged 50 to 80 with at least 20 pack-years "
    "who smoke now or quit within the last 15 years [@uspstf2021]."
)
CHANGES_ASKED = "Give the age range and the pack-year threshold, as the guideline does."


def add_reference(page, screenshots: Screenshots) -> None:
    page.goto("/admin/references/reference/add/")
    page.get_by_label("Kind").select_option(label="Guideline")
    page.get_by_label("Citation key").fill("uspstf2021")
    page.get_by_label("Title").fill(
        "Screening for lung cancer: recommendation statement"
    )
    page.get_by_label("Authors").fill("US Preventive Services Task Force")
    page.get_by_label("Year").fill("2021")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(admin_success_message(page)).to_contain_text("was added successfully")
    expect(page.locator("#result_list")).to_contain_text("uspstf2021")
    screenshots.take(page, "editor-adds-reference")


def assignment_rows(page):
    """The saved assignments in the article's inline (not the blank template row)."""
    return page.locator("#review_assignments-group tbody tr.has_original")


def invite_reviewer(page, row: int, search: str, choice: str) -> None:
    page.locator("#review_assignments-group .add-row a").click()
    choose_in_autocomplete(
        page, f"id_review_assignments-{row}-reviewer", search, choice
    )


def write_article(page, editor_id: int, screenshots: Screenshots) -> None:
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Short answer").fill(SUMMARY)
    # The author is preselected: the editor writing the article.
    expect(page.locator("#id_author")).to_have_value(str(editor_id))
    page.get_by_label("Published").check()

    page.locator("#sections-group .add-row a").click()
    page.locator("#id_sections-0-order").fill("1")
    page.locator("#id_sections-0-kind").select_option(label="From the Guidelines")
    page.locator("#id_sections-0-body").fill(FIRST_BODY)

    invite_reviewer(page, 0, "Ruiz", "Ana Ruiz, MD, PhD")
    invite_reviewer(page, 1, "Sato", "Kenji Sato, MD")
    screenshots.take(page, "editor-writes-article")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(admin_error_messages(page)).to_have_count(0)
    expect(admin_success_message(page)).to_contain_text("was added successfully")
    rows = assignment_rows(page)
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Ana Ruiz, MD, PhD")).to_contain_text("Invited")
    expect(rows.filter(has_text="Kenji Sato, MD")).to_contain_text("Invited")
    expect(readonly_value(page, "status")).to_have_text("Submitted")
    screenshots.take(page, "editor-saved-article-with-reviewers")


def start_review(page, screenshots: Screenshots, name: str, round_number: int) -> None:
    page.locator("button[name=_fsm_transition_to][value=start_review]").click()
    expect(admin_success_message(page)).to_contain_text("Start review done")
    expect(readonly_value(page, "status")).to_have_text("Under Review")
    expect(readonly_value(page, "review_round")).to_have_text(str(round_number))
    invited = assignment_rows(page).filter(
        has=page.locator("td.field-state", has_text="Invited")
    )
    expect(invited.filter(has_text="Ana Ruiz")).to_have_count(1)
    expect(invited.filter(has_text="Kenji Sato")).to_have_count(1)
    expect(page.locator("button[name=_fsm_transition_to]")).to_have_count(0)
    screenshots.take(page, name)


def open_invitation(page, round_number: int) -> None:
    page.goto("/review/")
    expect(page.get_by_role("heading", name="My reviews", level=1)).to_be_visible()
    invitations = page.locator("section[aria-labelledby=to-answer-heading]")
    row = invitations.locator("tr", has_text=TITLE)
    expect(row.locator("td").nth(1)).to_have_text(str(round_number))
    row.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator(".assignment-facts")).to_contain_text("Invited")


def accept_and_decide(
    page, screenshots: Screenshots, name: str, decision: str, comments: str = ""
) -> None:
    page.get_by_role("button", name="Accept").click()
    expect(site_message(page)).to_have_text("Thank you: you accepted this review.")
    expect(page.locator(".assignment-facts")).to_contain_text("Accepted")
    page.get_by_label(decision, exact=True).check()
    if comments:
        page.get_by_label("Comments for the editors").fill(comments)
    page.get_by_role("button", name="Send decision").click()
    expect(site_message(page)).to_have_text("Your decision is recorded.")
    expect(page.locator(".assignment-facts")).to_contain_text(f"Completed — {decision}")
    expect(page.get_by_role("button", name="Send decision")).to_have_count(0)
    screenshots.take(page, name)


def article_status_on_desk(page):
    """The "Article status" fact on the reviewer's assignment page."""
    return page.locator(".assignment-facts dt:has-text('Article status') + dd")


@pytest.fixture
def tabs(chromium, live_server):
    tabs = Tabs(chromium, live_server.url)
    yield tabs
    tabs.close_all()


def test_editor_and_two_reviewers_take_an_article_to_approval(
    editor, reviewer_one, reviewer_two, tabs
):
    screenshots = Screenshots()
    editor_page, first_reviewer, second_reviewer, reader = (
        tabs.open() for _ in range(4)
    )

    # The editor writes the article and invites both reviewers.
    sign_in_to_admin(editor_page, editor.username, DEFAULT_PASSWORD)
    screenshots.take(editor_page, "editor-signs-in")
    add_reference(editor_page, screenshots)
    write_article(editor_page, editor.pk, screenshots)
    slug = editor_page.locator("#id_slug").input_value()
    assert slug
    start_review(editor_page, screenshots, "editor-starts-round-1", round_number=1)

    # Round 1: the first reviewer approves, the second asks for changes.
    sign_in_to_site(first_reviewer, reviewer_one.user.username, DEFAULT_PASSWORD)
    open_invitation(first_reviewer, round_number=1)
    screenshots.take(first_reviewer, "reviewer1-opens-invitation")
    accept_and_decide(first_reviewer, screenshots, "reviewer1-approves", "Approve")
    expect(article_status_on_desk(first_reviewer)).to_have_text("Under Review")

    sign_in_to_site(second_reviewer, reviewer_two.user.username, DEFAULT_PASSWORD)
    open_invitation(second_reviewer, round_number=1)
    accept_and_decide(
        second_reviewer,
        screenshots,
        "reviewer2-requests-changes",
        "Request changes",
        comments=CHANGES_ASKED,
    )
    expect(article_status_on_desk(second_reviewer)).to_have_text("Submitted")

    # The editor reads the comment, revises the section and sends it back.
    editor_page.reload()
    expect(readonly_value(editor_page, "status")).to_have_text("Submitted")
    expect(readonly_value(editor_page, "review_round")).to_have_text("2")
    request = assignment_rows(editor_page).filter(has_text="Kenji Sato")
    expect(request.locator("td.field-comments")).to_have_text(CHANGES_ASKED)
    screenshots.take(editor_page, "editor-reads-requested-changes")

    editor_page.locator("#id_sections-0-body").fill(REVISED_BODY)
    editor_page.get_by_role("button", name="Save and continue editing").click()
    expect(admin_success_message(editor_page)).to_contain_text(
        "was changed successfully"
    )
    expect(editor_page.locator("#id_sections-0-body")).to_have_value(REVISED_BODY)
    screenshots.take(editor_page, "editor-revises-section")
    start_review(editor_page, screenshots, "editor-starts-round-2", round_number=2)

    # Round 2: both reviewers approve; the second approval approves the article.
    open_invitation(first_reviewer, round_number=2)
    expect(first_reviewer.locator("main")).to_contain_text("at least 20 pack-years")
    accept_and_decide(
        first_reviewer, screenshots, "reviewer1-approves-round-2", "Approve"
    )
    expect(article_status_on_desk(first_reviewer)).to_have_text("Under Review")

    open_invitation(second_reviewer, round_number=2)
    accept_and_decide(
        second_reviewer, screenshots, "reviewer2-approves-round-2", "Approve"
    )
    expect(article_status_on_desk(second_reviewer)).to_have_text("Approved")

    # Readers see the approved article with both reviewers' names.
    reader.goto(f"/articles/{slug}/")
    expect(reader.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(reader.locator('[aria-current="step"]')).to_have_count(1)
    expect(reader.locator('[aria-current="step"]')).to_contain_text("Approved")
    reviewed_by = reader.locator(".reviewed-by")
    expect(reviewed_by).to_contain_text("Reviewed by")
    expect(reviewed_by.get_by_role("link", name="Ana Ruiz, MD, PhD")).to_be_visible()
    expect(reviewed_by.get_by_role("link", name="Kenji Sato, MD")).to_be_visible()
    expect(reader.locator("main")).to_contain_text("at least 20 pack-years")
    expect(reader.locator(".caution")).to_have_count(0)
    screenshots.take(reader, "reader-sees-approved-article")

"""Pasting identifiers, checking the preview and saving happen on one page."""

import pytest

from tests.articles.factories import DEFAULT_PASSWORD
from tests.editorial.browser import admin_success_message, sign_in_to_admin
from tests.editorial.conftest import make_editor

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by the ``browser`` marker
    expect = None

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_preview_shows_in_place_and_saving_returns_to_the_article_form(
    recorded_services, browser_page
):
    editor = make_editor()
    page = browser_page
    sign_in_to_admin(page, editor.username, DEFAULT_PASSWORD)
    page.goto("/admin/references/reference/import/?next=/admin/articles/article/add/")
    page.evaluate("window.samePage = true")
    page.get_by_label("Identifiers").fill(
        "https://doi.org/10.1056/NEJMoa1713137\nNCT02296125\nnot-an-id"
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Osimertinib in Untreated EGFR")
    expect(preview).to_contain_text("is not an identifier we can look up")
    assert page.evaluate("window.samePage") is True  # no page load for the preview
    page.get_by_label("Kind").nth(1).select_option(label="Clinical Trial")
    page.get_by_role("button", name="Add the chosen references").click()
    expect(page).to_have_url(
        f"{page.url.split('/admin/')[0]}/admin/articles/article/add/"
    )
    expect(admin_success_message(page)).to_contain_text("Added 2 references")
    expect(admin_success_message(page)).to_contain_text("[@soria2018]")

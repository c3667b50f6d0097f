"""What a person does in the browser during the review journey: sign in, pick from
the admin's autocomplete, read messages, keep a screenshot of each step.

Everything goes through the page as a user would see it: labels, buttons and the
messages the site shows, never a shortcut into the database.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

try:
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # the ``browser`` marker skips (or, in CI, fails) the tests
    Browser = Page = expect = None

ARTIFACTS_DIR = Path(settings.BASE_DIR) / "artifacts"

# Long enough for a slow CI machine, short enough to fail fast on a missing element.
ACTION_TIMEOUT_MS = 10_000


class Screenshots:
    """Numbered full-page screenshots, one per step: ``01-editor-signs-in.png``.

    The numbered screenshots of an earlier run are removed first, so a run that stops
    early does not leave later steps from another run beside its own.
    """

    def __init__(self, directory: Path = ARTIFACTS_DIR):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob("[0-9][0-9]-*.png"):
            old.unlink()
        self.taken: list[Path] = []

    def take(self, page: Page, name: str) -> Path:
        path = self.directory / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


class Tabs:
    """One browser context per person, so each keeps their own session cookie."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []

    def open(self) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.contexts.append(context)
        return context.new_page()

    def close_all(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def sign_in_to_admin(page: Page, username: str, password: str) -> None:
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.locator("#user-tools")).to_contain_text("Log out")


def sign_in_to_site(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def admin_success_message(page: Page):
    return page.locator("ul.messagelist li.success")


def admin_error_messages(page: Page):
    return page.locator("ul.messagelist li.error, .errornote, ul.errorlist")


def site_message(page: Page):
    return page.locator("ul.messages li.message")


def readonly_value(page: Page, field_name: str):
    """The text of a read-only field on an admin change form (status, round…)."""
    return page.locator(f".field-{field_name} .readonly").first


def choose_in_autocomplete(page: Page, select_id: str, search: str, choice: str):
    """Pick ``choice`` in the admin's select2 autocomplete bound to ``select_id``,
    typing ``search`` in its search box as an editor would."""
    widget = page.locator(f"#{select_id} + .select2")
    widget.locator(".select2-selection").click()
    search_box = page.locator(".select2-container--open .select2-search__field")
    search_box.fill(search)
    page.locator(
        ".select2-container--open .select2-results__option", has_text=choice
    ).click()
    expect(widget.locator(".select2-selection__rendered")).to_contain_text(choice)

"""The section editor in Chromium: "[@" offers the library's references, the chosen
key is written into the text, the preview beside it shows the number readers will
see, an unknown key is named before saving, and the page raises no
Content-Security-Policy violation while doing it."""

import pytest

from tests.articles.factories import (
    DEFAULT_PASSWORD,
    ArticleFactory,
    EditorFactory,
    SectionFactory,
)
from tests.editorial.browser import Tabs, sign_in_to_admin
from tests.references.factories import ReferenceFactory

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by the ``browser`` marker
    expect = None

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_typing_a_citation_picks_it_and_previews_its_number(chromium, live_server):
    EditorFactory(username="writer")
    ReferenceFactory(citation_key="esmo2023", title="Metastatic NSCLC: guideline")
    ReferenceFactory(
        citation_key="wu2020",
        title="Osimertinib in resected EGFR-mutated NSCLC",
        authors="Wu YL, Tsuboi M",
    )
    article = ArticleFactory(title="Which test comes first?")
    SectionFactory(article=article, order=1, body="Guidance first [@esmo2023].")
    SectionFactory(article=article, order=2, body="")
    tabs = Tabs(chromium, live_server.url)
    page = tabs.open()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        sign_in_to_admin(page, "writer", DEFAULT_PASSWORD)
        page.goto(f"/admin/articles/article/{article.pk}/change/")
        body = page.locator("textarea[name='sections-1-body']")

        body.click()
        body.press_sequentially("Adjuvant osimertinib [@Tsub")
        picker = page.get_by_role("listbox")
        expect(picker.get_by_role("option")).to_have_count(1)
        expect(picker.get_by_role("option")).to_contain_text("wu2020")
        body.press("Enter")

        expect(body).to_have_value("Adjuvant osimertinib [@wu2020]")
        second_preview = page.locator("#sections-1 .section-live-preview-body")
        expect(second_preview.locator("a.citation")).to_have_text("2")
        expect(page.locator("#section-live-preview-references li")).to_have_count(2)

        body.press_sequentially(" and [@wu2021]")
        expect(page.locator("#sections-1 .section-live-preview-unknown")).to_have_text(
            "Unknown citation key: wu2021"
        )
        page.wait_for_load_state("networkidle")
    finally:
        tabs.close_all()

    assert violations == []


def drag(page, source, target) -> None:
    """Drag with the mouse in small steps, as a hand does: the browser fires its
    drag events only when the pointer moves over the target."""
    source.hover(position={"x": 5, "y": 5})
    page.mouse.down()
    box = target.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + box["height"] - 5, steps=10)
    page.mouse.up()


def test_sections_are_reordered_by_dragging_and_added_in_place(chromium, live_server):
    EditorFactory(username="writer")
    ReferenceFactory(citation_key="esmo2023")
    article = ArticleFactory(title="Which test comes first?")
    SectionFactory(
        article=article, order=1, heading="Testing", body="Test [@esmo2023]."
    )
    SectionFactory(article=article, order=2, heading="Treatment", body="Treat.")
    tabs = Tabs(chromium, live_server.url)
    page = tabs.open()
    try:
        sign_in_to_admin(page, "writer", DEFAULT_PASSWORD)
        page.goto(f"/admin/articles/article/{article.pk}/change/")

        # The previews open under the sections once loaded; drag after that.
        expect(page.locator("#sections-1 .section-live-preview")).to_be_visible()
        drag(
            page,
            page.locator("#sections-1 h3"),
            page.locator("#sections-0 .section-live-preview"),
        )
        expect(page.locator("#sections-group .inline-related").first).to_have_id(
            "sections-1"
        )
        page.get_by_role("button", name="Add another Section").click()
        page.locator("#sections-2 select[name='sections-2-kind']").select_option(
            "general"
        )
        page.locator("textarea[name='sections-2-body']").fill("Follow up yearly.")
        page.locator("#sections-2 .section-move", has_text="Move up").click()
        page.get_by_role("button", name="Save and continue editing").click()

        headings = page.locator(
            "#sections-group .inline-related:not(.empty-form) input[name$='-heading']"
        )
        expect(headings.nth(0)).to_have_value("Treatment")
        expect(headings.nth(1)).to_have_value("")
        expect(headings.nth(2)).to_have_value("Testing")
        public = page.context.new_page()
        public.goto(article.get_absolute_url())
        expect(public.locator("main h2")).to_contain_text(
            ["Treatment", "General", "Testing"]
        )
    finally:
        tabs.close_all()

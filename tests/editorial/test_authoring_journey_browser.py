"""Writing a cited answer and sending it to review, as an editor does it in the
browser: three sections written with the citation picker, the live preview
checked, a reviewer invited and the review started, in at most five page loads.

The references are in the library already (added before the browser starts). Each
step's screenshot lands in ``artifacts/authoring/``; ``docs/editing.md`` shows
them (copied to ``docs/images/``).
"""

import pytest

from references.models import Reference
from tests.articles.factories import DEFAULT_PASSWORD
from tests.editorial.browser import (
    ARTIFACTS_DIR,
    Screenshots,
    Tabs,
    admin_error_messages,
    admin_success_message,
    choose_in_autocomplete,
    readonly_value,
    sign_in_to_admin,
)
from tests.references.factories import ReferenceFactory

try:
    from playwright.sync_api import expect
except ImportError:  # skipped by the ``browser`` marker
    expect = None

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MAX_PAGE_LOADS = 5
TITLE = "Which patients with resected EGFR-mutated lung cancer get osimertinib?"
SUMMARY = "Adults with resected stage IB-IIIA EGFR-mutated NSCLC, after chemotherapy."

LIBRARY = [
    (
        "esmo2023",
        Reference.Kind.GUIDELINE,
        "Early and locally advanced NSCLC: ESMO guideline",
        "Remon J, Soria JC",
    ),
    (
        "tagrisso-label",
        Reference.Kind.DRUG_LABEL,
        "Tagrisso (osimertinib) prescribing information",
        "AstraZeneca",
    ),
    (
        "wu2020",
        Reference.Kind.RESEARCH,
        "Osimertinib in resected EGFR-mutated NSCLC (ADAURA)",
        "Wu YL, Tsuboi M",
    ),
    (
        "tsuboi2023",
        Reference.Kind.RESEARCH,
        "Overall survival with osimertinib in resected NSCLC",
        "Tsuboi M, Herbst RS",
    ),
    (
        "herbst2023",
        Reference.Kind.RESEARCH,
        "Adjuvant osimertinib: final disease-free survival",
        "Herbst RS, Wu YL",
    ),
]

# Each section: its kind, then text typed around citations picked with a search word.
SECTIONS = [
    (
        "From the Guidelines",
        [("Test every resected non-squamous tumour for EGFR mutations ", "ESMO")],
        ".",
    ),
    (
        "From the FDA Drug Label",
        [
            (
                "Osimertinib is approved after resection of EGFR-mutated NSCLC ",
                "prescribing",
            )
        ],
        ".",
    ),
    (
        "From the Research",
        [
            ("Disease-free survival improved ", "ADAURA"),
            (", as did overall survival ", "Overall"),
        ],
        ".",
    ),
]


def write_section(
    page, index: int, kind: str, parts, ending: str, screenshots: Screenshots
) -> None:
    page.get_by_role("button", name="Add another Section").click()
    page.locator(f"#id_sections-{index}-kind").select_option(label=kind)
    body = page.locator(f"#id_sections-{index}-body")
    body.click()
    for text, search in parts:
        body.press_sequentially(text + "[@" + search)
        picker = page.get_by_role("listbox")
        expect(picker.get_by_role("option")).to_have_count(1)
        if search == "Overall":
            screenshots.take(page, "citation-picker")
        body.press("Enter")
    body.press_sequentially(ending)


def test_an_editor_writes_a_cited_answer_and_sends_it_to_review(
    chromium, live_server, editor, reviewer_one
):
    for key, kind, title, authors in LIBRARY:
        ReferenceFactory(citation_key=key, kind=kind, title=title, authors=authors)
    tabs = Tabs(chromium, live_server.url)
    page = tabs.open()
    loads = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    screenshots = Screenshots(ARTIFACTS_DIR / "authoring")
    try:
        sign_in_to_admin(page, editor.username, DEFAULT_PASSWORD)
        page.goto("/admin/articles/article/add/")
        page.get_by_label("Title").fill(TITLE)
        page.get_by_label("Short answer").fill(SUMMARY)
        page.get_by_label("Published").check()
        for index, (kind, parts, ending) in enumerate(SECTIONS):
            write_section(page, index, kind, parts, ending, screenshots)

        # The preview numbers the sources as readers will see them, across sections.
        expect(page.locator("#section-live-preview-references li")).to_have_count(4)
        expect(
            page.locator("#sections-2 .section-live-preview-body a.citation")
        ).to_have_text(["3", "4"])
        expect(page.locator("#id_sections-2-body")).to_have_value(
            "Disease-free survival improved [@wu2020], as did overall survival "
            "[@tsuboi2023]."
        )
        screenshots.take(page, "sections-previewed")

        page.locator("#review_assignments-group .add-row a").click()
        choose_in_autocomplete(
            page, "id_review_assignments-0-reviewer", "Ruiz", "Ana Ruiz, MD, PhD"
        )
        screenshots.take(page, "reviewer-invited")
        page.get_by_role("button", name="Save and send to review").click()

        expect(admin_error_messages(page)).to_have_count(0)
        expect(admin_success_message(page)).to_contain_text("Start review done")
        expect(readonly_value(page, "status")).to_have_text("Under Review")
        screenshots.take(page, "sent-to-review")
    finally:
        tabs.close_all()

    assert len(loads) <= MAX_PAGE_LOADS, loads

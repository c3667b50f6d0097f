"""Writing a cited answer and sending it to review, as an editor does it in the
browser: five identifiers pasted into *Import many* and saved, three sections
written with the citation picker, the live preview checked, a reviewer invited and
the review started, in at most five page loads.

It runs on the demo data (``load_demo``): the demo editor writes, a demo board member
reviews, and the identifiers are looked up on the recorded services
(``recorded_services``); the FLAURA paper is in the demo library already. Each
step's screenshot lands in ``artifacts/authoring/``; ``docs/editing.md`` shows
them (copied to ``docs/images/``).
"""

import pytest

from editorial.demo.content import DEMO_PASSWORD, WRITER_USERNAME
from editorial.demo.loader import demo_content_load
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

# Five works pasted into *Import many*, as the recorded services know them
# (tests/references/recordings/); the trial registration is the second line, the
# third is in the demo library already (as soria2018), and the first is likely there
# too: the demo's asco2019-sequencing has its title, year and journal but no
# identifiers, so it is offered unticked.
IDENTIFIERS = [
    "PMC6373987",
    "NCT02296125",
    "https://doi.org/10.1056/NEJMoa1713137",
    "10.1056/NEJMoa2027071",
    "doi:10.1056/NEJMoa2304594",
]
ADDED_KEYS = ["wu2020", "tsuboi2023"]

# Each section: its kind, then text typed around citations picked with a search word.
SECTIONS = [
    (
        "General",
        [("Reviews put osimertinib first for EGFR-mutated lung cancer ", "asco2019")],
        ".",
    ),
    (
        "From the Research",
        [
            ("In advanced disease it lengthened survival ", "soria2018"),
            (" against gefitinib or erlotinib ", "AZD9291"),
        ],
        ".",
    ),
    (
        "From the Research",
        [
            ("After resection, disease-free survival improved ", "wu2020"),
            (", as did overall survival ", "tsuboi2023"),
        ],
        ".",
    ),
]


def import_identifiers(page, screenshots: Screenshots) -> None:
    """Paste the identifiers, check the preview in place, save the new ones: one
    page load, back on the add-article form."""
    page.goto("/admin/references/reference/import/?next=/admin/articles/article/add/")
    page.get_by_label("Identifiers").fill("\n".join(IDENTIFIERS))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Overall Survival with Osimertinib")
    expect(preview).to_contain_text("Already there")
    expect(preview).to_contain_text("[@soria2018]")
    expect(preview).to_contain_text("Likely already there")
    expect(preview).to_contain_text("[@asco2019-sequencing]")
    expect(preview.get_by_label("Add this reference").first).not_to_be_checked()
    page.get_by_label("Kind").nth(1).select_option(label="Clinical Trial")
    screenshots.take(page, "identifiers-previewed")
    page.get_by_role("button", name="Add the chosen references").click()
    expect(admin_success_message(page)).to_contain_text("Added 3 references")
    for key in ADDED_KEYS:
        expect(admin_success_message(page)).to_contain_text(f"[@{key}]")


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
        if search == "tsuboi2023":
            screenshots.take(page, "citation-picker")
        body.press("Enter")
    body.press_sequentially(ending)


def test_an_editor_writes_a_cited_answer_and_sends_it_to_review(
    chromium, live_server, recorded_services
):
    demo_content_load()
    tabs = Tabs(chromium, live_server.url)
    page = tabs.open()
    loads = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    screenshots = Screenshots(ARTIFACTS_DIR / "authoring")
    try:
        sign_in_to_admin(page, WRITER_USERNAME, DEMO_PASSWORD)
        import_identifiers(page, screenshots)
        expect(page).to_have_url(f"{live_server.url}/admin/articles/article/add/")
        page.get_by_label("Title").fill(TITLE)
        page.get_by_label("Short answer").fill(SUMMARY)
        page.get_by_label("Published").check()
        for index, (kind, parts, ending) in enumerate(SECTIONS):
            write_section(page, index, kind, parts, ending, screenshots)

        # The preview numbers the sources as readers will see them, across sections.
        expect(page.locator("#section-live-preview-references li")).to_have_count(5)
        expect(
            page.locator("#sections-2 .section-live-preview-body a.citation")
        ).to_have_text(["4", "5"])
        expect(page.locator("#id_sections-2-body")).to_have_value(
            "After resection, disease-free survival improved [@wu2020], as did "
            "overall survival [@tsuboi2023]."
        )
        screenshots.take(page, "sections-previewed")

        page.locator("#review_assignments-group .add-row a").click()
        choose_in_autocomplete(
            page, "id_review_assignments-0-reviewer", "Okafor", "Amara Okafor, MD, PhD"
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

"""The article page in a real browser: links, phone layout, no outside assets."""

import pytest

# The live server only sees committed rows, so these tests commit. Serialized
# rollback puts back what the migrations created (roles, permissions) for the tests
# that follow, and keeps the flush from re-creating content types under new ids.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 740}


def test_a_citation_leads_to_its_reference_and_back(
    browser_page, reference_page_article
):
    page = browser_page
    page.goto(reference_page_article.get_absolute_url())

    page.locator("a.citation").first.click()
    assert page.evaluate("location.hash") == "#ref-1"
    assert page.locator("#ref-1").is_visible()
    assert page.evaluate(
        "document.getElementById('ref-1').getBoundingClientRect().top"
        " < window.innerHeight"
    )

    page.locator("#ref-1 a.back-link").first.click()
    assert page.evaluate("location.hash") == "#cite-1-1"


def test_the_page_fits_a_phone_and_loads_nothing_from_elsewhere(
    browser_page, live_server, reference_page_article
):
    page = browser_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size(PHONE)
    response = page.goto(reference_page_article.get_absolute_url())
    page.wait_for_load_state("networkidle")

    assert response.ok
    assert requested and all(url.startswith(live_server.url) for url in requested)
    assert any(url.endswith(".css") for url in requested)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_a_reader_switches_to_the_patient_version_and_it_is_remembered(
    browser_page, reference_page_article
):
    section = reference_page_article.sections.get(order=1)
    section.patient_body = "Your tumour is tested first [@esmo2023]."
    section.save()
    page = browser_page
    page.goto(reference_page_article.get_absolute_url())
    assert page.get_by_text("Your tumour is tested first").count() == 0

    page.get_by_label("Patient or caregiver").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your tumour is tested first").is_visible()
    assert page.get_by_text("version for patients and caregivers").is_visible()

    page.goto(reference_page_article.get_absolute_url())
    assert page.get_by_text("Your tumour is tested first").is_visible()
    assert page.get_by_label("Patient or caregiver").is_checked()


def test_printing_keeps_the_article_and_references_without_navigation_or_forms(
    browser_page, reference_page_article
):
    page = browser_page
    page.goto(reference_page_article.get_absolute_url())
    page.emulate_media(media="print")

    for hidden in ("header.site-header", "form.audience", "nav.toc", ".follow-up"):
        assert not page.locator(hidden).is_visible(), hidden
    for shown in ("h1", ".article-section >> nth=0", "#references", "#cite"):
        assert page.locator(shown).is_visible(), shown


def test_the_site_follows_a_dark_colour_scheme(browser_page, reference_page_article):
    page = browser_page
    luminance = """(selector) => {
        const style = getComputedStyle(document.querySelector(selector));
        const [r, g, b] = style.backgroundColor.match(/\\d+/g).map(Number);
        const [tr, tg, tb] = style.color.match(/\\d+/g).map(Number);
        return [(r + g + b) / 3, (tr + tg + tb) / 3];
    }"""
    page.goto(reference_page_article.get_absolute_url())
    background, text = page.evaluate(luminance, "body")
    assert background > 200 and text < 60

    page.emulate_media(color_scheme="dark")
    background, text = page.evaluate(luminance, "body")
    assert background < 40 and text > 200

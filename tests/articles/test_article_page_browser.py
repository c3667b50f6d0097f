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

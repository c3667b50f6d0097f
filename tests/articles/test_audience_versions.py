"""Patient versions of sections: chosen by the reader, reviewed with the article."""

import pytest

from articles import diffing
from articles.models import ArticleStatus, Section
from articles.selectors import article_content, article_content_as_of
from tests.articles.factories import ArticleFactory, SectionFactory

PROFESSIONAL_TEXT = "Osimertinib 80 mg once daily is preferred [@esmo2023]."
PATIENT_TEXT = "A daily tablet aimed at the gene change is usually tried first."
NOTE = "No plain-language version of this section yet"


@pytest.fixture
def article_with_patient_version(reference_library):
    article = ArticleFactory(title="Which tablet comes first?")
    SectionFactory(
        article=article,
        order=1,
        kind=Section.Kind.GUIDELINES,
        body=PROFESSIONAL_TEXT,
        patient_body=PATIENT_TEXT + " [@esmo2023]",
    )
    SectionFactory(
        article=article,
        order=2,
        kind=Section.Kind.RESEARCH,
        body="FLAURA: progression-free survival 18.9 versus 10.2 months.",
    )
    return article


def page_text(client, html, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response, html(response.content)


@pytest.mark.django_db
def test_patients_read_the_patient_version_and_the_page_says_so(
    client, html, article_with_patient_version
):
    url = article_with_patient_version.get_absolute_url()
    _, page = page_text(client, html, url, audience="patient")
    text = page.find("article").normalised_text

    assert PATIENT_TEXT in text
    assert "Osimertinib 80 mg once daily" not in text
    assert "You are reading the version for patients and caregivers" in text
    # Both versions share the article's numbering: the patient text cites [1].
    first_section = page.find_all("section", class_="article-section")[0]
    assert first_section.find("a", class_="citation").text == "1"


@pytest.mark.django_db
def test_professionals_read_the_professional_text_by_default(
    client, html, article_with_patient_version
):
    url = article_with_patient_version.get_absolute_url()
    _, page = page_text(client, html, url)
    text = page.find("article").normalised_text

    assert "Osimertinib 80 mg once daily is preferred" in text
    assert PATIENT_TEXT not in text
    assert "You are reading the version for healthcare professionals" in text
    assert "Professional medical disclaimer" in text
    assert NOTE not in text


@pytest.mark.django_db
def test_the_choice_is_remembered_in_a_cookie(
    client, html, article_with_patient_version
):
    url = article_with_patient_version.get_absolute_url()
    response, _ = page_text(client, html, url, audience="patient")
    assert response.cookies["medreview_audience"].value == "patient"
    assert "Cookie" in response["Vary"]

    _, page = page_text(client, html, url)
    assert PATIENT_TEXT in page.find("article").normalised_text

    _, page = page_text(client, html, url, audience="clinician")
    assert PATIENT_TEXT not in page.find("article").normalised_text
    _, page = page_text(client, html, url)
    assert PATIENT_TEXT not in page.find("article").normalised_text


@pytest.mark.django_db
def test_an_unknown_audience_changes_nothing(
    client, html, article_with_patient_version
):
    url = article_with_patient_version.get_absolute_url()
    response, page = page_text(client, html, url, audience="<script>")
    assert "medreview_audience" not in response.cookies
    assert PATIENT_TEXT not in page.find("article").normalised_text


@pytest.mark.django_db
def test_a_section_without_patient_version_shows_the_professional_text_with_a_note(
    client, html, article_with_patient_version
):
    url = article_with_patient_version.get_absolute_url()
    _, page = page_text(client, html, url, audience="patient")
    first, second = page.find_all("section", class_="article-section")

    assert NOTE not in first.normalised_text
    assert NOTE in second.normalised_text
    assert "FLAURA: progression-free survival" in second.normalised_text


@pytest.mark.django_db
def test_the_disclaimer_follows_the_audience(
    client, html, article_with_patient_version
):
    url = article_with_patient_version.get_absolute_url()
    _, page = page_text(client, html, url, audience="patient")
    disclaimer = page.find("aside", class_="disclaimer").normalised_text

    assert "Professional medical disclaimer" not in disclaimer
    assert "talk to them before you start, stop or change any treatment" in disclaimer


@pytest.mark.django_db
def test_the_audience_form_and_link_work_without_javascript(
    client, html, article_with_patient_version
):
    url = article_with_patient_version.get_absolute_url()
    _, page = page_text(client, html, url)
    form = page.find("form", class_="audience")

    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == url
    checked = [
        element.attrs["value"]
        for element in form.find_all("input")
        if "checked" in element.attrs
    ]
    assert checked == ["clinician"]
    link = form.find("p", class_="version-shown").find("a")
    assert link.attrs["href"] == "?audience=patient"


@pytest.mark.django_db
def test_an_unknown_marker_in_the_patient_version_is_refused(reference_library):
    from django.core.exceptions import ValidationError

    section = Section(
        article=ArticleFactory(),
        kind=Section.Kind.GENERAL,
        body="Fine [@esmo2023].",
        patient_body="Made up [@nobody1999].",
    )
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert "[@nobody1999]" in str(error.value.message_dict["patient_body"])


@pytest.mark.django_db
def test_a_reference_cited_only_by_the_patient_version_is_numbered(reference_library):
    article = ArticleFactory()
    SectionFactory(
        article=article,
        body="Test first [@esmo2023].",
        patient_body="Test first [@esmo2023], as the label says [@osimertinib-label].",
    )
    content = article_content(article=article)
    assert [item["citation_key"] for item in content["references"]] == [
        "esmo2023",
        "osimertinib-label",
    ]


@pytest.mark.django_db
def test_the_patient_version_is_in_diffs_and_history(article_with_patient_version):
    article = article_with_patient_version
    before = article_content(article=article)
    section = article.sections.get(order=1)
    section.patient_body = "A new plain-language text."
    section.save()
    after = article_content(article=article)

    comparison = diffing.compare(before, after)
    changed = [change for change in comparison.sections if change.is_changed]
    assert len(changed) == 1
    removed = [line.text for line in changed[0].lines if line.kind == "removed"]
    added = [line.text for line in changed[0].lines if line.kind == "added"]
    assert any(PATIENT_TEXT in text for text in removed)
    assert "A new plain-language text." in added

    history = section.history.order_by("history_date")
    assert [row.patient_body for row in history][-2:] == [
        PATIENT_TEXT + " [@esmo2023]",
        "A new plain-language text.",
    ]
    past = article_content_as_of(article=article, moment=history[0].history_date)
    assert past["sections"][0]["patient_body"] == PATIENT_TEXT + " [@esmo2023]"


@pytest.mark.django_db
def test_an_edited_patient_version_waits_for_approval(
    client, html, article_with_patient_version, editor_user
):
    from editorial.services import section_save
    from tests.articles.factories import take_through_review

    article = take_through_review(
        article_with_patient_version, to=ArticleStatus.APPROVED
    )
    version = article.approved_versions.get()
    assert version.content["sections"][0]["patient_body"].startswith(PATIENT_TEXT)

    section = article.sections.get(order=1)
    section.patient_body = "An unreviewed rewrite."
    section_save(section=section, user=editor_user)
    article.refresh_from_db()
    assert article.status == ArticleStatus.SUBMITTED

    _, page = page_text(client, html, article.get_absolute_url(), audience="patient")
    text = page.find("article").normalised_text
    assert PATIENT_TEXT in text
    assert "An unreviewed rewrite." not in text


@pytest.mark.django_db
def test_reviewers_see_the_words_changed_in_a_patient_version(
    article_with_patient_version,
):
    article = article_with_patient_version
    before = article_content(article=article)
    section = article.sections.get(order=1)
    section.patient_body = "A daily tablet aimed at the change is tried first."
    section.save()

    comparison = diffing.compare(before, article_content(article=article))
    [changed] = [change for change in comparison.sections if change.is_changed]
    assert "Patient version:" in changed.words
    assert "gene" in changed.words and "diff-words__removed" in changed.words

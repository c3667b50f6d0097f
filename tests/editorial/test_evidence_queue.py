"""Editors hear of retracted works cited by approved articles, decide in a queue,
and readers see a note only once an editor confirms."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from articles.models import ArticleStatus
from editorial.models import OutboundEmail
from references import checks
from references.models import ReferenceNotice
from tests.articles.factories import (
    ArticleFactory,
    SectionFactory,
    take_through_review,
)
from tests.editorial.conftest import make_editor
from tests.references.factories import ReferenceFactory

QUEUE_URL = reverse("admin:references_referencenotice_changelist")


@pytest.fixture
def wakefield(db):
    return ReferenceFactory(
        citation_key="wakefield1998",
        title="Ileal-lymphoid-nodular hyperplasia, non-specific colitis",
        doi="10.1016/S0140-6736(97)11096-0",
        pmid="9500320",
    )


@pytest.fixture
def approved_article(wakefield):
    article = ArticleFactory(title="Do vaccines cause autism?")
    SectionFactory(article=article, body="An early report [@wakefield1998].")
    return take_through_review(article, to=ArticleStatus.APPROVED)


@pytest.fixture
def editors(db):
    return make_editor("editor"), make_editor("second-editor")


def alerts():
    return OutboundEmail.objects.filter(kind="cited_work_retracted")


def test_editors_are_alerted_once_when_an_approved_article_cites_a_retracted_work(
    recorded_services, approved_article, editors
):
    checks.references_integrity_check()
    addresses = list(alerts().values_list("to_address", flat=True))
    # One email per editor, though Crossref and PubMed both report the retraction.
    assert len(addresses) == len(set(addresses))
    assert {editor.email for editor in editors} <= set(addresses)
    alert = alerts().first()
    assert "Retracted work cited by approved articles" in alert.subject
    assert "Do vaccines cause autism?" in alert.body_text
    assert "10.1016/S0140-6736(10)60175-4" in alert.body_text

    checks.references_integrity_check()
    assert alerts().count() == len(addresses)


def test_no_alert_when_only_unapproved_articles_cite_the_work(
    recorded_services, wakefield, editors
):
    SectionFactory(body="An early report [@wakefield1998].")
    checks.references_integrity_check()
    assert ReferenceNotice.objects.count() == 2
    assert not alerts().exists()


def test_the_queue_lists_the_notice_with_the_articles_citing_it(
    recorded_services, approved_article, editors, client
):
    checks.references_integrity_check()
    client.force_login(editors[0])
    response = client.get(QUEUE_URL, {"status__exact": "new"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    assert "Ileal-lymphoid-nodular hyperplasia" in response.text
    assert "Do vaccines cause autism?" in response.text
    assert "https://doi.org/10.1016/S0140-6736(10)60175-4" in response.text
    assert "https://pubmed.ncbi.nlm.nih.gov/20137807/" in response.text


def test_readers_see_a_note_only_once_an_editor_confirms(
    recorded_services, approved_article, editors, client
):
    checks.references_integrity_check()
    page = approved_article.get_absolute_url()
    assert "Editors’ note" not in client.get(page).text

    notice = ReferenceNotice.objects.get(found_in="Crossref")
    client.force_login(editors[0])
    change_url = reverse("admin:references_referencenotice_change", args=[notice.pk])
    response = client.post(change_url, {"reader_note": "", "_confirm": "1"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.decided_by) == ("confirmed", editors[0])

    client.logout()
    text = client.get(page).text
    assert "Editors’ note:" in text
    assert "This work has been retracted (2010-02-06)." in text
    approved_article.refresh_from_db()
    assert approved_article.status == ArticleStatus.APPROVED


def test_a_dismissed_notice_stays_hidden_from_readers(
    recorded_services, approved_article, editors, client
):
    checks.references_integrity_check()
    client.force_login(editors[0])
    client.post(
        QUEUE_URL,
        {
            "action": "dismiss_notices",
            "_selected_action": list(
                ReferenceNotice.objects.values_list("pk", flat=True)
            ),
        },
    )
    assert set(ReferenceNotice.objects.values_list("status", flat=True)) == {
        "dismissed"
    }
    client.logout()
    assert "Editors’ note" not in client.get(approved_article.get_absolute_url()).text


def test_reviewers_cannot_open_the_queue(client, reviewer_user):
    client.force_login(reviewer_user)
    response = client.get(QUEUE_URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_editors_see_broken_links_first(
    recorded_services, approved_article, editors, client
):
    approved_article_reference = approved_article.sections.get().citations.get()
    reference = approved_article_reference.reference
    reference.pmcid = "PMC1"
    reference.save()
    checks.references_links_check()
    client.force_login(editors[0])
    response = client.get(reverse("admin:references_linkcheck_changelist"))
    assert response.status_code == 200
    rows = response.text.split("<tr")
    first_row = next(row for row in rows if "/links/" in row)
    assert "pmcid/PMC1" in first_row
    assert "Broken" in first_row


def test_the_demo_references_are_checked_and_their_queue_shows_in_the_admin(
    recorded_services, settings, client, db
):
    settings.DEBUG = True  # load_demo refuses to run without it
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    # The demo's drug labels link to the FDA's site: only the integrity check runs
    # here, so no test reaches the internet (the link check has its own tests).
    call_command("check_references", "--skip-links", stdout=out)
    assert "heidenreich2022: Correction" in out.getvalue()
    assert "soria2018: nothing new" in out.getvalue()

    client.force_login(get_user_model().objects.get(username="editor"))
    response = client.get(QUEUE_URL)
    assert response.status_code == 200
    assert "2022 AHA/ACC/HFSA Guideline for the Management of Heart Failure" in (
        response.text
    )
    assert "doi:10.1161/CIR.0000000000001073" in response.text

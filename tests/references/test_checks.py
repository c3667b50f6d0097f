"""The daily checks against recorded answers: a retracted DOI, a corrected one, a
timeout and a 429 with Retry-After; the link check of URLs and identifier pages."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from references import checks
from references.models import LinkCheck, Reference, ReferenceNotice
from references.tasks import check_cited_references
from tests.articles.factories import ArticleFactory, SectionFactory
from tests.references.factories import ReferenceFactory
from tests.references.recorded_server import Fault

pytestmark = pytest.mark.django_db

RETRACTED_DOI = "10.1016/S0140-6736(97)11096-0"


def cited(reference: Reference, article: Article | None = None) -> Reference:
    SectionFactory(
        article=article or ArticleFactory(),
        body=f"As reported [@{reference.citation_key}].",
    )
    return reference


@pytest.fixture
def wakefield():
    return cited(
        ReferenceFactory(
            citation_key="wakefield1998",
            title="Ileal-lymphoid-nodular hyperplasia",
            doi=RETRACTED_DOI,
            pmid="9500320",
        )
    )


@pytest.fixture
def guideline():
    return cited(
        ReferenceFactory(
            citation_key="heidenreich2022",
            title="2022 AHA/ACC/HFSA Guideline for the Management of Heart Failure",
            doi="10.1161/CIR.0000000000001063",
            pmid="35363499",
        )
    )


@pytest.fixture
def flaura():
    return cited(
        ReferenceFactory(
            citation_key="soria2018",
            doi="10.1056/NEJMoa1713137",
            pmid="29151359",
            nct_number="NCT02296125",
            url="",
        )
    )


def recorded_notices():
    return sorted(
        ReferenceNotice.objects.values_list(
            "reference__citation_key", "kind", "notice_identifier", "found_in"
        )
    )


def test_a_retracted_work_is_flagged_from_crossref_and_pubmed(
    recorded_services, wakefield, guideline, flaura
):
    report = checks.references_integrity_check()
    assert report.checked == 3
    assert report.failures == []
    assert recorded_notices() == [
        (
            "heidenreich2022",
            "correction",
            "doi:10.1161/CIR.0000000000001073",
            "Crossref",
        ),
        (
            "wakefield1998",
            "retraction",
            "doi:10.1016/S0140-6736(10)60175-4",
            "Crossref",
        ),
        ("wakefield1998", "retraction", "pmid:20137807", "PubMed"),
    ]
    assert set(ReferenceNotice.objects.values_list("status", flat=True)) == {"new"}


def test_checking_again_records_nothing_twice(recorded_services, wakefield):
    checks.references_integrity_check()
    again = checks.references_integrity_check()
    assert again.new_notices == []
    assert ReferenceNotice.objects.count() == 2


def test_only_cited_references_are_checked(recorded_services, wakefield):
    ReferenceFactory(doi="10.5555/uncited", pmid="")
    report = checks.references_integrity_check()
    assert report.checked == 1
    asked = {request["path"] for request in recorded_services.requests}
    assert not any("uncited" in path for path in asked)


def test_nothing_is_changed_on_the_reference_or_the_citing_article(
    recorded_services, wakefield
):
    article = Article.objects.get(sections__citations__reference=wakefield)
    before = (article.status, article.last_updated, article.history.count())
    reference_history = wakefield.history.count()
    checks.references_integrity_check()
    article.refresh_from_db()
    assert (article.status, article.last_updated, article.history.count()) == before
    assert wakefield.history.count() == reference_history
    Reference.objects.get(pk=wakefield.pk)  # still there, unchanged title
    assert Reference.objects.get(pk=wakefield.pk).title == wakefield.title


def test_a_service_timing_out_is_reported_and_the_rest_goes_on(
    recorded_services, wakefield
):
    recorded_services.add_fault("/crossref/works/10.1016", Fault("timeout", delay=2))
    report = checks.references_integrity_check()
    assert len(report.failures) == 1
    assert "Crossref" in report.failures[0]
    assert "did not answer in time" in report.failures[0]
    assert recorded_notices() == [
        ("wakefield1998", "retraction", "pmid:20137807", "PubMed")
    ]
    # The next run finds what the timeout hid.
    checks.references_integrity_check()
    assert len(recorded_notices()) == 2


def test_a_429_is_waited_out_as_retry_after_asks(recorded_services, wakefield):
    recorded_services.add_fault("efetch", Fault("rate_limit", retry_after=1))
    report = checks.references_integrity_check()
    assert report.failures == []
    efetches = [r for r in recorded_services.requests if "efetch" in r["path"]]
    assert len(efetches) == 2
    assert ("wakefield1998", "retraction", "pmid:20137807", "PubMed") in (
        recorded_notices()
    )


def test_a_429_asking_for_too_long_a_wait_is_left_for_the_next_run(
    recorded_services, wakefield
):
    recorded_services.add_fault("efetch", Fault("rate_limit", retry_after=3600))
    report = checks.references_integrity_check()
    assert "rate limited" in report.failures[0]


def test_links_are_checked_with_redirects_and_their_answers_recorded(
    recorded_services, flaura
):
    flaura.pmcid = "PMC1"  # no such PMC article: its page is missing
    flaura.url = f"{recorded_services.url}/links/moved"
    flaura.save()
    report = checks.references_links_check()
    results = {
        check.url.rsplit("/links/", 1)[1]: (check.outcome, check.status_code)
        for check in LinkCheck.objects.all()
    }
    assert results == {
        "moved": ("ok", 200),
        "doi/10.1056/NEJMoa1713137": ("ok", 200),
        "pmid/29151359": ("ok", 200),
        "pmcid/PMC1": ("broken", 404),
        "nct_number/NCT02296125": ("ok", 200),
    }
    assert LinkCheck.objects.get(url__endswith="moved").final_url.endswith("/links/ok")
    assert [check.url for check in report.broken_links] == [
        f"{recorded_services.url}/links/pmcid/PMC1"
    ]
    assert all(check.checked for check in LinkCheck.objects.all())
    methods = {r["method"] for r in recorded_services.requests}
    assert methods == {"HEAD"}


def test_a_link_timing_out_or_rate_limited_is_recorded_as_such(
    recorded_services, flaura
):
    recorded_services.add_fault("/links/doi/", Fault("timeout", delay=2))
    recorded_services.add_fault("/links/pmid/", Fault("rate_limit", retry_after=1))
    recorded_services.add_fault(
        "/links/nct_number/", Fault("rate_limit", retry_after=3600)
    )
    checks.references_links_check()
    outcomes = {
        check.url.rsplit("/links/", 1)[1].split("/")[0]: check.outcome
        for check in LinkCheck.objects.all()
    }
    assert outcomes == {
        "doi": "unreachable",
        "pmid": "ok",  # waited one second, then asked again
        "nct_number": "rate_limited",
    }


def test_a_server_refusing_head_is_asked_with_get(recorded_services, flaura):
    flaura.url = f"{recorded_services.url}/links/head-refused"
    flaura.save()
    checks.references_links_check()
    assert LinkCheck.objects.get(url=flaura.url).outcome == "ok"


def test_a_second_link_check_updates_the_first_answer(recorded_services, flaura):
    checks.references_links_check()
    first = LinkCheck.objects.count()
    checks.references_links_check()
    assert LinkCheck.objects.count() == first


def test_the_command_shows_progress_and_a_summary(
    recorded_services, wakefield, flaura, capsys
):
    call_command("check_references")
    output = capsys.readouterr().out
    assert "1/2 wakefield1998: Retraction, Retraction" in output
    assert "2 references checked, 2 new notices, 0 could not be checked" in output
    assert "links not working" in output


def test_the_daily_task_is_scheduled_and_runs_both_checks(recorded_services, wakefield):
    schedule = settings.CELERY_BEAT_SCHEDULE["check-cited-references"]
    assert schedule["task"] == "references.tasks.check_cited_references"
    result = check_cited_references.delay().get()
    assert result["new_notices"] == 2
    assert result["checked"] == 1


def test_the_reference_list_and_form_show_what_the_checks_found(
    recorded_services, wakefield, flaura, admin_client
):
    checks.references_integrity_check()
    checks.references_links_check()
    response = admin_client.get(reverse("admin:references_reference_changelist"))
    rows = {
        row.split("</th>")[0]: row
        for row in response.text.split("<tr")
        if "field-title" in row
    }
    wakefield_row = next(row for key, row in rows.items() if "Ileal" in key)
    flaura_row = next(row for key, row in rows.items() if "Ileal" not in key)
    assert "2 update notices" in wakefield_row
    assert "1 link not working" in wakefield_row  # its PubMed page is unknown here
    assert "notice" not in flaura_row
    queue = admin_client.get(
        reverse("admin:references_referencenotice_changelist"),
        {"reference__id__exact": wakefield.pk},
    )
    assert queue.context["cl"].result_count == 2

    response = admin_client.get(
        reverse("admin:references_reference_change", args=[wakefield.pk])
    )
    assert "Retraction</a> (Crossref, To review)" in response.text
    assert "Retraction</a> (PubMed, To review)" in response.text


def test_saving_a_reference_form_is_unchanged_by_the_checks_section(
    recorded_services, flaura, admin_client
):
    checks.references_links_check()
    url = reverse("admin:references_reference_change", args=[flaura.pk])
    response = admin_client.post(
        url,
        {
            "kind": "clinical_trial",
            "citation_key": flaura.citation_key,
            "title": flaura.title,
            "doi": flaura.doi,
            "pmid": flaura.pmid,
        },
    )
    assert response.status_code == 302
    flaura.refresh_from_db()
    assert flaura.kind == "clinical_trial"


def test_a_link_into_a_private_network_is_not_opened(
    recorded_services, flaura, settings
):
    settings.MEDREVIEW_LINK_CHECK_PRIVATE_ADDRESSES = False
    flaura.url = f"{recorded_services.url}/links/ok"
    flaura.save()
    checks.references_links_check()
    assert recorded_services.requests == []
    check = LinkCheck.objects.get(url=flaura.url)
    assert check.outcome == "unreachable"
    assert "private network" in check.detail

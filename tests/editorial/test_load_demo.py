"""``manage.py load_demo``: the demo a newcomer sees, loaded safely and repeatably."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.http import HttpRequest

from articles.models import ApprovedVersion, Article, ArticleStatus, Citation, Section
from articles.selectors import article_body
from editorial import services, sweeps
from editorial.demo.article_content import (
    ATRIAL_FIBRILLATION,
    HEART_FAILURE,
    NSCLC,
    OSIMERTINIB_RESISTANCE_DRAFT,
)
from editorial.demo.content import DEMO_PASSWORD
from editorial.models import (
    AssignmentState,
    EditorialPolicy,
    Reminder,
    ReminderStatus,
    ReviewAssignment,
)
from references.models import Reference
from reviewers.models import AdvisoryBoardMember

DEMO_USERNAMES = ("editor", "reviewer1", "reviewer2")


def load_demo(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def printed_password(output: str) -> str:
    match = re.search(r"^Password: (\S+)$", output, re.MULTILINE)
    assert match, f"no password line in:\n{output}"
    return match.group(1)


def row_counts() -> dict[str, int]:
    models = (
        get_user_model(),
        Group,
        AdvisoryBoardMember,
        Reference,
        Article,
        Section,
        Citation,
        EditorialPolicy,
        ReviewAssignment,
        ApprovedVersion,
    )
    counts = {model.__name__: model.objects.count() for model in models}
    # Every save leaves a history row: none means nothing was rewritten.
    for model in (
        AdvisoryBoardMember,
        Reference,
        Article,
        Section,
        EditorialPolicy,
        ReviewAssignment,
    ):
        counts[f"history of {model.__name__}"] = model.history.count()
    return counts


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True
    return settings


@pytest.mark.django_db
def test_demo_article_has_the_three_section_kinds_and_numbered_sources(debug_on):
    load_demo()

    article = Article.objects.get(slug=NSCLC.slug)
    assert article.title == (
        "What is the approach to personalized medicine in non-small cell lung cancer?"
    )
    body = article_body(article=article)
    assert [section.kind for section in body.sections] == [
        Section.Kind.GUIDELINES,
        Section.Kind.DRUG_LABEL,
        Section.Kind.RESEARCH,
    ]
    assert [section.heading for section in body.sections] == [
        "From the Guidelines",
        "From the FDA Drug Label",
        "From the Research",
    ]
    numbers = [item.number for item in body.references]
    assert len(numbers) >= 7
    assert numbers == list(range(1, len(numbers) + 1))
    kinds = [item.reference.kind for item in body.references]
    assert kinds[0] == Reference.Kind.GUIDELINE
    assert kinds[1] == Reference.Kind.DRUG_LABEL
    assert kinds[2:7] == [Reference.Kind.RESEARCH] * 5
    label = body.references[1].reference
    assert "TAGRISSO" in label.title
    assert label.url.startswith("https://www.accessdata.fda.gov/")


@pytest.mark.django_db
def test_demo_research_section_has_subheadings_nested_bullets_and_bold_leads(
    debug_on, html
):
    load_demo()

    research = article_body(article=Article.objects.get(slug=NSCLC.slug)).sections[2]
    tree = html(research.html)
    subheadings = [heading.normalised_text for heading in tree.find_all("h3")]
    assert "Clinical Outcomes" in subheadings
    assert "Future Directions" in subheadings
    nested_lists = [ul for ul in tree.find_all("ul") if ul.parent.tag == "li"]
    assert nested_lists, "no bullet list nested in another"
    bold_leads = [
        item.children[0].tag
        for item in tree.find_all("li")
        if item.children and not isinstance(item.children[0], str)
    ]
    assert "strong" in bold_leads


@pytest.mark.django_db
def test_loading_twice_leaves_the_same_data(debug_on):
    load_demo()
    first = row_counts()
    article = Article.objects.get(slug=NSCLC.slug)
    password_hash = get_user_model().objects.get(username="editor").password

    output = load_demo()

    assert row_counts() == first
    again = Article.objects.get(slug=NSCLC.slug)
    assert again.last_updated == article.last_updated
    assert again.status == ArticleStatus.UNDER_REVIEW
    assert get_user_model().objects.get(username="editor").password == password_hash
    assert "0 created, 0 updated" in output


@pytest.mark.django_db
def test_loading_again_puts_an_edited_demo_article_back(debug_on):
    load_demo()
    section = Section.objects.get(article__slug=NSCLC.slug, order=1)
    section.body = "Edited by someone trying the demo."
    services.section_save(
        section=section,
        user=get_user_model().objects.get(username="editor"),
        reason="trying the demo",
    )
    assert Article.objects.get(slug=NSCLC.slug).status == ArticleStatus.SUBMITTED

    output = load_demo()

    section.refresh_from_db()
    assert section.body.startswith("Treatment of advanced non-small cell lung cancer")
    assert Article.objects.get(slug=NSCLC.slug).status == ArticleStatus.UNDER_REVIEW
    assert "section 1 (guidelines): updated" in output


@pytest.mark.django_db
def test_output_shows_progress_and_the_review_state(debug_on):
    output = load_demo()

    lines = output.splitlines()
    assert lines.index("Accounts") < lines.index("Reference library")
    assert lines.index("Reference library") < lines.index("Articles")
    assert "  reference [@hendriks2023]: created" in lines
    assert "Under Review" in output
    assert "pending-review banner" in output


@pytest.mark.django_db
def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG=1.*--force"):
        load_demo()

    assert not get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_force_runs_with_debug_off(settings):
    settings.DEBUG = False

    load_demo(force=True)

    assert Article.objects.filter(slug=NSCLC.slug).exists()


@pytest.mark.django_db
def test_demo_accounts_sign_in_with_the_printed_password(debug_on, client):
    password = printed_password(load_demo())

    assert password == DEMO_PASSWORD
    for username in DEMO_USERNAMES:
        assert client.login(
            request=HttpRequest(), username=username, password=password
        ), username
        client.logout()
    users = get_user_model().objects.in_bulk(DEMO_USERNAMES, field_name="username")
    editor = users["editor"]
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name="Editors").exists()
    assert editor.has_perm("articles.change_article")
    for username in ("reviewer1", "reviewer2"):
        reviewer = users[username]
        assert not reviewer.is_staff
        assert reviewer.groups.filter(name="Reviewers").exists()
        assert reviewer.board_member.is_active


@pytest.mark.django_db
def test_missing_roles_are_created_and_the_demo_still_loads(debug_on):
    Group.objects.filter(name__in=["Editors", "Reviewers"]).delete()

    load_demo()

    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="change_article").exists()
    assert not editors.permissions.filter(codename="review_article").exists()
    assert Group.objects.filter(name="Reviewers").exists()
    article = Article.objects.get(slug=NSCLC.slug)
    assert article.status == ArticleStatus.UNDER_REVIEW


@pytest.mark.django_db
def test_a_chosen_password_is_printed_and_works(debug_on, client):
    password = printed_password(load_demo(password="lung-demo-2025"))

    assert password == "lung-demo-2025"
    assert client.login(request=HttpRequest(), username="reviewer1", password=password)


@pytest.mark.django_db
def test_a_weak_password_is_refused_and_nothing_is_loaded(debug_on):
    with pytest.raises(CommandError):
        load_demo(password="12345")

    assert not get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()


@pytest.mark.django_db
def test_other_articles_are_in_the_other_states(debug_on):
    load_demo()

    status = dict(Article.objects.values_list("slug", "status"))
    assert status[NSCLC.slug] == ArticleStatus.UNDER_REVIEW
    assert status[HEART_FAILURE.slug] == ArticleStatus.SUBMITTED
    assert status[ATRIAL_FIBRILLATION.slug] == ArticleStatus.APPROVED
    public = Article.objects.public()
    assert set(public.values_list("status", flat=True)) == set(ArticleStatus.values)
    for article in public:
        assert article.sections.exists()
        assert Citation.objects.filter(section__article=article).exists()


@pytest.mark.django_db
def test_reviewed_demo_articles_have_their_reviewer_assigned(debug_on):
    load_demo()

    under_review = {
        assignment.reviewer.user.username: assignment.state
        for assignment in ReviewAssignment.objects.filter(article__slug=NSCLC.slug)
    }
    assert under_review == {
        "reviewer1": AssignmentState.ACCEPTED,
        "reviewer2": AssignmentState.INVITED,
    }
    approved = ReviewAssignment.objects.get(article__slug=ATRIAL_FIBRILLATION.slug)
    assert approved.reviewer.user.username == "reviewer2"
    assert approved.state == AssignmentState.COMPLETED


@pytest.mark.django_db
def test_demo_article_page_is_public_with_its_section_headings(debug_on, client, html):
    load_demo()

    response = client.get(f"/articles/{NSCLC.slug}/")

    assert response.status_code == 200
    page = html(response.content)
    headings = [heading.normalised_text for heading in page.find_all("h2")]
    for heading in (
        "From the Guidelines",
        "From the FDA Drug Label",
        "From the Research",
    ):
        assert heading in headings
    subheadings = [heading.normalised_text for heading in page.find_all("h3")]
    assert "Clinical Outcomes" in subheadings
    assert "pending human review" in page.normalised_text
    draft = client.get(f"/articles/{OSIMERTINIB_RESISTANCE_DRAFT.slug}/")
    assert draft.status_code == 404


@pytest.mark.django_db
def test_board_and_policy_pages_show_the_demo_content(debug_on, client):
    load_demo()

    board = client.get("/advisory-board/").content.decode()
    for member in AdvisoryBoardMember.objects.all():
        assert member.display_name in board
    assert {member.time_zone for member in AdvisoryBoardMember.objects.all()} == {
        "America/New_York",
        "Europe/London",
        "Asia/Tokyo",
    }
    policy = client.get("/editorial-policy/").content.decode()
    assert "Conflicts of interest" in policy
    assert "Corrections" in policy


@pytest.mark.django_db
def test_a_clash_with_the_library_is_reported_and_nothing_is_loaded(debug_on):
    Reference.objects.create(
        kind=Reference.Kind.RESEARCH,
        citation_key="flaura",
        title="FLAURA, entered by hand",
        doi="10.1056/NEJMoa1713137",
    )

    with pytest.raises(CommandError, match="flaura"):
        load_demo()

    assert not Article.objects.exists()
    assert not get_user_model().objects.filter(username__in=DEMO_USERNAMES).exists()


@pytest.mark.django_db
def test_demo_has_a_reminder_due_that_the_sweep_sends_once(debug_on, mailoutbox):
    load_demo()
    mailoutbox.clear()

    first = sweeps.reminders_sweep()
    second = sweeps.reminders_sweep()

    assert len(first.sent) == 1
    assert "Eleanor Whitfield" in first.sent[0]
    assert second.sent == []
    assert [message.to for message in mailoutbox] == [["reviewer2@medreview.invalid"]]
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).exists()


@pytest.mark.django_db
def test_demo_article_has_a_patient_version_of_every_section(debug_on, client, html):
    load_demo()
    article = Article.objects.get(slug=NSCLC.slug)

    response = client.get(article.get_absolute_url(), {"audience": "patient"})
    sections = html(response.content).find_all("section", class_="article-section")
    assert len(sections) == 3
    assert not any(
        "No plain-language version" in section.normalised_text for section in sections
    )
    assert "A sample of the tumor (a biopsy)" in sections[0].normalised_text
    # The patient text cites the same sources with the same numbers.
    assert sections[0].find("a", class_="citation").text == "1"


@pytest.mark.django_db
def test_importing_a_demo_reference_by_its_identifier_is_flagged_as_already_there(
    debug_on, client, recorded_services
):
    """The demo's ASCO educational review has no identifiers; its PMCID, imported,
    finds the same title, year and journal and is not added a second time."""
    load_demo()
    demo = Reference.objects.get(citation_key="asco2019-sequencing")
    assert (demo.doi, demo.pmid, demo.pmcid) == ("", "", "")
    client.force_login(get_user_model().objects.get(username="editor"))
    import_url = "/admin/references/reference/import/"

    preview = client.post(import_url, {"identifiers": "PMC6373987"})

    (row,) = preview.context["rows"]
    assert row.draft.pmcid == "PMC6373987"
    assert row.likely_duplicates == [demo]
    page = preview.content.decode()
    assert "Likely already there" in page
    assert "same title, year and journal" in page
    assert "[@asco2019-sequencing]" in page
    assert 'name="include" value="0" checked' not in page
    added = client.post(
        import_url,
        {"save": "1", "payload": preview.context["payload"]},
        follow=True,
    )
    assert "No reference was chosen" in added.content.decode()
    assert Reference.objects.filter(title__icontains="sequencing agents").count() == 1

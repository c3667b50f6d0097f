"""Periodic re-review: approved articles go back to their reviewers when due."""

import datetime

import pytest

from articles.models import ApprovedVersion, Article, ArticleStatus
from editorial import services, tasks
from editorial.models import AssignmentState, ReviewAssignment
from tests.editorial.notify_factories import at, mail_to

APPROVED_AT = at("2027-01-12 15:00")
DUE = datetime.date(2028, 1, 12)
EDITOR = "editor@example.org"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(APPROVED_AT, tick=False)
    return lambda moment: time_machine.move_to(moment, tick=False)


@pytest.fixture
def approved(clock, workflow, article, reviewer_one, reviewer_two) -> Article:
    """Approved on 12 January 2027 by Ana and Kenji."""
    workflow.approve_with(article, reviewer_one, reviewer_two)
    return Article.objects.get(pk=article.pk)


def on(day: datetime.date) -> datetime.datetime:
    """Six in the morning UTC of ``day``, when beat starts the daily task."""
    return datetime.datetime.combine(day, datetime.time(6), tzinfo=datetime.UTC)


# --- The date ------------------------------------------------------------------------


@pytest.mark.django_db
def test_approval_sets_the_next_review_twelve_months_later(approved):
    assert approved.status == ArticleStatus.APPROVED
    assert approved.next_review_due == DUE


@pytest.mark.django_db
def test_the_interval_can_be_set_per_article(clock, workflow, article, reviewer_one):
    article.review_interval_months = 6
    article.save()

    workflow.approve_with(article, reviewer_one)

    assert Article.objects.get(pk=article.pk).next_review_due == datetime.date(
        2027, 7, 12
    )


@pytest.mark.django_db
def test_the_site_default_interval_comes_from_settings(
    clock, workflow, article, reviewer_one, settings
):
    settings.MEDREVIEW_REREVIEW_MONTHS = 24

    workflow.approve_with(article, reviewer_one)

    assert Article.objects.get(pk=article.pk).next_review_due == datetime.date(
        2029, 1, 12
    )


@pytest.mark.django_db
def test_approved_on_the_31st_the_review_falls_on_the_months_last_day(
    clock, workflow, article, reviewer_one
):
    clock(at("2027-08-31 12:00"))
    article.review_interval_months = 6
    article.save()

    workflow.approve_with(article, reviewer_one)

    assert Article.objects.get(pk=article.pk).next_review_due == datetime.date(
        2028, 2, 29
    )


@pytest.mark.django_db
def test_the_public_page_shows_when_the_next_review_is_due(approved, client, html):
    page = html(client.get(approved.get_absolute_url()).content)

    dates = page.find("p", class_="dates").normalised_text
    assert "Next review due: January 12, 2028" in dates


# --- Starting the re-review -----------------------------------------------------------


@pytest.mark.django_db
def test_nothing_starts_before_the_date(clock, approved, mailoutbox):
    clock(on(DUE - datetime.timedelta(days=1)))

    assert services.rereviews_start_due() == []

    assert Article.objects.get(pk=approved.pk).status == ArticleStatus.APPROVED
    assert ReviewAssignment.objects.filter(round=2).count() == 0


@pytest.mark.django_db
def test_on_the_date_the_last_approvers_are_invited_again_and_editors_told(
    clock,
    approved,
    reviewer_one,
    reviewer_two,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    clock(on(DUE))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        started = services.rereviews_start_due()

    assert started == [approved]
    article = Article.objects.get(pk=approved.pk)
    assert article.status == ArticleStatus.UNDER_REVIEW
    assert article.next_review_due is None
    invited = ReviewAssignment.objects.filter(article=article, round=2)
    assert {a.reviewer for a in invited} == {reviewer_one, reviewer_two}
    assert {a.state for a in invited} == {AssignmentState.INVITED}
    assert {a.invited_by for a in invited} == {None}
    [notice] = mail_to(mailoutbox, EDITOR)
    assert notice.subject == f"Periodic re-review started: {article.title}"
    assert "Ana Ruiz, MD, PhD; Kenji Sato, MD" in notice.body
    assert "Readers keep the approved version until the review ends." in notice.body
    for member in (reviewer_one, reviewer_two):
        [invitation] = mail_to(mailoutbox, member.user.email)
        assert invitation.subject == f"Review invitation: {article.title}"
        assert "(round 2)" in invitation.body


@pytest.mark.django_db
def test_during_the_re_review_readers_keep_the_approved_version(
    clock, approved, client, html
):
    clock(on(DUE))
    services.rereviews_start_due()

    page = html(client.get(approved.get_absolute_url()).content)

    assert "An update to this article is under review" in (
        page.find("p", class_="update-note").normalised_text
    )
    assert page.find("p", class_="reviewed-by").normalised_text == (
        "Reviewed by Ana Ruiz, MD, PhD; Kenji Sato, MD"
    )
    assert "Last reviewed: January 12, 2027" in (
        page.find("p", class_="dates").normalised_text
    )
    assert "Exercise caution" not in page.find("main").text
    assert ApprovedVersion.objects.filter(article=approved).count() == 1


@pytest.mark.django_db
def test_the_daily_task_starts_each_due_article_once(
    clock, approved, workflow, reviewer_three, mailoutbox
):
    from tests.articles.factories import ArticleFactory

    later = ArticleFactory(title="Is aspirin still advised after 70?")
    clock(APPROVED_AT + datetime.timedelta(days=30))
    workflow.approve_with(later, reviewer_three)
    clock(on(DUE))

    assert tasks.start_due_rereviews.apply().result == [approved.pk]
    assert tasks.start_due_rereviews.apply().result == []
    assert tasks.start_due_rereviews.apply(("2028-02-11",)).result == [later.pk]

    assert ReviewAssignment.objects.filter(article=approved, round=2).count() == 2
    assert Article.objects.get(pk=later.pk).status == ArticleStatus.UNDER_REVIEW


@pytest.mark.django_db
def test_a_reviewer_who_left_the_board_is_not_invited_again(
    clock, approved, reviewer_one, reviewer_two
):
    reviewer_one.is_active = False
    reviewer_one.save()
    clock(on(DUE))

    services.rereviews_start_due()

    article = Article.objects.get(pk=approved.pk)
    assert article.status == ArticleStatus.UNDER_REVIEW
    assert [a.reviewer for a in ReviewAssignment.objects.filter(round=2)] == [
        reviewer_two
    ]


@pytest.mark.django_db
def test_when_every_last_reviewer_left_the_board_the_editors_are_told(
    clock,
    approved,
    reviewer_one,
    reviewer_two,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    for member in (reviewer_one, reviewer_two):
        member.is_active = False
        member.save()
    clock(on(DUE))
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.rereviews_start_due()

    article = Article.objects.get(pk=approved.pk)
    assert article.status == ArticleStatus.APPROVED
    [notice] = mailoutbox
    assert notice.to == [EDITOR]
    assert "No earlier reviewer could be invited" in notice.body

"""What reviewers see of the changes made for them, and who may still read a draft.

Each round is frozen when it opens and each decision with the content decided on,
so a reviewer of a later round is shown, word by word as readers read it, what
changed since they reviewed.
"""

import html
import re

import pytest
from django.test import Client

from articles.models import Article, ArticleStatus
from editorial import services
from editorial.models import AssignmentState, ReviewAssignment
from tests.articles.factories import SectionFactory
from tests.editorial.notify_factories import link_paths, mail_to

CHANGES = "Add the 2024 guideline's advice on re-biopsy."
EDITED_TEXT = "Test every advanced tumour, squamous ones included [@guide2024]."


def desk_url(assignment: ReviewAssignment, action: str = "") -> str:
    return f"/review/{assignment.pk}/" + (f"{action}/" if action else "")


def text(content: str) -> str:
    """What a reader reads of an HTML fragment, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def panel(page: str, panel_id: str) -> str:
    """The HTML of the page's section with this id."""
    start = page.index(f'id="{panel_id}"')
    return page[start : page.index("</section>", start)]


def marked_words(page: str, panel_id: str) -> dict[str, list[str]]:
    """The words a comparison panel marks as added and removed, in order."""
    content = panel(page, panel_id)
    return {
        kind: [
            html.unescape(words)
            for words in re.findall(
                rf'<{tag} class="diff-words__{kind}">(.*?)</{tag}>', content, re.S
            )
        ]
        for kind, tag in (("added", "ins"), ("removed", "del"))
    }


def edit_first_section(article: Article, editor, body: str) -> None:
    section = article.sections.get(order=1)
    section.body = body
    section._history_user = editor
    section.save()


@pytest.fixture
def second_round(workflow, article, editor, reviewer_one, reviewer_two):
    """Round 1: Ana Ruiz requests changes while Kenji Sato has accepted but not
    decided; the editor revises the first section and starts round 2, which
    invites both again."""
    first_ana, _first_kenji = workflow.send_to_review(
        article, reviewer_one, reviewer_two
    )
    workflow.request_changes(first_ana, CHANGES)
    edit_first_section(Article.objects.get(pk=article.pk), editor, EDITED_TEXT)
    workflow.start(Article.objects.get(pk=article.pk))
    return {
        member: ReviewAssignment.objects.get(article=article, round=2, reviewer=member)
        for member in (reviewer_one, reviewer_two)
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["decided", "accepted without deciding"])
def test_a_reviewer_sees_the_words_changed_since_they_reviewed(
    second_round, client, reviewer_one, reviewer_two, who
):
    member = reviewer_one if who == "decided" else reviewer_two
    client.force_login(member.user)

    page = client.get(desk_url(second_round[member])).content.decode()

    assert "Changes since you reviewed round 1" in text(page)
    # Named as readers see the section, with nothing else listed as changed.
    assert "Sections From the Guidelines (changed)" in text(
        panel(page, "changes-since-reviewed")
    )
    assert "Article fields" not in panel(page, "changes-since-reviewed")
    assert marked_words(page, "changes-since-reviewed") == {
        "added": [", squamous ones included"],
        "removed": [" for driver mutations"],
    }


@pytest.mark.django_db
def test_earlier_rounds_list_every_reviewers_comments_and_why_the_round_closed(
    second_round, client, reviewer_two
):
    client.force_login(reviewer_two.user)

    page = client.get(desk_url(second_round[reviewer_two])).content.decode()

    earlier = text(panel(page, "earlier-rounds"))
    assert "Round 1" in earlier
    assert "Why it closed: round closed: changes requested by ruiz" in earlier
    assert f"Ana Ruiz, MD, PhD — Request changes: {CHANGES}" in earlier


@pytest.mark.django_db
def test_the_comparison_is_of_what_readers_read_and_lets_no_markup_through(
    workflow, article, editor, client, reviewer_one
):
    (first,) = workflow.send_to_review(article, reviewer_one)
    workflow.request_changes(first, CHANGES)
    edit_first_section(
        Article.objects.get(pk=article.pk),
        editor,
        "Test **every** tumour <img src=x onerror=alert(1)> [@guide2024].",
    )
    workflow.start(Article.objects.get(pk=article.pk))
    second = ReviewAssignment.objects.get(article=article, round=2)
    client.force_login(reviewer_one.user)

    page = client.get(desk_url(second)).content.decode()

    changes = panel(page, "changes-since-reviewed")
    assert "<img" not in changes
    assert "&lt;img src=x onerror=alert(1)&gt;" in changes
    assert marked_words(page, "changes-since-reviewed")["added"] == [
        "<img src=x onerror=alert(1)>"
    ]
    assert "**" not in changes  # Markdown syntax is rendered, not compared
    assert "[1]" in text(changes)  # the citation as readers see it


@pytest.mark.django_db
def test_a_first_round_has_nothing_to_compare_with(
    workflow, article, client, reviewer_one
):
    (assignment,) = workflow.send_to_review(article, reviewer_one)
    client.force_login(reviewer_one.user)

    page = text(client.get(desk_url(assignment)).content.decode())

    assert "Changes since you reviewed" not in page
    assert "Earlier rounds" not in page


# --- Reviewers who left the review ----------------------------------------------------


def leave(how: str, workflow, article, editor, reviewer_one, reviewer_two):
    """Ana Ruiz's assignment ends ``how``; returns it."""
    if how == "cancelled":
        ana, kenji = workflow.send_to_review(article, reviewer_one, reviewer_two)
        workflow.request_changes(kenji, CHANGES)
        return ana
    (ana,) = workflow.invite(article, reviewer_one)
    if how == "declined":
        services.assignment_decline(assignment=ana, user=reviewer_one.user)
    elif how == "withdrawn":
        services.assignment_withdraw(assignment=ana, user=editor, note="too busy")
    elif how == "expired":
        services.assignment_expire(assignment=ana)
    return ana


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["declined", "withdrawn", "cancelled", "expired"])
def test_a_reviewer_who_left_no_longer_reads_an_unpublished_draft(
    how, workflow, article, editor, client, reviewer_one, reviewer_two
):
    Article.objects.filter(pk=article.pk).update(published=False)
    assignment = leave(how, workflow, article, editor, reviewer_one, reviewer_two)
    assert ReviewAssignment.objects.get(pk=assignment.pk).state == how
    client.force_login(reviewer_one.user)

    assert client.get(desk_url(assignment)).status_code == 404
    assert client.get(desk_url(assignment, "preview")).status_code == 404
    desk = client.get("/review/").content.decode()
    assert f'href="{desk_url(assignment)}"' not in desk


@pytest.mark.django_db
def test_a_reviewer_who_left_a_published_article_still_reads_it(
    workflow, article, editor, client, reviewer_one, reviewer_two
):
    assignment = leave(
        "withdrawn", workflow, article, editor, reviewer_one, reviewer_two
    )
    client.force_login(reviewer_one.user)

    response = client.get(desk_url(assignment))

    assert response.status_code == 200
    assert "Why it closed too busy" in text(response.content.decode())


@pytest.mark.django_db
def test_the_desk_shows_why_a_round_closed(
    workflow, article, client, reviewer_one, reviewer_two
):
    ana, kenji = workflow.send_to_review(article, reviewer_one, reviewer_two)
    workflow.request_changes(kenji, CHANGES)
    client.force_login(reviewer_one.user)

    desk = text(client.get("/review/").content.decode())

    assert "Closed with the round round closed: changes requested by sato" in desk


@pytest.mark.django_db
def test_a_reviewer_who_accepted_early_is_told_when_the_review_opens(
    workflow, article, client, reviewer_one
):
    (assignment,) = workflow.accept(*workflow.invite(article, reviewer_one))
    client.force_login(reviewer_one.user)

    assert "the review has not opened yet" in text(
        client.get("/review/").content.decode()
    )
    page = text(client.get(desk_url(assignment)).content.decode())
    assert "The editors have not opened the review yet" in page

    workflow.start(Article.objects.get(pk=article.pk))

    desk = text(client.get("/review/").content.decode())
    assert "the review is open: your decision is awaited" in desk
    assert "the review has not opened yet" not in desk


# --- Invitation links of members who can no longer review -----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("deactivated", ["board membership", "user account"])
def test_invitation_links_stop_working_for_deactivated_reviewers(
    deactivated,
    workflow,
    article,
    reviewer_one,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        (assignment,) = workflow.invite(article, reviewer_one)
    links = link_paths(mail_to(mailoutbox, reviewer_one.user.email)[-1].body)
    if deactivated == "board membership":
        reviewer_one.is_active = False
        reviewer_one.save()
    else:
        reviewer_one.user.is_active = False
        reviewer_one.user.save()

    for action in ("accept", "decline"):
        shown = Client().get(links[action])
        posted = Client().post(links[action])

        assert shown.status_code == posted.status_code == 410
        assert "not active" in text(posted.content.decode())
    assert ReviewAssignment.objects.get(pk=assignment.pk).state == (
        AssignmentState.INVITED
    )
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.SUBMITTED


@pytest.mark.django_db
def test_the_assignment_page_reads_a_fixed_number_of_queries(
    second_round, client, reviewer_two, django_assert_max_num_queries
):
    """Session, user, assignment, the working copy, the frozen version, earlier
    rounds, the editors' notes on cited works, the prepared section texts (and
    their insert in a savepoint, read for the first time): none of it is read per
    section or reference."""
    for order in range(3, 23):
        SectionFactory(
            article=second_round[reviewer_two].article,
            order=order,
            body=f"Point {order} [@guide2024; @trial2021].",
        )
    client.force_login(reviewer_two.user)

    with django_assert_max_num_queries(19):
        response = client.get(desk_url(second_round[reviewer_two]))

    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Changes since you reviewed round 1" in page
    assert "Point 22 [1, 2]." in page


@pytest.mark.django_db
def test_declining_from_the_email_leads_to_the_desk_not_to_a_closed_draft(
    workflow,
    article,
    reviewer_one,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    Article.objects.filter(pk=article.pk).update(published=False)
    with django_capture_on_commit_callbacks(execute=True):
        (assignment,) = workflow.invite(article, reviewer_one)
    links = link_paths(mail_to(mailoutbox, reviewer_one.user.email)[-1].body)

    page = Client().post(links["decline"], {"note": ""}).content.decode()

    assert 'href="/review/"' in page
    assert f'href="{desk_url(assignment)}"' not in page

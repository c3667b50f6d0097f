"""Readers' follow-up questions: the form, the editors' queue, the reader told."""

import datetime

import pytest
from django.test import Client

from articles.models import Article, ArticleStatus
from editorial.models import FollowUpQuestion, OutboundEmail, QuestionStatus
from tests.articles.factories import ArticleFactory
from tests.editorial.conftest import make_editor

QUESTION = "Does osimertinib still work after the cancer has spread to the brain?"


def ask(client, article, **fields):
    address = fields.pop("address", "198.51.100.7")
    data = {"question": QUESTION, "email": "", "consent": "on", "website": ""}
    return client.post(
        f"/articles/{article.slug}/ask/", data | fields, REMOTE_ADDR=address
    )


@pytest.mark.django_db
def test_the_article_page_leads_to_the_question_form(client, html):
    article = ArticleFactory()
    page = html(client.get(article.get_absolute_url()).content)
    link = page.find("section", class_="follow-up").find("a")
    assert link.attrs["href"] == f"/articles/{article.slug}/ask/"

    form_page = client.get(link.attrs["href"])
    assert form_page.status_code == 200
    form = html(form_page.content).find("form", class_="question-form")
    names = {field.attrs["name"] for field in form.find_all("input")} | {
        field.attrs["name"] for field in form.find_all("textarea")
    }
    assert names == {"csrfmiddlewaretoken", "question", "email", "consent", "website"}


@pytest.mark.django_db
def test_a_question_is_stored_and_the_reader_sees_a_confirmation(client, html):
    article = ArticleFactory()
    response = ask(client, article, email="reader@example.org")

    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert html(thanks.content).find("h1").text == (
        "Thank you: your question has reached the editors"
    )
    stored = FollowUpQuestion.objects.get()
    assert (stored.asked_on, stored.question, stored.email, stored.consent) == (
        article,
        QUESTION,
        "reader@example.org",
        True,
    )
    assert stored.status == QuestionStatus.NEW
    assert "198.51.100.7" not in stored.client_hash


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"consent": ""}, "Please agree, or we cannot take the question."),
        ({"question": "x" * 2001}, "Ensure this value has at most 2000 characters"),
        ({"question": "Why?"}, "Ensure this value has at least 10 characters"),
        ({"email": "not-an-address"}, "Enter a valid email address."),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(client, fields, error):
    response = ask(client, ArticleFactory(), **fields)
    assert response.status_code == 200
    assert error in response.text
    assert not FollowUpQuestion.objects.exists()


@pytest.mark.django_db
def test_a_bot_filling_the_honeypot_is_thanked_and_ignored(client):
    response = ask(client, ArticleFactory(), website="https://spam.example")
    assert response.status_code == 302
    assert not FollowUpQuestion.objects.exists()


@pytest.mark.django_db
def test_one_client_may_send_five_questions_an_hour(client, time_machine, settings):
    settings.MEDREVIEW_QUESTIONS_PER_HOUR = 5
    time_machine.move_to(datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC))
    article = ArticleFactory()
    for _ in range(5):
        assert ask(client, article).status_code == 302

    refused = ask(client, article)
    assert refused.status_code == 429
    assert "try again later" in refused.text
    assert ask(client, article, address="203.0.113.9").status_code == 302
    time_machine.move_to(datetime.datetime(2025, 3, 4, 13, 1, tzinfo=datetime.UTC))
    assert ask(client, article).status_code == 302
    assert FollowUpQuestion.objects.count() == 7


@pytest.mark.django_db
def test_behind_a_proxy_the_limit_counts_the_forwarded_client(client, settings):
    settings.MEDREVIEW_QUESTIONS_PER_HOUR = 1
    settings.MEDREVIEW_TRUSTED_PROXY_COUNT = 1
    article = ArticleFactory()

    def from_client(address):
        return client.post(
            f"/articles/{article.slug}/ask/",
            {"question": QUESTION, "consent": "on"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {address}",
        ).status_code

    assert from_client("198.51.100.7") == 302
    assert from_client("203.0.113.9") == 302
    assert from_client("198.51.100.7") == 429


@pytest.mark.django_db
def test_the_form_needs_its_csrf_token():
    article = ArticleFactory()
    client = Client(enforce_csrf_checks=True)
    assert ask(client, article).status_code == 403
    assert not FollowUpQuestion.objects.exists()


@pytest.mark.django_db
def test_no_question_can_be_asked_about_an_unpublished_article(client):
    draft = ArticleFactory(published=False)
    assert client.get(f"/articles/{draft.slug}/ask/").status_code == 404
    assert ask(client, draft).status_code == 404


# --- The editors' queue -----------------------------------------------------------


def question(**fields) -> FollowUpQuestion:
    return FollowUpQuestion.objects.create(
        asked_on=fields.pop("asked_on", None) or ArticleFactory(),
        question=fields.pop("question", QUESTION),
        consent=True,
        client_hash="x",
        **fields,
    )


@pytest.mark.django_db
def test_editors_see_the_queue_by_status(client, html):
    editor = make_editor()
    client.force_login(editor)
    question(question="A new question about statins")
    question(question="A declined question", status=QuestionStatus.DECLINED)

    page = client.get(
        "/admin/editorial/followupquestion/", {"status__exact": QuestionStatus.NEW}
    )
    assert page.status_code == 200
    assert "A new question about statins" in page.text
    assert "A declined question" not in page.text


@pytest.mark.django_db
def test_staff_outside_the_editors_cannot_open_the_queue(client):
    from tests.articles.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/editorial/followupquestion/").status_code == 403


@pytest.mark.django_db
def test_staff_who_may_only_view_questions_cannot_act_on_them(client):
    from django.contrib.auth.models import Permission

    from tests.articles.factories import UserFactory

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_followupquestion")
    )
    client.force_login(viewer)
    asked = question()

    for action in ("create_article", "decline"):
        response = client.post(
            "/admin/editorial/followupquestion/",
            {"action": action, "_selected_action": [asked.pk]},
        )
        assert response.status_code in (200, 302)
    asked.refresh_from_db()
    assert (asked.status, asked.answer) == (QuestionStatus.NEW, None)
    assert not Article.objects.filter(title=QUESTION).exists()


@pytest.mark.django_db
def test_one_action_turns_a_question_into_a_submitted_article(client):
    editor = make_editor()
    client.force_login(editor)
    asked = question()

    response = client.post(
        "/admin/editorial/followupquestion/",
        {"action": "create_article", "_selected_action": [asked.pk]},
        follow=True,
    )
    assert "created, Submitted." in response.text
    article = Article.objects.get(title=QUESTION)
    assert (article.status, article.published, article.author) == (
        ArticleStatus.SUBMITTED,
        False,
        editor,
    )
    assert article.history.first().history_user == editor
    asked.refresh_from_db()
    assert (asked.status, asked.answer) == (QuestionStatus.ANSWERED, article)

    again = client.post(
        "/admin/editorial/followupquestion/",
        {"action": "create_article", "_selected_action": [asked.pk]},
        follow=True,
    )
    assert "Only a new question can become an article" in again.text
    assert Article.objects.filter(title=QUESTION).count() == 1


@pytest.mark.django_db
def test_editors_decline_questions(client):
    client.force_login(make_editor())
    asked = question()
    client.post(
        "/admin/editorial/followupquestion/",
        {"action": "decline", "_selected_action": [asked.pk]},
    )
    asked.refresh_from_db()
    assert asked.status == QuestionStatus.DECLINED


@pytest.mark.django_db
def test_a_question_followed_to_its_approved_article_tells_the_reader_once(
    client, workflow, reviewer_one, mailoutbox, django_capture_on_commit_callbacks
):
    editor = workflow.editor
    client.force_login(editor)
    assert ask(client, ArticleFactory(), email="reader@example.org").status_code == 302
    asked = FollowUpQuestion.objects.get()

    client.post(
        "/admin/editorial/followupquestion/",
        {"action": "create_article", "_selected_action": [asked.pk]},
    )
    article = Article.objects.get(title=QUESTION)
    article.published = True
    article.save()
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve_with(article, reviewer_one)
        assert not [m for m in mailoutbox if m.to == ["reader@example.org"]]

    [message] = [m for m in mailoutbox if m.to == ["reader@example.org"]]
    assert message.subject == f"Your question is answered: {QUESTION}"
    assert f"http://127.0.0.1:8000{article.get_absolute_url()}" in message.body
    assert QUESTION in message.body
    asked.refresh_from_db()
    assert asked.reader_told_at is not None

    # A later re-approval does not write again.
    from editorial import services

    with django_capture_on_commit_callbacks(execute=True):
        services.article_reopen(article=article, user=editor, reason="Yearly check")
        [assignment] = article.review_assignments.filter(
            round=Article.objects.get(pk=article.pk).review_round
        )
        workflow.accept(assignment)
        workflow.approve(assignment)
    assert OutboundEmail.objects.filter(to_address="reader@example.org").count() == 1


@pytest.mark.django_db
def test_linking_an_already_approved_article_tells_the_reader_now(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    approved = ArticleFactory(review="approved")
    asked = question(email="reader@example.org")
    client.force_login(make_editor())
    data = {"answer": approved.pk, "editor_note": "Covered already."}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/editorial/followupquestion/{asked.pk}/change/", data
        )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.answer, asked.editor_note) == (
        QuestionStatus.ANSWERED,
        approved,
        "Covered already.",
    )
    assert [m.to for m in mailoutbox] == [["reader@example.org"]]


@pytest.mark.django_db
def test_a_question_without_an_email_is_answered_silently(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    approved = ArticleFactory(review="approved")
    asked = question()
    client.force_login(make_editor())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/editorial/followupquestion/{asked.pk}/change/",
            {"answer": approved.pk, "editor_note": ""},
        )
    asked.refresh_from_db()
    assert asked.status == QuestionStatus.ANSWERED
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_demo_queue_holds_a_new_and_an_answered_question(settings):
    from tests.editorial.test_load_demo import load_demo

    settings.DEBUG = True
    load_demo()
    load_demo()  # a second load changes nothing

    assert {
        (question.status, question.answer.slug if question.answer else None)
        for question in FollowUpQuestion.objects.all()
    } == {
        (QuestionStatus.NEW, None),
        (QuestionStatus.ANSWERED, "egfr-mutated-nsclc-after-osimertinib"),
    }

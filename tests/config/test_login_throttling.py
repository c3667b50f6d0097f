"""Sign-in throttling (django-axes) on the reviewers' and the admin's sign-in forms."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.articles.factories import DEFAULT_PASSWORD

SIGN_IN_PAGES = {"reviewer sign-in": "login", "admin sign-in": "admin:login"}


def sign_in(client, url_name: str, username: str, password: str):
    return client.post(reverse(url_name), {"username": username, "password": password})


def fail_until_locked(client, url_name: str, username: str):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, url_name, username, "wrong password")
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", SIGN_IN_PAGES.values(), ids=SIGN_IN_PAGES)
def test_repeated_failures_lock_the_account_with_a_clear_message(
    client, editor_user, url_name
):
    assert sign_in(client, url_name, "editor", "wrong password").status_code == 200

    locked = fail_until_locked(client, url_name, "editor")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Sign-in locked" in page
    assert f"after {settings.AXES_FAILURE_LIMIT} failed sign-ins" in page
    assert "ask an editor to lift the lock-out" in page
    # Even the right password is refused while locked out.
    response = sign_in(client, url_name, "editor", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lock_out_touches_only_that_username(client, editor_user, reviewer_user):
    fail_until_locked(client, "login", reviewer_user.username)

    response = sign_in(client, "login", "editor", DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor_user.pk)


@pytest.mark.django_db
def test_an_editor_lifts_a_lock_out_in_the_admin(client, reviewer_user, editor_user):
    from axes.models import AccessAttempt

    fail_until_locked(client, "login", reviewer_user.username)
    refused = sign_in(client, "login", reviewer_user.username, DEFAULT_PASSWORD)
    assert refused.status_code == 429

    client.force_login(editor_user)
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert reviewer_user.username in changelist.content.decode()
    attempt = AccessAttempt.objects.get(username=reviewer_user.username)
    confirmed = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert confirmed.status_code == 302
    client.logout()

    response = sign_in(client, "login", reviewer_user.username, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reviewer_user.pk)


@pytest.mark.django_db
def test_a_weak_password_is_refused_when_changing_it(editor_client):
    response = editor_client.post(
        reverse("admin:password_change"),
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "This password is too common." in page
    assert "This password is entirely numeric." in page

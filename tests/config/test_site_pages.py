"""Error pages, the favicon and signing in: what every visitor can run into."""

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.articles.factories import DEFAULT_PASSWORD


@pytest.mark.django_db
def test_an_unknown_address_gets_the_sites_own_not_found_page(client, html):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = html(response.content)
    assert page.find("h1").normalised_text == "Page not found"
    assert page.find("header", class_="site-header")
    links = [a.attrs["href"] for a in page.find("main").find_all("a")]
    assert "/" in links and "/advisory-board/" in links
    assert page.find("meta", name="robots").attrs["content"] == "noindex"


def test_a_server_error_gets_a_styled_page_that_needs_no_database(html):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = html(response.content)
    assert page.find("h1").normalised_text == "Something went wrong"
    assert page.find("link", rel="stylesheet").attrs["href"].endswith(".css")


@pytest.mark.django_db
def test_the_favicon_address_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")


@pytest.mark.django_db
def test_visitors_see_a_sign_in_link_and_signed_in_people_do_not(
    client, html, reviewer_user
):
    nav = html(client.get("/").content).find("nav")
    assert "/accounts/login/" in [a.attrs.get("href") for a in nav.find_all("a")]

    client.force_login(reviewer_user)
    nav = html(client.get("/").content).find("nav")
    assert "/accounts/login/" not in [a.attrs.get("href") for a in nav.find_all("a")]


def sign_in(client, user, **params):
    return client.post(
        "/accounts/login/",
        {"username": user.username, "password": DEFAULT_PASSWORD, **params},
        follow=True,
    )


@pytest.mark.django_db
def test_a_reviewer_who_signs_in_lands_on_the_desk(client, reviewer_user):
    response = sign_in(client, reviewer_user)
    assert response.redirect_chain[-1][0] == "/review/"
    assert response.status_code == 200


@pytest.mark.django_db
def test_an_editor_who_signs_in_lands_in_the_admin(client, editor_user):
    response = sign_in(client, editor_user)
    assert response.redirect_chain[-1][0] == "/admin/"


@pytest.mark.django_db
def test_signing_in_from_a_page_returns_to_it(client, reviewer_user):
    response = sign_in(client, reviewer_user, next="/advisory-board/")
    assert response.redirect_chain[-1][0] == "/advisory-board/"

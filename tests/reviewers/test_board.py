"""The Medical Advisory Board: public pages and the members' settings."""

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from tests.articles.factories import DEFAULT_PASSWORD
from tests.reviewers.factories import AdvisoryBoardMemberFactory


@pytest.mark.django_db
def test_the_board_page_lists_active_members_only(client, html):
    AdvisoryBoardMemberFactory(
        display_name="Ana Ruiz",
        credentials="MD, PhD",
        specialty="Thoracic oncology",
        institution="North Clinic",
    )
    AdvisoryBoardMemberFactory(display_name="Ben Okafor", credentials="PharmD")
    AdvisoryBoardMemberFactory(display_name="Former Member", is_active=False)

    response = client.get("/advisory-board/")
    assert response.status_code == 200
    items = html(response.content).find("ul", class_="board-list").find_all("li")
    assert [item.find("h2").normalised_text for item in items] == [
        "Ana Ruiz, MD, PhD",
        "Ben Okafor, PharmD",
    ]
    assert items[0].find("p").normalised_text == "Thoracic oncology · North Clinic"
    assert "Former Member" not in response.text


@pytest.mark.django_db
def test_a_member_page_shows_credentials_and_disclosure(client, html):
    member = AdvisoryBoardMemberFactory(
        display_name="Ana Ruiz",
        credentials="MD, PhD",
        bio="Leads the lung cancer clinic.",
        conflict_of_interest="Consulting fees from a drug maker (2024).",
    )
    board_page = html(client.get("/advisory-board/").content)
    link = board_page.find("ul", class_="board-list").find("a")
    assert (
        link.attrs["href"] == member.get_absolute_url() == "/advisory-board/ana-ruiz/"
    )

    page = html(client.get(member.get_absolute_url()).content)
    assert page.find("h1").text == "Ana Ruiz, MD, PhD"
    text = page.find("main").normalised_text
    assert "Leads the lung cancer clinic." in text
    assert "Consulting fees from a drug maker (2024)." in text


@pytest.mark.django_db
def test_a_member_without_a_disclosure_shows_none_declared(client, html):
    member = AdvisoryBoardMemberFactory(conflict_of_interest="")
    page = html(client.get(member.get_absolute_url()).content)
    assert "None declared." in page.find("main").normalised_text


@pytest.mark.django_db
def test_an_inactive_member_page_is_not_found(client):
    member = AdvisoryBoardMemberFactory(is_active=False)
    assert client.get(member.get_absolute_url()).status_code == 404
    assert client.get("/advisory-board/nobody/").status_code == 404


@pytest.mark.django_db
def test_member_text_is_escaped(client, html):
    member = AdvisoryBoardMemberFactory(
        display_name="<script>alert(1)</script>",
        bio='<img src=x onerror="alert(1)">',
    )
    page = html(client.get(member.get_absolute_url()).content)
    assert not page.find_all("script") and not page.find_all("img")
    assert page.find("h1").text.startswith("<script>alert(1)</script>")


@pytest.mark.django_db
def test_members_with_the_same_name_get_distinct_addresses():
    first = AdvisoryBoardMemberFactory(display_name="Ana Ruiz")
    second = AdvisoryBoardMemberFactory(display_name="Ana Ruiz")
    assert (first.slug, second.slug) == ("ana-ruiz", "ana-ruiz-2")


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
def test_a_real_time_zone_is_accepted(zone):
    member = AdvisoryBoardMemberFactory.build(time_zone=zone)
    member.full_clean()
    assert member.zone.key == zone


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "GMT+25", "paris"])
def test_an_unknown_time_zone_is_refused_with_an_example(zone):
    member = AdvisoryBoardMemberFactory.build(time_zone=zone)
    with pytest.raises(ValidationError) as caught:
        member.full_clean()
    messages = caught.value.message_dict["time_zone"]
    assert any(
        f"“{zone}” is not a time zone" in message and "Europe/Paris" in message
        for message in messages
    )


@pytest.mark.django_db
def test_a_time_zone_is_required():
    member = AdvisoryBoardMemberFactory.build(time_zone="")
    with pytest.raises(ValidationError) as caught:
        member.full_clean()
    assert caught.value.message_dict["time_zone"]


def test_a_member_without_an_account_can_exist(db):
    member = AdvisoryBoardMemberFactory(user=None)
    member.full_clean()
    assert member.user is None


def test_the_board_member_fixture_can_sign_in(client, board_member):
    assert client.login(
        request=HttpRequest(),
        username=board_member.user.username,
        password=DEFAULT_PASSWORD,
    )

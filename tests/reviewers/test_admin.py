"""Editors manage the board in the admin."""

from django.urls import reverse

from tests.reviewers.factories import AdvisoryBoardMemberFactory


def test_the_board_member_list_opens(admin_client, db):
    AdvisoryBoardMemberFactory(display_name="Ana Ruiz")
    AdvisoryBoardMemberFactory(display_name="Ben Okafor", is_active=False)
    response = admin_client.get(
        reverse("admin:reviewers_advisoryboardmember_changelist")
    )
    assert response.status_code == 200
    assert "Ana Ruiz" in response.text and "Ben Okafor" in response.text


def test_the_board_member_form_opens(admin_client, board_member):
    response = admin_client.get(
        reverse("admin:reviewers_advisoryboardmember_change", args=[board_member.pk])
    )
    assert response.status_code == 200
    assert "Europe/Paris" in response.text

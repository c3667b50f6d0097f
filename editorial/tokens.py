"""Signed, expiring, single-use links to accept or decline an invitation by email.

The signature proves the link came from us and carries its age; it is single-use
because it acts only while the assignment is still an open invitation, and it names
the invitation's own timestamp, so a re-invitation gets new links.
"""

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from editorial.models import AssignmentState, ReviewAssignment

ACCEPT = "accept"
DECLINE = "decline"
SALT = "editorial.invitation-response"


class InvalidInvitationLink(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def invitation_token(assignment: ReviewAssignment, action: str) -> str:
    return signing.dumps(
        {
            "assignment": assignment.pk,
            "action": action,
            "invited": assignment.invited_at.timestamp(),
        },
        salt=SALT,
        compress=True,
    )


def read_invitation_token(token: str) -> tuple[ReviewAssignment, str]:
    """The assignment and action of a valid link, or InvalidInvitationLink."""
    max_age = settings.MEDREVIEW_INVITATION_LINK_DAYS * 24 * 60 * 60
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise InvalidInvitationLink(
            "This link has expired. Open the reviewer desk to answer the invitation."
        ) from error
    except signing.BadSignature as error:
        raise InvalidInvitationLink(
            "This link is not valid. Open the reviewer desk to answer the invitation."
        ) from error
    assignment = (
        ReviewAssignment.objects.select_related("article", "reviewer__user")
        .filter(pk=data.get("assignment"))
        .first()
    )
    if assignment is None or data.get("action") not in (ACCEPT, DECLINE):
        raise InvalidInvitationLink("This link is not valid.")
    if (
        abs(assignment.invited_at.timestamp() - data.get("invited", 0)) > 0.001
        or assignment.state != AssignmentState.INVITED
    ):
        raise InvalidInvitationLink(
            "This invitation was already answered or is closed; the link works once. "
            "Open the reviewer desk to see where it stands."
        )
    member = assignment.reviewer
    if not member.is_active or member.user is None or not member.user.is_active:
        raise InvalidInvitationLink(
            _(
                "This link no longer works: the reviewer's board membership or "
                "account is not active. Contact the editors if this is a mistake."
            )
        )
    return assignment, data["action"]

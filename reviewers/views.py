"""Public pages of the Medical Advisory Board."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from config import http_caching
from reviewers.models import AdvisoryBoardMember


@require_safe
def board(request):
    members = AdvisoryBoardMember.objects.active()
    response = render(request, "reviewers/board.html", {"members": members})
    http_caching.set_last_modified(response, "board")
    return response


@require_safe
def member(request, slug: str):
    board_member = get_object_or_404(AdvisoryBoardMember.objects.active(), slug=slug)
    response = render(
        request,
        "reviewers/member.html",
        {
            "member": board_member,
            "reviewed_articles": board_member.reviewed_public_articles(),
        },
    )
    http_caching.set_last_modified(response, "board")
    return response

"""The editorial policy page and the reviewer desk at /review/.

Desk views are thin: they find the signed-in reviewer's own assignment (anyone else's
is a 404) and call ``editorial.services``, which checks every rule again.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from articles import markdown
from articles.models import Audience
from articles.selectors import (
    article_content,
    body_from_content,
    public_article,
    working_copy_page,
)
from articles.views import article_page_response
from config.http import client_address
from editorial import selectors, services, tokens
from editorial.forms import DecisionForm, DeclineForm, FollowUpQuestionForm
from editorial.models import AssignmentState, EditorialPolicy, ReviewAssignment


@require_safe
def editorial_policy(request):
    policy = EditorialPolicy.objects.order_by("-updated").first()
    html = mark_safe(markdown.render_page(policy.body)) if policy else ""  # noqa: S308 - sanitised
    response = render(
        request, "editorial/policy.html", {"policy": policy, "policy_html": html}
    )
    if policy is not None:
        response["Last-Modified"] = http_date(policy.updated.timestamp())
    return response


def reviewer_required(view):
    """Signed in, and a board member allowed to review."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_reviewer(request.user):
            raise PermissionDenied(
                _("The reviewer desk is for members of the Medical Advisory Board.")
            )
        return view(request, *args, **kwargs)

    return wrapper


def is_reviewer(user) -> bool:
    member = getattr(user, "board_member", None)
    return (
        member is not None
        and member.is_active
        and user.has_perm("articles.review_article")
    )


@require_safe
@login_required
def after_sign_in(request):
    """Where signing in leads when no page asked for it: reviewers to their desk,
    editors to the admin, anyone else to the articles."""
    if is_reviewer(request.user):
        return redirect("editorial:desk")
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("articles:list")


def _own_assignment(request, pk: int):
    return get_object_or_404(
        selectors.assignments_for_reviewer(user=request.user), pk=pk
    )


@require_safe
@reviewer_required
def desk(request):
    assignments = list(selectors.assignments_for_reviewer(user=request.user))
    return render(
        request,
        "editorial/desk.html",
        {
            "to_answer": [a for a in assignments if a.state == AssignmentState.INVITED],
            "in_progress": [
                a for a in assignments if a.state == AssignmentState.ACCEPTED
            ],
            "closed": [a for a in assignments if not a.is_live],
        },
    )


def _readable_assignment(request, pk: int) -> ReviewAssignment:
    """The reviewer's own assignment, if it still lets them read the draft."""
    assignment = _own_assignment(request, pk)
    if not assignment.shows_working_copy:
        raise Http404
    return assignment


@require_safe
@reviewer_required
def assignment_detail(request, pk: int):
    return _assignment_page(request, _readable_assignment(request, pk))


def _assignment_page(
    request,
    assignment: ReviewAssignment,
    *,
    decision_form: DecisionForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
):
    article = assignment.article
    working_copy = article_content(article=article)
    body = body_from_content(working_copy)
    has_patient_version = any(
        section["patient_body"] for section in working_copy["sections"]
    )
    return render(
        request,
        "editorial/assignment.html",
        {
            "assignment": assignment,
            "article": article,
            "sections": body.sections,
            "references": body.references,
            "comparisons": selectors.assignment_comparisons(
                assignment=assignment, working_copy=working_copy
            ),
            "patient_sections": (
                body_from_content(working_copy, audience=Audience.PATIENT).sections
                if has_patient_version
                else []
            ),
            "new_label": _("this working copy"),
            "earlier_rounds": selectors.earlier_rounds(article=article),
            "decision_form": decision_form
            or DecisionForm(
                initial={"seen_last_updated": article.last_updated.isoformat()}
            ),
            "decline_form": decline_form or DeclineForm(),
            "can_decide": assignment.awaits_decision,
        },
        status=status,
    )


@require_safe
@reviewer_required
def assignment_preview(request, pk: int):
    """The draft exactly as the public page would render it."""
    article = _readable_assignment(request, pk).article
    return article_page_response(
        request, article=article, page=working_copy_page(article=article), preview=True
    )


def _run(request, action, success: str):
    try:
        action()
    except services.WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)


@require_POST
@reviewer_required
def assignment_accept(request, pk: int):
    assignment = _own_assignment(request, pk)
    _run(
        request,
        lambda: services.assignment_accept(assignment=assignment, user=request.user),
        _("Thank you: you accepted this review."),
    )
    return redirect("editorial:assignment", pk=pk)


@require_POST
@reviewer_required
def assignment_decline(request, pk: int):
    assignment = _readable_assignment(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was recorded: correct the reason below."))
        return _assignment_page(request, assignment, decline_form=form, status=400)
    _run(
        request,
        lambda: services.assignment_decline(
            assignment=assignment, user=request.user, note=form.cleaned_data["note"]
        ),
        _("You declined this review; the editors are told."),
    )
    return redirect("editorial:desk")


@require_POST
@reviewer_required
def assignment_decide(request, pk: int):
    assignment = _readable_assignment(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was recorded: correct your decision below."))
        return _assignment_page(request, assignment, decision_form=form, status=400)
    data = form.cleaned_data
    _run(
        request,
        lambda: services.review_decide(
            assignment=assignment,
            user=request.user,
            recommendation=data["recommendation"],
            comments=data["comments"],
            seen_last_updated=data["seen_last_updated"],
        ),
        _("Your decision is recorded."),
    )
    return redirect("editorial:assignment", pk=pk)


def respond(request, token: str):
    """Accept or decline from the invitation email's signed link.

    GET only shows what the link will do (mail scanners follow links); the POST, with
    CSRF protection, acts for the invited member. The link works once.
    """
    try:
        assignment, action = tokens.read_invitation_token(token)
    except tokens.InvalidInvitationLink as error:
        return render(
            request, "editorial/respond.html", {"error": error.message}, status=410
        )

    def confirmation_page(form: DeclineForm, status: int = 200):
        return render(
            request,
            "editorial/respond.html",
            {"assignment": assignment, "action": action, "token": token, "form": form},
            status=status,
        )

    if request.method == "POST":
        user = assignment.reviewer.user
        form = DeclineForm(request.POST)
        if action == tokens.DECLINE and not form.is_valid():
            return confirmation_page(form, status=400)
        try:
            if action == tokens.ACCEPT:
                assignment = services.assignment_accept(
                    assignment=assignment, user=user
                )
            else:
                assignment = services.assignment_decline(
                    assignment=assignment, user=user, note=form.cleaned_data["note"]
                )
        except services.WorkflowError as error:
            return render(
                request, "editorial/respond.html", {"error": error.message}, status=409
            )
        return render(
            request,
            "editorial/respond.html",
            {"done": True, "assignment": assignment, "action": action},
        )
    if request.method not in ("GET", "HEAD"):
        refused = render(request, "editorial/respond.html", {"error": ""}, status=405)
        refused["Allow"] = "GET, HEAD, POST"
        return refused
    return confirmation_page(DeclineForm())


@require_POST
@reviewer_required
def reminders_pause(request):
    paused = request.POST.get("paused") == "1"
    _run(
        request,
        lambda: services.reviewer_set_reminders_paused(
            member=request.user.board_member, user=request.user, paused=paused
        ),
        _("Your reminders are paused; the editors are told.")
        if paused
        else _("Your reminders are on again."),
    )
    return redirect("editorial:desk")


@require_http_methods(["GET", "HEAD", "POST"])
def question_ask(request, slug: str):
    """The follow-up question form of a published article."""
    article = public_article(slug=slug)
    form = FollowUpQuestionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return redirect("editorial:question_thanks", slug=slug)
        try:
            services.question_ask(
                asked_on=article,
                question=form.cleaned_data["question"],
                email=form.cleaned_data["email"],
                consent=form.cleaned_data["consent"],
                client_address=client_address(
                    request, trusted_proxies=settings.MEDREVIEW_TRUSTED_PROXY_COUNT
                ),
            )
        except services.WorkflowError as refusal:
            form.add_error(None, refusal.message)
            status = 429
        else:
            return redirect("editorial:question_thanks", slug=slug)
    return render(
        request,
        "editorial/question_form.html",
        {"article": article, "form": form},
        status=status,
    )


@require_safe
def question_thanks(request, slug: str):
    article = public_article(slug=slug)
    return render(request, "editorial/question_thanks.html", {"article": article})

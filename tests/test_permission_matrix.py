"""Who may open what: every URL pattern of the project × every role → the status.

The table is checked against the URL resolver: a URL pattern without an entry fails
``test_every_url_pattern_has_an_entry``, which says how to add one. Each role's test
then requests every URL as that person and lists every status that differs, with the
line to write when the new status is the intended one.

Roles, in the order of each expectation string:

    anonymous     nobody signed in
    reviewer_a    a board member reviewing the article under review
    reviewer_b    another board member reviewing the same article (not A's assignment)
    idle_member   a board member with no assignment
    editor        staff in the Editors group
    superuser     staff with every permission

Statuses: a number, or ``L`` for a redirect to a sign-in page (the admin's or the
site's). A request is a GET unless the entry says ``post``; a POST sends no data, so
a permitted one usually answers with the form's errors, never changing anything. The
API's routes are also requested with HEAD, which must answer as their GET does.
Every request runs in a savepoint rolled back afterwards, so no request changes
what the next one sees.

To add a URL: add an entry to ``ROUTES`` keyed by the pattern as the failure message
prints it, with a function building the address from the ``SiteWorld`` (add objects
to ``tests/site_world.py`` if needed) and the six statuses. A new model registered in
the admin gets a line in ``ADMIN_MODELS`` instead.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.text import slugify

from editorial import tokens
from tests.site_world import SiteWorld, build_site_world

ROLES = ("anonymous", "reviewer_a", "reviewer_b", "idle_member", "editor", "superuser")
SIGN_IN_PATHS = ("/admin/login/", "/accounts/login/")


@dataclass(frozen=True)
class Entry:
    """How to request one URL pattern and the status each role gets."""

    path: Callable[[SiteWorld], str]
    expected: str  # six statuses in ROLES order, e.g. "L 200 404 404 403 403"
    method: str = "get"


def _assignment(world: SiteWorld, suffix: str = "") -> str:
    return f"/review/{world.assignment_a.pk}/{suffix}"


def _article_admin(world: SiteWorld, suffix: str) -> str:
    return f"/admin/articles/article/{world.approved_article.pk}/{suffix}"


def _view_on_site(world: SiteWorld) -> str:
    content_type = ContentType.objects.get_for_model(world.article)
    return f"/admin/r/{content_type.pk}/{world.article.pk}/"


# Every URL pattern that is not one of an admin model's standard views.
ROUTES: dict[str, Entry] = {
    # Public site.
    "": Entry(lambda w: "/", "200 200 200 200 200 200"),
    "articles/<slug:slug>/": Entry(
        lambda w: w.article.get_absolute_url(), "200 200 200 200 200 200"
    ),
    "advisory-board/": Entry(lambda w: "/advisory-board/", "200 200 200 200 200 200"),
    "advisory-board/<slug:slug>/": Entry(
        lambda w: w.reviewer_a.get_absolute_url(), "200 200 200 200 200 200"
    ),
    "editorial-policy/": Entry(
        lambda w: "/editorial-policy/", "200 200 200 200 200 200"
    ),
    "favicon.ico": Entry(lambda w: "/favicon.ico", "301 301 301 301 301 301"),
    "specialties/<slug:specialty_slug>/": Entry(
        lambda w: f"/specialties/{slugify(w.article.specialty)}/",
        "200 200 200 200 200 200",
    ),
    "sitemap.xml": Entry(lambda w: "/sitemap.xml", "200 200 200 200 200 200"),
    "robots.txt": Entry(lambda w: "/robots.txt", "200 200 200 200 200 200"),
    "feeds/approvals.atom": Entry(
        lambda w: "/feeds/approvals.atom", "200 200 200 200 200 200"
    ),
    "articles/<slug:slug>/ask/": Entry(
        lambda w: f"/articles/{w.article.slug}/ask/", "200 200 200 200 200 200"
    ),
    "articles/<slug:slug>/ask/thanks/": Entry(
        lambda w: f"/articles/{w.article.slug}/ask/thanks/", "200 200 200 200 200 200"
    ),
    # The read-only JSON API: public, like the pages it mirrors.
    "api/": Entry(lambda w: "/api/", "404 404 404 404 404 404"),
    "api/articles/": Entry(lambda w: "/api/articles/", "200 200 200 200 200 200"),
    "api/articles/<slug>/": Entry(
        lambda w: f"/api/articles/{w.article.slug}/", "200 200 200 200 200 200"
    ),
    "api/schema/": Entry(lambda w: "/api/schema/", "200 200 200 200 200 200"),
    "accounts/login/": Entry(lambda w: "/accounts/login/", "200 200 200 200 200 200"),
    "accounts/welcome/": Entry(lambda w: "/accounts/welcome/", "L 302 302 302 302 302"),
    "accounts/logout/": Entry(
        lambda w: "/accounts/logout/", "302 302 302 302 302 302", "post"
    ),
    # Reviewer desk: a board member's own assignments only.
    "review/": Entry(lambda w: "/review/", "L 200 200 200 403 403"),
    "review/<int:pk>/": Entry(_assignment, "L 200 404 404 403 403"),
    "review/<int:pk>/accept/": Entry(
        lambda w: _assignment(w, "accept/"), "L 302 404 404 403 403", "post"
    ),
    "review/<int:pk>/decline/": Entry(
        lambda w: _assignment(w, "decline/"), "L 302 404 404 403 403", "post"
    ),
    # An empty decision is refused with the form's errors shown.
    "review/<int:pk>/decide/": Entry(
        lambda w: _assignment(w, "decide/"), "L 400 404 404 403 403", "post"
    ),
    "review/<int:pk>/preview/": Entry(
        lambda w: _assignment(w, "preview/"), "L 200 404 404 403 403"
    ),
    "review/reminders/": Entry(
        lambda w: "/review/reminders/", "L 302 302 302 403 403", "post"
    ),
    # The emailed accept link is the right itself, whoever holds it (the page asks
    # to confirm; test_invitation_links.py covers spent and forged links).
    "review/respond/<str:token>/": Entry(
        lambda w: (
            "/review/respond/"
            + tokens.invitation_token(w.invitation_b, tokens.ACCEPT)
            + "/"
        ),
        "200 200 200 200 200 200",
    ),
    # The admin's own pages.
    "admin/": Entry(lambda w: "/admin/", "L L L L 200 200"),
    "admin/login/": Entry(lambda w: "/admin/login/", "200 200 200 200 302 302"),
    "admin/logout/": Entry(
        lambda w: "/admin/logout/", "302 302 302 302 302 302", "post"
    ),
    "admin/password_change/": Entry(
        lambda w: "/admin/password_change/", "L L L L 200 200"
    ),
    "admin/password_change/done/": Entry(
        lambda w: "/admin/password_change/done/", "L L L L 200 200"
    ),
    "admin/autocomplete/": Entry(
        lambda w: (
            "/admin/autocomplete/?app_label=reviewers"
            "&model_name=advisoryboardmember&field_name=member&term=a"
        ),
        "L L L L 403 403",
    ),
    "admin/jsi18n/": Entry(lambda w: "/admin/jsi18n/", "L L L L 200 200"),
    "admin/r/<path:content_type_id>/<path:object_id>/": Entry(
        _view_on_site, "L L L L 302 302"
    ),
    "admin/^(?P<app_label>articles|auth|axes|editorial|references|reviewers)/$": Entry(
        lambda w: "/admin/articles/", "L L L L 200 200"
    ),
    "admin/(?P<url>.*)$": Entry(lambda w: "/admin/no-such-page/", "L L L L 404 404"),
    "admin/auth/user/<id>/password/": Entry(
        lambda w: f"/admin/auth/user/{w.reviewer_a.user.pk}/password/",
        "L L L L 403 200",
    ),
    # The article's history, comparison, restore and workflow transitions.
    "admin/articles/article/<int:object_id>/timeline/": Entry(
        lambda w: _article_admin(w, "timeline/"), "L L L L 200 200"
    ),
    "admin/articles/article/<int:object_id>/compare/": Entry(
        lambda w: _article_admin(w, "compare/"), "L L L L 200 200"
    ),
    "admin/articles/article/<int:object_id>/preview/": Entry(
        lambda w: _article_admin(w, "preview/"), "L L L L 200 200"
    ),
    # A POST without data: the section's errors, as a fragment.
    "admin/articles/article/preview-section/": Entry(
        lambda w: "/admin/articles/article/preview-section/",
        "L L L L 400 400",
        "post",
    ),
    "admin/articles/article/<int:object_id>/restore/": Entry(
        lambda w: _article_admin(w, "restore/"), "L L L L 404 404", "post"
    ),
    "admin/articles/article/<path:object_id>/transition/<str:transition_name>/": Entry(
        lambda w: _article_admin(w, "transition/reopen/"), "L L L L 200 200"
    ),
    # Nothing pasted: back to the add form with a message, no service asked.
    "admin/references/reference/lookup/": Entry(
        lambda w: "/admin/references/reference/lookup/", "L L L L 302 302"
    ),
    "admin/references/reference/import/": Entry(
        lambda w: "/admin/references/reference/import/", "L L L L 200 200"
    ),
    # The section editor's live preview and citation picker.
    "admin/articles/article/preview-sections/": Entry(
        lambda w: "/admin/articles/article/preview-sections/", "L L L L 200 200", "post"
    ),
    "admin/references/reference/citation-picker/": Entry(
        lambda w: "/admin/references/reference/citation-picker/?term=a",
        "L L L L 200 200",
    ),
}

# The standard views the admin gives every registered model, by the end of their
# pattern; ``object`` is the bare object address, which redirects to its change page,
# ``version`` django-simple-history's page of one past version.
ADMIN_MODEL_VIEWS = {
    "changelist": "",
    "add": "add/",
    "change": "<path:object_id>/change/",
    "delete": "<path:object_id>/delete/",
    "history": "<path:object_id>/history/",
    "version": "^([^/]+)/history/([^/]+)/$",
    "object": "<path:object_id>/",
}


@dataclass(frozen=True)
class AdminModel:
    """An admin model's object to open, and what editors and superusers get on each
    of its standard views (in ``ADMIN_MODEL_VIEWS`` order, ``-`` where the model has
    no such view). Anyone who is not staff is sent to the admin's sign-in."""

    instance: Callable[[SiteWorld], object]
    editor: str
    superuser: str


#                 changelist add change delete history version object
ADMIN_MODELS: dict[str, AdminModel] = {
    "auth.group": AdminModel(
        lambda w: Group.objects.get(name="Editors"),
        editor="403 403 403 403 403 - 302",
        superuser="200 200 200 200 200 - 302",
    ),
    "auth.user": AdminModel(
        lambda w: w.reviewer_a.user,
        editor="403 403 403 403 403 - 302",
        superuser="200 200 200 200 200 - 302",
    ),
    "axes.accessattempt": AdminModel(
        lambda w: w.admin_records["access_attempt"],
        editor="200 403 200 200 200 - 302",
        superuser="200 403 200 200 200 - 302",
    ),
    "axes.accesslog": AdminModel(
        lambda w: w.admin_records["access_log"],
        editor="200 403 200 403 200 - 302",
        superuser="200 403 200 200 200 - 302",
    ),
    "axes.accessfailurelog": AdminModel(
        lambda w: w.admin_records["access_failure_log"],
        editor="200 403 200 403 200 - 302",
        superuser="200 403 200 200 200 - 302",
    ),
    "articles.article": AdminModel(
        lambda w: w.article,
        editor="200 200 200 403 200 200 302",
        superuser="200 200 200 200 200 200 302",
    ),
    "articles.citation": AdminModel(
        lambda w: w.article.sections.first().citations.first(),
        editor="200 403 200 403 200 200 302",
        superuser="200 403 200 403 200 200 302",
    ),
    "articles.approvedversion": AdminModel(
        lambda w: w.approved_article.approved_versions.first(),
        editor="200 403 200 403 200 - 302",
        superuser="200 403 200 403 200 - 302",
    ),
    "references.reference": AdminModel(
        lambda w: w.reference,
        editor="200 200 200 403 200 200 302",
        superuser="200 200 200 200 200 200 302",
    ),
    "reviewers.advisoryboardmember": AdminModel(
        lambda w: w.reviewer_a,
        editor="200 200 200 403 200 200 302",
        superuser="200 200 200 200 200 200 302",
    ),
    "editorial.reviewassignment": AdminModel(
        lambda w: w.assignment_a,
        editor="200 403 200 403 200 200 302",
        superuser="200 403 200 200 200 200 302",
    ),
    "editorial.reviewerconflict": AdminModel(
        lambda w: w.admin_records["conflict"],
        editor="200 200 200 200 200 200 302",
        superuser="200 200 200 200 200 200 302",
    ),
    "editorial.outboundemail": AdminModel(
        lambda w: w.admin_records["outbound_email"],
        editor="200 403 200 403 200 - 302",
        superuser="200 403 200 403 200 - 302",
    ),
    "references.referencenotice": AdminModel(
        lambda w: w.admin_records["reference_notice"],
        editor="200 403 200 403 200 200 302",
        superuser="200 403 200 403 200 200 302",
    ),
    "references.linkcheck": AdminModel(
        lambda w: w.admin_records["link_check"],
        editor="200 403 200 403 200 - 302",
        superuser="200 403 200 403 200 - 302",
    ),
    "editorial.followupquestion": AdminModel(
        lambda w: w.admin_records["follow_up_question"],
        editor="200 403 200 403 200 200 302",
        superuser="200 403 200 200 200 200 302",
    ),
    "editorial.editorialpolicy": AdminModel(
        lambda w: w.admin_records["policy"],
        editor="200 200 200 403 200 200 302",
        superuser="200 200 200 200 200 200 302",
    ),
    "reviewers.writer": AdminModel(
        lambda w: w.admin_records["writer"],
        editor="200 200 200 403 200 200 302",
        superuser="200 200 200 200 200 200 302",
    ),
}


# --- Reading the resolver ----------------------------------------------------------


def project_routes(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern of the project, written as Django prints it."""
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            routes += project_routes(
                pattern.url_patterns, prefix + str(pattern.pattern)
            )
        elif isinstance(pattern, URLPattern):
            routes.append(_sorted_app_labels(prefix + str(pattern.pattern)))
    return routes


def _sorted_app_labels(route: str) -> str:
    """The admin's app index pattern lists the apps in registration order, which
    changes with import order; the matrix names them sorted."""
    return re.sub(
        r"\(\?P<app_label>([^)]*)\)",
        lambda match: "(?P<app_label>" + "|".join(sorted(match[1].split("|"))) + ")",
        route,
    )


def admin_model_routes() -> dict[str, tuple[str, str]]:
    """Route → (model label, view) for the standard views of every admin model."""
    routes = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        base = f"admin/{model._meta.app_label}/{model._meta.model_name}/"
        for view, ending in ADMIN_MODEL_VIEWS.items():
            routes[base + ending] = (label, view)
    return routes


def test_every_url_pattern_has_an_entry():
    model_routes = admin_model_routes()
    missing = [
        route
        for route in project_routes()
        if route not in ROUTES and route not in model_routes
    ]
    unknown_models = sorted(
        {label for label, _view in model_routes.values()} - set(ADMIN_MODELS)
    )
    stale = sorted(set(ROUTES) - set(project_routes()))
    assert not (missing or unknown_models or stale), (
        "tests/test_permission_matrix.py has no entry for these URL patterns: "
        f"{missing}; add each to ROUTES as "
        "'<pattern>': Entry(lambda w: '<address>', '<six statuses>'). "
        f"Admin models without a line in ADMIN_MODELS: {unknown_models}. "
        f"Entries for patterns that no longer exist (remove them): {stale}."
    )


# --- Requesting every URL as each role --------------------------------------------


def observed_status(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(SIGN_IN_PATHS):
        return "L"
    return str(response.status_code)


def requests_with_expectations(world: SiteWorld, role: str):
    """(route, method, address, expected status) for every URL pattern."""
    index = ROLES.index(role)
    staff = role in ("editor", "superuser")
    model_routes = admin_model_routes()
    for route in project_routes():
        if route in ROUTES:
            entry = ROUTES[route]
            expected = entry.expected.split()[index]
            yield route, entry.method, entry.path(world), expected
            continue
        label, view = model_routes[route]
        model = ADMIN_MODELS[label]
        if staff:
            statuses = getattr(model, role).split()
            expected = statuses[list(ADMIN_MODEL_VIEWS).index(view)]
        else:
            expected = "L"  # the admin sends anyone who is not staff to sign in
        yield route, "get", admin_address(world, label, view, model), expected


def admin_address(world: SiteWorld, label: str, view: str, model: AdminModel) -> str:
    app_label, model_name = label.split(".")
    base = f"/admin/{app_label}/{model_name}/"
    if view in ("changelist", "add"):
        return base + ADMIN_MODEL_VIEWS[view]
    instance = model.instance(world)
    if view == "version":
        return f"{base}{instance.pk}/history/{instance.history.first().history_id}/"
    if view == "object":
        return f"{base}{instance.pk}/"
    return f"{base}{instance.pk}/{view}/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_on_every_url(role):
    world = build_site_world(with_admin_records=True)
    user = world.users()[role]

    differences = []
    for route, method, address, expected in requests_with_expectations(world, role):
        with transaction.atomic():
            # A fresh sign-in each time: the sign-out URLs end the session.
            client = Client()
            if user is not None:
                client.force_login(user)
            response = getattr(client, method)(address)
            transaction.set_rollback(True)
        status = observed_status(response)
        if status != expected:
            differences.append(
                f"{route!r} ({method.upper()} {address}): expected {expected}, "
                f"got {status}"
            )

    assert not differences, (
        f"As {role}:\n" + "\n".join(differences) + "\nFix the view, or, if the new "
        "status is intended, change the entry in tests/test_permission_matrix.py."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_head_as_it_answers_get(role):
    """The JSON API is read with GET and HEAD alike, by every role: a new API route
    registered for GET only would answer HEAD with 405."""
    world = build_site_world()
    user = world.users()[role]
    api_routes = [route for route in project_routes() if route.startswith("api/")]
    assert "api/articles/<slug>/" in api_routes

    differences = []
    for route in api_routes:
        entry = ROUTES[route]
        expected = entry.expected.split()[ROLES.index(role)]
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.head(entry.path(world))
        if observed_status(response) != expected:
            differences.append(
                f"{route!r} (HEAD): expected {expected}, got {response.status_code}"
            )
    assert not differences, f"As {role}:\n" + "\n".join(differences)

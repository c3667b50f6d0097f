"""Content-Security-Policy and Permissions-Policy: sent everywhere, and in Chromium
no page readers, reviewers or editors use breaks the policy (no inline script or
style is left in our templates)."""

import pytest
from django.test import Client

from editorial import tokens
from tests.site_world import build_site_world

PUBLIC_PAGES = ["/", "/advisory-board/", "/editorial-policy/", "/accounts/login/"]


def test_every_page_sends_the_policies(client, db):
    response = client.get("/")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_an_aligned_table_keeps_its_alignment_without_a_style_attribute(html):
    from articles.markdown import render

    table = html(render("| Driver | Share |\n|:-:|--:|\n| EGFR | 15% |"))

    assert [cell.attrs for cell in table.find_all("td")] == [
        {"class": "align-center"},
        {"class": "align-right"},
    ]


def test_only_the_admin_history_lists_allow_style_attributes(editor_client, db):
    """django-simple-history's history template has a style attribute; nothing
    else in the admin needs an exception, and scripts never get one."""
    from tests.articles.factories import ArticleFactory

    article = ArticleFactory()
    history = editor_client.get(f"/admin/articles/article/{article.pk}/history/")
    change = editor_client.get(f"/admin/articles/article/{article.pk}/change/")

    history_policy = history.headers["Content-Security-Policy"]
    assert "style-src-attr 'unsafe-inline'" in history_policy
    assert "script-src 'self'" in history_policy
    assert "unsafe-inline" not in change.headers["Content-Security-Policy"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_page_in_use_raises_a_policy_violation(chromium, live_server):
    world = build_site_world()
    article, approved = world.article, world.approved_article
    pages_by_user = {
        None: [
            *PUBLIC_PAGES,
            article.get_absolute_url(),
            approved.get_absolute_url() + "?audience=patients",
            world.reviewer_a.get_absolute_url(),
            "/admin/login/",
            "/review/respond/"
            + tokens.invitation_token(world.invitation_b, tokens.ACCEPT)
            + "/",
        ],
        world.reviewer_a.user: ["/review/", f"/review/{world.assignment_a.pk}/"],
        world.editor: [
            "/admin/",
            "/admin/articles/article/",
            f"/admin/articles/article/{article.pk}/change/",
            "/admin/articles/article/add/",
            f"/admin/articles/article/{article.pk}/history/",
            f"/admin/articles/article/{article.pk}/timeline/",
            f"/admin/articles/article/{approved.pk}/compare/",
            "/admin/references/reference/",
            f"/admin/references/reference/{world.reference.pk}/change/",
            f"/admin/references/reference/{world.reference.pk}/history/",
            "/admin/editorial/reviewassignment/",
            f"/admin/editorial/reviewassignment/{world.assignment_a.pk}/change/",
            "/admin/reviewers/advisoryboardmember/",
            f"/admin/reviewers/advisoryboardmember/{world.reviewer_a.pk}/change/",
            "/admin/axes/accessattempt/",
            "/admin/password_change/",
        ],
    }
    violations = []
    for user, pages in pages_by_user.items():
        context = chromium.new_context(base_url=live_server.url)
        if user is not None:
            signed_in = Client()
            signed_in.force_login(user)
            cookie = signed_in.cookies["sessionid"]
            context.add_cookies(
                [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
            )
        page = context.new_page()
        page.on(
            "console",
            lambda message, page=page: (
                violations.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        for path in pages:
            response = page.goto(path)
            assert response.ok, f"{path}: {response.status}"
            assert response.header_value("content-security-policy"), path
            page.wait_for_load_state("networkidle")
        if user is world.editor:
            # The admin's own scripts at work: the autocomplete and date widgets.
            page.goto("/admin/editorial/reviewerconflict/add/")
            page.locator(".select2-selection").first.click()
            page.wait_for_load_state("networkidle")
        context.close()

    assert violations == []

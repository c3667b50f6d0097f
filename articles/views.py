"""Public, read-only article pages."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from articles import page_cache, selectors
from articles.models import Article
from config import http_caching

# How long a CDN may serve an approved page without asking, and then while it asks.
APPROVED_PAGE_MAX_AGE = 60
APPROVED_PAGE_STALE_WHILE_REVALIDATE = 600


@require_safe
def article_list(request):
    response = render(
        request,
        "articles/list.html",
        {"articles": selectors.public_article_listings()},
    )
    http_caching.set_last_modified(response, "articles")
    return response


@require_safe
def article_detail(request, slug: str):
    article = selectors.public_article(slug=slug)
    return article_page_response(
        request, article=article, page=selectors.article_page(article=article)
    )


def article_page_response(
    request, *, article: Article, page: selectors.ArticlePage, preview: bool = False
) -> HttpResponse:
    """The public article page; previews for editors and reviewers render the same
    template from the same context, with a preview banner and no indexing."""
    audience = page_cache.request_audience(request)
    response = render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "page": page,
            "body_html": page_cache.article_body_html(page=page, audience=audience),
            "audience": audience,
            "editors_email": settings.MEDREVIEW_EDITORS_EMAIL,
            "preview": preview,
        },
    )
    if preview:
        response["X-Robots-Tag"] = "noindex"
        patch_cache_control(response, private=True, no_store=True)
        return response
    response["Last-Modified"] = http_date(page.changed_at.timestamp())
    # The same URL serves signed-in readers a page with their own menu.
    patch_vary_headers(response, ["Cookie"])
    if page.is_reviewed:
        patch_cache_control(
            response,
            public=True,
            max_age=APPROVED_PAGE_MAX_AGE,
            stale_while_revalidate=APPROVED_PAGE_STALE_WHILE_REVALIDATE,
        )
    else:
        patch_cache_control(response, no_cache=True)
    return response

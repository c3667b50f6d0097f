"""Public, read-only article pages."""

from dataclasses import replace

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from articles import discovery, page_cache, selectors, structured_data
from articles.forms import ArticleSearchForm
from articles.models import Article, Audience
from config import http_caching

ARTICLES_PER_PAGE = 20
AUDIENCE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60

# How long a CDN may serve an approved page without asking, and then while it asks.
APPROVED_PAGE_MAX_AGE = 60
APPROVED_PAGE_STALE_WHILE_REVALIDATE = 600


# The public pages only read, and each statement sees committed rows either way
# (PostgreSQL's READ COMMITTED): a transaction around them would only add two round
# trips, BEGIN and COMMIT, to every page the cache does not hold.
@transaction.non_atomic_requests
@require_safe
def article_list(request, specialty_slug: str = ""):
    specialties = discovery.public_specialties()
    specialty = None
    if specialty_slug:
        specialty = next((s for s in specialties if s.slug == specialty_slug), None)
        if specialty is None:
            raise Http404
    form = ArticleSearchForm(request.GET or None, specialties=specialties)
    filters = form.filters()
    if specialty:
        filters = replace(filters, specialty=specialty.slug)
    page = Paginator(
        discovery.article_search(filters=filters), ARTICLES_PER_PAGE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "articles/list.html",
        {
            "form": form,
            "specialty": specialty,
            "specialties": specialties,
            "filters": filters,
            "page_obj": page,
            "articles": discovery.article_listings(page.object_list),
            "query_string": query.urlencode(),
        },
    )
    http_caching.set_last_modified(response, "articles")
    # Only a list some reader could reach from the site's own links is shared: an
    # unknown specialty or a page past the last is answered, never stored.
    filters_valid = not form.is_bound or form.is_valid()
    page_exists = request.GET.get("page", "1") == str(page.number)
    if filters_valid and page_exists:
        page_cache.allow_storing(response)
    return response


@transaction.non_atomic_requests
@require_safe
def article_detail(request, slug: str):
    article = selectors.public_article(slug=slug)
    audience, remember = page_cache.chosen_audience(request)
    response = article_page_response(
        request,
        article=article,
        page=selectors.article_page(article=article, audience=audience),
    )
    # The same address answers differently per remembered audience.
    patch_vary_headers(response, ["Cookie"])
    if remember:
        response.set_cookie(
            page_cache.AUDIENCE_COOKIE,
            audience,
            max_age=AUDIENCE_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    return response


def article_page_response(
    request, *, article: Article, page: selectors.ArticlePage, preview: bool = False
) -> HttpResponse:
    """The public article page; previews for editors and reviewers render the same
    template from the same context, with a preview banner and no indexing."""
    page_url = request.build_absolute_uri(article.get_absolute_url())
    response = render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "page": page,
            "body_html": page_cache.article_body_html(page=page),
            "corrections": list(article.corrections.all()),
            "audience": page.audience,
            "other_audience": (
                Audience.CLINICIAN if page.for_patients else Audience.PATIENT
            ),
            "preview": preview,
            "page_url": page_url,
            "citation": selectors.page_citation(
                page=page, url=page_url, accessed=timezone.localdate()
            ),
            "structured_data": ""
            if preview
            else structured_data.as_script_content(
                structured_data.medical_web_page(page=page, request=request)
            ),
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


@require_safe
def robots_txt(request):
    """Crawlers may read the public site; the sitemap lists the approved articles."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /review/",
        "Disallow: /accounts/",
        "Disallow: /articles/*/ask/",
        f"Sitemap: {request.build_absolute_uri(reverse('articles:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")

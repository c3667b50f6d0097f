"""Public, read-only article pages."""

from dataclasses import replace

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from articles import discovery, selectors
from articles.forms import ArticleSearchForm
from articles.models import Article

ARTICLES_PER_PAGE = 20

AUDIENCES = {"patient", "clinician"}


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
        filters = replace(filters, specialty=specialty.name)
    page = Paginator(
        discovery.article_search(filters=filters), ARTICLES_PER_PAGE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
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
    audience = request.GET.get("audience")
    response = render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "page": page,
            "sections": page.body.sections,
            "references": page.body.references,
            "audience": audience if audience in AUDIENCES else "",
            "preview": preview,
        },
    )
    if preview:
        response["X-Robots-Tag"] = "noindex"
        patch_cache_control(response, private=True, no_store=True)
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

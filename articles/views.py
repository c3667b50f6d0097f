"""Public, read-only article pages."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from articles import selectors
from articles.models import Article

AUDIENCES = {"patient", "clinician"}


@require_safe
def article_list(request):
    return render(
        request,
        "articles/list.html",
        {"articles": selectors.public_article_listings()},
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
            "editors_email": settings.MEDREVIEW_EDITORS_EMAIL,
            "preview": preview,
        },
    )
    if preview:
        response["X-Robots-Tag"] = "noindex"
        patch_cache_control(response, private=True, no_store=True)
    return response

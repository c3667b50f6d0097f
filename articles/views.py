"""Public, read-only article pages."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles import selectors

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
    page = selectors.article_page(article=article)
    audience = request.GET.get("audience")
    return render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "page": page,
            "sections": page.body.sections,
            "references": page.body.references,
            "audience": audience if audience in AUDIENCES else "",
            "editors_email": settings.MEDREVIEW_EDITORS_EMAIL,
        },
    )

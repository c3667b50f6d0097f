"""The read-only JSON API: exactly what the public pages show, never a draft.

Built with django-ninja: its schemas are typed Python classes that both validate the
answers and generate the OpenAPI 3.1 description served at ``/api/schema/``.
"""

from datetime import date, datetime
from typing import Literal

from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Query, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import Field

from articles import discovery, selectors
from articles.forms import QUERY_MAX_LENGTH
from articles.models import Article, ArticleStatus, Audience, ListedArticle
from config.http import conditional_get, set_last_modified

API_PAGE_SIZE = 20

ReviewStatus = Literal["submitted", "under_review", "approved"]


class ReadOnlyAPI(NinjaAPI):
    """The API, whose operations are registered for GET and HEAD: a HEAD runs the
    GET (so its status, ETag, Last-Modified and 304s are the GET's) and the server
    drops the body, as for Django's own views. The description lists the GETs only:
    a HEAD entry would repeat each GET's operation id, which OpenAPI wants unique."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            operations.pop("head", None)
        return schema


api = ReadOnlyAPI(
    title="Medreview API",
    version="1",
    description=(
        "Read-only access to the published articles, exactly as their public pages "
        "show them: the latest approved version when there is one. Every answer has "
        "an ETag and a Last-Modified date; send If-None-Match or If-Modified-Since "
        "to get 304 Not Modified when nothing changed. Every GET also answers HEAD: "
        "the same status and headers, without the body."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url=None,
)


class ArticleSummary(Schema):
    slug: str
    url: str = Field(description="The public page.")
    api_url: str
    title: str
    summary: str
    specialty: str
    status: ReviewStatus = Field(
        description="The status the page shows: approved once a version was approved."
    )
    status_label: str
    last_reviewed: datetime | None = Field(description="The latest approval.")
    last_updated: datetime


class ArticleListPage(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[ArticleSummary]


class Reviewer(Schema):
    name: str
    credentials: str
    profile_url: str | None


class ArticleSection(Schema):
    kind: str
    kind_label: str
    heading: str
    markdown: str = Field(description="The body as written, with [@key] markers.")
    html: str = Field(description="The body rendered and sanitised, as on the page.")
    citation_numbers: dict[str, int] = Field(
        description="Each marker's citation key and the number it shows."
    )
    patient_markdown: str = Field(
        description="The plain-language version for patients and caregivers, as "
        "written; empty when the section has none (patients then read the body)."
    )
    patient_html: str | None = Field(
        description="The patient version rendered and sanitised, as the page shows "
        "it to patients; null when the section has none."
    )


class ArticleReference(Schema):
    number: int
    citation_key: str
    kind: str
    kind_label: str
    text: str = Field(description="Vancouver style, as the page shows it.")
    title: str
    authors: str
    source: str
    year: int | None
    volume: str
    issue: str
    pages: str
    doi: str
    pmid: str
    pmcid: str
    nct_number: str
    url: str


class ArticleDetail(ArticleSummary):
    keywords: list[str]
    update_under_review: bool = Field(
        description="A newer working copy is in review; this is the approved version."
    )
    next_review_due: date | None
    reviewed_by: list[Reviewer]
    sections: list[ArticleSection]
    references: list[ArticleReference]


class ArticleQuery(Schema):
    q: str = Field("", max_length=QUERY_MAX_LENGTH, description="Search words.")
    status: ReviewStatus | None = None
    specialty: str | None = Field(None, description="A specialty's slug.")
    page: int = Field(1, ge=1)


class NotFound(Schema):
    detail: str


@api.api_operation(
    ["GET", "HEAD"],
    "/articles/",
    response=ArticleListPage,
    summary="List and search the published articles",
)
@decorate_view(conditional_get)
def article_list(
    request: HttpRequest, response: HttpResponse, filters: Query[ArticleQuery]
):
    articles = discovery.article_search(
        filters=discovery.ArticleFilters(
            query=filters.q,
            status=filters.status or "",
            specialty=filters.specialty or "",
        )
    )
    paginator = Paginator(articles, API_PAGE_SIZE)
    if filters.page > max(paginator.num_pages, 1):
        raise HttpError(
            404,
            f"Page {filters.page} does not exist: there are {paginator.num_pages}.",
        )
    page = paginator.page(filters.page)
    latest = Article.objects.aggregate(
        modified=Max("modified"), approved=Max("approved_versions__approved_at")
    )
    set_last_modified(response, _latest(latest["modified"], latest["approved"]))
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "next": _page_url(request, page.next_page_number())
        if page.has_next()
        else None,
        "previous": _page_url(request, page.previous_page_number())
        if page.has_previous()
        else None,
        "results": [_summary(request, article) for article in page.object_list],
    }


@api.api_operation(
    ["GET", "HEAD"],
    "/articles/{slug}/",
    response={200: ArticleDetail, 404: NotFound},
    summary="One published article, as its page shows it",
)
@decorate_view(conditional_get)
def article_detail(request: HttpRequest, response: HttpResponse, slug: str):
    listed = ListedArticle.objects.filter(slug=slug).select_related("article").first()
    if listed is None:
        return Status(404, {"detail": "No published article has this slug."})
    article = listed.article
    page = selectors.article_page(article=article)
    for_patients = selectors.body_from_content(
        page.content, audience=Audience.PATIENT, reader_notes=page.reader_notes
    )
    set_last_modified(response, _latest(article.modified, page.last_reviewed))
    return _summary(request, listed) | {
        "keywords": [
            word.strip() for word in page.content["keywords"].split(",") if word.strip()
        ],
        "update_under_review": page.update_pending,
        "next_review_due": article.next_review_due if page.is_reviewed else None,
        "reviewed_by": [
            {
                "name": member["name"],
                "credentials": member.get("credentials", ""),
                "profile_url": request.build_absolute_uri(
                    reverse("reviewers:member", kwargs={"slug": member["slug"]})
                )
                if member.get("slug")
                else None,
            }
            for member in page.reviewed_by
        ],
        "sections": [
            {
                "kind": rendered.kind,
                "kind_label": rendered.kind_label,
                "heading": rendered.heading,
                "markdown": section["body"],
                "html": str(rendered.html),
                "citation_numbers": section["numbers"],
                "patient_markdown": section.get("patient_body", ""),
                "patient_html": None
                if patient.patient_version_missing or not section.get("patient_body")
                else str(patient.html),
            }
            for section, rendered, patient in zip(
                page.content["sections"],
                page.body.sections,
                for_patients.sections,
                strict=True,
            )
        ],
        "references": [
            {
                "number": item.number,
                "citation_key": item.reference.citation_key,
                "kind_label": str(item.reference.get_kind_display()),
                "text": item.reference.vancouver(),
            }
            | {
                name: getattr(item.reference, name)
                for name in item.reference.CONTENT_FIELDS
            }
            for item in page.body.references
        ],
    }


def _summary(request: HttpRequest, listed: ListedArticle) -> dict:
    """An article as the public list shows it."""
    return {
        "slug": listed.slug,
        "url": request.build_absolute_uri(listed.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("api:article_detail", kwargs={"slug": listed.slug})
        ),
        "title": listed.title,
        "summary": listed.summary,
        "specialty": listed.specialty,
        "status": listed.status,
        "status_label": str(ArticleStatus(listed.status).label),
        "last_reviewed": listed.last_reviewed,
        "last_updated": listed.last_updated,
    }


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _latest(*moments: datetime | None) -> datetime | None:
    return max((moment for moment in moments if moment is not None), default=None)

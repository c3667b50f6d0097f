"""The public article page, rendered once and served from Django's cache.

A page is stored per article slug, language, audience (the `?audience=` asked for, else
the reader's remembered cookie) and day, tagged with the article's
*generation*: a random token in the cache that every change to the article or its
approved versions replaces (``article_page_changed``, called by ``articles.signals``
on save and again after commit). A stored page is served only while its tag equals
the current generation, so approval, correction, re-approval and any edit of a
working copy make it unreachable at once; nothing is served stale.

A request reads the generation *before* the view reads the database and the rendered
page is stored under that generation. A change committing in between replaces the
generation, so a page rendered from the older rows is never served.

A warm hit costs one small cache read (the generation; the page itself is kept in the
process's memory too, under its generation) and no database query: the middleware
comes first and answers before any other middleware or the view runs. Only requests
that carry no session or messages cookie are served from or stored in the cache; a
signed-in reader always gets a fresh page. When the cache is unreachable (django-redis
ignores the error) the generation reads as missing and pages are rendered every time.

The API's article (``/api/articles/<slug>/``) is stored under its article's
generation too. The article lists (``/`` and the specialty pages, by status and
page, but never a search: a search's words are the reader's own and endless) are
stored the same way under one generation for all lists, replaced with every change
an article page's generation sees (``article_lists_changed``).
"""

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import parse_http_date_safe, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django_redis.cache import RedisCache

from articles.models import ArticleStatus, Audience, UnreplacedGeneration
from articles.selectors import ArticlePage

logger = logging.getLogger(__name__)

ARTICLE_PAGE_VIEW = "articles:detail"
AUDIENCE_COOKIE = "medreview_audience"


def generation_key(slug: str) -> str:
    return f"article-page:generation:{slug}"


def page_key(*, slug: str, language: str, audience: str) -> str:
    # The day is part of the key: "Cite this page" shows the date of access.
    return f"article-page:{slug}:{language}:{audience}:{timezone.localdate()}"


ARTICLE_LIST_VIEWS = {"articles:list", "articles:specialty"}
API_ARTICLE_VIEW = "api:article_detail"
CACHED_VIEWS = {ARTICLE_PAGE_VIEW, API_ARTICLE_VIEW, *ARTICLE_LIST_VIEWS}
LIST_GENERATION_KEY = "article-list:generation"
# What a stored list may be asked for: status, specialty, page. Anything else (a
# search, a parameter the page does not know, a value no list has) is rendered and
# not stored, so odd addresses cannot fill the cache.
LIST_PARAMETERS = {
    "status": lambda value: value in ArticleStatus.values or value == "",
    "specialty": lambda value: (
        len(value) <= 100 and (value == "" or slugify(value) == value)
    ),
    "page": lambda value: value.isdigit() and len(value) <= 4,
}


def list_key(request: HttpRequest, *, language: str) -> str | None:
    """The key of a storable list request, else None."""
    asked = request.GET
    if any(
        name not in LIST_PARAMETERS
        or len(asked.getlist(name)) != 1
        or not LIST_PARAMETERS[name](asked[name])
        for name in asked
    ):
        return None
    query = urlencode(sorted(asked.items()))
    return f"article-list:{request.path}:{query}:{language}:{timezone.localdate()}"


def chosen_audience(request: HttpRequest) -> tuple[str, bool]:
    """The audience asked for in the address, else the one remembered in the cookie,
    else healthcare professionals; and whether the cookie must be (re)set."""
    asked = request.GET.get("audience")
    if asked in Audience.values:
        return asked, request.COOKIES.get(AUDIENCE_COOKIE) != asked
    remembered = request.COOKIES.get(AUDIENCE_COOKIE)
    if remembered in Audience.values:
        return remembered, False
    return Audience.CLINICIAN, False


def article_body_html(*, page: ArticlePage) -> SafeString:
    """The sections and references of the page, rendered once per content (see
    ``ArticlePage.body_version``), language and audience. Shared by every reader,
    signed in or not, and kept when only the article's status changes."""
    language = translation.get_language()
    key = f"article-body:{page.body_version}:{language}:{page.audience}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "articles/includes/body.html",
            {"sections": page.body.sections, "references": page.body.references},
        )
        cache.set(key, html)
    return mark_safe(html)  # noqa: S308 - rendered by our template, values escaped


def request_is_shareable(request: HttpRequest) -> bool:
    """The page this request gets depends on nothing private: no session (signed-in
    user, CSRF-bearing forms) and no pending messages."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def article_page_changed(*, slug: str) -> None:
    """Make every stored page of this article unreachable, now and again once the
    current transaction commits: a page rendered in between, from rows not yet
    committed, is then unreachable too."""
    _replace_generation(generation_key(slug))


def article_lists_changed() -> None:
    """Make every stored article list unreachable, the same way."""
    _replace_generation(LIST_GENERATION_KEY)


def _replace_generation(key: str) -> None:
    _replace(key)
    transaction.on_commit(lambda: _replace(key))


def _replace(key: str) -> None:
    if not _set_generation(key):
        # The cache kept the old generation and may serve its pages once it answers
        # again: note it for the sweep, in the database, which did answer.
        logger.error(
            "The cache did not take the new generation %s; the sweep will replace it "
            "once the cache answers.",
            key,
        )
        UnreplacedGeneration.objects.update_or_create(
            key=key, defaults={"noted_at": timezone.now()}
        )


def _set_generation(key: str) -> bool:
    """Whether the cache took a new generation under ``key``. django-redis answers a
    write with True, or None when it ignored a connection error; Django's local
    memory and dummy backends cannot lose one (their answer is always None)."""
    written = cache.set(key, uuid.uuid4().hex, timeout=None)
    return written is True or not isinstance(caches["default"], RedisCache)


def replace_unreplaced_generations() -> int:
    """Replace every generation a change could not replace; returns how many are
    still waiting (the cache still does not answer)."""
    waiting = 0
    for noted in UnreplacedGeneration.objects.all():
        if _set_generation(noted.key):
            # A failure noted again meanwhile stays for the next sweep.
            UnreplacedGeneration.objects.filter(
                key=noted.key, noted_at__lte=noted.noted_at
            ).delete()
        else:
            waiting += 1
    return waiting


def current_generation(key: str) -> str | None:
    """The generation under ``key``, created if missing; None when the cache is
    down."""
    generation = cache.get(key)
    if generation is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        generation = cache.get(key)
    return generation


class ArticlePageCacheMiddleware:
    """Serve and store the anonymous article page and article lists (see the
    module's docstring).

    First in the middleware list: a stored page carries the headers the whole stack
    gave it (security headers, ETag, Cache-Control), and a warm hit skips the stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view_name, kwargs = self._view(request)
        if (
            view_name is None
            or not request_is_shareable(request)
            or (settings.SECURE_SSL_REDIRECT and not request.is_secure())
        ):
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        if view_name == ARTICLE_PAGE_VIEW:
            audience, remember = chosen_audience(request)
            if remember:
                # The answer sets the audience cookie: the view writes it.
                return self.get_response(request)
            key = page_key(slug=kwargs["slug"], language=language, audience=audience)
            generation_name = generation_key(kwargs["slug"])
        elif view_name == API_ARTICLE_VIEW:
            if request.GET:
                return self.get_response(request)
            # Both audiences are in the answer; the day, for the dates it shows.
            key = f"api-article:{kwargs['slug']}:{language}:{timezone.localdate()}"
            generation_name = generation_key(kwargs["slug"])
        else:
            key = list_key(request, language=language)
            if key is None:
                return self.get_response(request)
            generation_name = LIST_GENERATION_KEY
        # The pages hold absolute links (canonical address, "Cite this page", the
        # API's urls), so each origin the site answers to has its own copy. A host
        # not allowed is refused here as usual, never served.
        key = f"{request.scheme}://{request.get_host()}/{key}"
        generation = current_generation(generation_name)
        if generation is not None:
            page = _stored_page(key, generation)
            if page is not None:
                return _replay(request, page)
        response = self.get_response(request)
        if generation is not None and _storable(response, view_name=view_name):
            page = _page_from_response(response, generation)
            cache.set(key, page)
            _remember(key, page)
        return response

    @staticmethod
    def _view(request: HttpRequest) -> tuple[str | None, dict]:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None, {}
        if match.view_name in CACHED_VIEWS:
            return match.view_name, match.kwargs
        return None, {}


# Pages this process served lately, by key and generation: a warm hit then reads only
# the small generation token from the shared cache, not the page itself.
LOCAL_PAGES_LIMIT = 32
_local_pages: OrderedDict[tuple[str, str], dict] = OrderedDict()
_local_pages_lock = threading.Lock()


def _stored_page(key: str, generation: str) -> dict | None:
    with _local_pages_lock:
        page = _local_pages.get((key, generation))
        if page is not None:
            _local_pages.move_to_end((key, generation))
            return page
    page = cache.get(key)
    if page is None or page["generation"] != generation:
        return None
    _remember(key, page)
    return page


def _remember(key: str, page: dict) -> None:
    with _local_pages_lock:
        _local_pages[(key, page["generation"])] = page
        while len(_local_pages) > LOCAL_PAGES_LIMIT:
            _local_pages.popitem(last=False)


def allow_storing(response: HttpResponse) -> None:
    """The view vouches that this list answers an address the site links to (every
    filter valid, the page number one that exists): without it a list is not
    stored, so made-up addresses cannot fill the cache."""
    response.medreview_list_storable = True


def _storable(response: HttpResponse, *, view_name: str) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and (
            view_name not in ARTICLE_LIST_VIEWS
            or getattr(response, "medreview_list_storable", False)
        )
    )


def _page_from_response(response: HttpResponse, generation: str) -> dict:
    if not response.has_header("ETag"):
        set_response_etag(response)
    return {
        "generation": generation,
        "content": response.content,
        "headers": list(response.items()),
        "etag": response["ETag"],
        "last_modified": parse_http_date_safe(response.get("Last-Modified", "")),
    }


def _replay(request: HttpRequest, page: dict) -> HttpResponse:
    response = HttpResponse(page["content"])
    for name, value in page["headers"]:
        response[name] = value
    return get_conditional_response(
        request,
        etag=page["etag"],
        last_modified=page["last_modified"],
        response=response,
    )

"""Cache-Control for every response: shared caches never keep a private page.

Views of public pages say how long a CDN may keep them (``patch_cache_control``); a
public page that says nothing gets ``no-cache`` (a CDN may keep it but revalidates
with its ETag every time). Whatever a view said, a response that depends on a session
is marked private and never stored: the request carried a session or pending messages,
or the response sets a cookie (a CSRF token for a form, a new session).
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import http_date


def response_is_private(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return bool(
        response.cookies
        or CookieStorage.cookie_name in request.COOKIES
        or (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and session is not None
            and session.accessed
        )
    )


class CacheControlMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response_is_private(request, response):
            if response.has_header("Cache-Control"):
                del response["Cache-Control"]
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)
        return response


def content_changed(scope: str) -> None:
    """Note that something a list page shows (``scope``: "articles", "board")
    changed: saved, published, withdrawn or deleted."""
    cache.set(f"last-changed:{scope}", timezone.now(), timeout=None)


def set_last_modified(response: HttpResponse, scope: str) -> None:
    """``Last-Modified`` of a list page: the last change noted for its scope. With
    no note (a cache emptied or restarted) now is noted: later than any change, so
    never a wrong 304, and the same for the requests that follow."""
    key = f"last-changed:{scope}"
    changed: datetime.datetime | None = cache.get(key)
    if changed is None:
        cache.add(key, timezone.now(), timeout=None)
        changed = cache.get(key) or timezone.now()
    response["Last-Modified"] = http_date(changed.timestamp())

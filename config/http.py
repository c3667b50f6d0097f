"""Conditional GET for any view: ``ETag``, ``Last-Modified`` and 304 answers."""

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe


def client_address(request: HttpRequest, *, trusted_proxies: int = 0) -> str:
    """The client's IP address. Behind ``trusted_proxies`` proxies, each appending
    the address it saw to ``X-Forwarded-For``, the client is that many entries from
    the right; anything further left could be forged by the client."""
    if trusted_proxies:
        forwarded = [
            part.strip()
            for part in request.headers.get("X-Forwarded-For", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted_proxies:
            return forwarded[-trusted_proxies]
    return request.META.get("REMOTE_ADDR", "")


def set_last_modified(response: HttpResponse, moment: datetime | None) -> None:
    """Tell ``conditional_get`` (and clients) when the answer last changed."""
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())


def conditional_get(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give a successful GET or HEAD answer an ``ETag`` (a hash of its body) and
    answer ``If-None-Match`` / ``If-Modified-Since`` with 304 Not Modified.

    The view dates its answer with ``set_last_modified``. The ETag is computed from
    the body, so it changes whenever anything a client sees changes, even where no
    timestamp moved; ``If-None-Match`` wins over ``If-Modified-Since`` (RFC 9110).
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or response.streaming
        ):
            return response
        if not response.has_header("ETag"):
            set_response_etag(response)
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=last_modified,
            response=response,
        )

    return wrapped

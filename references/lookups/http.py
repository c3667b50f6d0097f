"""The one HTTP client every bibliographic service is reached through.

Requests carry a User-Agent with a contact address (Crossref's "polite pool" and
NCBI's E-utilities policy ask for one), time out after ``MEDREVIEW_LOOKUP_TIMEOUT``
seconds, and every failure becomes one of two exceptions an editor can be told about.
"""

import ipaddress
import socket
import time
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# A longer Retry-After is not waited for: the daily check tries again tomorrow.
RETRY_AFTER_LIMIT_SECONDS = 60


class ServiceUnavailable(Exception):
    """The service did not answer usefully (down, timed out, rate limited, garbage)."""

    def __init__(self, service: str, reason: str, retry_after: float | None = None):
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason
        self.retry_after = retry_after


class NotFound(Exception):
    """The service answered that it has no record of this identifier."""

    def __init__(self, service: str, identifier: str):
        super().__init__(f"{service} has no record of {identifier}")
        self.service = service
        self.identifier = identifier


def user_agent() -> str:
    return (
        f"Medreview/1.0 (reference library; mailto:"
        f"{settings.MEDREVIEW_LOOKUP_CONTACT_EMAIL})"
    )


def get(
    url: str,
    *,
    service: str,
    params: dict[str, Any] | None = None,
    identifier: str = "",
) -> Any:
    """GET ``url``; on a 429 with a short Retry-After, wait and ask once more.

    ``identifier`` names what was asked for when the service answers 404.
    """
    response = _send("GET", url, service=service, params=params)
    if response.status_code == 429:
        retry_after = retry_after_seconds(response)
        if retry_after is None or retry_after > RETRY_AFTER_LIMIT_SECONDS:
            raise ServiceUnavailable(
                service, str(_("rate limited")), retry_after=retry_after
            )
        time.sleep(retry_after)
        response = _send("GET", url, service=service, params=params)
    if response.status_code == 404:
        raise NotFound(service, identifier or url)
    if response.status_code != 200:
        raise ServiceUnavailable(
            service,
            str(_("answered HTTP %(status)s")) % {"status": response.status_code},
            retry_after=retry_after_seconds(response),
        )
    return response


def get_json(
    url: str,
    *,
    service: str,
    params: dict[str, Any] | None = None,
    identifier: str = "",
) -> Any:
    response = get(url, service=service, params=params, identifier=identifier)
    try:
        return response.json()
    except ValueError as error:
        raise ServiceUnavailable(service, str(_("answered something not JSON"))) from (
            error
        )


# A link check follows at most this many redirects, as browsers do.
MAX_REDIRECTS = 10


class PrivateAddress(requests.RequestException):
    """The link leads into a private network; the check does not open it."""


def open_link(url: str, *, method: str = "HEAD") -> requests.Response:
    """Open a link the way the link check does: redirects followed one hop at a time,
    the body never read, and no hop to a loopback, private or link-local address
    (unless ``MEDREVIEW_LINK_CHECK_PRIVATE_ADDRESSES``): links are typed by editors,
    and the server must not be made to knock on its own network's doors."""
    for _hop in range(MAX_REDIRECTS + 1):
        _refuse_private(url)
        response = requests.request(
            method,
            url,
            allow_redirects=False,
            stream=True,
            timeout=settings.MEDREVIEW_LOOKUP_TIMEOUT,
            headers={"User-Agent": user_agent()},
        )
        response.close()
        if not response.is_redirect:
            return response
        url = urljoin(url, response.headers["Location"])
    raise requests.TooManyRedirects(url)


def _refuse_private(url: str) -> None:
    if settings.MEDREVIEW_LINK_CHECK_PRIVATE_ADDRESSES:
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError) as error:
        raise requests.ConnectionError(str(error)) from error
    if any(not ipaddress.ip_address(address).is_global for address in addresses):
        raise PrivateAddress(url)


def _send(
    method: str, url: str, *, service: str, params: dict[str, Any] | None
) -> requests.Response:
    try:
        return requests.request(
            method,
            url,
            params=params,
            timeout=settings.MEDREVIEW_LOOKUP_TIMEOUT,
            headers={"User-Agent": user_agent(), "Accept": "application/json"},
        )
    except requests.Timeout as error:
        raise ServiceUnavailable(service, str(_("did not answer in time"))) from error
    except requests.RequestException as error:
        raise ServiceUnavailable(service, str(_("could not be reached"))) from error


def retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None

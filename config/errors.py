"""Error pages that say what was wrong.

Django's own 400 page gives no reason. A view that refuses bad input raises
``BadRequest`` with a message for the person who sent it; this page shows that
message. Other 400s (a suspicious host header, a tampered session) keep a generic
text, since their details are not for visitors. A database outage answers a styled
503 rather than a 500.
"""

import sys

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def bad_request(request, exception=None):
    message = str(exception) if type(exception) is BadRequest else ""
    return render(
        request,
        "400.html",
        {"message": message or _("The request could not be understood.")},
        status=400,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500, unless the error is the database being unreachable.

    Called while the exception is handled, so ``sys.exc_info()`` names it. The 503
    page is rendered without the request: reading the session would need the
    database. The next request connects again, so the site recovers by itself.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response

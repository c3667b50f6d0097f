"""Error pages that say what was wrong.

Django's own 400 page gives no reason. A view that refuses bad input raises
``BadRequest`` with a message for the person who sent it; this page shows that
message. Other 400s (a suspicious host header, a tampered session) keep a generic
text, since their details are not for visitors.
"""

from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _


def bad_request(request, exception=None):
    message = str(exception) if type(exception) is BadRequest else ""
    return render(
        request,
        "400.html",
        {"message": message or _("The request could not be understood.")},
        status=400,
    )

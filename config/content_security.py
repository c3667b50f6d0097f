"""The Content-Security-Policy middleware, with the one exception the admin needs."""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

ADMIN_PREFIX = "/admin/"
HISTORY_SUFFIX = "/history/"


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, allowing style *attributes* on the admin's history
    lists only.

    django-simple-history's history list template (admin, ``…/history/``) carries a
    ``style`` attribute that the strict policy would drop. Inline scripts and
    ``<style>`` elements stay refused there too, and every other page, the rest of
    the admin included, gets the strict policy.
    """

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        path = request.path_info
        if path.startswith(ADMIN_PREFIX) and path.endswith(HISTORY_SUFFIX):
            parts.replace = {**(parts.replace or {}), "style-src-attr": [UNSAFE_INLINE]}
        return parts

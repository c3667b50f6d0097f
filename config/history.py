"""The base of every admin that shows django-simple-history's pages."""

from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History can be read, never written back.

    django-simple-history's "revert" saves a past row over the present one, past the
    rules that guard the content and the review. It is hidden and refused on the
    server; an article's earlier version is restored from its timeline instead.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            response = HttpResponseNotAllowed(
                ["GET"],
                content=_(
                    "History is read-only. To bring back an article's earlier "
                    "version, use Restore on its timeline."
                ),
            )
            response["Content-Type"] = "text/plain; charset=utf-8"
            return response
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

"""The section editor's helpers in the admin: the live preview and the citation
picker's search. Both answer JSON to ``static/js/admin/section-editor.js`` and are
guarded by the same permissions as the pages they serve."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles.models import Section
from articles.selectors import SectionDraft, draft_preview

# More than any article has; a bigger request is refused rather than rendered.
MAX_PREVIEW_SECTIONS = 200
MAX_PREVIEW_CHARACTERS = 500_000
# How many references the picker lists for what was typed.
PICKER_RESULTS = 10


def _reading(view):
    """These views only read, often while the same editor's save is under way: no
    request-long transaction, so they never hold a lock the save waits for."""
    return transaction.non_atomic_requests(view)


class SectionPreviewMixin:
    """``…/article/preview-sections/``: the sections as typed (POST, with CSRF),
    rendered by the public page's renderer with the numbers readers will see."""

    def get_urls(self):
        view = _reading(self.admin_site.admin_view(self.live_preview_view))
        return [
            path(
                "preview-sections/",
                view,
                name="articles_article_preview_sections",
            ),
            *super().get_urls(),
        ]

    def live_preview_view(self, request: HttpRequest) -> JsonResponse:
        return require_POST(self._live_preview)(request)

    def _live_preview(self, request: HttpRequest) -> JsonResponse:
        if not (
            self.has_change_permission(request) or self.has_add_permission(request)
        ):
            raise PermissionDenied
        kinds = request.POST.getlist("kind")
        headings = request.POST.getlist("heading")
        bodies = request.POST.getlist("body")
        error = _preview_input_error(kinds, headings, bodies)
        if error:
            return JsonResponse({"error": error}, status=400)
        preview = draft_preview(
            sections=[
                SectionDraft(kind=kind, heading=heading, body=body)
                for kind, heading, body in zip(kinds, headings, bodies, strict=True)
            ]
        )
        return JsonResponse(
            {
                "sections": [
                    {
                        "heading": section.heading,
                        "html": section.html,
                        "unknown_keys": unknown,
                    }
                    for section, unknown in zip(
                        preview.body.sections, preview.unknown_keys, strict=True
                    )
                ],
                "references": [
                    {"number": item.number, "text": item.reference.vancouver()}
                    for item in preview.body.references
                ],
            }
        )


def _preview_input_error(kinds, headings, bodies) -> str:
    if not len(kinds) == len(headings) == len(bodies):
        return _("Each section needs a kind, a heading and a body.")
    if len(bodies) > MAX_PREVIEW_SECTIONS:
        return _("Too many sections to preview at once.")
    if sum(map(len, bodies)) + sum(map(len, headings)) > MAX_PREVIEW_CHARACTERS:
        return _("The sections are too long to preview at once.")
    if any(kind not in Section.Kind.values for kind in kinds):
        return _("Unknown section kind.")
    return ""


class CitationPickerMixin:
    """``…/reference/citation-picker/?term=…``: the library's references matching
    what follows ``[@`` (key, title, author or identifier), for anyone who may view
    the library."""

    def get_urls(self):
        view = _reading(self.admin_site.admin_view(self.citation_picker_view))
        return [
            path(
                "citation-picker/",
                view,
                name="references_reference_citation_picker",
            ),
            *super().get_urls(),
        ]

    def citation_picker_view(self, request: HttpRequest) -> JsonResponse:
        return require_GET(self._citation_picker)(request)

    def _citation_picker(self, request: HttpRequest) -> JsonResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()[:200]
        queryset = self.get_queryset(request).order_by("citation_key")
        if term:
            queryset, _duplicates = self.get_search_results(request, queryset, term)
        return JsonResponse(
            {
                "results": [
                    {
                        "key": reference.citation_key,
                        "title": reference.title,
                        "authors": reference.authors,
                        "year": reference.year,
                    }
                    for reference in queryset.distinct()[:PICKER_RESULTS]
                ]
            }
        )

"""Previews for editors: the working copy as the public page renders it, and one
section's Markdown rendered beside its editor by the same code."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_POST

from articles.forms import SectionPreviewForm
from articles.selectors import section_preview, working_copy_page
from articles.views import article_page_response


class ArticlePreviewViewsMixin:
    """Adds the article preview and the section preview to the article admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/preview/",
                view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "preview-section/",
                view(require_POST(self.section_preview_view)),
                name="articles_article_preview_section",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        article = self.get_object(request, str(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404
        return article_page_response(
            request,
            article=article,
            page=working_copy_page(article=article),
            preview=True,
        )

    def section_preview_view(self, request):
        if not (
            self.has_add_permission(request) or self.has_change_permission(request)
        ):
            raise PermissionDenied
        form = SectionPreviewForm(request.POST)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/articles/article/section_preview.html",
                {"form": form},
                status=400,
            )
        body = section_preview(**form.cleaned_data)
        return TemplateResponse(
            request,
            "admin/articles/article/section_preview.html",
            {"form": form, "sections": body.sections, "references": body.references},
        )

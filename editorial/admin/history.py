"""The article's timeline, the comparison of two moments and the restore action."""

import datetime

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from articles import diffing
from articles.models import Article
from articles.selectors import (
    article_content,
    article_content_as_of,
    latest_approved_version,
)
from editorial import selectors, services
from editorial.forms import RestoreForm

TIMELINE_PAGE_SIZE = 100


class ArticleHistoryViewsMixin:
    """Adds Timeline, Compare and Restore pages to the article admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/timeline/",
                view(self.timeline_view),
                name="articles_article_timeline",
            ),
            path(
                "<int:object_id>/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:object_id>/restore/",
                view(require_http_methods(["GET", "POST"])(self.restore_view)),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, str(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404
        return article

    def _context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            **extra,
        }

    def timeline_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        # Pages of lines: an article with a thousand saves stays one quick page.
        moments = Paginator(
            selectors.content_moments(article=article), TIMELINE_PAGE_SIZE
        ).get_page(request.GET.get("versions"))
        events = Paginator(
            selectors.article_timeline(article=article), TIMELINE_PAGE_SIZE
        ).get_page(request.GET.get("page"))
        return TemplateResponse(
            request,
            "admin/articles/article/timeline.html",
            self._context(
                request,
                article,
                _("Timeline of “%(article)s”") % {"article": article},
                events=events,
                moments=moments,
                can_restore=request.user.has_perm("articles.restore_article_version"),
            ),
        )

    def compare_view(self, request, object_id):
        """Compare two moments, or the working copy with the approved version."""
        article = self._article_or_404(request, object_id)
        approved = latest_approved_version(article=article)
        start = _moment(request.GET.get("from"))
        end = _moment(request.GET.get("to"))
        if start is None and end is None:
            if approved is None:
                self.message_user(
                    request,
                    _("This article has no approved version yet: choose two moments."),
                    messages.INFO,
                )
                return HttpResponseRedirect(
                    reverse("admin:articles_article_timeline", args=[article.pk])
                )
            old, old_label = (
                approved.content,
                _("approved version %(n)s") % {"n": approved.number},
            )
            new, new_label = article_content(article=article), _("working copy")
        else:
            if start is None or end is None:
                raise Http404
            try:
                old = article_content_as_of(article=article, moment=start)
                new = article_content_as_of(article=article, moment=end)
            except Article.DoesNotExist as error:
                raise Http404(_("The article did not exist yet then.")) from error
            old_label, new_label = _format(start), _format(end)
        return TemplateResponse(
            request,
            "admin/articles/article/compare.html",
            self._context(
                request,
                article,
                _("Changes in “%(article)s”") % {"article": article},
                comparison=diffing.compare(old, new),
                old_label=old_label,
                new_label=new_label,
            ),
        )

    def restore_view(self, request, object_id):
        """GET: what restoring would change, and a button to confirm; POST: do it."""
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        moment = _moment(request.POST.get("moment") or request.GET.get("moment"))
        if moment is None:
            raise Http404
        if request.method == "GET":
            return self._restore_confirmation(request, article, moment, RestoreForm())
        form = RestoreForm(request.POST)
        if not form.is_valid():
            return self._restore_confirmation(request, article, moment, form)
        restored = self.run_service(
            request,
            lambda: services.article_restore(
                article=article,
                moment=moment,
                user=request.user,
                reason=form.cleaned_data["reason"],
            ),
        )
        if restored is not None:
            self.message_user(
                request,
                _(
                    "The version of %(date)s is the working copy again; it goes "
                    "through review before readers see it."
                )
                % {"date": _format(moment)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )

    def _restore_confirmation(self, request, article, moment, form: RestoreForm):
        try:
            past = article_content_as_of(article=article, moment=moment)
        except Article.DoesNotExist as error:
            raise Http404(_("The article did not exist yet then.")) from error
        return TemplateResponse(
            request,
            "admin/articles/article/restore_confirm.html",
            self._context(
                request,
                article,
                _("Restore the version of %(date)s?") % {"date": _format(moment)},
                comparison=diffing.compare(article_content(article=article), past),
                old_label=_("working copy"),
                new_label=_format(moment),
                moment=moment,
                review_warning=services.revision_warning(article=article),
                form=form,
            ),
        )


def _moment(value: str | None) -> datetime.datetime | None:
    """The moment a link names, or BadRequest saying what is wrong with it."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:  # well formed, but no such date (2026-13-45)
        moment = None
    if moment is None:
        raise BadRequest(
            _(
                "“%(value)s” is not a moment in time. Choose the version on the "
                "article's timeline."
            )
            % {"value": value}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def _format(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")

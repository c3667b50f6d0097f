"""The editors' queue of what the daily checks found about cited works."""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Citation
from config.history import ReadOnlyHistoryAdmin
from editorial.services import reference_notice_decide
from references.models import ReferenceNotice


@admin.register(ReferenceNotice)
class ReferenceNoticeAdmin(ReadOnlyHistoryAdmin):
    """Retractions, expressions of concern and corrections, with the citing articles.

    Nothing reaches readers until an editor confirms; the articles' content and
    review status are never changed from here.
    """

    change_form_template = "admin/references/referencenotice/change_form.html"
    list_display = (
        "reference_title",
        "kind",
        "status",
        "notice_link",
        "citing_articles",
        "found",
    )
    list_filter = ("status", "kind", "found_in")
    search_fields = ("reference__title", "reference__doi", "reference__pmid")
    actions = ("confirm_notices", "dismiss_notices")
    fields = (
        "reference",
        "kind",
        "notice_identifier",
        "notice_date",
        "found_in",
        "source",
        "found",
        "status",
        "decided_by",
        "decided",
        "reader_note",
    )
    readonly_fields = fields[:-1]

    def get_queryset(self, request):
        citations = Citation.objects.select_related("section__article")
        return (
            super()
            .get_queryset(request)
            .select_related("reference")
            .prefetch_related(Prefetch("reference__citations", queryset=citations))
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("reference"), ordering="reference__title")
    def reference_title(self, notice: ReferenceNotice) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:references_reference_change", args=[notice.reference_id]),
            notice.reference.title,
        )

    @admin.display(description=_("notice"))
    def notice_link(self, notice: ReferenceNotice) -> str:
        label = notice.notice_identifier or notice.found_in
        if not notice.notice_url:
            return label
        return format_html(
            '<a href="{}" rel="noopener">{}</a>', notice.notice_url, label
        )

    @admin.display(description=_("cited by"))
    def citing_articles(self, notice: ReferenceNotice) -> str:
        articles = {
            citation.section.article.pk: citation.section.article
            for citation in notice.reference.citations.all()
        }
        if not articles:
            return "–"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:articles_article_change", args=[article.pk]),
                    article.title,
                    article.get_status_display(),
                )
                for article in sorted(articles.values(), key=lambda a: a.title)
            ),
        )

    def save_model(self, request, obj, form, change):
        decision = {"_confirm": True, "_dismiss": False}
        chosen = [value for key, value in decision.items() if key in request.POST]
        if chosen:
            reference_notice_decide(
                notice=obj,
                confirm=chosen[0],
                user=request.user,
                reader_note=form.cleaned_data.get("reader_note", ""),
            )
        else:
            super().save_model(request, obj, form, change)

    @admin.action(
        description=_("Confirm: show readers a note"),
        permissions=["change"],
    )
    def confirm_notices(self, request, queryset):
        self._decide(request, queryset, confirm=True)

    @admin.action(description=_("Dismiss"), permissions=["change"])
    def dismiss_notices(self, request, queryset):
        self._decide(request, queryset, confirm=False)

    def _decide(self, request, queryset, *, confirm: bool) -> None:
        for notice in queryset:
            reference_notice_decide(notice=notice, confirm=confirm, user=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)s notice decided.", "%(count)s notices decided.", count)
            % {"count": count},
            messages.SUCCESS,
        )

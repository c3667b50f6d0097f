from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_fsm.admin import FSMAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from articles.models import Article, Citation, Section


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ("order", "kind", "heading", "body")
    ordering = ("order", "pk")


@admin.register(Article)
class ArticleAdmin(FSMAdminMixin, SimpleHistoryAdmin):
    fsm_fields = ["status"]
    list_display = ("title", "status", "published", "specialty", "last_updated")
    list_filter = ("status", "published", "specialty")
    search_fields = ("title", "summary", "keywords", "slug")
    readonly_fields = (
        "status",
        "last_updated",
        "first_published_at",
        "created",
        "modified",
    )
    prepopulated_fields = {}
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "specialty", "keywords")}),
        (_("Publication"), {"fields": ("author", "published", "status")}),
        (
            _("Dates"),
            {
                "classes": ("collapse",),
                "fields": ("last_updated", "first_published_at", "created", "modified"),
            },
        ),
    )
    inlines = [SectionInline]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial


@admin.register(Citation)
class CitationAdmin(SimpleHistoryAdmin):
    """Read-only: citations follow the markers typed in section bodies."""

    list_display = ("key", "reference", "section")
    list_select_related = ("reference", "section__article")
    search_fields = ("key", "reference__title", "section__article__title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

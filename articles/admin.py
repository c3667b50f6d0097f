"""Admin pieces owned by the content app. The article admin itself is assembled in
``editorial.admin``, where the review workflow is."""

from django.contrib import admin
from django.db import models

from articles.forms import ReaderTextField
from articles.models import ApprovedVersion, Citation, Correction, Section
from config.history import ReadOnlyHistoryAdmin

# Bodies and the short answer compare as readers see them (see ``ReaderTextField``).
READER_TEXT_OVERRIDES = {models.TextField: {"form_class": ReaderTextField}}


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ("order", "kind", "heading", ("body", "patient_body"))
    ordering = ("order", "pk")
    formfield_overrides = READER_TEXT_OVERRIDES


class CorrectionInline(admin.TabularInline):
    """Dated correction notes, shown to readers at once."""

    model = Correction
    extra = 0
    fields = ("corrected_on", "note")


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdminMixin, ReadOnlyHistoryAdmin):
    """Citations follow the markers typed in section bodies."""

    list_display = ("key", "reference", "section")
    list_select_related = ("reference", "section__article")
    search_fields = ("key", "reference__title", "section__article__title")


@admin.register(ApprovedVersion)
class ApprovedVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Frozen at approval; nobody edits what reviewers approved."""

    list_display = ("article", "number", "approved_at", "review_round")
    list_select_related = ("article",)
    search_fields = ("article__title",)

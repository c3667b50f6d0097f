from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.history import ReadOnlyHistoryAdmin
from references.models import Reference


@admin.register(Reference)
class ReferenceAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "kind", "citation_key", "year", "doi", "pmid")
    list_filter = ("kind", "year")
    search_fields = (
        "title",
        "citation_key",
        "doi",
        "pmid",
        "pmcid",
        "nct_number",
        "authors",
    )
    fieldsets = (
        (None, {"fields": ("kind", "citation_key", "title", "authors")}),
        (_("Publication"), {"fields": ("source", "year", "volume", "issue", "pages")}),
        (_("Identifiers"), {"fields": ("doi", "pmid", "pmcid", "nct_number", "url")}),
    )
    # A link pasted without a scheme is read as https, as browsers do today.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

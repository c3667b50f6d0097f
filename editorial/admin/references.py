"""The reference library's admin, with saves that reach the articles citing it.

``references`` knows nothing of articles; the editorial app registers the admin
again so that an edit of a cited reference goes through ``editorial.services``.
"""

from django.contrib import admin

from editorial import services
from references.admin import ReferenceAdmin
from references.models import Reference


class EditorialReferenceAdmin(ReferenceAdmin):
    def save_model(self, request, obj, form, change):
        services.reference_save(reference=obj, user=request.user)


admin.site.unregister(Reference)
admin.site.register(Reference, EditorialReferenceAdmin)

from django.contrib import admin

from config.history import ReadOnlyHistoryAdmin
from editorial.models import EditorialPolicy


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "updated")

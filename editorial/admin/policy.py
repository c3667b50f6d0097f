from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from editorial.models import EditorialPolicy


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "updated")

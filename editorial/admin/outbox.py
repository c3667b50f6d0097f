"""The outbox, read-only."""

from django.contrib import admin

from editorial.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what waits, what failed."""

    list_display = ("subject", "to_address", "kind", "status", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("subject", "to_address", "dedupe_key")
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

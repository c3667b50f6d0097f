"""The outbox: what was sent, what waits, what failed and why; failed emails can be
sent again once their cause is corrected."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from editorial import emails
from editorial.models import EmailStatus, OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Read-only but for one action: send failed emails again."""

    list_display = (
        "subject",
        "to_address",
        "kind",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("subject", "to_address", "dedupe_key")
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    actions = ["retry_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        """Whoever may read the outbox (editors, operators) may send a failed email
        again: it goes out once, to the recipient's current address."""
        return request.user.has_perm("editorial.view_outboundemail")

    @admin.action(
        description=_("Send the selected failed emails again"),
        permissions=["retry"],
    )
    def retry_selected(self, request, queryset):
        retried = sum(
            emails.email_retry(email=email)
            for email in queryset.filter(status=EmailStatus.FAILED)
        )
        skipped = queryset.count() - retried
        if retried:
            self.message_user(
                request,
                _("%(count)s email(s) will be sent again.") % {"count": retried},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("%(count)s email(s) had not failed and were left as they are.")
                % {"count": skipped},
                messages.WARNING,
            )

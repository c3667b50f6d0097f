"""Assignments across articles, their reminders, and recorded conflicts."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from config.history import ReadOnlyHistoryAdmin
from editorial import services
from editorial.admin.workflow import WorkflowActionsMixin
from editorial.models import Reminder, ReviewAssignment, ReviewerConflict


class ReminderInline(admin.TabularInline):
    """The assignment's planned and sent reminders, as the sweep sees them."""

    model = Reminder
    extra = 0
    can_delete = False
    fields = (
        "step",
        "deadline",
        "planned_at",
        "status",
        "sent_at",
        "note",
        "email_state",
        "email_attempts",
        "email_error",
    )
    readonly_fields = fields
    ordering = ("planned_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("email")

    @admin.display(description=_("email"))
    def email_state(self, obj):
        return obj.email.get_status_display() if obj.email else "—"

    @admin.display(description=_("attempts"))
    def email_attempts(self, obj):
        return obj.email.attempts if obj.email else "—"

    @admin.display(description=_("last error"))
    def email_error(self, obj):
        return obj.email.last_error if obj.email and obj.email.last_error else "—"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DueDatesForm(forms.ModelForm):
    class Meta:
        model = ReviewAssignment
        fields = ("respond_by", "review_by")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(WorkflowActionsMixin, ReadOnlyHistoryAdmin):
    """All assignments across articles; withdrawing is the only change editors make
    here."""

    list_display = (
        "article",
        "reviewer",
        "round",
        "state",
        "due",
        "overdue",
        "recommendation",
    )
    list_filter = ("state", "recommendation", "reviewer")
    list_select_related = ("article", "reviewer")
    search_fields = ("article__title", "reviewer__display_name")
    form = DueDatesForm
    inlines = [ReminderInline]
    fields = (
        "article",
        "reviewer",
        "round",
        "state",
        "invited_by",
        "invited_at",
        "respond_by",
        "review_by",
        "responded_at",
        "completed_at",
        "recommendation",
        "comments",
        "closing_note",
    )
    readonly_fields = (
        "article",
        "reviewer",
        "round",
        "state",
        "invited_by",
        "invited_at",
        "responded_at",
        "completed_at",
        "recommendation",
        "comments",
        "closing_note",
    )
    actions = ["withdraw_selected"]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_live:
            return (*self.readonly_fields, "respond_by", "review_by")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        """New deadlines go through the service, which re-plans the reminders."""
        if not form.has_changed():
            return
        self.run_service(
            request,
            lambda: services.assignment_set_due_dates(
                assignment=ReviewAssignment.objects.get(pk=obj.pk),
                user=request.user,
                respond_by=form.cleaned_data["respond_by"],
                review_by=form.cleaned_data["review_by"],
            ),
        )

    def save_related(self, request, form, formsets, change):
        pass  # reminders are read-only here

    @admin.display(description=_("due"))
    def due(self, obj):
        return obj.due_at

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    @admin.action(
        description=_("Withdraw the selected reviewers"),
        permissions=["change"],
    )
    def withdraw_selected(self, request, queryset):
        done = 0
        for assignment in queryset:
            withdrawn = self.run_service(
                request,
                lambda assignment=assignment: services.assignment_withdraw(
                    assignment=assignment,
                    user=request.user,
                    note=_("withdrawn by an editor"),
                ),
                prefix=f"{assignment}: ",
            )
            done += withdrawn is not None
        if done:
            self.message_user(
                request,
                _("%(count)s reviewer(s) withdrawn.") % {"count": done},
                messages.SUCCESS,
            )


@admin.register(ReviewerConflict)
class ReviewerConflictAdmin(WorkflowActionsMixin, ReadOnlyHistoryAdmin):
    list_display = ("member", "article", "note", "recorded_by", "recorded_at")
    list_select_related = ("member", "article", "recorded_by")
    search_fields = ("member__display_name", "article__title", "note")
    readonly_fields = ("recorded_by", "recorded_at")
    autocomplete_fields = ("member", "article")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        self.run_service(
            request,
            lambda: services.conflict_record(
                article=obj.article, member=obj.member, user=request.user, note=obj.note
            ),
        )

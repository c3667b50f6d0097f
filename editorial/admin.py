"""The editors' workspace in the admin.

The article admin lives here rather than in ``articles`` because it drives the review
workflow: its transition buttons, assignment and conflict inlines all call
``editorial.services``, never a raw save of a state.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_fsm.admin import FSMAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from articles import diffing
from articles.admin import SectionInline
from articles.models import Article, ArticleStatus
from articles.selectors import (
    article_content,
    article_content_as_of,
    latest_approved_version,
)
from articles.services import article_restore
from editorial import selectors, services
from editorial.forms import AssignmentInlineForm
from editorial.models import (
    LIVE_STATES,
    EditorialPolicy,
    OutboundEmail,
    Reminder,
    ReviewAssignment,
    ReviewerConflict,
)
from reviewers.models import AdvisoryBoardMember


class ReviewAssignmentInline(admin.TabularInline):
    """Existing assignments are read-only here; new rows invite a reviewer through
    ``services.assignment_create``."""

    model = ReviewAssignment
    form = AssignmentInlineForm
    extra = 0
    can_delete = False
    fields = (
        "reviewer",
        "round",
        "state",
        "respond_by",
        "review_by",
        "recommendation",
        "comments",
    )
    readonly_fields = (
        "round",
        "state",
        "respond_by",
        "review_by",
        "recommendation",
        "comments",
    )
    ordering = ("-round", "invited_at")
    autocomplete_fields = ("reviewer",)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # Rows already saved are changed only through the workflow.
        return False


class ReviewerConflictInline(admin.TabularInline):
    model = ReviewerConflict
    extra = 0
    fields = ("member", "note", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")
    autocomplete_fields = ("member",)

    def has_change_permission(self, request, obj=None):
        return False


class ReviewerFilter(admin.SimpleListFilter):
    title = _("reviewer")
    parameter_name = "reviewer"

    def lookups(self, request, model_admin):
        return [
            (member.pk, member.display_name)
            for member in AdvisoryBoardMember.objects.filter(
                review_assignments__isnull=False
            ).distinct()
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                review_assignments__reviewer_id=self.value(),
                review_assignments__state__in=LIVE_STATES,
            ).distinct()
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadlines")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("A reviewer is overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            overdue = ReviewAssignment.objects.overdue().values("article_id")
            return queryset.filter(pk__in=overdue)
        return queryset


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("editors", _("Waiting on editors")),
            ("reviewers", _("Waiting on reviewers")),
        ]

    def queryset(self, request, queryset):
        waiting = selectors.articles_waiting_on_editors().values("pk")
        if self.value() == "editors":
            return queryset.filter(pk__in=waiting)
        if self.value() == "reviewers":
            return queryset.filter(status=ArticleStatus.UNDER_REVIEW).exclude(
                pk__in=waiting
            )
        return queryset


@admin.register(Article)
class ArticleAdmin(FSMAdminMixin, SimpleHistoryAdmin):
    fsm_fields = ["status"]
    change_form_template = "admin/articles/article/change_form.html"
    list_display = (
        "title",
        "status",
        "review_round",
        "live_reviewers",
        "published",
        "last_updated",
    )
    list_filter = (QueueFilter, "status", ReviewerFilter, OverdueFilter, "published")
    search_fields = ("title", "summary", "keywords", "slug")
    readonly_fields = (
        "status",
        "review_round",
        "last_updated",
        "first_published_at",
        "created",
        "modified",
    )
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "specialty", "keywords")}),
        (
            _("Review and publication"),
            {
                "fields": (
                    "author",
                    "status",
                    "review_round",
                    "required_approvals",
                    "published",
                )
            },
        ),
        (
            _("Dates"),
            {
                "classes": ("collapse",),
                "fields": ("last_updated", "first_published_at", "created", "modified"),
            },
        ),
    )
    inlines = [SectionInline, ReviewAssignmentInline, ReviewerConflictInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                live_reviewer_count=Count(
                    "review_assignments",
                    filter=Q(review_assignments__state__in=LIVE_STATES),
                )
            )
        )

    @admin.display(description=_("reviewers acting"), ordering="live_reviewer_count")
    def live_reviewers(self, obj):
        return obj.live_reviewer_count

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return str(_("Review workflow"))

    def revert_disabled(self, request, obj=None):
        # Restoring goes through "Timeline → Restore", which restores sections too
        # and sends the article back to review.
        return True

    def save_formset(self, request, form, formset, change):
        if formset.model is ReviewAssignment:
            self._invite_reviewers(request, formset)
        elif formset.model is ReviewerConflict:
            self._record_conflicts(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _invite_reviewers(self, request, formset):
        _start_service_save(formset)
        for inline_form in formset.forms:
            reviewer = inline_form.cleaned_data.get("reviewer")
            if inline_form.instance.pk or not reviewer:
                continue
            try:
                assignment = services.assignment_create(
                    article=formset.instance, reviewer=reviewer, invited_by=request.user
                )
            except services.WorkflowError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                formset.new_objects.append(assignment)

    def _record_conflicts(self, request, formset):
        _start_service_save(formset)
        for inline_form in formset.forms:
            data = inline_form.cleaned_data
            if not data or inline_form.instance.pk or data.get("DELETE"):
                continue
            try:
                conflict = services.conflict_record(
                    article=formset.instance,
                    member=data["member"],
                    user=request.user,
                    note=data["note"],
                )
            except services.WorkflowError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                formset.new_objects.append(conflict)
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                formset.deleted_objects.append(inline_form.instance)
                inline_form.instance.delete()

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        """Transition buttons run the editorial service, never a bare save."""
        try:
            services.article_transition(
                article=obj, name=transition_name, user=request.user, **(kwargs or {})
            )
        except services.WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)
            return False
        self.message_user(
            request,
            _("“%(article)s”: %(transition)s done.")
            % {
                "article": obj,
                "transition": self.get_fsm_label(
                    self._get_fsm_transition_by_name(
                        obj=obj, transition_name=transition_name
                    )
                ),
            },
            messages.SUCCESS,
        )
        return True

    # Timeline, comparison and restore ---------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/timeline/",
                view(self.timeline_view),
                name="articles_article_timeline",
            ),
            path(
                "<int:object_id>/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:object_id>/restore/",
                view(require_POST(self.restore_view)),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def _article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, str(object_id))
        if article is None or not self.has_view_permission(request, article):
            raise Http404
        return article

    def _context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            **extra,
        }

    def timeline_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        moments = selectors.content_moments(article=article)
        return TemplateResponse(
            request,
            "admin/articles/article/timeline.html",
            self._context(
                request,
                article,
                _("Timeline of “%(article)s”") % {"article": article},
                events=selectors.article_timeline(article=article),
                moments=moments,
                can_restore=request.user.has_perm("articles.restore_article_version"),
            ),
        )

    def compare_view(self, request, object_id):
        """Compare two moments, or the working copy with the approved version."""
        article = self._article_or_404(request, object_id)
        approved = latest_approved_version(article=article)
        start = _moment(request.GET.get("from"))
        end = _moment(request.GET.get("to"))
        if start is None and end is None:
            if approved is None:
                self.message_user(
                    request,
                    _("This article has no approved version yet: choose two moments."),
                    messages.INFO,
                )
                return HttpResponseRedirect(
                    reverse("admin:articles_article_timeline", args=[article.pk])
                )
            old, old_label = (
                approved.content,
                _("approved version %(n)s") % {"n": approved.number},
            )
            new, new_label = article_content(article=article), _("working copy")
        else:
            if start is None or end is None:
                raise Http404
            try:
                old = article_content_as_of(article=article, moment=start)
                new = article_content_as_of(article=article, moment=end)
            except Article.DoesNotExist as error:
                raise Http404(_("The article did not exist yet then.")) from error
            old_label, new_label = _format(start), _format(end)
        return TemplateResponse(
            request,
            "admin/articles/article/compare.html",
            self._context(
                request,
                article,
                _("Changes in “%(article)s”") % {"article": article},
                comparison=diffing.compare(old, new),
                old_label=old_label,
                new_label=new_label,
            ),
        )

    def restore_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        moment = _moment(request.POST.get("moment"))
        if moment is None:
            raise Http404
        try:
            article_restore(article=article, moment=moment, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                _(
                    "The version of %(date)s is the working copy again; it goes "
                    "through review before readers see it."
                )
                % {"date": _format(moment)},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[article.pk])
        )


def _start_service_save(formset) -> None:
    """The admin's change message reads what a formset saved; rows saved through the
    services instead are listed here as they go."""
    formset.new_objects = []
    formset.changed_objects = []
    formset.deleted_objects = []


def _moment(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def _format(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


class ReminderInline(admin.TabularInline):
    """The assignment's planned and sent reminders, as the sweep sees them."""

    model = Reminder
    extra = 0
    can_delete = False
    fields = ("step", "deadline", "planned_at", "status", "sent_at", "note")
    readonly_fields = fields
    ordering = ("planned_at",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DueDatesForm(forms.ModelForm):
    class Meta:
        model = ReviewAssignment
        fields = ("respond_by", "review_by")


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(SimpleHistoryAdmin):
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

    def revert_disabled(self, request, obj=None):
        return True

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_live:
            return (*self.readonly_fields, "respond_by", "review_by")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        """New deadlines go through the service, which re-plans the reminders."""
        if not form.has_changed():
            return
        try:
            services.assignment_set_due_dates(
                assignment=ReviewAssignment.objects.get(pk=obj.pk),
                user=request.user,
                respond_by=form.cleaned_data["respond_by"],
                review_by=form.cleaned_data["review_by"],
            )
        except services.WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)

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
            try:
                services.assignment_withdraw(
                    assignment=assignment,
                    user=request.user,
                    note=_("withdrawn by an editor"),
                )
                done += 1
            except services.WorkflowError as error:
                self.message_user(
                    request, f"{assignment}: {error.message}", messages.WARNING
                )
        if done:
            self.message_user(
                request,
                _("%(count)s reviewer(s) withdrawn.") % {"count": done},
                messages.SUCCESS,
            )


@admin.register(ReviewerConflict)
class ReviewerConflictAdmin(SimpleHistoryAdmin):
    list_display = ("member", "article", "note", "recorded_by", "recorded_at")
    list_select_related = ("member", "article", "recorded_by")
    search_fields = ("member__display_name", "article__title", "note")
    readonly_fields = ("recorded_by", "recorded_at")
    autocomplete_fields = ("member", "article")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            services.conflict_record(
                article=obj.article, member=obj.member, user=request.user, note=obj.note
            )
        except services.WorkflowError as error:
            self.message_user(request, error.message, messages.ERROR)


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


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "updated")

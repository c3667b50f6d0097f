"""The editors' article admin: content, sections, reviewers and transition buttons.

It lives in ``editorial`` rather than ``articles`` because it drives the review
workflow: its transition buttons, assignment and conflict inlines all call
``editorial.services``, never a raw save of a state.
"""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django_fsm.admin import FSMAdminMixin

from articles.admin import READER_TEXT_OVERRIDES, CorrectionInline, SectionInline
from articles.models import Article, ArticleStatus, Section
from config.history import ReadOnlyHistoryAdmin
from editorial import services
from editorial.admin.article_form import ArticleAdminForm
from editorial.admin.authoring import SectionPreviewMixin
from editorial.admin.board import ReviewerSelect
from editorial.admin.filters import OverdueFilter, QueueFilter, ReviewerFilter
from editorial.admin.history import ArticleHistoryViewsMixin
from editorial.admin.previews import ArticlePreviewViewsMixin
from editorial.admin.workflow import WorkflowActionsMixin
from editorial.forms import AssignmentInlineForm, ReopenForm
from editorial.models import LIVE_STATES, ReviewAssignment, ReviewerConflict

# The change form's "Save and send to review" button.
SEND_TO_REVIEW = "_send_to_review"

ARTICLE_FIELD_NAMES = frozenset(field.name for field in Article._meta.concrete_fields)


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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "reviewer":
            # The picker offers only the members who can review this article.
            kwargs["widget"] = ReviewerSelect(
                db_field,
                self.admin_site,
                article_id=request.resolver_match.kwargs.get("object_id"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReviewerConflictInline(admin.TabularInline):
    model = ReviewerConflict
    extra = 0
    fields = ("member", "note", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")
    autocomplete_fields = ("member",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(
    ArticlePreviewViewsMixin,
    SectionPreviewMixin,
    WorkflowActionsMixin,
    ArticleHistoryViewsMixin,
    FSMAdminMixin,
    ReadOnlyHistoryAdmin,
):
    fsm_fields = ["status"]
    fsm_forms = {"reopen": ReopenForm}
    form = ArticleAdminForm
    formfield_overrides = READER_TEXT_OVERRIDES
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
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "summary",
                    "specialty",
                    "keywords",
                    "literature_reviewed_through",
                )
            },
        ),
        (
            _("Review and publication"),
            {
                "fields": (
                    "author",
                    "writer",
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
    inlines = [
        SectionInline,
        CorrectionInline,
        ReviewAssignmentInline,
        ReviewerConflictInline,
    ]

    class Media:
        js = ("js/admin/section-editor.js", "js/admin/section-order.js")
        css = {"all": ("css/admin/section-editor.css",)}

    edit_fieldset = (
        _("Your edit"),
        {"fields": ("revision_reason", "seen_state")},
    )

    # Counting reviewers groups the query, and Django drops the model's default
    # ordering from grouped queries: name it here so pages are stable.
    ordering = ("-last_updated", "-pk")

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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is None else (*fieldsets, self.edit_fieldset)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "workflow_refusal", None)
        if refusal is None:
            return form
        return type(form.__name__, (form,), {"refusal": refusal})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A save the services refuse (the review moved on meanwhile, a reason is
        missing) is rolled back and the form shown again with the message and
        everything the editor typed."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as refusal:
            request.workflow_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return  # saved with its sections in save_related, under the article's lock
        services.article_create(article=obj, user=request.user)

    def save_related(self, request, form, formsets, change):
        content = [formset for formset in formsets if formset.model is Section]
        workflow = [formset for formset in formsets if formset.model is not Section]

        def write_content(article):
            form.save_m2m()
            for formset in content:
                self.save_formset(request, form, formset, change=change)

        if change:
            services.article_content_save(
                article=form.instance,
                user=request.user,
                values={
                    name: form.cleaned_data[name]
                    for name in form.changed_data
                    if name in ARTICLE_FIELD_NAMES
                },
                write_related=write_content,
                reason=form.cleaned_data.get("revision_reason", ""),
                seen=form.seen,
            )
        else:
            write_content(form.instance)
        for formset in workflow:
            self.save_formset(request, form, formset, change=change)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial

    @staticmethod
    def get_fsm_block_label(fsm_field_name: str) -> str:
        return str(_("Review workflow"))

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
            assignment = self.run_service(
                request,
                lambda reviewer=reviewer: services.assignment_create(
                    article=formset.instance, reviewer=reviewer, invited_by=request.user
                ),
            )
            if assignment is not None:
                formset.new_objects.append(assignment)

    def _record_conflicts(self, request, formset):
        _start_service_save(formset)
        for inline_form in formset.forms:
            data = inline_form.cleaned_data
            if not data or inline_form.instance.pk or data.get("DELETE"):
                continue
            conflict = self.run_service(
                request,
                lambda data=data: services.conflict_record(
                    article=formset.instance,
                    member=data["member"],
                    user=request.user,
                    note=data["note"],
                ),
            )
            if conflict is not None:
                formset.new_objects.append(conflict)
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                formset.deleted_objects.append(inline_form.instance)
                inline_form.instance.delete()

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        context["send_to_review_offered"] = request.user.has_perm(
            "articles.start_review"
        ) and (obj is None or obj.status == ArticleStatus.SUBMITTED)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if SEND_TO_REVIEW in request.POST:
            return self._send_to_review(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _send_to_review(self, request, article):
        """ "Save and send to review": the save is done (reviewers invited in it
        included); the review starts through the service, or the editor reads why
        not on the saved article."""
        self._take_transition(request, article, "start_review")
        return redirect("admin:articles_article_change", article.pk)

    def response_change(self, request, obj):
        """A transition button pressed on the change form runs the service; one
        that asks for more (a reason) opens its form page."""
        if SEND_TO_REVIEW in request.POST:
            return self._send_to_review(request, obj)
        name = request.POST.get(self.fsm_post_param)
        if not name:
            return super(FSMAdminMixin, self).response_change(request, obj)
        transition = self._admin_transition(obj, name)
        if transition is not None and self.get_fsm_transition_form(transition):
            return redirect("admin:articles_article_transition", obj.pk, name)
        self._take_transition(request, obj, name)
        return redirect("admin:articles_article_change", obj.pk)

    def fsm_transition_view(self, request, object_id, transition_name, **kwargs):
        """The form a transition asks for (the reason to reopen), then the service."""
        article = self._article_or_404(request, object_id)
        transition = self._admin_transition(article, transition_name)
        form_class = transition and self.get_fsm_transition_form(transition)
        if not form_class:
            return TemplateResponse(
                request,
                "admin/articles/article/transition_unknown.html",
                self._context(
                    request,
                    article,
                    _("No such action"),
                    name=transition_name,
                ),
                status=404,
            )
        form = form_class(request.POST if request.method == "POST" else None)
        if form.is_valid() and self._take_transition(
            request, article, transition_name, **form.cleaned_data
        ):
            return redirect("admin:articles_article_change", article.pk)
        return TemplateResponse(
            request,
            self.fsm_transition_form_template,
            self._context(
                request,
                article,
                self.get_fsm_label(transition),
                transition={
                    "name": transition_name,
                    "label": self.get_fsm_label(transition),
                    "help_text": self.get_help_text(transition),
                },
                transition_form=form,
            ),
        )

    def _admin_transition(self, article, name: str):
        """The transition an editor may take here by that name, or None."""
        return next(
            (
                transition
                for transition in article.get_all_status_transitions()
                if transition.name == name
                and self.is_fsm_transition_visible(transition)
            ),
            None,
        )

    def _take_transition(self, request, article, name: str, **arguments) -> bool:
        done = (
            self.run_service(
                request,
                lambda: services.article_transition(
                    article=article, name=name, user=request.user, **arguments
                ),
            )
            is not None
        )
        if done:
            transition = self._admin_transition(article, name)
            self.message_user(
                request,
                _("“%(article)s”: %(transition)s done.")
                % {
                    "article": article,
                    "transition": self.get_fsm_label(transition)
                    if transition
                    else name,
                },
                messages.SUCCESS,
            )
        return done


def _start_service_save(formset) -> None:
    """The admin's change message reads what a formset saved; rows saved through the
    services instead are listed here as they go."""
    formset.new_objects = []
    formset.changed_objects = []
    formset.deleted_objects = []

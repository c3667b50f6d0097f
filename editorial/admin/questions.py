"""The editors' queue of readers' follow-up questions."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.history import ReadOnlyHistoryAdmin
from editorial import services
from editorial.models import FollowUpQuestion, QuestionStatus


@admin.register(FollowUpQuestion)
class FollowUpQuestionAdmin(ReadOnlyHistoryAdmin):
    """New questions first; an editor links an answering article (the reader is told
    when it is approved), turns a question into a new article, or declines it."""

    list_display = (
        "short_question",
        "status",
        "asked_on",
        "answer",
        "reader_left_email",
        "asked_at",
        "reader_told_at",
    )
    list_filter = ("status",)
    search_fields = ("question",)
    date_hierarchy = "asked_at"
    fields = (
        "question",
        "asked_on",
        "email",
        "consent",
        "status",
        "answer",
        "editor_note",
        "asked_at",
        "reader_told_at",
    )
    readonly_fields = (
        "question",
        "asked_on",
        "email",
        "consent",
        "status",
        "asked_at",
        "reader_told_at",
    )
    autocomplete_fields = ("answer",)
    actions = ["create_article", "decline"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("asked_on", "answer")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == QuestionStatus.ANSWERED:
            return (*self.readonly_fields, "answer")
        return self.readonly_fields

    def has_add_permission(self, request):
        return False  # questions come from readers

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("question"))
    def short_question(self, obj):
        return obj.question if len(obj.question) <= 80 else f"{obj.question[:79]}…"

    @admin.display(description=_("email left"), boolean=True)
    def reader_left_email(self, obj):
        return bool(obj.email)

    def save_model(self, request, obj, form, change):
        if "answer" in form.changed_data and obj.answer is not None:
            obj.save(update_fields=["editor_note"])
            services.question_link(question=obj, article=obj.answer, user=request.user)
        else:
            obj._history_user = request.user
            obj.save(update_fields=["editor_note"])

    @admin.action(
        description=_("Turn into a new Submitted article"), permissions=["change"]
    )
    def create_article(self, request, queryset):
        for question in queryset:
            try:
                article = services.question_article_create(
                    question=question, user=request.user
                )
            except services.WorkflowError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
                continue
            self.message_user(
                request,
                format_html(
                    _('New article <a href="{}">{}</a> created, Submitted.'),
                    reverse("admin:articles_article_change", args=[article.pk]),
                    article.title,
                ),
                messages.SUCCESS,
            )

    @admin.action(description=_("Decline"), permissions=["change"])
    def decline(self, request, queryset):
        count = 0
        for question in queryset:
            try:
                services.question_decline(question=question, user=request.user)
            except services.WorkflowError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
                continue
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d question declined.", "%(count)d questions declined.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )

"""List filters of the editors' article list."""

from django.contrib import admin
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

from articles.models import ArticleStatus
from editorial import selectors
from editorial.models import LIVE_STATES, ReviewAssignment
from reviewers.models import AdvisoryBoardMember


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

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # Refused here: the admin turns errors raised while filtering into a
        # "database error" page.
        if self.value() and not self.value().isdigit():
            raise BadRequest(
                _(
                    "The reviewer filter takes a board member's number; “%(value)s” "
                    "is not one. Choose the reviewer in the filter list."
                )
                % {"value": self.value()}
            )

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

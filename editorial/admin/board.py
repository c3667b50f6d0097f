"""The board's admin, registered again so that the reviewer picker of an article
offers only the members who can review it."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.http import urlencode

from articles.models import Article
from editorial import selectors
from reviewers.admin import AdvisoryBoardMemberAdmin
from reviewers.models import AdvisoryBoardMember

# The autocomplete request of the assignments inline's reviewer field.
REVIEWER_PICKER = {"model_name": "reviewassignment", "field_name": "reviewer"}


class ReviewerSelect(AutocompleteSelect):
    """The admin's autocomplete, asking for the article the reviewer is for."""

    def __init__(self, field, admin_site, *, article_id: str | None, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.article_id = article_id

    def get_url(self) -> str:
        url = super().get_url()
        if self.article_id is None:
            return url
        return f"{url}?{urlencode({'article': self.article_id})}"


class EditorialBoardMemberAdmin(AdvisoryBoardMemberAdmin):
    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        if not all(
            request.GET.get(key) == value for key, value in REVIEWER_PICKER.items()
        ):
            return queryset, may_have_duplicates
        article_id = request.GET.get("article", "")
        article = (
            Article.objects.filter(pk=int(article_id)).first()
            if article_id.isdigit()
            else None
        )
        eligible = selectors.eligible_reviewers(article=article)
        return queryset.filter(pk__in=eligible.values("pk")), may_have_duplicates


admin.site.unregister(AdvisoryBoardMember)
admin.site.register(AdvisoryBoardMember, EditorialBoardMemberAdmin)

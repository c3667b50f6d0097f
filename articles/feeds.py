"""The Atom feed of approvals: each newly approved or re-approved version."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import ApprovedVersion

FEED_LENGTH = 30


class ApprovalsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Medreview: newly approved and re-approved articles")
    subtitle = gettext_lazy(
        "Each entry is a version of an article approved by the Medical Advisory Board."
    )
    link = reverse_lazy("articles:list")

    def items(self):
        return (
            ApprovedVersion.objects.filter(article__published=True)
            .select_related("article")
            .prefetch_related("article__corrections")
            .order_by("-approved_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, version: ApprovedVersion) -> str:
        title = version.content["title"]
        if version.number == 1:
            return _("Approved: %(title)s") % {"title": title}
        return _("Re-approved: %(title)s") % {"title": title}

    def item_description(self, version: ApprovedVersion) -> str:
        """The summary is HTML for feed readers: every line is escaped, so a summary or
        a correction note cannot bring markup in."""
        reviewers = "; ".join(
            ", ".join(filter(None, [approver.get("name"), approver.get("credentials")]))
            for approver in version.approvers
        )
        lines = [version.content["summary"]]
        if reviewers:
            lines.append(_("Reviewed by %(names)s.") % {"names": reviewers})
        # The article's notes as the page shows them, newest first: a correction
        # made after this approval is news for readers of the approval too.
        lines.extend(
            _("Corrected on %(date)s: %(note)s")
            % {
                "date": date_format(correction.corrected_on, "F j, Y"),
                "note": correction.note,
            }
            for correction in version.article.corrections.all()
        )
        return format_html_join("\n", "<p>{}</p>", ((line,) for line in lines if line))

    def item_link(self, version: ApprovedVersion) -> str:
        return version.article.get_absolute_url()

    def item_guid(self, version: ApprovedVersion) -> str:
        return f"{version.article.get_absolute_url()}#version-{version.number}"

    item_guid_is_permalink = False

    def item_pubdate(self, version: ApprovedVersion):
        return version.approved_at

    def item_updateddate(self, version: ApprovedVersion):
        return version.approved_at

    def item_categories(self, version: ApprovedVersion):
        specialty = version.content.get("specialty")
        return [specialty] if specialty else []

"""The sitemap: approved articles only, dated by their last approval."""

from django.contrib.sitemaps import Sitemap

from articles.models import ArticleStatus, ListedArticle


class ApprovedArticleSitemap(Sitemap):
    """Pages that have never been approved are left out: they carry no review claim
    and ask search engines not to index them."""

    def items(self):
        return ListedArticle.objects.filter(status=ArticleStatus.APPROVED).order_by(
            "-last_reviewed", "-pk"
        )

    def lastmod(self, article):
        # The page changes for readers only when a version is approved.
        return article.last_reviewed

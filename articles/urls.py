from django.contrib.sitemaps.views import sitemap
from django.urls import path

from articles import views
from articles.feeds import ApprovalsFeed
from articles.sitemaps import ApprovedArticleSitemap

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("specialties/<slug:specialty_slug>/", views.article_list, name="specialty"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("feeds/approvals.atom", ApprovalsFeed(), name="approvals_feed"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"articles": ApprovedArticleSitemap}},
        name="sitemap",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]

"""Top-level URLs: the admin, the public site, the reviewer desk."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Medreview editors")
admin.site.site_title = _("Medreview editors")
admin.site.index_title = _("Articles, references, the board and the review workflow")

urlpatterns = [
    # Browsers and crawlers ask for /favicon.ico whatever the page declares.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True),
    ),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("advisory-board/", include("reviewers.urls")),
    path("api/", include("articles.api_urls")),
    path("", include("editorial.urls")),
    path("", include("articles.urls")),
]

handler400 = "config.errors.bad_request"
handler500 = "config.errors.server_error"

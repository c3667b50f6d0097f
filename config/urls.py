"""Top-level URLs: the admin, the public site, the reviewer desk."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Medreview editors")
admin.site.site_title = _("Medreview editors")
admin.site.index_title = _("Articles, references, the board and the review workflow")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("advisory-board/", include("reviewers.urls")),
    path("", include("editorial.urls")),
    path("", include("articles.urls")),
]

handler400 = "config.errors.bad_request"
handler500 = "config.errors.server_error"

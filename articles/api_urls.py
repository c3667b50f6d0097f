"""The API's URLs, included by name from ``config/urls.py`` under ``/api/``."""

from articles.api import api

urlpatterns, _app, app_name = api.urls

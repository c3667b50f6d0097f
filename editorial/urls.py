from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("editorial-policy/", views.editorial_policy, name="policy"),
]

from django.urls import path

from reviewers import views

app_name = "reviewers"

urlpatterns = [
    path("", views.board, name="board"),
    path("<slug:slug>/", views.member, name="member"),
]

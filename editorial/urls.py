from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("editorial-policy/", views.editorial_policy, name="policy"),
    path("articles/<slug:slug>/ask/", views.question_ask, name="question_ask"),
    path(
        "articles/<slug:slug>/ask/thanks/",
        views.question_thanks,
        name="question_thanks",
    ),
    path("review/", views.desk, name="desk"),
    path("accounts/welcome/", views.after_sign_in, name="after_sign_in"),
    path("review/<int:pk>/", views.assignment_detail, name="assignment"),
    path("review/<int:pk>/preview/", views.assignment_preview, name="preview"),
    path("review/<int:pk>/accept/", views.assignment_accept, name="accept"),
    path("review/<int:pk>/decline/", views.assignment_decline, name="decline"),
    path("review/<int:pk>/decide/", views.assignment_decide, name="decide"),
    path("review/reminders/", views.reminders_pause, name="reminders"),
    path("review/respond/<str:token>/", views.respond, name="respond"),
]

from django.urls import path

from . import views

app_name = "study"

urlpatterns = [
    path("decks/<slug:slug>/study/", views.session, name="session"),
    path("decks/<slug:slug>/study/answer/", views.answer, name="answer"),
    path("decks/<slug:slug>/study/result/<str:token>/", views.result, name="result"),
    path("decks/<slug:slug>/study/regrade/", views.regrade, name="regrade"),
    path("progress/", views.progress, name="progress"),
]

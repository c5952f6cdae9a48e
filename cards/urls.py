from django.urls import path

from . import views

app_name = "cards"

urlpatterns = [
    path("decks/<slug:slug>/", views.deck_detail, name="deck_detail"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail"),
    path("search/", views.search, name="search"),
]

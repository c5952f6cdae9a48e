from django.urls import path

from . import views

app_name = "cards"

urlpatterns = [
    path("decks/<slug:slug>/", views.deck_detail, name="deck_detail"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail"),
    path("search/", views.search, name="search"),
    path("notebooks/", views.notebook_list, name="notebook_list"),
    path("notebooks/new/", views.notebook_new, name="notebook_new"),
    path("notebooks/new/confirm/", views.notebook_confirm, name="notebook_confirm"),
    path("notebooks/<int:pk>/", views.notebook_detail, name="notebook_detail"),
    path("notebooks/<int:pk>/revise/", views.notebook_revise, name="notebook_revise"),
    path(
        "notebooks/<int:pk>/revise/confirm/",
        views.notebook_revise_confirm,
        name="notebook_revise_confirm",
    ),
    path("notebooks/<int:pk>/delete/", views.notebook_delete, name="notebook_delete"),
    path(
        "notebooks/<int:pk>/versions/<int:number>/notes.md",
        views.notebook_version_download,
        name="notebook_version_download",
    ),
]

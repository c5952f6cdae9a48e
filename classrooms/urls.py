from django.urls import path

from . import views

app_name = "classrooms"

urlpatterns = [
    # Teachers
    path("classrooms/", views.classroom_list, name="classroom_list"),
    path("classrooms/new/", views.classroom_create, name="classroom_create"),
    path("classrooms/<int:pk>/", views.classroom_detail, name="classroom_detail"),
    path("classrooms/<int:pk>/rename/", views.classroom_rename, name="classroom_rename"),
    path("classrooms/<int:pk>/archive/", views.classroom_archive, name="classroom_archive"),
    path(
        "classrooms/<int:pk>/rotate-code/",
        views.classroom_rotate_code,
        name="classroom_rotate_code",
    ),
    path(
        "classrooms/<int:pk>/students/<int:student_id>/remove/",
        views.student_remove,
        name="student_remove",
    ),
    path(
        "classrooms/<int:pk>/assignments/new/",
        views.assignment_create,
        name="assignment_create",
    ),
    path("classrooms/assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path(
        "classrooms/assignments/<int:pk>/students.csv",
        views.assignment_csv,
        name="assignment_csv",
    ),
    path(
        "classrooms/assignments/<int:pk>/edit/",
        views.assignment_edit,
        name="assignment_edit",
    ),
    path(
        "classrooms/assignments/<int:pk>/delete/",
        views.assignment_delete,
        name="assignment_delete",
    ),
    path("classrooms/decks/", views.deck_list, name="deck_list"),
    path("classrooms/decks/new/", views.deck_create, name="deck_create"),
    path("classrooms/decks/<int:pk>/", views.deck_detail, name="deck_detail"),
    path("classrooms/decks/<int:pk>/edit/", views.deck_edit, name="deck_edit"),
    path("classrooms/decks/<int:pk>/add/", views.deck_add, name="deck_add"),
    path("classrooms/decks/<int:pk>/remove/", views.deck_remove, name="deck_remove"),
    # Students
    path("classes/", views.my_classes, name="my_classes"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("classes/<int:pk>/leave/", views.class_leave, name="class_leave"),
    path("join/<slug:code>/", views.join, name="join"),
]

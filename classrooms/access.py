"""Who may reach what: the teacher role, and one helper per protected type.

Every helper narrows the query to the user first, so somebody else's classroom, deck, assignment
or membership is a 404, never a glimpse. The write flavours also refuse (403) what is read-only:
an archived classroom takes no changes but being restored.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.models import User
from cards.models import Deck, DeckQuerySet

from .models import Assignment, AssignmentQuerySet, Classroom, Membership

TEACHERS_GROUP = "Teachers"
# What the Teachers group may do: create classrooms, assign decks, build decks of their own.
TEACHER_PERMISSIONS = {
    "classrooms": [
        "add_classroom",
        "change_classroom",
        "view_classroom",
        "add_assignment",
        "change_assignment",
        "delete_assignment",
        "view_assignment",
        "delete_membership",
        "view_membership",
    ],
    "cards": ["add_deck", "change_deck", "view_deck"],
}
TEACHER_APP, TEACHER_CODENAME = "classrooms", "add_classroom"
# Where is_teacher() remembers the role on the user object; the authentication backends
# (classrooms.backends) set it when they load the user, so most requests never ask again.
ROLE_ATTR = "_classrooms_is_teacher"

View = Callable[..., HttpResponse]


def teachers_group_ensure() -> Group:
    """The Teachers group with its permissions, created if missing (idempotent).

    Runs after every migrate and flush (post_migrate), so a deleted group or a test database
    emptied by a transactional test gets it back; make_teacher relies on it too.
    """
    group, _created = Group.objects.get_or_create(name=TEACHERS_GROUP)
    wanted = Q()
    for label, codenames in TEACHER_PERMISSIONS.items():
        wanted |= Q(content_type__app_label=label, codename__in=codenames)
    group.permissions.add(*Permission.objects.filter(wanted))
    return group


def is_teacher(user: User | AnonymousUser) -> bool:
    """Whether the user may teach: holds "add classroom" (the Teachers group grants it).

    One query, remembered on the user object for the rest of the request.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, ROLE_ATTR, None)
    if cached is None:
        cached = (
            Permission.objects.filter(
                content_type__app_label=TEACHER_APP, codename=TEACHER_CODENAME
            )
            .filter(Q(user=user) | Q(group__user=user))
            .exists()
        )
        setattr(user, ROLE_ATTR, cached)
    return bool(cached)


def teacher_required(view: View) -> View:
    """Anonymous visitors go to the login page; signed-in non-teachers get 403."""

    @wraps(view)
    def check(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_teacher(request.user):
            raise PermissionDenied("teachers only")
        return view(request, *args, **kwargs)

    return login_required(check)


# --- Teachers' objects ---


def classroom_for_teacher(user: User, pk: int) -> Classroom:
    """The user's own classroom, archived or not; anyone else's is a 404."""
    return get_object_or_404(Classroom.objects.taught_by(user), pk=pk)


def classroom_for_teacher_write(user: User, pk: int) -> Classroom:
    """The user's own classroom, to change it: 403 once archived (restore it first)."""
    classroom = classroom_for_teacher(user, pk)
    if classroom.is_archived:
        raise PermissionDenied("archived classroom")
    return classroom


def assignment_for_teacher(
    user: User, pk: int, assignments: AssignmentQuerySet | None = None
) -> Assignment:
    """An assignment in one of the user's classrooms, with its classroom and deck, read from
    `assignments` (say, annotated for the page); anyone else's is a 404."""
    found = Assignment.objects.all() if assignments is None else assignments
    return get_object_or_404(
        found.select_related("classroom", "deck"), classroom__teacher=user, pk=pk
    )


def assignment_for_teacher_write(user: User, pk: int) -> Assignment:
    """An assignment in one of the user's classrooms, to change it: 403 once archived."""
    assignment = assignment_for_teacher(user, pk)
    if assignment.classroom.is_archived:
        raise PermissionDenied("archived classroom")
    return assignment


def deck_for_teacher(user: User, pk: int) -> Deck:
    """One of the decks the user built. Built-in decks are read-only for everyone, a notebook's
    decks change with its notes: 404 here."""
    return get_object_or_404(Deck.objects.filter(owner=user, notebook__isnull=True), pk=pk)


def assignable_decks(user: User) -> DeckQuerySet:
    """Decks a teacher may assign: the built-in ones and their own (their notebooks' too)."""
    return Deck.objects.filter(Q(owner__isnull=True) | Q(owner=user)).with_card_counts()


# --- Students' objects ---


def membership_for_student(user: User, classroom_pk: int) -> Membership:
    """The user's own enrolment in this classroom; not enrolled (or removed) is a 404. One
    flavour only: a student may leave an archived class, so reading and leaving are alike."""
    return get_object_or_404(
        Membership.objects.select_related("classroom__teacher"),
        student=user,
        classroom_id=classroom_pk,
    )

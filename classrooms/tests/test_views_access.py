"""Every classroom URL as its owner, an outsider (404), a non-teacher (403 on teacher pages),
an anonymous visitor (login page) and with the wrong method (405); nothing changes when refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from classrooms.models import Assignment, Classroom, Membership

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    name: str
    method: str  # the method the view is for; "both" = GET page + POST form
    args: Callable[[Any], list[Any]] = lambda ctx: []
    data: Callable[[Any], dict[str, Any]] = lambda ctx: {}
    owned: bool = True  # about one object: an outsider gets 404
    teacher: bool = True  # a teacher page: other signed-in users get 403
    post_ok: int = 303
    extra: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.name}:{self.method}"


def classroom_pk(ctx):
    return [ctx.classroom.pk]


def assignment_pk(ctx):
    return [ctx.assignment.pk]


def deck_pk(ctx):
    return [ctx.deck.pk]


TEACHER_CASES = [
    Case("classroom_list", "get", owned=False),
    Case("classroom_create", "both", data=lambda ctx: {"name": "New class"}, owned=False),
    Case("classroom_detail", "get", classroom_pk),
    Case("classroom_rename", "post", classroom_pk, lambda ctx: {"name": "Renamed"}),
    Case("classroom_archive", "post", classroom_pk, lambda ctx: {"archived": "on"}),
    Case("classroom_rotate_code", "post", classroom_pk),
    Case("student_remove", "post", lambda ctx: [ctx.classroom.pk, ctx.student.pk]),
    Case(
        "assignment_create",
        "both",
        classroom_pk,
        lambda ctx: {"deck": ctx.deck.pk, "goal": "answer_all", "due_at": "2099-01-01T10:00"},
    ),
    Case("assignment_detail", "get", assignment_pk),
    Case("assignment_csv", "get", assignment_pk),
    Case("assignment_delete", "post", assignment_pk),
    Case("deck_list", "get", owned=False),
    Case("deck_create", "both", data=lambda ctx: {"name": "Mine"}, owned=False),
    Case("deck_detail", "get", deck_pk),
    Case("deck_edit", "post", deck_pk, lambda ctx: {"name": "Renamed deck", "description": ""}),
    Case("deck_add", "post", deck_pk, lambda ctx: {"questions": [ctx.spare.pk]}),
    Case("deck_remove", "post", deck_pk, lambda ctx: {"questions": [ctx.in_deck.pk]}),
]

STUDENT_CASES = [
    Case("my_classes", "get", owned=False, teacher=False),
    Case("class_detail", "get", classroom_pk, teacher=False),
    Case("class_leave", "post", classroom_pk, teacher=False),
    # Anyone holding the link may join: not "owned". Wrong codes: see test_views_student.py.
    Case("join", "both", lambda ctx: [ctx.classroom.join_code], owned=False, teacher=False),
]

ALL_CASES = TEACHER_CASES + STUDENT_CASES


@pytest.fixture
def ctx(classroom, membership, assignment, teacher_deck, student, topic, make_question):
    spare = make_question(topic, prompt="Not in the deck yet")
    return SimpleNamespace(
        classroom=classroom,
        membership=membership,
        assignment=assignment,
        deck=teacher_deck,
        student=student,
        spare=spare,
        in_deck=teacher_deck.questions.first(),
    )


def snapshot(ctx) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    classroom = Classroom.objects.get(pk=ctx.classroom.pk)
    ctx.deck.refresh_from_db()
    return (
        classroom.name,
        classroom.join_code,
        classroom.archived_at,
        Classroom.objects.count(),
        sorted(Membership.objects.values_list("pk", flat=True)),
        sorted(Assignment.objects.values_list("pk", flat=True)),
        ctx.deck.name,
        sorted(ctx.deck.questions.values_list("pk", flat=True)),
        type(ctx.deck).objects.count(),
    )


def call(client: Client, case: Case, ctx, method: str | None = None):
    url = reverse(f"classrooms:{case.name}", args=case.args(ctx))
    method = method or ("post" if case.method == "post" else "get")
    if method == "post":
        return client.post(url, case.data(ctx))
    return getattr(client, method)(url)


@pytest.mark.parametrize("case", TEACHER_CASES, ids=str)
def test_teacher_owner_gets_the_page_or_the_change(client, teacher, ctx, frozen, case):
    client.force_login(teacher)
    if case.method in ("get", "both"):
        assert call(client, case, ctx, "get").status_code == 200
    if case.method in ("post", "both"):
        response = call(client, case, ctx, "post")
        assert response.status_code == case.post_ok, response.content.decode()[:2000]


@pytest.mark.parametrize("case", STUDENT_CASES, ids=str)
def test_student_owner_gets_the_page_or_the_change(client, student, ctx, frozen, case):
    client.force_login(student)
    if case.method in ("get", "both"):
        assert call(client, case, ctx, "get").status_code == 200
    if case.method in ("post", "both"):
        assert call(client, case, ctx, "post").status_code == case.post_ok


def methods_of(case: Case) -> list[str]:
    return ["get", "post"] if case.method == "both" else [case.method]


@pytest.mark.parametrize("case", [c for c in TEACHER_CASES if c.owned], ids=str)
def test_another_teacher_gets_404_and_changes_nothing(client, other_teacher, ctx, frozen, case):
    client.force_login(other_teacher)
    before = snapshot(ctx)
    for method in methods_of(case):
        assert call(client, case, ctx, method).status_code == 404
    assert snapshot(ctx) == before


@pytest.mark.parametrize("case", [c for c in STUDENT_CASES if c.owned], ids=str)
def test_another_student_gets_404_and_changes_nothing(client, other_student, ctx, frozen, case):
    client.force_login(other_student)
    before = snapshot(ctx)
    assert call(client, case, ctx).status_code == 404
    assert snapshot(ctx) == before


@pytest.mark.parametrize("case", TEACHER_CASES, ids=str)
def test_a_signed_in_non_teacher_gets_403_and_changes_nothing(client, student, ctx, case):
    client.force_login(student)
    before = snapshot(ctx)
    for method in methods_of(case):
        assert call(client, case, ctx, method).status_code == 403
    assert snapshot(ctx) == before


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_anonymous_is_sent_to_login_and_changes_nothing(client, ctx, case):
    before = snapshot(ctx)
    for method in methods_of(case):
        if case.name == "join" and method == "get":
            continue  # the invitation itself is public: see test_views_student.py
        response = call(client, case, ctx, method)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('account_login')}?next=")
    assert snapshot(ctx) == before


@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_wrong_method_gets_405(client, teacher, student, ctx, case):
    client.force_login(student if not case.teacher else teacher)
    wrong = {"get": "post", "post": "get", "both": "put"}[case.method]
    before = snapshot(ctx)
    assert call(client, case, ctx, wrong).status_code == 405
    assert snapshot(ctx) == before


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.method != "get"], ids=str)
def test_posts_without_a_csrf_token_are_refused(teacher, student, ctx, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher if case.teacher else student)
    before = snapshot(ctx)
    url = reverse(f"classrooms:{case.name}", args=case.args(ctx))
    assert client.post(url, case.data(ctx)).status_code == 403
    assert snapshot(ctx) == before


@pytest.mark.parametrize(
    "name",
    [
        "classroom_rename",
        "classroom_rotate_code",
        "student_remove",
        "assignment_create",
        "assignment_delete",
    ],
)
def test_an_archived_classroom_refuses_changes_with_403(client, teacher, ctx, name, frozen):
    Classroom.objects.filter(pk=ctx.classroom.pk).update(archived_at=frozen)
    case = next(c for c in TEACHER_CASES if c.name == name)
    client.force_login(teacher)
    before = snapshot(ctx)
    assert call(client, case, ctx, "post").status_code == 403
    assert snapshot(ctx) == before


def test_extra_fields_cannot_move_a_classroom_to_another_teacher(
    client, teacher, other_teacher, ctx
):
    client.force_login(teacher)
    url = reverse("classrooms:classroom_rename", args=[ctx.classroom.pk])
    client.post(url, {"name": "Renamed", "teacher": other_teacher.pk, "join_code": "x" * 12})
    classroom = Classroom.objects.get(pk=ctx.classroom.pk)
    assert classroom.name == "Renamed"
    assert classroom.teacher == teacher
    assert classroom.join_code == ctx.classroom.join_code


def test_a_teacher_cannot_edit_a_builtin_deck(client, teacher, deck):
    client.force_login(teacher)
    assert client.get(reverse("classrooms:deck_detail", args=[deck.pk])).status_code == 404
    url = reverse("classrooms:deck_edit", args=[deck.pk])
    assert client.post(url, {"name": "Mine now"}).status_code == 404
    deck.refresh_from_db()
    assert deck.name == "Lambda deck"

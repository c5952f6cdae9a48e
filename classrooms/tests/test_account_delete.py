"""Deleting a whole account: everything of the user goes, nothing of anyone else's, and no class
disappears from under its students."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from cards.models import Deck, Notebook, Question
from cards.tests.test_notebooks import make_notebook
from classrooms import services
from classrooms.goals import Goal
from classrooms.models import Assignment, Classroom, Membership
from classrooms.selectors import account_footprint
from study import exam_services
from study.history import HistoryCounts
from study.models import Attempt, Exam, ExamScope, ReviewState, Showing

pytestmark = pytest.mark.django_db

User = get_user_model()
DAY = dt.timedelta(days=1)


def everything() -> dict[str, list[Any]]:
    """Every row of every table a deletion could touch, by primary key."""
    models = [User, EmailAddress, Classroom, Membership, Assignment, Deck, Deck.questions.through]
    models += [Attempt, ReviewState, Exam, Showing]
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        for model in models
    }


def test_a_student_goes_with_all_their_rows(
    student: Any,
    other_student: Any,
    assignment: Assignment,
    teacher_deck: Deck,
    record: Any,
    now: dt.datetime,
) -> None:
    assert EmailAddress.objects.filter(user=student, email=student.email).exists()  # the cast's
    membership = Membership.objects.get(student=student)
    question = teacher_deck.questions.first()
    record(student, question, at=now - DAY)
    record(other_student, question, at=now - DAY)
    exam_services.exam_start(
        user=student,
        scope=ExamScope.DECK,
        deck=teacher_deck,
        question_count=2,
        timed=False,
        now=now,
    )
    classroom = membership.classroom

    footprint = services.account_delete(user=student, now=now)

    assert footprint.history == HistoryCounts(attempts=1, review_states=1, exams=1, card_showings=0)
    assert footprint.memberships == 1
    assert not User.objects.filter(pk=student.pk).exists()
    assert not EmailAddress.objects.filter(email=student.email).exists()
    assert not Membership.objects.filter(student_id=student.pk).exists()
    for model in (Attempt, ReviewState, Exam, Showing):
        assert not model.objects.filter(user_id=student.pk).exists()
    # The class, its teacher, their deck and the other learner are as they were.
    assert Classroom.objects.filter(pk=classroom.pk).exists()
    assert Deck.objects.filter(pk=teacher_deck.pk).exists()
    assert Attempt.objects.filter(user=other_student).count() == 1
    assert ReviewState.objects.filter(user=other_student).count() == 1


@pytest.mark.parametrize("archived", [False, True])
def test_a_teacher_of_a_class_with_students_is_refused_and_nothing_changes(
    teacher: Any, classroom: Classroom, membership: Membership, now: dt.datetime, archived: bool
) -> None:
    if archived:
        services.classroom_set_archived(classroom=classroom, archived=True, now=now)
    before = everything()

    with pytest.raises(services.AccountDeleteRefused) as refused:
        services.account_delete(user=teacher, now=now)

    assert [c.pk for c in refused.value.footprint.classes_with_students] == [classroom.pk]
    assert refused.value.footprint.classes_with_students[0].student_count == 1  # type: ignore[attr-defined]
    assert everything() == before


def test_a_teacher_whose_classes_are_empty_goes_with_them_and_their_decks(
    teacher: Any,
    classroom: Classroom,
    other_classroom: Classroom,
    teacher_deck: Deck,
    deck: Deck,
    student: Any,
    record: Any,
    enrol: Any,
    now: dt.datetime,
) -> None:
    services.assignment_create(
        classroom=classroom,
        deck=teacher_deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=now + 7 * DAY,
        now=now,
    )
    services.assignment_create(
        classroom=classroom,
        deck=deck,  # a built-in deck
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=now + 7 * DAY,
        now=now,
    )
    # A former student: studied the teacher's deck, sat an exam of it, then left the class.
    membership = enrol(classroom, student)
    question = teacher_deck.questions.first()
    record(student, question, at=now - DAY)
    exam = exam_services.exam_start(
        user=student,
        scope=ExamScope.DECK,
        deck=teacher_deck,
        question_count=2,
        timed=False,
        now=now,
    )
    services.membership_end(membership=membership)

    footprint = services.account_delete(user=teacher, now=now)

    assert (footprint.classrooms, footprint.decks) == (1, 1)
    assert not Classroom.objects.filter(pk=classroom.pk).exists()
    assert not Assignment.objects.filter(classroom_id=classroom.pk).exists()
    assert not Deck.objects.filter(pk=teacher_deck.pk).exists()
    # Built-in content, other teachers' classes and the former student's own history stay.
    assert Deck.objects.filter(pk=deck.pk).exists()
    assert Classroom.objects.filter(pk=other_classroom.pk).exists()
    assert Attempt.objects.filter(user=student, question=question).count() == 1
    exam.refresh_from_db()
    assert exam.deck is None


def test_a_teachers_deck_assigned_in_another_teachers_class_refuses_the_deletion(
    teacher: Any,
    other_classroom: Classroom,
    teacher_deck: Deck,
    now: dt.datetime,
) -> None:
    # Only the admin can set this up (assigning checks the deck's owner); it must not be a 500.
    Assignment.objects.create(
        classroom=other_classroom,
        deck=teacher_deck,
        goal=Goal.ANSWER_ALL,
        assigned_at=now,
        due_at=now + DAY,
    )
    before = everything()

    with pytest.raises(services.AccountDeleteRefused) as refused:
        services.account_delete(user=teacher, now=now)

    assert [a.classroom_id for a in refused.value.footprint.decks_assigned_elsewhere] == [
        other_classroom.pk
    ]
    assert everything() == before


def test_the_footprint_counts_what_would_go(
    teacher: Any,
    student: Any,
    classroom: Classroom,
    other_classroom: Classroom,
    teacher_deck: Deck,
    record: Any,
    enrol: Any,
    now: dt.datetime,
) -> None:
    enrol(other_classroom, teacher)  # a teacher may be a student in someone else's class
    record(teacher, teacher_deck.questions.first(), at=now - DAY)

    footprint = account_footprint(teacher)

    assert footprint.history.attempts == 1
    assert (footprint.memberships, footprint.classrooms, footprint.decks) == (1, 1, 1)
    assert not footprint.is_blocked
    enrol(classroom, student)
    assert account_footprint(teacher).is_blocked


def test_a_learner_with_a_notebook_deletes_their_account_and_its_cards(
    student: Any, now: dt.datetime
) -> None:
    notebook = make_notebook(student)
    footprint = account_footprint(student)
    assert (footprint.notebooks, footprint.decks) == (1, 0)

    services.account_delete(user=student, now=now)

    assert not Notebook.objects.filter(pk=notebook.pk).exists()
    assert not Question.objects.filter(notebook_id=notebook.pk).exists()

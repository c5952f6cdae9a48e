"""Fixtures shared by the site-wide tests."""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connections, models
from django.utils import timezone

from cards import services as card_services
from cards.models import Answer, CardReport, Deck, Notebook, NotebookVersion, Question, Topic
from classrooms import services as classroom_services
from classrooms.goals import Goal
from classrooms.models import Assignment, Classroom, Membership
from study import exam_services
from study import services as study_services
from study.models import (
    Attempt,
    Exam,
    ExamItem,
    ExamScope,
    Mode,
    ReviewState,
    Showing,
    Suspension,
)

User = get_user_model()


@contextmanager
def database_failing(failure: Exception | None = None) -> Iterator[None]:
    """Every new cursor fails, as when PostgreSQL has gone away."""
    failure = failure or OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(connections["default"], "cursor", side_effect=failure):
        yield


@pytest.fixture
def database_down(db: None) -> Iterator[None]:
    """The database is down for the whole test (restored before the test's rollback)."""
    with database_failing():
        yield


@dataclass
class World:
    """One learner's and one teacher's objects of every protected kind, for outsiders to aim at.

    The teacher's own deck is assigned to a classroom the learner is enrolled in, so the learner
    may study it; the learner has answered a card of it, practised a leech, and has one open and
    one submitted exam.
    """

    learner: Any
    teacher: Any
    deck: Deck  # the teacher's own deck
    classroom: Classroom
    assignment: Assignment
    showing: Showing  # answered, in the teacher's deck
    open_showing: Showing  # shown, not answered yet
    practice: Showing  # an answered practice showing (leech results)
    exam: Exam  # open
    submitted_exam: Exam
    notebook: Notebook  # the learner's own notes
    questions: list[Question] = field(default_factory=list)

    @property
    def answer_ids(self) -> list[int]:
        return list(Answer.objects.filter(question__in=self.questions).values_list("pk", flat=True))


@pytest.fixture
def world(
    student: Any, teacher: Any, topic: Topic, make_question: Callable[..., Question]
) -> World:
    now = timezone.now()
    questions = [make_question(topic, prompt=f"World question {i}") for i in range(3)]
    deck = classroom_services.deck_create(owner=teacher, name="Teacher's deck", questions=questions)
    classroom = classroom_services.classroom_create(teacher=teacher, name="Class A", now=now)
    classroom_services.membership_join(classroom=classroom, student=student, now=now)
    assignment = classroom_services.assignment_create(
        classroom=classroom,
        deck=deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=now + dt.timedelta(days=7),
        now=now,
    )

    def show(question: Question, *, practice: bool = False) -> Showing:
        return study_services.showing_issue(
            user=student, deck=deck, question=question, mode=Mode.CHOICE, practice=practice, now=now
        )

    def answer(showing: Showing, question: Question) -> None:
        right = question.answers.filter(is_correct=True).values_list("pk", flat=True)
        study_services.attempt_record(
            user=student,
            token=showing.token,
            slug=deck.slug,
            answer_ids=list(right),
            rating=None,
            duration_ms=1000,
            now=now,
        )

    showing = show(questions[0])
    answer(showing, questions[0])
    practice = show(questions[1], practice=True)
    answer(practice, questions[1])
    open_showing = show(questions[2])

    exam = exam_services.exam_start(
        user=student, scope=ExamScope.DECK, deck=deck, question_count=2, timed=True, now=now
    )
    submitted = exam_services.exam_start(
        user=student, scope=ExamScope.DECK, deck=deck, question_count=2, timed=False, now=now
    )
    exam_services.exam_submit(user=student, exam=submitted, now=now)
    notebook = card_services.notebook_create(
        user=student,
        title="World notes",
        text="# Design Resilient Architectures\n\n## Amazon SQS\n* Decouple?\n  > * A queue.\n",
        now=now,
    )
    return World(
        learner=student,
        teacher=teacher,
        deck=deck,
        classroom=classroom,
        assignment=assignment,
        showing=showing,
        open_showing=open_showing,
        practice=practice,
        exam=exam,
        submitted_exam=submitted,
        notebook=notebook,
        questions=questions,
    )


# Every table a request could write to, and the user columns a form could be tricked into.
WATCHED_MODELS: list[type[models.Model]] = [
    Deck,
    Deck.questions.through,
    Notebook,
    NotebookVersion,
    Question,
    Topic,
    Classroom,
    Membership,
    Assignment,
    Showing,
    Attempt,
    ReviewState,
    Exam,
    ExamItem,
    Suspension,
    CardReport,
]
USER_FIELDS = [
    "pk",
    "email",
    "username",
    "password",
    "is_staff",
    "is_superuser",
    "is_active",
    "display_name",
    "desired_retention",
    "new_cards_per_day",
    "max_reviews_per_day",
    "time_zone",
    "ui_language",
    "card_language",
    "history_reset_at",
]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every watched row, in full: equal snapshots mean nothing was written."""
    rows = {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in WATCHED_MODELS
    }
    rows["users"] = list(User.objects.order_by("pk").values(*USER_FIELDS))
    return rows

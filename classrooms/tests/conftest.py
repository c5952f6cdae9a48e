"""The classroom cast: a class, a deck of its teacher's own,
and a way to write study history directly (fast, with exact times)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cards.models import Deck, Question, Topic
from classrooms import services
from classrooms.goals import Goal
from classrooms.models import Assignment, Classroom, Membership
from study.models import Attempt, CardState, Mode, ReviewState


@pytest.fixture
def classroom(teacher: Any, now: dt.datetime) -> Classroom:
    return services.classroom_create(teacher=teacher, name="3학년 1반", now=now)


@pytest.fixture
def other_classroom(other_teacher: Any, now: dt.datetime) -> Classroom:
    return services.classroom_create(teacher=other_teacher, name="Park's class", now=now)


@pytest.fixture
def membership(classroom: Classroom, student: Any, now: dt.datetime) -> Membership:
    return services.membership_join(classroom=classroom, student=student, now=now)


@pytest.fixture
def teacher_deck(teacher: Any, topic: Topic, make_question: Callable[..., Question]) -> Deck:
    """The teacher's own deck: three single-choice questions."""
    deck = services.deck_create(owner=teacher, name="Week 1")
    deck.questions.set([make_question(topic, prompt=f"Teacher Q{i}") for i in range(3)])
    return deck


@pytest.fixture
def assignment(
    classroom: Classroom, membership: Membership, teacher_deck: Deck, now: dt.datetime
) -> Assignment:
    """The teacher's deck assigned to the class for a week: answer every card."""
    return services.assignment_create(
        classroom=classroom,
        deck=teacher_deck,
        goal=Goal.ANSWER_ALL,
        target_percent=None,
        due_at=now + dt.timedelta(days=7),
        now=now,
    )


@pytest.fixture
def record() -> Callable[..., Attempt]:
    """Write one answer straight into the study tables: an Attempt, and the ReviewState with
    the given FSRS stability, reviewed at `at`."""

    def write(
        user: Any,
        question: Question,
        *,
        at: dt.datetime,
        correct: bool = True,
        duration_ms: int | None = 10_000,
        chosen: list[int] | None = None,
        stability: float = 5.0,
    ) -> Attempt:
        ReviewState.objects.update_or_create(
            user=user,
            question=question,
            defaults={
                "state": CardState.REVIEW,
                "stability": stability,
                "difficulty": 5.0,
                "due": at + dt.timedelta(days=stability),
                "last_review": at,
                "first_review": at,
                "reps": 1,
            },
        )
        return Attempt.objects.create(
            user=user,
            question=question,
            mode=Mode.CHOICE,
            chosen_answer_ids=chosen or [],
            correct=correct,
            rating=3 if correct else 1,
            reviewed_at=at,
            duration_ms=duration_ms,
        )

    return write


@pytest.fixture
def login(client: Any) -> Callable[[Any], Any]:
    def sign_in(user: Any) -> Any:
        client.force_login(user)
        return client

    return sign_in

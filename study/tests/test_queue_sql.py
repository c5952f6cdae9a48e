"""The study queue's hand-written SQL loads the same objects the ORM would, on either database."""

import datetime as dt
from typing import Any

import pytest
from django.db import models

from cards.models import Answer, Question, Topic
from study import queue_sql
from study.models import CardState, Mode, ReviewState, Showing

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def assert_same_row(loaded: models.Model, stored: models.Model) -> None:
    """Every column equal, with the same Python type (aware datetimes, real booleans, lists)."""
    assert type(loaded) is type(stored)
    for field in type(stored)._meta.concrete_fields:
        mine, theirs = getattr(loaded, field.attname), getattr(stored, field.attname)
        assert (field.name, mine, type(mine)) == (field.name, theirs, type(theirs))
    assert loaded._state.adding is False


def assert_same_card(loaded: Question, stored: Question, django_assert_num_queries: Any) -> None:
    assert_same_row(loaded, stored)
    with django_assert_num_queries(0):
        topic = loaded.topic
        answers = list(loaded.answers.all())
    assert_same_row(topic, Topic.objects.get(pk=stored.topic_id))
    expected = list(Answer.objects.filter(question=stored).order_by("order", "id"))
    assert [a.pk for a in answers] == [a.pk for a in expected]
    for mine, theirs in zip(answers, expected, strict=True):
        assert_same_row(mine, theirs)


@pytest.mark.parametrize("state_value", [CardState.LEARNING, CardState.REVIEW])
def test_a_due_card_arrives_with_its_state_topic_and_answers_in_one_query(
    student: Any, deck: Any, state_value: int, django_assert_num_queries: Any
) -> None:
    question = deck.questions.filter(kind="single").order_by("order").first()
    state = ReviewState.objects.create(
        user=student,
        question=question,
        state=state_value,
        step=None if state_value == CardState.REVIEW else 0,
        stability=4.25,
        difficulty=5.5,
        due=NOW - dt.timedelta(hours=1),
        last_review=None if state_value == CardState.LEARNING else NOW - dt.timedelta(days=5),
        first_review=NOW - dt.timedelta(days=9, microseconds=7),
        reps=2,
    )
    with django_assert_num_queries(1):
        found = queue_sql.first_due_card(
            user_id=student.pk, deck_id=deck.pk, kinds=None, states=(state_value,), now=NOW
        )
    assert found is not None
    loaded_state, loaded_question = found
    assert_same_row(loaded_state, ReviewState.objects.get(pk=state.pk))
    assert loaded_state.due.tzinfo is not None
    assert_same_card(loaded_question, question, django_assert_num_queries)
    # Not yet due, or another bucket: nothing.
    for when, states in (
        (NOW - dt.timedelta(hours=2), (state_value,)),
        (NOW, (CardState.RELEARNING,)),
    ):
        assert (
            queue_sql.first_due_card(
                user_id=student.pk, deck_id=deck.pk, kinds=None, states=states, now=when
            )
            is None
        )


def test_a_new_card_arrives_with_its_topic_and_answers_in_one_query(
    student: Any, deck: Any, django_assert_num_queries: Any
) -> None:
    first = deck.questions.order_by("topic__order", "order", "pk").first()
    with django_assert_num_queries(1):
        loaded = queue_sql.first_new_card(user_id=student.pk, deck_id=deck.pk, kinds=None)
    assert loaded is not None
    assert_same_card(loaded, first, django_assert_num_queries)
    flashcard = deck.questions.filter(kind="flashcard").order_by("order", "pk").first()
    only_flashcards = queue_sql.first_new_card(
        user_id=student.pk, deck_id=deck.pk, kinds=("flashcard",)
    )
    assert only_flashcards == flashcard


def test_a_question_without_answers_loads_with_an_empty_list(
    student: Any, topic: Any, make_question: Any
) -> None:
    bare = make_question(topic, kind="flashcard")
    bare.answers.all().delete()
    bare.decks.create(slug="bare", name="Bare")
    deck_id = bare.decks.get().pk
    loaded = queue_sql.first_new_card(user_id=student.pk, deck_id=deck_id, kinds=None)
    assert loaded == bare
    assert list(loaded.answers.all()) == []


def test_the_open_showing_is_read_back_with_its_option_order(
    student: Any, deck: Any, django_assert_num_queries: Any
) -> None:
    question = deck.questions.filter(kind="single").first()
    shown = Showing.objects.create(
        user=student,
        deck=deck,
        question=question,
        mode=Mode.CHOICE,
        option_order=[3, 1, 2],
        created_at=NOW,
    )
    Showing.objects.create(  # answered: never reused
        user=student,
        deck=deck,
        question=question,
        mode=Mode.CHOICE,
        option_order=[1, 2, 3],
        created_at=NOW + dt.timedelta(minutes=1),
        answered_at=NOW + dt.timedelta(minutes=2),
    )
    key = {"user_id": student.pk, "deck_id": deck.pk, "question_id": question.pk}
    with django_assert_num_queries(1):
        found = queue_sql.open_showing(**key, mode=Mode.CHOICE, practice=False)
    assert found is not None
    assert_same_row(found, Showing.objects.get(pk=shown.pk))
    assert found.option_order == [3, 1, 2]
    assert queue_sql.open_showing(**key, mode=Mode.FLASHCARD, practice=False) is None
    assert queue_sql.open_showing(**key, mode=Mode.CHOICE, practice=True) is None

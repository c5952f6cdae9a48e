from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from study.models import Attempt, CardState, Mode, ReviewState, Showing

NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def review_state(user, question, **extra):
    fields = {"state": CardState.REVIEW, "due": NOW, "first_review": NOW, **extra}
    return ReviewState(user=user, question=question, **fields)


def attempt(user, question, **extra):
    fields = {
        "mode": Mode.CHOICE,
        "correct": True,
        "rating": 3,
        "reviewed_at": NOW,
        **extra,
    }
    return Attempt(user=user, question=question, **fields)


def showing(user, deck, question, **extra):
    fields = {"mode": Mode.CHOICE, "created_at": NOW, **extra}
    return Showing(user=user, deck=deck, question=question, **fields)


def test_one_review_state_per_learner_and_question(student, other_student, question):
    review_state(student, question).save()
    review_state(other_student, question).save()  # another learner: fine

    # PostgreSQL names the constraint; SQLite names its columns.
    with (
        pytest.raises(
            IntegrityError,
            match=r"study_reviewstate_unique_user_question|"
            r"study_reviewstate\.user_id, study_reviewstate\.question_id",
        ),
        transaction.atomic(),
    ):
        review_state(student, question).save()


@pytest.mark.parametrize("state", [0, 4])
def test_review_state_must_be_an_fsrs_state(student, question, state):
    with pytest.raises(IntegrityError, match="study_reviewstate_state_valid"), transaction.atomic():
        review_state(student, question, state=state).save()


@pytest.mark.parametrize("rating", [0, 5])
def test_attempt_rating_must_be_1_to_4(student, question, rating):
    with pytest.raises(IntegrityError, match="study_attempt_rating_range"), transaction.atomic():
        attempt(student, question, rating=rating).save()


def test_attempt_mode_must_be_known(student, question):
    with pytest.raises(IntegrityError, match="study_attempt_mode_valid"), transaction.atomic():
        attempt(student, question, mode="speedrun").save()


def test_showing_mode_must_be_known(student, deck, question):
    with pytest.raises(IntegrityError, match="study_showing_mode_valid"), transaction.atomic():
        showing(student, deck, question, mode="speedrun").save()


def test_one_attempt_per_showing(student, deck, question):
    shown = showing(student, deck, question)
    shown.save()
    attempt(student, question, showing=shown).save()

    with pytest.raises(IntegrityError, match="showing_id"), transaction.atomic():
        attempt(student, question, showing=shown).save()


def test_attempts_outlive_their_showing(student, deck, question):
    shown = showing(student, deck, question)
    shown.save()
    recorded = attempt(student, question, showing=shown)
    recorded.save()

    shown.delete()

    recorded.refresh_from_db()
    assert recorded.showing is None


def test_showing_tokens_are_unique_and_unguessable(student, deck, question):
    tokens = set()
    for _ in range(20):
        shown = showing(student, deck, question)
        shown.save()
        tokens.add(shown.token)

    assert len(tokens) == 20
    assert all(len(token) >= 32 for token in tokens)


def test_str_of_each_model_is_readable(student, deck, question):
    state = review_state(student, question)
    state.save()

    assert "Review" in str(state)
    assert "choice" in str(showing(student, deck, question))
    assert "rating 3" in str(attempt(student, question))

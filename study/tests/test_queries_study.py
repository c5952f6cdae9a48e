"""The study loop's reads and writes, held where the load benchmark (bench/run) measured them:
the study page's queries for a due and a new card, only the bucket with a card searched, the
answer POST's statements in one transaction, and the deck checked with the showing.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cards.models import Deck
from study import selectors
from study.models import Attempt, CardState, Mode, ReviewState, Showing

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the now fixture's moment
DAY = dt.timedelta(days=1)
# A card an hour overdue: stability 4, reviewed five days ago, first studied nine days ago.
DUE = {
    "due": NOW - dt.timedelta(hours=1),
    "stability": 4.0,
    "last_review": NOW - 5 * DAY,
    "first_review": NOW - 9 * DAY,
    "reps": 2,
}


@pytest.fixture
def learner(client: Any, student: Any, clock: Any) -> Any:
    client.force_login(student)
    return student


def statements(captured: CaptureQueriesContext) -> list[str]:
    """The SQL statements sent, without transaction control (tests nest in savepoints)."""
    return [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]


def session_url(deck: Any, mode: str = Mode.FLASHCARD) -> str:
    return reverse("study:session", args=[deck.slug]) + f"?mode={mode}"


@pytest.mark.parametrize("mode", [Mode.FLASHCARD, Mode.CHOICE])
def test_the_study_page_reads_a_due_card_in_six_queries(
    client: Any, learner: Any, deck: Any, mode: str, django_assert_num_queries: Any, make_state: Any
) -> None:
    # Session, user, deck, today's limits with the counts, the due state with its question, topic
    # and answers, the open showing (the first view also inserts it).
    question = deck.questions.filter(kind="single").order_by("order").first()
    make_state(learner, question, **DUE)
    with django_assert_num_queries(7):
        first = client.get(session_url(deck, mode))
    with django_assert_num_queries(6):
        again = client.get(session_url(deck, mode))
    assert first.context["question"] == again.context["question"] == question
    assert first.context["showing"] == again.context["showing"]


def test_the_study_page_reads_a_new_card_in_six_queries(
    client: Any, learner: Any, deck: Any, django_assert_num_queries: Any
) -> None:
    client.get(session_url(deck))
    with django_assert_num_queries(6):
        response = client.get(session_url(deck))
    assert response.context["question"] == deck.questions.order_by("order").first()


def test_the_rating_buttons_use_the_state_the_card_was_chosen_by(
    client: Any, learner: Any, deck: Any, make_state: Any
) -> None:
    question = deck.questions.filter(kind="flashcard").first()
    state = make_state(learner, question, CardState.RELEARNING, **DUE)
    response = client.get(session_url(deck))
    assert response.context["question"] == question
    stored = ReviewState.objects.get(pk=state.pk)
    expected = selectors.intervals_for(user=learner, question=question, state=stored, now=NOW)
    shown = {value: interval for value, _label, _key, interval in response.context["ratings"]}
    assert shown == expected
    assert selectors.intervals_for(user=learner, question=question, state=state, now=NOW) == (
        expected
    )


def test_empty_buckets_are_not_searched(
    student: Any, deck: Any, django_assert_num_queries: Any
) -> None:
    # Today's limits with the counts, then the new card with its topic and answers: the learning
    # and review buckets, empty, are not searched.
    with django_assert_num_queries(2):
        queue = selectors.study_queue(user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW)
    assert (queue.counts.learning, queue.counts.review) == (0, 0)
    assert queue.allowance == selectors.daily_allowance(user=student, now=NOW)
    assert queue.card is not None
    assert queue.card.state is None
    assert queue.card.question == deck.questions.order_by("order").first()
    empty = Deck.objects.create(slug="empty", name="Empty")
    with django_assert_num_queries(1):  # the counts alone: every bucket is empty
        assert (
            selectors.study_queue(user=student, deck=empty, mode=Mode.FLASHCARD, now=NOW).card
            is None
        )


@pytest.mark.parametrize("known_card", [False, True])
def test_an_answer_is_recorded_in_eight_statements(
    client: Any, learner: Any, deck: Any, known_card: bool, make_state: Any
) -> None:
    # Session, user; the showing locked with its question and the checks of its deck; the
    # answers; the state; then the Attempt, the state and the showing written: one transaction.
    question = deck.questions.filter(kind="single").order_by("order").first()
    if known_card:
        make_state(learner, question, **DUE)
    client.get(session_url(deck, Mode.CHOICE))
    shown = Showing.objects.get(user=learner, question=question)
    right = [a.pk for a in question.answers.all() if a.is_correct]
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("study:answer", args=[deck.slug]), {"token": shown.token, "answer": right}
        )
    assert response.status_code == 303
    assert len(statements(captured)) <= 8, statements(captured)
    state = ReviewState.objects.get(user=learner, question=question)
    assert state.reps == (3 if known_card else 1)
    assert Attempt.objects.get(showing=shown).correct


def test_an_answer_to_a_deck_no_longer_visible_is_404_and_writes_nothing(
    client: Any, learner: Any, teacher: Any, question: Any
) -> None:
    # Shown while the deck was visible (say, assigned to the learner's class), answered after.
    private = Deck.objects.create(slug="private", name="Private", owner=teacher)
    private.questions.add(question)
    shown = Showing.objects.create(
        user=learner, question=question, deck=private, mode=Mode.CHOICE, created_at=NOW
    )
    right = [a.pk for a in question.answers.all() if a.is_correct]
    response = client.post(
        reverse("study:answer", args=[private.slug]), {"token": shown.token, "answer": right}
    )
    assert response.status_code == 404
    assert not Attempt.objects.exists()
    assert not ReviewState.objects.exists()


def test_an_answer_posted_to_another_visible_deck_is_refused(
    client: Any, learner: Any, deck: Any, question: Any
) -> None:
    other = Deck.objects.create(slug="other", name="Other")
    other.questions.add(question)
    shown = Showing.objects.create(
        user=learner, question=question, deck=deck, mode=Mode.CHOICE, created_at=NOW
    )
    response = client.post(
        reverse("study:answer", args=[other.slug]), {"token": shown.token, "answer": [1]}
    )
    assert response.status_code == 400
    assert "This card was shown in another deck." in response.content.decode()
    assert not Attempt.objects.exists()

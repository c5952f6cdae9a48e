"""Real concurrency on PostgreSQL: row locks, not luck, keep one answer one Attempt.

SQLite serialises every write transaction (IMMEDIATE mode), so these only mean something on
PostgreSQL: run with DATABASE_URL=postgres://... to include them.
"""

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection

from cards import services as card_services
from cards.models import CardReport
from study import services
from study.models import Attempt, Mode, ReviewState, Showing, Suspension

NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at the same instant; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # reported to the test, which fails on it
            results[index] = error
        finally:
            # Each thread has its own connection; leaving it open would block dropping the test DB.
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def submitter(user, deck, token, *, answer_ids=None, rating=None) -> Callable[[], int]:
    """A call that posts this answer and returns the Attempt id."""

    def submit() -> int:
        return services.attempt_record(
            user=user,
            token=token,
            slug=deck.slug,
            answer_ids=answer_ids,
            rating=rating,
            duration_ms=None,
            now=NOW,
        ).pk

    return submit


def right_ids(question):
    return [a.pk for a in question.answers.all() if a.is_correct]


def test_the_same_token_posted_twice_at_once_records_one_attempt(student, deck):
    # A few rounds, one fresh card each, to give the race several chances to go wrong.
    for round_, question in enumerate(deck.questions.filter(kind="single"), start=1):
        shown = services.showing_issue(
            user=student, deck=deck, question=question, mode=Mode.CHOICE, practice=False, now=NOW
        )

        post = submitter(student, deck, shown.token, answer_ids=right_ids(question))
        results = run_together([post, post])

        assert all(isinstance(result, int) for result in results), results
        assert results[0] == results[1]
        assert Attempt.objects.count() == round_
        assert Attempt.objects.filter(question=question).count() == 1
        assert ReviewState.objects.get(question=question).reps == 1


def test_two_showings_of_a_new_card_answered_at_once_share_one_review_state(
    student, deck, monkeypatch
):
    # Two tabs, two showings of the same new card: different tokens, so different locks,
    # and both requests find no ReviewState; the unique constraint decides, the loser retries.
    real_lookup = services._review_state_for_update
    both_looked = threading.Barrier(2)
    lookups: list[bool] = []

    def lookup_then_wait_for_the_other(**kwargs):
        found = real_lookup(**kwargs)
        lookups.append(found is not None)
        if len(lookups) <= 2:
            # Hold each request until both have seen "no row": the race, every time.
            both_looked.wait(timeout=10)
        return found

    monkeypatch.setattr(services, "_review_state_for_update", lookup_then_wait_for_the_other)
    question = deck.questions.filter(kind="flashcard").first()
    tokens = [
        Showing.objects.create(
            user=student, deck=deck, question=question, mode=Mode.FLASHCARD, created_at=NOW
        ).token
        for _tab in range(2)
    ]

    results = run_together([submitter(student, deck, token, rating=3) for token in tokens])

    assert all(isinstance(result, int) for result in results), results
    assert results[0] != results[1]
    # Both missed, then the loser's insert failed and its second lookup found the winner's row.
    assert lookups == [False, False, True]
    state = ReviewState.objects.get()
    assert state.reps == 2
    # The winner found a new card; the loser answered the card the winner had just scheduled.
    states_before = Attempt.objects.values_list("state_before", flat=True)
    assert sorted(states_before, key=str) == [1, None]


def test_the_same_card_suspended_twice_at_once_is_one_suspension(student, deck):
    for question in deck.questions.all():

        def suspend(question: Any = question) -> int:
            return services.suspension_create(user=student, question=question, now=NOW).pk

        results = run_together([suspend, suspend])

        assert all(isinstance(result, int) for result in results), results
        assert results[0] == results[1]
        assert Suspension.objects.filter(question=question).count() == 1


def test_the_same_card_reported_twice_at_once_is_one_open_report(student, deck):
    for question in deck.questions.all():

        def report(question: Any = question) -> int:
            return card_services.card_report_create(
                user=student, question=question, reason="typo", text="", now=NOW
            ).pk

        results = run_together([report, report])

        assert all(isinstance(result, int) for result in results), results
        assert results[0] == results[1]
        assert CardReport.objects.filter(question=question).count() == 1

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError
from django.db.models.signals import post_save

from cards.models import Deck
from study import scheduling, services
from study.models import Attempt, CardState, Mode, ReviewState, Showing
from study.services import StudyError

NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def questions(deck):
    """The conftest deck in order: three single-choice questions, then two flashcards."""
    return list(deck.questions.order_by("order"))


def show(user, deck, question, mode=Mode.CHOICE, practice=False, now=NOW, seed=0):
    return services.showing_issue(
        user=user,
        deck=deck,
        question=question,
        mode=mode,
        practice=practice,
        now=now,
        rng=random.Random(seed),
    )


def answer(user, showing, *, deck=None, answer_ids=None, rating=None, now=NOW, token=None):
    return services.attempt_record(
        user=user,
        token=showing.token if token is None else token,
        slug=(deck or showing.deck).slug,
        answer_ids=answer_ids,
        rating=rating,
        duration_ms=1200,
        now=now,
    )


def right_ids(question):
    return [a.pk for a in question.answers.all() if a.is_correct]


def wrong_ids(question):
    return [a.pk for a in question.answers.all() if not a.is_correct]


def snapshot():
    """Everything a failed submission must leave alone."""
    return (
        Attempt.objects.count(),
        list(ReviewState.objects.order_by("pk").values()),
        list(Showing.objects.order_by("pk").values_list("pk", "answered_at")),
    )


@pytest.fixture
def multiple(topic, make_question, deck):
    question = make_question(
        topic,
        kind="multiple",
        answers=[("Amazon SQS", True), ("Amazon SNS", True), ("Amazon S3", False)],
    )
    deck.questions.add(question)
    return question


# Issuing a card


def test_issuing_a_choice_card_shuffles_its_answer_ids(student, deck):
    question = questions(deck)[0]
    answer_ids = [a.pk for a in question.answers.all()]

    showing = show(student, deck, question, seed=4)

    assert sorted(showing.option_order) == sorted(answer_ids)
    expected = list(answer_ids)
    random.Random(4).shuffle(expected)
    assert showing.option_order == expected
    assert showing.created_at == NOW
    assert showing.answered_at is None


def test_a_reload_reuses_the_open_showing_and_its_option_order(student, deck):
    question = questions(deck)[0]
    first = show(student, deck, question, seed=1)

    again = show(student, deck, question, seed=2, now=NOW + timedelta(minutes=3))

    assert again.pk == first.pk
    assert again.token == first.token
    assert again.option_order == first.option_order
    assert Showing.objects.count() == 1


def test_an_answered_showing_is_not_reused(student, deck):
    question = questions(deck)[0]
    first = show(student, deck, question)
    answer(student, first, answer_ids=right_ids(question))

    second = show(student, deck, question)

    assert second.pk != first.pk
    assert second.token != first.token


@pytest.mark.parametrize(
    ("mode", "practice"), [(Mode.FLASHCARD, False), (Mode.CHOICE, True)], ids=["mode", "practice"]
)
def test_a_different_mode_or_practice_gets_its_own_showing(student, deck, mode, practice):
    question = questions(deck)[0]
    first = show(student, deck, question, Mode.CHOICE, practice=False)

    other = show(student, deck, question, mode, practice=practice)

    assert other.pk != first.pk


def test_another_learners_open_showing_is_not_reused(student, other_student, deck):
    question = questions(deck)[0]
    theirs = show(other_student, deck, question)

    mine = show(student, deck, question)

    assert mine.pk != theirs.pk
    assert mine.user == student


def test_a_flashcard_showing_has_no_options(student, deck):
    showing = show(student, deck, questions(deck)[3], Mode.FLASHCARD)

    assert showing.option_order == []


def test_a_flashcard_cannot_be_shown_as_a_choice(student, deck):
    with pytest.raises(StudyError):
        show(student, deck, questions(deck)[3], Mode.CHOICE)

    assert Showing.objects.count() == 0


def test_an_unknown_mode_is_refused(student, deck):
    with pytest.raises(StudyError):
        show(student, deck, questions(deck)[0], "speedrun")


# Recording answers


def test_a_flashcard_rating_is_recorded_and_schedules_the_new_card(student, deck):
    question = questions(deck)[3]
    showing = show(student, deck, question, Mode.FLASHCARD)

    attempt = answer(student, showing, rating=3)

    assert (attempt.user, attempt.question, attempt.showing) == (
        student,
        question,
        showing,
    )
    assert (attempt.mode, attempt.rating, attempt.correct, attempt.rescheduled) == (
        Mode.FLASHCARD,
        3,
        True,
        True,
    )
    assert attempt.chosen_answer_ids == []
    assert attempt.duration_ms == 1200
    assert attempt.reviewed_at == NOW
    assert (attempt.state_before, attempt.due_before) == (None, None)
    assert attempt.due_after == NOW + timedelta(minutes=10)
    assert attempt.card_before == scheduling.new_card(question.pk, NOW).to_dict()
    state = ReviewState.objects.get(user=student, question=question)
    assert (state.state, state.step, state.due, state.last_review) == (
        CardState.LEARNING,
        1,
        NOW + timedelta(minutes=10),
        NOW,
    )
    assert (state.first_review, state.reps, state.lapses) == (NOW, 1, 0)
    assert state.stability == pytest.approx(2.3065)
    showing.refresh_from_db()
    assert showing.answered_at == NOW


def test_again_on_a_flashcard_is_recorded_as_wrong(student, deck):
    showing = show(student, deck, questions(deck)[3], Mode.FLASHCARD)

    attempt = answer(student, showing, rating=1)

    assert (attempt.correct, attempt.rating) == (False, 1)
    assert attempt.due_after == NOW + timedelta(minutes=1)


def test_a_right_choice_is_rated_good(student, deck):
    question = questions(deck)[0]
    showing = show(student, deck, question)

    attempt = answer(student, showing, answer_ids=right_ids(question))

    assert (attempt.correct, attempt.rating) == (True, 3)
    assert attempt.chosen_answer_ids == right_ids(question)
    assert ReviewState.objects.get(user=student, question=question).step == 1


def test_a_wrong_choice_is_rated_again(student, deck):
    question = questions(deck)[0]
    showing = show(student, deck, question)

    attempt = answer(student, showing, answer_ids=wrong_ids(question)[:1])

    assert (attempt.correct, attempt.rating) == (False, 1)
    assert attempt.due_after == NOW + timedelta(minutes=1)


@pytest.mark.parametrize(
    ("pick", "correct"),
    [
        (lambda right, wrong: right, True),
        (lambda right, wrong: list(reversed(right)), True),
        (lambda right, wrong: right[:1], False),
        (lambda right, wrong: right + wrong, False),
        (lambda right, wrong: wrong, False),
    ],
    ids=["exact", "exact-any-order", "subset", "superset", "wrong"],
)
def test_a_multiple_response_is_right_only_on_the_exact_set(student, deck, multiple, pick, correct):
    showing = show(student, deck, multiple)

    attempt = answer(student, showing, answer_ids=pick(right_ids(multiple), wrong_ids(multiple)))

    assert attempt.correct is correct
    assert attempt.rating == (3 if correct else 1)
    assert attempt.chosen_answer_ids == sorted(pick(right_ids(multiple), wrong_ids(multiple)))


def test_answering_a_learning_card_again_keeps_its_first_review(student, deck):
    question = questions(deck)[3]
    answer(student, show(student, deck, question, Mode.FLASHCARD), rating=3)
    later = NOW + timedelta(minutes=10)

    attempt = answer(
        student, show(student, deck, question, Mode.FLASHCARD, now=later), rating=3, now=later
    )

    state = ReviewState.objects.get(user=student, question=question)
    assert (attempt.state_before, attempt.due_before) == (CardState.LEARNING, later)
    assert state.state == CardState.REVIEW
    assert (state.first_review, state.reps) == (NOW, 2)
    assert attempt.due_after == state.due


def test_forgetting_a_review_card_counts_a_lapse(student, deck):
    question = questions(deck)[0]
    first = show(student, deck, question)
    answer(student, first, answer_ids=right_ids(question))
    services.attempt_regrade(user=student, token=first.token, rating=4, now=NOW)
    due = ReviewState.objects.get(user=student, question=question).due

    attempt = answer(
        student, show(student, deck, question, now=due), answer_ids=wrong_ids(question)[:1], now=due
    )

    state = ReviewState.objects.get(user=student, question=question)
    assert attempt.state_before == CardState.REVIEW
    assert (state.state, state.lapses, state.reps) == (CardState.RELEARNING, 1, 2)
    assert state.due == due + timedelta(minutes=10)


def test_the_same_submission_twice_records_one_attempt(student, deck):
    question = questions(deck)[0]
    showing = show(student, deck, question)
    first = answer(student, showing, answer_ids=right_ids(question))
    state = list(ReviewState.objects.values())

    second = answer(
        student,
        showing,
        answer_ids=wrong_ids(question)[:1],
        now=NOW + timedelta(seconds=2),
    )

    assert second.pk == first.pk
    assert (second.correct, second.reviewed_at) == (True, NOW)
    assert Attempt.objects.count() == 1
    assert list(ReviewState.objects.values()) == state


def test_an_absurd_duration_is_capped_and_a_negative_one_dropped(student, deck):
    q = questions(deck)
    long = services.attempt_record(
        user=student,
        token=show(student, deck, q[3], Mode.FLASHCARD).token,
        slug=deck.slug,
        answer_ids=None,
        rating=3,
        duration_ms=10**12,
        now=NOW,
    )
    negative = services.attempt_record(
        user=student,
        token=show(student, deck, q[4], Mode.FLASHCARD).token,
        slug=deck.slug,
        answer_ids=None,
        rating=3,
        duration_ms=-5,
        now=NOW,
    )

    assert long.duration_ms == services.MAX_DURATION_MS
    assert negative.duration_ms is None


# Refused submissions write nothing


def _bad_submissions():
    def other_users_token(ctx):
        theirs = show(ctx["other_student"], ctx["deck"], ctx["q"][0])
        return {"token": theirs.token, "answer_ids": right_ids(ctx["q"][0])}

    def other_deck(ctx):
        elsewhere = Deck.objects.create(slug="elsewhere", name="Elsewhere")
        elsewhere.questions.set(ctx["q"])
        return {"deck": elsewhere, "answer_ids": right_ids(ctx["q"][0])}

    def removed_from_deck(ctx):
        ctx["deck"].questions.remove(ctx["q"][0])
        return {"answer_ids": right_ids(ctx["q"][0])}

    return {
        "another users token": other_users_token,
        "unknown token": lambda ctx: {"token": "no-such-token", "answer_ids": [1]},
        "empty token": lambda ctx: {"token": "", "answer_ids": [1]},
        "token from another deck": other_deck,
        "question removed from the deck": removed_from_deck,
        "unknown answer id": lambda ctx: {"answer_ids": [987654]},
        "answer of another question": lambda ctx: {"answer_ids": right_ids(ctx["q"][1])},
        "right and foreign answer": lambda ctx: {
            "answer_ids": right_ids(ctx["q"][0]) + right_ids(ctx["q"][1])
        },
        "single with two ids": lambda ctx: {
            "answer_ids": [a.pk for a in ctx["q"][0].answers.all()][:2]
        },
        "no answer": lambda ctx: {"answer_ids": None},
        "empty answer": lambda ctx: {"answer_ids": []},
        "flashcard rating 0": lambda ctx: {"flashcard": True, "rating": 0},
        "flashcard rating 5": lambda ctx: {"flashcard": True, "rating": 5},
        "flashcard without rating": lambda ctx: {"flashcard": True, "rating": None},
        "flashcard rating as text": lambda ctx: {"flashcard": True, "rating": "3"},
    }


BAD_SUBMISSIONS = _bad_submissions()


@pytest.mark.parametrize("case", BAD_SUBMISSIONS)
def test_a_refused_submission_raises_and_writes_nothing(student, other_student, deck, case):
    q = questions(deck)
    # Some history, so "nothing changed" covers an existing ReviewState too.
    answer(student, show(student, deck, q[0]), answer_ids=right_ids(q[0]))
    ctx = {"deck": deck, "q": q, "other_student": other_student}
    spec = BAD_SUBMISSIONS[case](ctx)
    if spec.pop("flashcard", False):
        showing = show(student, deck, q[3], Mode.FLASHCARD)
    else:
        showing = show(student, deck, q[0], now=NOW + timedelta(minutes=10))
    before = snapshot()

    with pytest.raises(StudyError) as raised:
        services.attempt_record(
            user=student,
            token=spec.get("token", showing.token),
            slug=spec.get("deck", deck).slug,
            answer_ids=spec.get("answer_ids"),
            rating=spec.get("rating"),
            duration_ms=None,
            now=NOW + timedelta(minutes=10),
        )

    assert str(raised.value.message)
    assert snapshot() == before


# Practice


def test_practice_records_an_attempt_without_rescheduling(student, deck):
    question = questions(deck)[0]
    answer(student, show(student, deck, question), answer_ids=right_ids(question))
    state = ReviewState.objects.get()
    before = list(ReviewState.objects.values())
    later = NOW + timedelta(minutes=2)

    attempt = answer(
        student,
        show(student, deck, question, practice=True, now=later),
        answer_ids=wrong_ids(question)[:1],
        now=later,
    )

    assert (attempt.rescheduled, attempt.correct, attempt.rating) == (False, False, 1)
    assert (attempt.state_before, attempt.due_before) == (CardState.LEARNING, state.due)
    assert attempt.due_after == state.due
    assert list(ReviewState.objects.values()) == before


def test_practising_a_new_card_does_not_start_it(student, deck):
    question = questions(deck)[3]

    attempt = answer(
        student, show(student, deck, question, Mode.FLASHCARD, practice=True), rating=4
    )

    assert attempt.rescheduled is False
    assert (attempt.state_before, attempt.due_before, attempt.due_after) == (None, None, None)
    assert not ReviewState.objects.exists()


# Re-grading a right answer


def _right_answer(student, deck, question=None):
    question = question or questions(deck)[0]
    showing = show(student, deck, question)
    attempt = answer(student, showing, answer_ids=right_ids(question))
    return showing, attempt


@pytest.mark.parametrize(
    ("rating", "state", "interval"),
    [
        (2, CardState.LEARNING, timedelta(minutes=5, seconds=30)),
        (4, CardState.REVIEW, timedelta(days=8)),
    ],
    ids=["hard", "easy"],
)
def test_regrading_a_right_answer_reschedules_as_fsrs_says(student, deck, rating, state, interval):
    showing, attempt = _right_answer(student, deck)
    later = NOW + timedelta(minutes=1)

    regraded = services.attempt_regrade(user=student, token=showing.token, rating=rating, now=later)

    expected = scheduling.review(
        scheduling.card_from_dict(attempt.card_before),
        rating,
        now=NOW,
        scheduler=scheduling.build_scheduler(0.9, fuzzing=False),
    )
    review_state = ReviewState.objects.get()
    assert regraded.pk == attempt.pk
    assert (regraded.rating, regraded.correct) == (rating, True)
    # Recomputed as of the attempt, not of the click.
    assert regraded.due_after == expected.due == NOW + interval
    assert (review_state.state, review_state.due) == (state, NOW + interval)
    assert review_state.stability == pytest.approx(expected.stability)
    assert (review_state.reps, review_state.lapses) == (1, 0)
    assert Attempt.objects.count() == 1


def test_regrading_can_switch_between_hard_and_easy_and_repeat(student, deck):
    showing, _attempt = _right_answer(student, deck)

    services.attempt_regrade(user=student, token=showing.token, rating=2, now=NOW)
    services.attempt_regrade(user=student, token=showing.token, rating=4, now=NOW)
    before = snapshot()
    again = services.attempt_regrade(user=student, token=showing.token, rating=4, now=NOW)

    assert again.rating == 4
    assert again.due_after == NOW + timedelta(days=8)
    assert snapshot() == before


def _refusals():
    def wrong_answer(student, deck):
        q = questions(deck)[0]
        showing = show(student, deck, q)
        answer(student, showing, answer_ids=wrong_ids(q)[:1])
        return showing.token, 2

    def later_attempt(student, deck):
        showing, _attempt = _right_answer(student, deck)
        q = questions(deck)[0]
        later = NOW + timedelta(minutes=10)
        answer(student, show(student, deck, q, now=later), answer_ids=right_ids(q), now=later)
        return showing.token, 4

    def flashcard(student, deck):
        showing = show(student, deck, questions(deck)[3], Mode.FLASHCARD)
        answer(student, showing, rating=3)
        return showing.token, 4

    def practice(student, deck):
        q = questions(deck)[0]
        showing = show(student, deck, q, practice=True)
        answer(student, showing, answer_ids=right_ids(q))
        return showing.token, 4

    def not_answered(student, deck):
        return show(student, deck, questions(deck)[0]).token, 4

    def good(student, deck):
        return _right_answer(student, deck)[0].token, 3

    def again(student, deck):
        return _right_answer(student, deck)[0].token, 1

    def out_of_range(student, deck):
        return _right_answer(student, deck)[0].token, 7

    def unknown_token(student, deck):
        _right_answer(student, deck)
        return "nope", 4

    return {
        "after a wrong answer": wrong_answer,
        "after a later attempt": later_attempt,
        "a flashcard": flashcard,
        "a practice attempt": practice,
        "before answering": not_answered,
        "rating good": good,
        "rating again": again,
        "rating 7": out_of_range,
        "unknown token": unknown_token,
    }


REFUSALS = _refusals()


@pytest.mark.parametrize("case", REFUSALS)
def test_regrade_refusals_write_nothing(student, deck, case):
    token, rating = REFUSALS[case](student, deck)
    before = snapshot()
    ratings = list(Attempt.objects.values_list("rating", flat=True))

    with pytest.raises(StudyError):
        services.attempt_regrade(user=student, token=token, rating=rating, now=NOW)

    assert snapshot() == before
    assert list(Attempt.objects.values_list("rating", flat=True)) == ratings


def test_another_learner_cannot_regrade_my_answer(student, other_student, deck):
    showing, _attempt = _right_answer(student, deck)
    before = snapshot()

    with pytest.raises(StudyError):
        services.attempt_regrade(user=other_student, token=showing.token, rating=4, now=NOW)

    assert snapshot() == before


# One transaction


def test_a_database_error_after_the_attempt_insert_leaves_no_attempt(student, deck, monkeypatch):
    question = questions(deck)[0]
    answer(student, show(student, deck, question), answer_ids=right_ids(question))
    later = NOW + timedelta(minutes=10)
    showing = show(student, deck, question, now=later)
    before = snapshot()
    inserted = []

    def note_insert(sender, instance, created, **kwargs):
        inserted.append(instance.pk)

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(ReviewState, "save", fail)
    post_save.connect(note_insert, sender=Attempt)
    try:
        with pytest.raises(DatabaseError):
            answer(student, showing, answer_ids=right_ids(question), now=later)
    finally:
        post_save.disconnect(note_insert, sender=Attempt)

    assert inserted  # the Attempt row had been written...
    assert snapshot() == before  # ...and went with the rest of the transaction
    assert not Attempt.objects.filter(pk=inserted[0]).exists()


def test_a_database_error_on_a_new_card_leaves_neither_attempt_nor_state(
    student, deck, monkeypatch
):
    question = questions(deck)[0]
    showing = show(student, deck, question)

    def fail(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(services, "_apply_card", fail)
    with pytest.raises(DatabaseError):
        answer(student, showing, answer_ids=right_ids(question))

    assert not Attempt.objects.exists()
    assert not ReviewState.objects.exists()
    showing.refresh_from_db()
    assert showing.answered_at is None


def test_losing_the_race_to_create_a_review_state_uses_the_winners_row(student, deck, monkeypatch):
    question = questions(deck)[0]
    # Another tab answered the same new card a moment ago, committing its ReviewState.
    answer(student, show(student, deck, question, Mode.FLASHCARD), rating=3)
    showing = show(student, deck, question)
    lookups = []
    real_lookup = services._review_state_for_update

    def stale_then_real(**kwargs):
        lookups.append(kwargs)
        # This request looked before the other one committed, so it saw no row.
        return None if len(lookups) == 1 else real_lookup(**kwargs)

    monkeypatch.setattr(services, "_review_state_for_update", stale_then_real)

    attempt = answer(student, showing, answer_ids=right_ids(question))

    assert len(lookups) == 2
    assert attempt.state_before == CardState.LEARNING
    assert ReviewState.objects.get().reps == 2
    assert Attempt.objects.count() == 2

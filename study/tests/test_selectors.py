from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from cards.models import Deck, Question
from cards.tests.factories import make_topic
from study import selectors
from study.models import Attempt, CardState, Mode, ReviewState
from study.selectors import QueueCounts

# 09:00 in Seoul on 2 March 2026; the learner's day there began at 2026-03-01 15:00 UTC.
NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
SEOUL_MIDNIGHT = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)

LEARNING, REVIEW, RELEARNING = CardState.LEARNING, CardState.REVIEW, CardState.RELEARNING


def make_attempt(user, question, *, at, correct=True, rescheduled=True, state_before=REVIEW):
    return Attempt.objects.create(
        user=user,
        question=question,
        mode=Mode.CHOICE,
        rescheduled=rescheduled,
        correct=correct,
        rating=3 if correct else 1,
        reviewed_at=at,
        state_before=state_before,
    )


def deck_questions(deck) -> list[Question]:
    """The conftest deck: three single-choice questions then two flashcards, in deck order."""
    return list(deck.questions.order_by("order"))


def next_card(user, deck, mode=Mode.FLASHCARD, now=NOW):
    """The question study_queue offers now, or None."""
    card = selectors.study_queue(user=user, deck=deck, mode=mode, now=now).card
    return card.question if card else None


def next_key(user, deck, mode=Mode.FLASHCARD, now=NOW):
    card = next_card(user, deck, mode, now)
    return card.prompt if card else None


def queue_counts(user, deck, mode=Mode.FLASHCARD, now=NOW):
    """The deck's bucket counts study_queue reads, within today's limits."""
    return selectors.study_queue(user=user, deck=deck, mode=mode, now=now).counts


# The learner's day


@pytest.mark.parametrize(
    ("zone", "now", "start"),
    [
        ("Asia/Seoul", NOW, SEOUL_MIDNIGHT),
        ("Asia/Seoul", SEOUL_MIDNIGHT - timedelta(seconds=1), SEOUL_MIDNIGHT - timedelta(days=1)),
        ("UTC", NOW, NOW),
        ("UTC", NOW - timedelta(seconds=1), NOW - timedelta(days=1)),
        # New York moves its clocks on 8 March 2026: that day is 23 hours long.
        (
            "America/New_York",
            datetime(2026, 3, 8, 20, 0, tzinfo=UTC),
            datetime(2026, 3, 8, 5, 0, tzinfo=UTC),
        ),
        ("Mars/Olympus_Mons", NOW, SEOUL_MIDNIGHT),  # unknown: the site's zone
        ("", NOW, SEOUL_MIDNIGHT),
    ],
)
def test_study_day_starts_at_midnight_in_the_learners_zone(student, zone, now, start):
    student.time_zone = zone

    day_start = selectors.study_day_start(student, now)

    assert day_start == start
    assert day_start.tzinfo is not None


def test_deck_for_user_hides_another_teachers_deck(student, teacher, deck):
    private = Deck.objects.create(slug="mine", name="Mine", owner=teacher)

    assert selectors.deck_for_user(student, deck.slug) == deck
    assert selectors.deck_for_user(teacher, "mine") == private
    with pytest.raises(Http404):
        selectors.deck_for_user(student, "mine")


# Queue order


def test_due_learning_comes_before_due_review_before_new(student, deck, make_state):
    q = deck_questions(deck)
    make_state(student, q[1], REVIEW, due=NOW - timedelta(days=2))
    make_state(student, q[2], LEARNING, due=NOW - timedelta(minutes=1))

    assert next_key(student, deck) == q[2].prompt

    ReviewState.objects.filter(question=q[2]).update(due=NOW + timedelta(minutes=5))
    assert next_key(student, deck) == q[1].prompt

    ReviewState.objects.filter(question=q[1]).update(due=NOW + timedelta(days=1))
    assert next_key(student, deck) == q[0].prompt  # the first new card in deck order


def test_earliest_due_comes_first_within_a_bucket(student, deck, make_state):
    q = deck_questions(deck)
    make_state(student, q[0], LEARNING, due=NOW - timedelta(minutes=1))
    make_state(student, q[1], RELEARNING, due=NOW - timedelta(minutes=9))
    make_state(student, q[2], REVIEW, due=NOW - timedelta(days=1))
    make_state(student, q[3], REVIEW, due=NOW - timedelta(days=4))

    order = []
    while (card := next_card(student, deck)) and (card.review_states.filter(user=student).exists()):
        order.append(card)
        ReviewState.objects.filter(question=card).update(due=NOW + timedelta(days=9))

    assert order == [q[1], q[0], q[3], q[2]]


def test_new_cards_follow_topic_order_then_question_order(
    student, topic, make_question, make_state
):
    early_topic = make_topic("s3", "S3", "3.1", order=0)
    late = make_question(topic, prompt="late topic")
    second = make_question(early_topic, prompt="early topic, second")
    first = make_question(early_topic, prompt="early topic, first")
    for question, order in ((late, 1), (second, 5), (first, 2)):
        Question.objects.filter(pk=question.pk).update(order=order)
    deck = Deck.objects.create(slug="mixed", name="Mixed")
    deck.questions.set([late, second, first])

    assert next_key(student, deck) == "early topic, first"
    make_state(student, first, REVIEW, due=NOW + timedelta(days=3))
    assert next_key(student, deck) == "early topic, second"


def test_cards_not_yet_due_are_not_offered(student, deck, make_state):
    for question in deck.questions.all():
        make_state(student, question, LEARNING, due=NOW + timedelta(seconds=1))

    assert next_card(student, deck) is None
    assert queue_counts(student, deck) == QueueCounts(0, 0, 0)


def test_another_learners_schedule_does_not_count(student, other_student, deck, make_state):
    q = deck_questions(deck)
    make_state(other_student, q[0], LEARNING, due=NOW - timedelta(minutes=1))

    assert next_key(student, deck) == q[0].prompt
    assert queue_counts(student, deck) == QueueCounts(learning=0, review=0, new=5)


def test_cards_of_another_deck_do_not_count(student, deck, topic, make_question, make_state):
    elsewhere = make_question(topic, prompt="elsewhere")
    Deck.objects.create(slug="other", name="Other").questions.set([elsewhere])
    make_state(student, elsewhere, LEARNING, due=NOW - timedelta(minutes=1))

    assert next_key(student, deck) == deck_questions(deck)[0].prompt
    assert queue_counts(student, deck).learning == 0


def test_next_card_comes_with_its_answers(student, deck, django_assert_num_queries):
    card = next_card(student, deck, Mode.CHOICE)

    assert card is not None
    with django_assert_num_queries(0):
        assert [answer.text for answer in card.answers.all()] == [
            "AWS Lambda",
            "Amazon EC2",
            "Amazon S3",
        ]
        assert card.topic.slug == "lambda"


# Daily limits


def test_new_cards_started_today_in_seoul_use_up_the_daily_allowance(student, deck, make_state):
    student.new_cards_per_day = 2
    student.save()
    q = deck_questions(deck)
    # 00:10 in Seoul today, and 23:50 in Seoul yesterday.
    make_state(student, q[0], REVIEW, due=NOW + timedelta(days=1), first_review=SEOUL_MIDNIGHT)
    make_state(
        student,
        q[1],
        REVIEW,
        due=NOW + timedelta(days=1),
        first_review=SEOUL_MIDNIGHT - timedelta(minutes=10),
    )

    counts = queue_counts(student, deck)

    assert counts == QueueCounts(learning=0, review=0, new=1)
    assert next_key(student, deck) == q[2].prompt

    make_state(student, q[2], REVIEW, due=NOW + timedelta(days=1), first_review=NOW)
    assert queue_counts(student, deck) == QueueCounts(0, 0, 0)
    assert next_key(student, deck) is None


def test_the_same_history_counts_differently_in_another_time_zone(student, deck, make_state):
    student.new_cards_per_day = 2
    student.time_zone = "UTC"
    student.save()
    q = deck_questions(deck)
    # Today in Seoul, but yesterday in UTC.
    make_state(student, q[0], REVIEW, due=NOW + timedelta(days=1), first_review=SEOUL_MIDNIGHT)

    counts = queue_counts(student, deck)

    assert counts.new == 2


def test_reviews_stop_at_the_daily_maximum(student, deck, make_state):
    student.max_reviews_per_day = 2
    student.save()
    q = deck_questions(deck)
    for question in q[:3]:
        make_state(student, question, REVIEW, due=NOW - timedelta(days=1))
    make_attempt(student, q[4], at=SEOUL_MIDNIGHT + timedelta(minutes=1))  # counts
    make_attempt(student, q[4], at=SEOUL_MIDNIGHT - timedelta(minutes=1))  # yesterday
    make_attempt(student, q[4], at=NOW, rescheduled=False)  # practice
    make_attempt(student, q[4], at=NOW, state_before=LEARNING)  # not a review
    make_attempt(student, q[4], at=NOW, state_before=None)  # a new card

    counts = queue_counts(student, deck)

    assert counts == QueueCounts(learning=0, review=1, new=2)

    make_attempt(student, q[4], at=NOW)
    assert queue_counts(student, deck).review == 0
    # With the reviews used up, the next card is new even though reviews are waiting.
    assert next_key(student, deck) == q[3].prompt


def test_learning_cards_are_not_capped(student, deck, make_state):
    student.new_cards_per_day = 0
    student.max_reviews_per_day = 1
    student.save()
    q = deck_questions(deck)
    make_state(student, q[0], LEARNING, due=NOW - timedelta(minutes=1), first_review=NOW)
    make_state(student, q[1], RELEARNING, due=NOW - timedelta(minutes=1))
    make_attempt(student, q[1], at=NOW)

    counts = queue_counts(student, deck)

    assert counts == QueueCounts(learning=2, review=0, new=0)
    assert counts.total == 2


# Modes


def test_choice_mode_skips_flashcards(student, deck, make_state):
    q = deck_questions(deck)
    flashcard = q[3]
    make_state(student, flashcard, LEARNING, due=NOW - timedelta(minutes=5))

    assert next_key(student, deck, Mode.FLASHCARD) == flashcard.prompt
    assert next_key(student, deck, Mode.CHOICE) == q[0].prompt
    assert queue_counts(student, deck, Mode.CHOICE) == QueueCounts(learning=0, review=0, new=3)
    assert queue_counts(student, deck) == QueueCounts(learning=1, review=0, new=4)


def test_choice_mode_has_nothing_once_the_choice_questions_are_scheduled(student, deck, make_state):
    for question in deck_questions(deck)[:3]:
        make_state(student, question, REVIEW, due=NOW + timedelta(days=2))

    assert next_key(student, deck, Mode.CHOICE) is None
    assert next_key(student, deck, Mode.FLASHCARD) == "Card 0"


# Empty state


def test_next_due_at_is_the_earliest_scheduled_card_of_the_deck(
    student, other_student, deck, topic, make_question, make_state
):
    q = deck_questions(deck)
    make_state(student, q[0], REVIEW, due=NOW + timedelta(days=3))
    make_state(student, q[1], LEARNING, due=NOW + timedelta(minutes=10))
    make_state(student, q[3], LEARNING, due=NOW + timedelta(minutes=1))  # a flashcard
    make_state(other_student, q[2], LEARNING, due=NOW + timedelta(seconds=5))
    elsewhere = make_question(topic)
    make_state(student, elsewhere, LEARNING, due=NOW + timedelta(seconds=5))

    flashcards = selectors.next_due_at(user=student, deck=deck, mode=Mode.FLASHCARD)
    choices = selectors.next_due_at(user=student, deck=deck, mode=Mode.CHOICE)

    assert flashcards == NOW + timedelta(minutes=1)
    assert choices == NOW + timedelta(minutes=10)


def test_next_due_at_with_a_clock_skips_cards_already_due(student, deck, make_state):
    q = deck_questions(deck)
    make_state(student, q[0], REVIEW, due=NOW - timedelta(days=1))
    make_state(student, q[1], REVIEW, due=NOW + timedelta(days=2))

    assert selectors.next_due_at(user=student, deck=deck, mode=Mode.CHOICE) == NOW - timedelta(
        days=1
    )
    assert selectors.next_due_at(
        user=student, deck=deck, mode=Mode.CHOICE, now=NOW
    ) == NOW + timedelta(days=2)


def test_next_due_at_is_none_before_any_study(student, deck):
    assert selectors.next_due_at(user=student, deck=deck, mode=Mode.FLASHCARD) is None


# Practice


def test_practice_offers_never_attempted_cards_first_then_the_least_recent(student, deck):
    q = deck_questions(deck)
    make_attempt(student, q[0], at=NOW - timedelta(hours=1))
    make_attempt(student, q[1], at=NOW - timedelta(hours=3))
    make_attempt(student, q[1], at=NOW - timedelta(minutes=5))  # its latest
    make_attempt(student, q[2], at=NOW - timedelta(hours=2))

    never = selectors.practice_card(user=student, deck=deck, mode=Mode.FLASHCARD, seed=1)
    choice = selectors.practice_card(user=student, deck=deck, mode=Mode.CHOICE, seed=1)

    assert never in (q[3], q[4])
    assert choice == q[2]


def test_practice_ignores_the_schedule_and_limits(student, deck, make_state):
    student.new_cards_per_day = 0
    student.save()
    for question in deck_questions(deck):
        make_state(student, question, REVIEW, due=NOW + timedelta(days=30))

    assert selectors.practice_card(user=student, deck=deck, mode=Mode.CHOICE, seed=0) is not None


def test_practice_is_deterministic_for_a_seed_and_varies_with_it(student, topic, make_question):
    deck = Deck.objects.create(slug="big", name="Big")
    deck.questions.set([make_question(topic) for _ in range(12)])

    picks = {
        seed: selectors.practice_card(user=student, deck=deck, mode=Mode.CHOICE, seed=seed)
        for seed in range(8)
    }

    assert all(
        selectors.practice_card(user=student, deck=deck, mode=Mode.CHOICE, seed=seed) == card
        for seed, card in picks.items()
    )
    assert len(set(picks.values())) > 1


def test_practice_on_an_empty_deck_has_no_card(student):
    deck = Deck.objects.create(slug="empty", name="Empty")

    assert selectors.practice_card(user=student, deck=deck, mode=Mode.CHOICE, seed=3) is None
    assert next_card(student, deck, Mode.CHOICE) is None


def test_in_practice_the_study_queue_offers_the_practice_card_without_a_state(
    student, deck, make_state
):
    for question in deck_questions(deck):
        make_state(student, question, REVIEW, due=NOW + timedelta(days=30))

    queue = selectors.study_queue(
        user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW, practice=True
    )

    assert queue.counts == QueueCounts(0, 0, 0)
    assert queue.card is not None
    assert queue.card.state is None
    assert queue.card.question == selectors.practice_card(
        user=student, deck=deck, mode=Mode.FLASHCARD, seed=NOW.toordinal()
    )


# What the study page reads


def test_the_study_queue_gives_the_card_with_the_learners_state_and_the_limits(
    student, deck, make_state
):
    student.new_cards_per_day = 3
    student.save()
    q = deck_questions(deck)
    state = make_state(student, q[1], REVIEW, due=NOW - timedelta(days=1))

    queue = selectors.study_queue(user=student, deck=deck, mode=Mode.FLASHCARD, now=NOW)

    assert queue.allowance == selectors.DailyAllowance(new=3, review=200)
    assert queue.counts == QueueCounts(learning=0, review=1, new=3)
    assert queue.card is not None
    assert queue.card.question == q[1]
    assert queue.card.state == state
    assert queue.card.state.due == state.due


# Intervals on the rating buttons


def test_intervals_for_a_new_card(student, question):
    previews = selectors.intervals_for(user=student, question=question, state=None, now=NOW)

    assert previews == {
        1: timedelta(minutes=1),
        2: timedelta(minutes=5, seconds=30),
        3: timedelta(minutes=10),
        4: timedelta(days=8),
    }


def test_intervals_for_a_review_card_grow_with_the_rating(student, question, make_state):
    state = make_state(student, question, REVIEW, due=NOW)

    previews = selectors.intervals_for(user=student, question=question, state=state, now=NOW)

    assert previews[1] < previews[2] < previews[3] < previews[4]


# Progress


def test_progress_report_summary_counts_and_accuracy(
    student, other_student, topic, other_topic, make_question, make_state
):
    lam = [make_question(topic) for _ in range(4)]
    acc = [make_question(other_topic) for _ in range(2)]
    make_topic("empty", "No questions", "3.3")
    make_state(student, lam[0], REVIEW, due=NOW - timedelta(days=1))
    make_state(student, lam[1], LEARNING, due=NOW)
    make_state(student, lam[2], REVIEW, due=NOW + timedelta(days=1))
    make_state(student, acc[0], REVIEW, due=NOW + timedelta(days=4))
    make_state(other_student, acc[1], REVIEW, due=NOW - timedelta(days=1))
    # Lambda: 3 attempts in the week, 2 right; one older attempt is outside the window.
    make_attempt(student, lam[0], at=NOW - timedelta(days=6), correct=True)
    make_attempt(student, lam[1], at=NOW - timedelta(minutes=5), correct=False)
    make_attempt(student, lam[2], at=SEOUL_MIDNIGHT + timedelta(hours=1), rescheduled=False)
    make_attempt(student, lam[0], at=NOW - timedelta(days=8), correct=False)
    # Accelerator: one right attempt today, just after the Seoul midnight.
    make_attempt(student, acc[0], at=SEOUL_MIDNIGHT, correct=True)
    make_attempt(other_student, acc[1], at=NOW, correct=False)

    summary = selectors.progress_report(user=student, now=NOW).summary

    assert summary.studied == 4
    assert summary.due_now == 2
    # Since the Seoul midnight: two rescheduled attempts; the practice one does not count.
    assert summary.reviews_today == 2
    assert summary.attempts_7d == 4
    assert summary.accuracy_7d == pytest.approx(3 / 4)
    assert [
        (row.topic.slug, row.total, row.studied, row.due_now, row.attempts_7d, row.accuracy_7d)
        for row in summary.topics
    ] == [
        ("lambda", 4, 3, 2, 3, pytest.approx(2 / 3)),
        ("global-accelerator", 2, 1, 0, 1, 1.0),
    ]


def test_progress_report_summary_before_any_study(student, topic, make_question):
    make_question(topic)

    summary = selectors.progress_report(user=student, now=NOW).summary

    assert (summary.studied, summary.due_now, summary.reviews_today) == (0, 0, 0)
    assert (summary.attempts_7d, summary.accuracy_7d) == (0, None)
    assert [(row.total, row.studied, row.accuracy_7d) for row in summary.topics] == [(1, 0, None)]


# Home page counts


def test_deck_due_counts_per_deck(student, deck, topic, make_question, make_state):
    q = deck_questions(deck)
    second = Deck.objects.create(slug="second", name="Second")
    extra = make_question(topic)
    second.questions.set([q[0], extra])
    empty = Deck.objects.create(slug="empty", name="Empty")
    make_state(student, q[0], LEARNING, due=NOW - timedelta(minutes=1))
    make_state(student, q[1], REVIEW, due=NOW - timedelta(days=1))
    make_state(student, q[2], REVIEW, due=NOW + timedelta(days=1))

    counts = selectors.deck_due_counts(user=student, decks=[deck, second, empty], now=NOW)

    assert counts == {
        deck.pk: QueueCounts(learning=1, review=1, new=2),
        second.pk: QueueCounts(learning=1, review=0, new=1),
        empty.pk: QueueCounts(0, 0, 0),
    }


def test_deck_due_counts_apply_the_daily_limits_to_each_deck(student, deck):
    student.new_cards_per_day = 1
    student.save()

    counts = selectors.deck_due_counts(user=student, decks=[deck], now=NOW)

    assert counts[deck.pk] == QueueCounts(learning=0, review=0, new=1)


def test_deck_due_counts_for_no_decks_runs_no_query(student, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.deck_due_counts(user=student, decks=[], now=NOW) == {}


# Query counts do not grow with the deck or the history


@pytest.fixture(params=["small", "big"])
def library(request, student, topic, other_topic, make_question):
    """A deck and some history for the student: a handful of rows, or a few hundred."""
    size = 3 if request.param == "small" else 60
    questions = [
        make_question(topic if i % 2 else other_topic, kind="single" if i % 3 else "flashcard")
        for i in range(size)
    ]
    deck = Deck.objects.create(slug="lib", name="Library")
    deck.questions.set(questions)
    others = [Deck.objects.create(slug=f"d{i}", name=f"D{i}") for i in range(size // 3)]
    for other in others:
        other.questions.set(questions[:2])
    ReviewState.objects.bulk_create(
        ReviewState(
            user=student,
            question=question,
            state=(LEARNING, REVIEW, RELEARNING)[i % 3],
            step=0,
            due=NOW + timedelta(hours=i - size // 2),
            first_review=NOW - timedelta(hours=i),
        )
        for i, question in enumerate(questions[: size * 2 // 3])
    )
    Attempt.objects.bulk_create(
        Attempt(
            user=student,
            question=questions[i % size],
            mode=Mode.CHOICE,
            correct=bool(i % 2),
            rating=3,
            reviewed_at=NOW - timedelta(hours=i),
            state_before=REVIEW,
        )
        for i in range(size * 4)
    )
    return deck, [deck, *others]


# Whatever the data: the study queue 2 (today's limits with the counts, then the card picked
# and loaded with its state and answers in one statement), in practice 4 (the counts, then the
# practice card's 3), the home page's counts 2, progress 8 (6, and two reads of the content
# that do not grow either: the blueprint, and the questions that test another task statement
# than their topic's), practice 3 (card, question, answers), next due 1.
QUERY_BOUNDS = {
    "study_queue": 2,
    "study_queue_practice": 4,
    "deck_due_counts": 2,
    "progress_report": 8,
    "practice_card": 3,
    "next_due_at": 1,
}


@pytest.mark.parametrize("mode", [Mode.FLASHCARD, Mode.CHOICE])
def test_selector_query_counts_do_not_grow_with_data(
    student, library, mode, django_assert_max_num_queries
):
    deck, decks = library
    calls = {
        "study_queue": lambda: selectors.study_queue(user=student, deck=deck, mode=mode, now=NOW),
        "study_queue_practice": lambda: selectors.study_queue(
            user=student, deck=deck, mode=mode, now=NOW, practice=True
        ),
        "deck_due_counts": lambda: selectors.deck_due_counts(user=student, decks=decks, now=NOW),
        "progress_report": lambda: selectors.progress_report(user=student, now=NOW),
        "practice_card": lambda: selectors.practice_card(
            user=student, deck=deck, mode=mode, seed=5
        ),
        "next_due_at": lambda: selectors.next_due_at(user=student, deck=deck, mode=mode, now=NOW),
    }
    for name, call in calls.items():
        with django_assert_max_num_queries(QUERY_BOUNDS[name]):
            call()


def test_the_study_queue_with_nothing_due_reads_only_the_buckets(
    student, library, django_assert_max_num_queries
):
    deck, _decks = library
    student.new_cards_per_day = 0
    student.save()
    ReviewState.objects.filter(user=student).update(due=NOW + timedelta(days=1))

    with django_assert_max_num_queries(1):
        assert next_card(student, deck) is None


def test_selectors_accept_the_lazy_request_user(student, deck):
    # Views pass request.user, a SimpleLazyObject, not a User instance.
    lazy: Any = SimpleLazyObject(lambda: student)

    assert queue_counts(lazy, deck).new == 5
    assert next_card(lazy, deck) is not None
    assert selectors.deck_due_counts(user=lazy, decks=[deck], now=NOW)[deck.pk].new == 5
    assert selectors.progress_report(user=lazy, now=NOW).summary.studied == 0
    assert selectors.study_day_start(lazy, NOW) == SEOUL_MIDNIGHT

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from fsrs import State

from study import scheduling
from study.models import ReviewState
from study.scheduling import AGAIN, EASY, GOOD, HARD

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def scheduler(retention: float = 0.9):
    return scheduling.build_scheduler(retention, fuzzing=False)


def first_review(rating: int, retention: float = 0.9):
    return scheduling.review(
        scheduling.new_card(7, NOW), rating, now=NOW, scheduler=scheduler(retention)
    )


def review_card():
    """A card that graduated with Easy on its first showing, eight days ago."""
    card = first_review(EASY)
    return card, card.due


@pytest.mark.parametrize(
    ("rating", "state", "step", "interval", "stability", "difficulty"),
    [
        (AGAIN, State.Learning, 0, timedelta(minutes=1), 0.212, 6.4133),
        (HARD, State.Learning, 0, timedelta(minutes=5, seconds=30), 1.2931, 5.1122),
        (GOOD, State.Learning, 1, timedelta(minutes=10), 2.3065, 2.1181),
        (EASY, State.Review, None, timedelta(days=8), 8.2956, 1.0),
    ],
)
def test_first_review_of_a_new_card(rating, state, step, interval, stability, difficulty):
    card = first_review(rating)

    assert card.state == state
    assert card.step == step
    assert card.due == NOW + interval
    assert card.last_review == NOW
    assert card.stability == pytest.approx(stability, abs=1e-4)
    assert card.difficulty == pytest.approx(difficulty, abs=1e-4)


def test_first_review_intervals_grow_with_the_rating():
    due = [first_review(rating).due for rating in (AGAIN, HARD, GOOD, EASY)]

    assert due == sorted(due)
    assert len(set(due)) == 4


@pytest.mark.parametrize(
    ("rating", "state", "interval"),
    [
        (AGAIN, State.Relearning, timedelta(minutes=10)),
        (HARD, State.Review, timedelta(days=27)),
        (GOOD, State.Review, timedelta(days=39)),
        (EASY, State.Review, timedelta(days=66)),
    ],
)
def test_reviewing_a_review_card_when_due(rating, state, interval):
    card, due = review_card()

    after = scheduling.review(card, rating, now=due, scheduler=scheduler())

    assert after.state == state
    assert after.due == due + interval


def test_again_on_a_review_card_sends_it_to_relearning_with_lower_stability():
    card, due = review_card()

    after = scheduling.review(card, AGAIN, now=due, scheduler=scheduler())

    assert after.state == State.Relearning
    assert after.step == 0
    assert after.stability < card.stability


def test_review_intervals_grow_with_the_rating():
    card, due = review_card()

    intervals = scheduling.preview_intervals(card, due, 0.9)

    assert intervals[AGAIN] < intervals[HARD] < intervals[GOOD] < intervals[EASY]


def test_higher_retention_gives_shorter_intervals():
    card, due = review_card()

    strict = scheduling.preview_intervals(card, due, 0.97)
    lenient = scheduling.preview_intervals(card, due, 0.80)

    assert strict[GOOD] < lenient[GOOD]
    assert first_review(EASY, 0.97).due < first_review(EASY, 0.80).due


def test_retention_may_be_the_decimal_the_user_row_holds():
    assert scheduling.build_scheduler(Decimal("0.85"), fuzzing=False).desired_retention == 0.85


def test_preview_of_a_new_card_matches_the_first_reviews():
    intervals = scheduling.preview_intervals(scheduling.new_card(7, NOW), NOW, 0.9)

    assert intervals == {
        AGAIN: timedelta(minutes=1),
        HARD: timedelta(minutes=5, seconds=30),
        GOOD: timedelta(minutes=10),
        EASY: timedelta(days=8),
    }


def test_preview_does_not_change_the_card():
    card = scheduling.new_card(7, NOW)

    scheduling.preview_intervals(card, NOW, 0.9)

    assert card.state == State.Learning
    assert card.last_review is None


def test_unknown_rating_is_refused():
    with pytest.raises(ValueError, match="rating"):
        scheduling.review(scheduling.new_card(7, NOW), 5, now=NOW, scheduler=scheduler())


def test_times_in_other_utc_objects_are_accepted():
    # Database drivers can return zoneinfo's UTC, which fsrs would reject as "not UTC".
    seoul = NOW.astimezone(ZoneInfo("Asia/Seoul"))

    card = scheduling.review(
        scheduling.new_card(7, seoul),
        GOOD,
        now=NOW.replace(tzinfo=ZoneInfo("UTC")),
        scheduler=scheduler(),
    )

    assert card.due == NOW + timedelta(minutes=10)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        scheduling.as_utc(datetime(2026, 3, 2, 9, 0))


def test_card_survives_the_review_state_columns_round_trip():
    card = first_review(GOOD)

    fields = scheduling.card_to_fields(card)
    again = scheduling.card_from_fields(card_id=7, **fields)

    assert fields == {
        "state": 1,
        "step": 1,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": NOW + timedelta(minutes=10),
        "last_review": NOW,
    }
    assert again.to_dict() == card.to_dict()


def test_the_card_fields_are_what_card_to_fields_gives_and_review_state_columns():
    assert tuple(scheduling.card_to_fields(first_review(GOOD))) == scheduling.CARD_FIELDS
    assert scheduling.CARD_FIELDS == (
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
    )
    columns = {field.name for field in ReviewState._meta.concrete_fields}
    assert set(scheduling.CARD_FIELDS) <= columns


def test_card_survives_the_json_round_trip():
    card, _due = review_card()

    data = scheduling.card_to_dict(card)
    again = scheduling.card_from_dict(data)

    assert data["state"] == 2
    assert again.to_dict() == card.to_dict()
    assert again.due.tzinfo is UTC


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=0), "1 min"),
        (timedelta(seconds=20), "1 min"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(minutes=5, seconds=30), "6 min"),
        (timedelta(minutes=10), "10 min"),
        (timedelta(minutes=59), "59 min"),
        (timedelta(minutes=59, seconds=40), "1 h"),
        (timedelta(hours=3), "3 h"),
        (timedelta(hours=23), "23 h"),
        (timedelta(hours=23, minutes=40), "1 d"),
        (timedelta(days=3), "3 d"),
        (timedelta(days=29), "29 d"),
        (timedelta(days=30), "1 mo"),
        (timedelta(days=66), "2 mo"),
        (timedelta(days=364), "12 mo"),
        (timedelta(days=365), "1 y"),
        (timedelta(days=800), "2 y"),
        (timedelta(days=-3), "1 min"),
    ],
)
def test_format_interval(interval, label):
    with translation.override("en"):
        assert scheduling.format_interval(interval) == label


@pytest.mark.parametrize(("correct", "rating"), [(True, GOOD), (False, AGAIN)])
def test_grade_choice(correct, rating):
    assert scheduling.grade_choice(correct) == rating


@pytest.mark.parametrize(
    ("chosen", "correct", "exact"),
    [
        ({1}, {1}, True),
        ({1, 3}, {1, 3}, True),
        ({1}, {1, 3}, False),  # subset: half right is wrong
        ({1, 2, 3}, {1, 3}, False),  # superset: picking everything is wrong
        ({2}, {1}, False),
        (set(), {1}, False),
        (set(), set(), False),
    ],
)
def test_is_exact_choice(chosen, correct, exact):
    assert scheduling.is_exact_choice(chosen, correct) is exact


def test_card_from_state_reads_a_stored_row():
    from types import SimpleNamespace

    due = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    row = SimpleNamespace(
        question_id=42, state=2, step=None, stability=3.5, difficulty=5.1, due=due, last_review=due
    )
    card = scheduling.card_from_state(row)
    assert (card.card_id, card.state, card.stability, card.difficulty) == (42, 2, 3.5, 5.1)
    assert card.due == due

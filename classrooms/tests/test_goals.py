"""Goal progress, statuses and recall: pure rules, as tables."""

import datetime as dt

import pytest
from fsrs import Card, Scheduler, State

from classrooms.goals import (
    Goal,
    GoalProgress,
    Status,
    elapsed_share,
    format_duration,
    is_recalled,
    status_for,
)
from study import progress as recall

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 3, 21, 12, 0, tzinfo=dt.UTC)  # NOW is 9 of 20 days in: 45 %


def progress(goal=Goal.ANSWER_ALL, target=None, total=10, answered=0, recalled=0):
    return GoalProgress(
        goal=goal, target_percent=target, total=total, answered=answered, recalled=recalled
    )


@pytest.mark.parametrize(
    ("goal", "target", "total", "answered", "recalled", "needed", "share", "met", "percent"),
    [
        (Goal.ANSWER_ALL, None, 10, 0, 0, 10, 0.0, False, 0),
        (Goal.ANSWER_ALL, None, 10, 5, 9, 10, 0.5, False, 50),
        (Goal.ANSWER_ALL, None, 10, 10, 0, 10, 1.0, True, 100),
        (Goal.ANSWER_ALL, None, 3, 2, 0, 3, 2 / 3, False, 66),
        (Goal.RECALL, 80, 10, 10, 4, 8, 0.5, False, 50),
        (Goal.RECALL, 80, 10, 10, 8, 8, 1.0, True, 100),
        (Goal.RECALL, 80, 10, 10, 10, 8, 1.0, True, 100),
        # 90 % of 7 cards is 6.3: the goal needs 7, rounded up, never less than asked.
        (Goal.RECALL, 90, 7, 7, 6, 7, 6 / 7, False, 85),
        (Goal.RECALL, 100, 4, 4, 4, 4, 1.0, True, 100),
        # An empty deck has nothing to reach.
        (Goal.ANSWER_ALL, None, 0, 0, 0, 0, 0.0, False, 0),
        (Goal.RECALL, 50, 0, 0, 0, 0, 0.0, False, 0),
    ],
)
def test_goal_progress(goal, target, total, answered, recalled, needed, share, met, percent):
    result = progress(goal, target, total, answered, recalled)
    assert result.needed == needed
    assert result.share == pytest.approx(share)
    assert result.met is met
    assert result.percent == percent


def test_almost_there_is_not_shown_as_a_hundred_percent():
    assert progress(total=1000, answered=999).percent == 99


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (START - dt.timedelta(days=1), 0.0),
        (START, 0.0),
        (START + dt.timedelta(days=5), 0.25),
        (NOW, 0.45),
        (DUE, 1.0),
        (DUE + dt.timedelta(days=3), 1.0),
    ],
)
def test_elapsed_share(now, expected):
    assert elapsed_share(start=START, due=DUE, now=now) == pytest.approx(expected)


def test_an_empty_window_counts_as_fully_elapsed():
    assert elapsed_share(start=DUE, due=DUE, now=START) == 1.0


@pytest.mark.parametrize(
    ("answered", "now", "status"),
    [
        (10, NOW, Status.DONE),
        (10, DUE + dt.timedelta(days=1), Status.DONE),
        (5, NOW, Status.ON_TRACK),  # 50 % done, 45 % of the time gone
        (4, NOW, Status.BEHIND),  # 40 % done, 45 % of the time gone
        (0, START, Status.ON_TRACK),  # nothing expected yet
        (0, NOW, Status.BEHIND),
        (9, DUE, Status.BEHIND),  # the due moment itself is not yet late
        (3, DUE + dt.timedelta(seconds=1), Status.LATE),
        (0, DUE + dt.timedelta(days=2), Status.MISSING),
    ],
)
def test_status(answered, now, status):
    assert status_for(progress(answered=answered), start=START, due=DUE, now=now) == status


def test_recall_goal_late_or_missing_goes_by_remembered_cards():
    answered_but_forgotten = progress(Goal.RECALL, 80, answered=10, recalled=0)
    some_remembered = progress(Goal.RECALL, 80, answered=10, recalled=3)
    after = DUE + dt.timedelta(days=1)
    assert status_for(answered_but_forgotten, start=START, due=DUE, now=after) == Status.MISSING
    assert status_for(some_remembered, start=START, due=DUE, now=after) == Status.LATE


@pytest.mark.parametrize(
    ("stability", "days_since", "at_least_90"),
    [
        (None, 0, False),  # never reviewed
        (5.0, 0, True),
        (5.0, 5, True),  # recall falls to 90 % exactly when the stability has passed
        (5.0, 6, False),
        (0.5, 0, True),
        (0.5, 1, False),
        (30.0, 20, True),
        (30.0, 45, False),
    ],
)
def test_recall_matches_fsrs_and_decides_what_is_recalled(stability, days_since, at_least_90):
    last_review = NOW - dt.timedelta(days=days_since, hours=1)
    value = recall.retrievability(stability=stability, last_review=last_review, now=NOW)
    if stability is not None:
        card = Card(
            card_id=1, state=State.Review, stability=stability, last_review=last_review, due=NOW
        )
        assert value == pytest.approx(Scheduler().get_card_retrievability(card, NOW))
    assert (value >= 0.9) is at_least_90
    assert is_recalled(stability, days_since) is at_least_90


def test_retrievability_accepts_any_utc_tzinfo():
    from zoneinfo import ZoneInfo

    seoul = NOW.astimezone(ZoneInfo("Asia/Seoul"))
    assert recall.retrievability(stability=5.0, last_review=seoul, now=NOW) == pytest.approx(1.0)


def test_counting_recalled_cards():
    states = [(5.0, NOW), (5.0, NOW - dt.timedelta(days=10)), (None, None), (20.0, NOW)]
    days = [(stability, None if last is None else (NOW - last).days) for stability, last in states]
    assert sum(is_recalled(stability, elapsed) for stability, elapsed in days) == 2


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "0 min"),
        (29_999, "under 1 min"),
        (90_000, "2 min"),
        (3_600_000, "1 h 00 min"),
        (5_460_000, "1 h 31 min"),
    ],
)
def test_format_duration(ms, text):
    assert format_duration(ms) == text


def test_a_fresh_assignment_is_on_track_before_any_progress():
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    due = start + dt.timedelta(days=30)
    nothing = progress()
    assert status_for(nothing, start=start, due=due, now=start + dt.timedelta(minutes=5)) == (
        Status.ON_TRACK
    )
    # After the grace day the pace counts: three days in with nothing done is behind.
    assert status_for(nothing, start=start, due=due, now=start + dt.timedelta(days=3)) == (
        Status.BEHIND
    )


DUE_DAY = dt.datetime(2026, 3, 21, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("stability", "elapsed", "after", "then", "counts"),
    [
        # Before the due date, or not reviewed since: the current state, predicted to the day.
        (5.0, 5, False, None, True),
        (5.0, 6, False, None, False),
        (None, None, False, None, False),
        # Reviewed after the due date: the card as it stood then, whatever it is now.
        (100.0, 0, True, {"stability": 10.0, "last_review": "2026-03-18T12:00:00+00:00"}, True),
        (100.0, 0, True, {"stability": 1.0, "last_review": "2026-03-18T12:00:00+00:00"}, False),
        (100.0, 0, True, {"stability": 10.0, "last_review": "2026-03-18T12:00:00"}, True),
        # First seen after the due date: nothing stood then.
        (100.0, 0, True, {"stability": None, "last_review": None}, False),
        (100.0, 0, True, None, False),
        # Values no card could hold do not count and do not fail.
        (100.0, 0, True, {"stability": "NaN", "last_review": "2026-03-18"}, False),
        (100.0, 0, True, {"stability": float("inf"), "last_review": "2026-03-18"}, False),
        (100.0, 0, True, {"stability": -1.0, "last_review": "2026-03-18"}, False),
        (100.0, 0, True, {"stability": 10.0, "last_review": "yesterday"}, False),
        (100.0, 0, True, [1, 2], False),
    ],
)
def test_recalled_on_the_due_date(stability, elapsed, after, then, counts):
    from classrooms.goals import recalled_on_due

    result = recalled_on_due(
        stability=stability,
        elapsed_days=elapsed,
        due=DUE_DAY,
        reviewed_after=after,
        card_then=then,
    )
    assert result is counts

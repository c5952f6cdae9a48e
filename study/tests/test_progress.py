"""Progress maths as tables: fixed dates and zones in, exact figures out."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Scheduler, State

from study import progress
from study.progress import DayCount

SEOUL = ZoneInfo("Asia/Seoul")
UTC = dt.UTC
TODAY = dt.date(2025, 3, 10)  # a Monday
NOW = dt.datetime(2025, 3, 10, 3, 0, tzinfo=UTC)  # 12:00 in Seoul


def d(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.mark.parametrize(
    ("moment", "zone", "day"),
    [
        (dt.datetime(2025, 3, 9, 14, 59, tzinfo=UTC), SEOUL, dt.date(2025, 3, 9)),
        (dt.datetime(2025, 3, 9, 15, 0, tzinfo=UTC), SEOUL, dt.date(2025, 3, 10)),
        (dt.datetime(2025, 3, 10, 3, 0, tzinfo=UTC), ZoneInfo("America/New_York"), d(-1)),
    ],
)
def test_local_date_is_the_day_in_the_learners_zone(moment, zone, day):
    assert progress.local_date(moment, zone) == day


def test_forecast_puts_overdue_cards_on_today_and_drops_later_ones():
    dues = [
        dt.datetime(2025, 1, 1, tzinfo=UTC),  # long overdue -> today
        dt.datetime(2025, 3, 9, 15, 0, tzinfo=UTC),  # 00:00 today in Seoul
        dt.datetime(2025, 3, 10, 14, 59, tzinfo=UTC),  # 23:59 today in Seoul
        dt.datetime(2025, 3, 10, 15, 0, tzinfo=UTC),  # tomorrow in Seoul
        dt.datetime(2025, 3, 23, 14, 59, tzinfo=UTC),  # day 13, the last bar
        dt.datetime(2025, 3, 23, 15, 0, tzinfo=UTC),  # day 14: beyond the forecast
    ]

    forecast = progress.due_forecast(dues, today=TODAY, zone=SEOUL)

    assert len(forecast) == 14
    assert forecast[0] == DayCount(TODAY, 3)
    assert forecast[1] == DayCount(d(1), 1)
    assert forecast[13] == DayCount(d(13), 1)
    assert sum(day.count for day in forecast) == 5
    assert [day.day for day in forecast] == [d(i) for i in range(14)]


def test_forecast_without_cards_is_fourteen_empty_days():
    assert progress.due_forecast([], today=TODAY, zone=SEOUL, days=3) == [
        DayCount(d(0), 0),
        DayCount(d(1), 0),
        DayCount(d(2), 0),
    ]


def test_heatmap_covers_365_days_ending_today_and_ignores_older_days():
    counts = {d(0): 4, d(-364): 2, d(-365): 9, d(-10): 1}

    days = progress.heatmap_days(counts, today=TODAY)

    assert len(days) == 365
    assert days[0] == DayCount(d(-364), 2)
    assert days[-1] == DayCount(TODAY, 4)
    assert sum(day.count for day in days) == 7


@pytest.mark.parametrize(
    ("count", "peak", "level"),
    [
        (0, 0, 0),
        (0, 10, 0),
        (1, 10, 1),
        (2, 10, 1),
        (3, 10, 2),
        (5, 10, 2),
        (6, 10, 3),
        (7, 10, 3),
        (8, 10, 4),
        (10, 10, 4),
        (1, 1, 4),
        (1, 1000, 1),
    ],
)
def test_heat_level_is_a_quarter_of_the_busiest_day(count, peak, level):
    assert progress.heat_level(count, peak) == level


@pytest.mark.parametrize(
    ("active", "length"),
    [
        ([], 0),
        ([0], 1),
        ([0, -1, -2], 3),
        ([-1, -2, -3], 3),  # nothing yet today: the run up to yesterday still stands
        ([-2, -3], 0),  # yesterday missed: broken
        ([0, -2, -3], 1),
        ([0, -1, -3, -4, -5], 2),
        ([1, 0], 1),  # a day after today (clock skew) does not count
    ],
)
def test_streak_counts_days_in_a_row_ending_today_or_yesterday(active, length):
    assert progress.streak({d(i) for i in active}, today=TODAY) == length


@pytest.mark.parametrize(
    ("part", "whole", "value"), [(0, 0, None), (0, 4, 0.0), (3, 4, 0.75), (4, 4, 1.0)]
)
def test_share_is_none_without_a_denominator(part, whole, value):
    assert progress.share(part, whole) == value


@pytest.mark.parametrize(
    ("stability", "elapsed", "expected"),
    [
        (None, dt.timedelta(days=1), 0.0),
        (5.0, None, 0.0),
        (5.0, dt.timedelta(0), 1.0),
        (5.0, dt.timedelta(hours=23), 1.0),  # fsrs counts whole days
        (5.0, dt.timedelta(days=5), 0.9),  # stability: the interval at which recall is 90%
        (2.0, dt.timedelta(days=2, hours=12), 0.9),
        (10.0, dt.timedelta(days=30), 0.8094),  # (1 + F·3) ** -0.1542
    ],
)
def test_retrievability_follows_fsrs(stability, elapsed, expected):
    last_review = None if elapsed is None else NOW - elapsed

    value = progress.retrievability(stability=stability, last_review=last_review, now=NOW)

    assert value == pytest.approx(expected, abs=5e-5)
    if stability is not None and last_review is not None:
        card = Card(card_id=1, state=State.Review, stability=stability, last_review=last_review)
        assert value == Scheduler().get_card_retrievability(card, current_datetime=NOW)


def test_retrievability_accepts_any_utc_tzinfo():
    zoned = dt.datetime(2025, 3, 5, 3, 0, tzinfo=ZoneInfo("UTC"))
    assert progress.retrievability(stability=5.0, last_review=zoned, now=NOW) == pytest.approx(0.9)


@pytest.mark.parametrize(
    ("recalls", "total", "studied", "mean", "value"),
    [
        ([], 0, 0, None, 0.0),
        ([], 10, 0, None, 0.0),
        ([1.0, 1.0], 4, 2, 1.0, 0.5),
        ([0.9, 0.7], 4, 2, 0.8, 0.4),
        ([0.5, 0.5, 0.5, 0.5], 4, 4, 0.5, 0.5),
        ([0.0], 2, 1, 0.0, 0.0),
    ],
)
def test_readiness_is_mean_recall_times_share_studied(recalls, total, studied, mean, value):
    result = progress.readiness(recalls, total)

    assert result.studied == studied
    assert result.total == total
    assert result.mean_recall == (None if mean is None else pytest.approx(mean))
    assert result.readiness == pytest.approx(value)


def test_readiness_share_studied():
    assert progress.readiness([0.9], 4).studied_share == 0.25
    assert progress.readiness([], 0).studied_share is None


@pytest.mark.parametrize(
    ("lapses", "agains", "leech"),
    [(0, 0, False), (7, 7, False), (8, 0, True), (0, 8, True), (7, 9, True), (12, 3, True)],
)
def test_a_leech_lapsed_or_failed_eight_times(lapses, agains, leech):
    assert progress.is_leech(lapses=lapses, agains=agains) is leech


# Figures from plain numbers: fsrs's curve on whole days the database counts.


@pytest.mark.parametrize("stability", [0.2, 1.0, 3.0, 17.5, 400.0])
@pytest.mark.parametrize("days", [0, 1, 2, 5, 30, 365])
def test_recall_after_is_fsrs_retrievability_exactly(stability: float, days: int) -> None:
    card = Card(state=State.Review, stability=stability, last_review=NOW - dt.timedelta(days=days))
    assert progress.recall_after(stability, days) == Scheduler().get_card_retrievability(
        card, current_datetime=NOW
    )


def test_recall_after_of_a_card_without_memory_is_zero() -> None:
    assert progress.recall_after(None, 3) == 0.0
    assert progress.recall_after(3.0, None) == 0.0
    assert progress.recall_after(3.0, -2) == progress.recall_after(3.0, 0)

"""study.expressions.DaysElapsed: the database counts whole days since a moment as fsrs does."""

import datetime as dt
from typing import Any

import pytest

from study.expressions import DaysElapsed
from study.models import ReviewState

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
DUE = {"due": NOW - dt.timedelta(hours=1), "stability": 4.0, "last_review": NOW - 5 * DAY}


@pytest.mark.parametrize(
    "since",
    [
        dt.timedelta(0),
        dt.timedelta(hours=23, minutes=59, seconds=59),
        DAY,
        3 * DAY - dt.timedelta(seconds=1),
        3 * DAY,
        40 * DAY + dt.timedelta(hours=5),
    ],
)
def test_the_database_counts_whole_days_as_fsrs_does(
    student: Any, question: Any, since: dt.timedelta, make_state: Any
) -> None:
    make_state(student, question, **DUE)
    ReviewState.objects.update(last_review=NOW - since)
    days = ReviewState.objects.annotate(days=DaysElapsed("last_review", NOW)).get().days
    assert days == since.days


def test_days_since_nothing_is_nothing(student: Any, question: Any, make_state: Any) -> None:
    make_state(student, question, **DUE)
    ReviewState.objects.update(last_review=None)
    assert ReviewState.objects.annotate(days=DaysElapsed("last_review", NOW)).get().days is None

"""Progress maths: forecasts, heatmaps, streaks, retention, readiness, leeches.

Pure: no ORM. The selectors turn rows into the plain values these functions take, and every
figure on the progress page comes out of one of these functions, so each is tested as a table
with fixed dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from fsrs import Scheduler

FORECAST_DAYS = 14
HEATMAP_DAYS = 365
HEAT_LEVELS = 4  # levels 1..4 for days with answers; 0 for none
RETENTION_WINDOW = dt.timedelta(days=30)
LEECH_LAPSES = 8
LEECH_AGAINS = 8

# Retrievability depends only on the model's decay parameter, not on the learner's desired
# retention, so one scheduler with the default parameters serves everybody.
_SCHEDULER = Scheduler(enable_fuzzing=False)
# Its forgetting curve, R = (1 + FACTOR * days / S) ** DECAY, computed as fsrs computes it
# (Scheduler.__init__ and get_card_retrievability), so pages can apply it to plain numbers.
_DECAY = -_SCHEDULER.parameters[20]
_FACTOR = 0.9 ** (1 / _DECAY) - 1


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    count: int


def local_date(moment: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The calendar day `moment` falls on for someone living in `zone`."""
    return moment.astimezone(zone).date()


def due_forecast(
    dues: Iterable[dt.datetime], *, today: dt.date, zone: dt.tzinfo, days: int = FORECAST_DAYS
) -> list[DayCount]:
    """Cards falling due on each of the next `days` local days, today first.

    Today's bar also holds every overdue card: they are all waiting to be done today.
    """
    return due_forecast_by_day((local_date(due, zone) for due in dues), today=today, days=days)


def due_forecast_by_day(
    due_days: Iterable[dt.date], *, today: dt.date, days: int = FORECAST_DAYS
) -> list[DayCount]:
    """due_forecast from the local day each card falls due on."""
    counts = [0] * days
    for due_day in due_days:
        offset = (due_day - today).days
        if offset < days:
            counts[max(0, offset)] += 1
    return [DayCount(today + dt.timedelta(days=i), n) for i, n in enumerate(counts)]


def heatmap_days(
    counts: Mapping[dt.date, int], *, today: dt.date, days: int = HEATMAP_DAYS
) -> list[DayCount]:
    """Answers on each of the last `days` local days, oldest first, ending with today."""
    first = today - dt.timedelta(days=days - 1)
    return [
        DayCount(day, counts.get(day, 0))
        for day in (first + dt.timedelta(days=i) for i in range(days))
    ]


def heat_level(count: int, peak: int) -> int:
    """0 for a day without answers, else 1..4 by the share of the busiest day (`peak`)."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * count / peak)))


def streak(active_days: Collection[dt.date], *, today: dt.date) -> int:
    """Days in a row with at least one answer, ending today, or yesterday if today has none yet.

    A learner who studied every day up to yesterday has not broken the streak by not having
    studied yet this morning.
    """
    day = today if today in active_days else today - dt.timedelta(days=1)
    length = 0
    while day in active_days:
        length += 1
        day -= dt.timedelta(days=1)
    return length


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as a dash)."""
    return part / whole if whole else None


def retrievability(
    *, stability: float | None, last_review: dt.datetime | None, now: dt.datetime
) -> float:
    """FSRS probability of recalling a card now; 0 for a card with no memory state yet.

    Uses fsrs's own formula (whole days elapsed since the last review), so the figure matches
    what the scheduler believes.
    """
    if stability is None or last_review is None:
        return 0.0
    return recall_after(stability, (now - last_review).days)


def recall_after(stability: float | None, elapsed_days: int | None) -> float:
    """retrievability() from the whole days since the last review, as the database counts them
    (study.expressions.DaysElapsed): the same arithmetic as fsrs, without a Card per row."""
    # A stability no card can have (0, negative, NaN: a row written outside the services) is
    # no memory at all; the formula would divide by zero or turn complex.
    if stability is None or elapsed_days is None or not stability > 0:
        return 0.0
    return float((1 + _FACTOR * max(0, elapsed_days) / stability) ** _DECAY)


@dataclass(frozen=True)
class Readiness:
    """How ready a learner is on a group of cards (a topic, a task statement, the domain).

    readiness = mean recall probability of the studied cards x share of the cards studied.
    """

    total: int
    studied: int
    mean_recall: float | None
    readiness: float

    @property
    def studied_share(self) -> float | None:
        return share(self.studied, self.total)


def readiness(recalls: Sequence[float], total: int) -> Readiness:
    """Readiness of a group of `total` cards, given the recall probability of each studied one."""
    studied = len(recalls)
    mean = sum(recalls) / studied if studied else None
    studied_share = studied / total if total else 0.0
    return Readiness(
        total=total,
        studied=studied,
        mean_recall=mean,
        readiness=(mean or 0.0) * studied_share,
    )


@dataclass(frozen=True)
class ExamReadiness:
    """Readiness for the whole exam from its domains' readiness, weighted like the guide.

    readiness = the sum over domains of weight share x domain readiness; a domain with no cards
    adds nothing (the learner cannot be ready there), and `covered` says how much of the exam
    the cards reach at all.
    """

    readiness: float
    covered: float  # share of the scored exam in domains with cards


def exam_readiness(domains: Iterable[tuple[float, Readiness | None]]) -> ExamReadiness:
    """From (weight share, readiness or None for a domain with no cards) for every domain."""
    readiness = covered = 0.0
    for weight, group in domains:
        if group is not None:
            readiness += weight * group.readiness
            covered += weight
    return ExamReadiness(readiness=readiness, covered=covered)


def is_leech(*, lapses: int, agains: int) -> bool:
    """A card the learner keeps failing: forgotten after learning it 8 or more times (lapses),
    or answered Again / wrong 8 or more times in all, practice included."""
    return lapses >= LEECH_LAPSES or agains >= LEECH_AGAINS

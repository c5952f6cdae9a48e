"""Exam-day planner maths: recall on a date, a day-by-day simulation to that date, the plan that
remembers most on the day, the exam-day order, and teachers' projections.

Pure: no ORM, no clock. Callers turn rows into the plain values these functions take and pass
the moments in, so everything here is tested as tables.

The model is fsrs's own: the forgetting curve of study.progress (R = (1 + FACTOR * days / S) **
DECAY, whole days as fsrs counts them), and on each simulated review the state update of
``fsrs.Scheduler.review_card`` for the learner's desired retention, without fuzzing. The update
is re-expressed here on plain floats (``_Model``) because ``review_card`` costs about 13 µs of CPU
a call (a Card copy, datetime arithmetic, a ReviewLog) and a recommendation for 2,000 cards and 90
days runs some 140,000 reviews: 1.8 s in review_card alone, against 0.35 s for the whole grid
here (bench/planner_cpu). ``_Model`` performs the same float operations in the same order on the
Scheduler's own parameters, and test_planner pins it to ``review_card`` bit for bit on every
branch the simulation takes, and the whole simulation to one written on fsrs Cards.
(py-fsrs 6.3.2 is MIT-licensed, so re-expressing its formulas is allowed. Its own simulator,
Optimizer._simulate_cost behind compute_optimal_retention, needs torch, which saaprep does not
install, and answers another question: the review cost per card remembered over a fixed year,
one card at a time, every review recalled with the desired retention rather than the card's
recall, with no daily time budget and no exam date. It is not used.)
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fsrs import Scheduler, State

from study import progress, scheduling

DAY = dt.timedelta(days=1)

# The desired-retention choices the planner compares (the settings allow 0.80-0.97).
RETENTIONS = (0.80, 0.85, 0.90, 0.95)
# Without an exam date, readiness is predicted this far ahead.
HORIZON = dt.timedelta(days=30)
# "Exam-day order" is offered in the last days before the exam.
EXAM_ORDER_DAYS = 7
# Seconds per review: the learner's median once there are this many timed answers, else a default.
MIN_DURATIONS = 20
# An SAA-C03 question is a short scenario with four or five options: half a minute to read and
# answer is a fair first guess until the learner's own answers say otherwise.
DEFAULT_SECONDS_PER_REVIEW = 30.0
SECONDS_PER_REVIEW_MIN = 1.0
SECONDS_PER_REVIEW_MAX = 600.0
# Chance that a card never seen before is answered right the first time. fsrs gives a card with
# no memory state a recall of 0, which would fail every first showing; callers who have the
# learner's own share of right first answers should pass it instead.
FIRST_TRY_RECALL = 0.6
# Teachers' memory goals count a card as remembered at recall >= 0.9 (classrooms.goals).
RECALL_GOAL = 0.9
# How many extra minutes a day the teacher projection tries before saying "out of reach".
MAX_EXTRA_MINUTES = 240
# accounts_user_new_per_day_max: the settings accept at most this many new cards a day.
NEW_PER_DAY_MAX = 1000


# --- Recall on a date --------------------------------------------------------------------------


def predicted_recall(
    *, stability: float | None, last_review: dt.datetime | None, on: dt.datetime
) -> float:
    """FSRS retrievability of a card at `on` if it is not reviewed again before then.

    Whole days elapsed since the last review, as fsrs counts them (so this equals
    ``Scheduler.get_card_retrievability(card, on)``); 0 for a card never reviewed, and for a
    stored stability that is not a positive finite number (no row can break a page).
    """
    if stability is None or last_review is None or not _positive(stability):
        return 0.0
    elapsed = (scheduling.as_utc(on) - scheduling.as_utc(last_review)).days
    return progress.recall_after(stability, elapsed)


def readiness_moment(*, now: dt.datetime, exam: dt.datetime | None) -> dt.datetime:
    """The moment readiness is predicted for: the exam when one is set and still ahead, else
    HORIZON (30 days) from now."""
    if exam is not None and exam > now:
        return exam
    return now + HORIZON


@dataclass(frozen=True)
class DateReadiness:
    """Readiness of a group of cards on a date, with the figures that explain it.

    readiness = expected_recalled / total
              = (mean predicted recall of the studied cards) x (share of the cards studied),
    the expected share of the group's cards the learner would recall on `on` if they studied
    nothing more: a card never studied counts as not recalled.
    """

    on: dt.datetime
    total: int
    studied: int
    expected_recalled: float

    @property
    def mean_recall(self) -> float | None:
        """Mean predicted recall of the studied cards on the date (None when none is studied)."""
        return self.expected_recalled / self.studied if self.studied else None

    @property
    def studied_share(self) -> float | None:
        return progress.share(self.studied, self.total)

    @property
    def readiness(self) -> float:
        return self.expected_recalled / self.total if self.total else 0.0


def readiness_on(
    cards: Iterable[tuple[float | None, dt.datetime | None]], total: int, on: dt.datetime
) -> DateReadiness:
    """Readiness on `on` of a group of `total` cards, from (stability, last_review) of each card
    the learner has a memory state for. Pairs without a last review are not studied.

    The total is at least the studied count: when the group was counted apart from the states
    (two queries, a card removed in between), readiness stays within 0..1 instead of failing.
    """
    studied = 0
    expected = 0.0
    for stability, last_review in cards:
        if last_review is None:
            continue
        studied += 1
        expected += predicted_recall(stability=stability, last_review=last_review, on=on)
    return DateReadiness(
        on=on, total=max(total, studied), studied=studied, expected_recalled=expected
    )


# --- The learner's pace ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTime:
    """Seconds one review takes: measured (median of `samples` timed answers) or the default."""

    seconds: float
    samples: int
    measured: bool


def seconds_per_review(
    durations_ms: Iterable[int | None],
    *,
    default: float = DEFAULT_SECONDS_PER_REVIEW,
    minimum: int = MIN_DURATIONS,
) -> ReviewTime:
    """The median answer time in seconds once there are `minimum` timed answers, else `default`.

    The median, not the mean: one answer left open over lunch must not double the plan. Missing
    and zero durations (answers recorded without timing) are not samples. The result is kept
    within 1 s..10 min, which also bounds the work of a simulated day.
    """
    durations = [ms for ms in durations_ms if ms is not None and ms > 0]
    if len(durations) < minimum:
        return ReviewTime(seconds=default, samples=len(durations), measured=False)
    median = statistics.median(durations) / 1000
    return ReviewTime(
        seconds=min(max(median, SECONDS_PER_REVIEW_MIN), SECONDS_PER_REVIEW_MAX),
        samples=len(durations),
        measured=True,
    )


def minutes_per_day(durations_ms: Iterable[int | None], *, days: int) -> float:
    """Study minutes per day over a window of `days`, from the answers' durations in it.

    Untimed answers add nothing, so the figure errs low, as a pace a learner keeps should.
    """
    if days <= 0:
        raise ValueError("days must be positive")
    return sum(ms for ms in durations_ms if ms is not None and ms > 0) / 60_000 / days


# --- The simulation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanCard:
    """A studied card as its ReviewState holds it, with the key it is counted under (a domain,
    a task statement: whatever the page groups by)."""

    key: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: dt.datetime
    last_review: dt.datetime | None


@dataclass(frozen=True)
class PlanDay:
    """One simulated study day."""

    date: dt.date
    reviews: int  # showings: reviews, learning steps and first showings of new cards
    new: int  # cards shown for the first time
    minutes: float  # reviews x seconds per review
    overdue: int  # due cards left for a later day (the time budget or review cap ran out)


@dataclass(frozen=True)
class Plan:
    """The outcome of studying with one setting until the exam (or due) moment.

    expected_recalled is the sum over every card (studied or not) of its predicted recall at the
    end moment: the number of cards the learner is expected to recall then. Never-studied cards
    count 0.
    """

    retention: float
    new_per_day: int
    minutes_per_day: float
    seconds_per_review: float
    days: tuple[PlanDay, ...]
    total: int
    expected_recalled: float
    total_by_key: Mapping[str, int]
    expected_by_key: Mapping[str, float]
    recalled_at_goal: int  # cards at recall >= RECALL_GOAL at the end moment
    unstudied_at_end: int
    all_studied_on: dt.date | None  # the day the last new card is first shown; None: not in time

    @property
    def expected_share(self) -> float:
        return self.expected_recalled / self.total if self.total else 0.0

    @property
    def total_minutes(self) -> float:
        return sum(day.minutes for day in self.days)

    @property
    def mean_minutes(self) -> float:
        """Minutes a day on average over the days until the end."""
        return self.total_minutes / len(self.days) if self.days else 0.0

    @property
    def peak_minutes(self) -> float:
        return max((day.minutes for day in self.days), default=0.0)

    @property
    def total_reviews(self) -> int:
        return sum(day.reviews for day in self.days)


def sessions_before(*, start: dt.datetime, end: dt.datetime) -> int:
    """How many daily sessions (at start, start + 1 day, ...) fall before `end`."""
    # In UTC: Python subtracts datetimes sharing a tzinfo by wall clock, across DST too.
    span = scheduling.as_utc(end) - scheduling.as_utc(start)
    if span <= dt.timedelta(0):
        return 0
    return -(-span // DAY)


_LEARNING = int(State.Learning)
_REVIEW = int(State.Review)
_RELEARNING = int(State.Relearning)
_MASK = (1 << 64) - 1


class _Model:
    """fsrs.Scheduler.review_card for Again and Good on a day grid, on plain floats.

    Every review of a simulated day happens at one moment, start + day; all that fsrs reads of
    time is whole days elapsed since the last review, so a card is (state, step, stability,
    difficulty, day of last review) and its next due day. Each formula below performs the
    Scheduler's own float operations in its order on its parameters (constants that fsrs
    recomputes every call are computed once), so results are identical, not merely close.
    """

    def __init__(self, scheduler: Scheduler) -> None:
        p = scheduler.parameters
        self.p = p
        self.decay = -p[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self.retention = scheduler.desired_retention
        self.interval_factor = (self.retention ** (1 / self.decay)) - 1
        self.maximum_interval = scheduler.maximum_interval
        self.learning_steps = [_step_days(step) for step in scheduler.learning_steps]
        self.relearning_steps = [_step_days(step) for step in scheduler.relearning_steps]
        # _initial_stability / _initial_difficulty(clamp=True) for Again (1) and Good (3).
        self.init_s_again = max(p[0], 0.001)
        self.init_s_good = max(p[2], 0.001)
        self.init_d_again = _clamp_d(p[4] - (math.e ** (p[5] * (1 - 1))) + 1)
        self.init_d_good = _clamp_d(p[4] - (math.e ** (p[5] * (3 - 1))) + 1)
        # _next_difficulty: mean reversion towards the unclamped initial difficulty of Easy.
        self.mean_rev = p[7] * (p[4] - (math.e ** (p[5] * (4 - 1))) + 1)
        self.keep = 1 - p[7]
        self.delta_again = -(p[6] * (1 - 3))
        # _short_term_stability factors, _next_forget_stability's short-term bound.
        self.st_again = math.e ** (p[17] * (1 - 3 + p[18]))
        self.st_good = math.e ** (p[17] * (3 - 3 + p[18]))
        self.forget_short = math.e ** (p[17] * p[18])
        self.e8 = math.e ** p[8]
        # Negated once: fsrs writes s ** -w, and negating a float is exact.
        self.minus_w9 = -p[9]
        self.minus_w12 = -p[12]
        self.minus_w19 = -p[19]

    def interval(self, stability: float) -> int:
        """_next_interval: whole days, at least 1, at most maximum_interval."""
        days = round((stability / self.factor) * self.interval_factor)
        return 1 if days < 1 else days if days < self.maximum_interval else self.maximum_interval

    def recall(self, stability: float, elapsed: int) -> float:
        """get_card_retrievability after `elapsed` whole days."""
        return (1 + self.factor * (elapsed if elapsed > 0 else 0) / stability) ** self.decay

    def difficulty(self, difficulty: float, good: bool) -> float:
        """_next_difficulty. Good moves it by -(w6 x 0) = -0.0, which adds exactly nothing, so
        only the mean reversion is left."""
        if not good:
            difficulty = difficulty + (10.0 - difficulty) * self.delta_again / 9.0
        moved = self.mean_rev + self.keep * difficulty
        return 1.0 if moved < 1.0 else moved if moved < 10.0 else 10.0

    def short_term(self, stability: float, good: bool) -> float:
        """_short_term_stability (a review on the day of the previous one)."""
        if good:
            increase = self.st_good * (stability**self.minus_w19)
            if increase < 1.0:
                increase = 1.0
        else:
            increase = self.st_again * (stability**self.minus_w19)
        stability = stability * increase
        return stability if stability > 0.001 else 0.001

    def long_term(self, difficulty: float, stability: float, recall: float, good: bool) -> float:
        """_next_stability: recall stability for Good, forget stability for Again."""
        p = self.p
        if good:
            grown = stability * (
                1
                + self.e8
                * (11 - difficulty)
                * (stability**self.minus_w9)
                * ((math.e ** ((1 - recall) * p[10])) - 1)
                * 1  # hard_penalty
                * 1  # easy_bonus
            )
            return grown if grown > 0.001 else 0.001
        long = (
            p[11]
            * (difficulty**self.minus_w12)
            * (((stability + 1) ** (p[13])) - 1)
            * (math.e ** ((1 - recall) * p[14]))
        )
        short = stability / self.forget_short
        forgot = long if long < short else short
        return forgot if forgot > 0.001 else 0.001

    def review(
        self,
        state: int,
        step: int,
        stability: float | None,
        difficulty: float | None,
        elapsed: int | None,
        recall: float,
        good: bool,
    ) -> tuple[int, int, float, float, int]:
        """(state, step, stability, difficulty, days until due) after one review.

        `elapsed` is whole days since the last review (None: never reviewed) and `recall` the
        card's retrievability then (0 without a last review), as fsrs computes them. Days until
        due is -1 for a step shorter than a day, taken again in the same session.
        """
        if state == _REVIEW:
            if stability is None or difficulty is None:
                raise ValueError("a card in the Review state needs stability and difficulty")
            if elapsed is not None and elapsed < 1:
                stability = self.short_term(stability, good)
            else:
                stability = self.long_term(difficulty, stability, recall, good)
            difficulty = self.difficulty(difficulty, good)
            if good or not self.relearning_steps:
                return _REVIEW, 0, stability, difficulty, self.interval(stability)
            return _RELEARNING, 0, stability, difficulty, self.relearning_steps[0]
        if stability is None or difficulty is None:
            # Only a Learning card lacks a memory state; fsrs starts it from the rating.
            stability = self.init_s_good if good else self.init_s_again
            difficulty = self.init_d_good if good else self.init_d_again
        elif elapsed is not None and elapsed < 1:
            stability = self.short_term(stability, good)
            difficulty = self.difficulty(difficulty, good)
        else:
            stability = self.long_term(difficulty, stability, recall, good)
            difficulty = self.difficulty(difficulty, good)
        steps = self.learning_steps if state == _LEARNING else self.relearning_steps
        if not steps or (step >= len(steps) and good):
            return _REVIEW, 0, stability, difficulty, self.interval(stability)
        if not good:
            return state, 0, stability, difficulty, steps[0]
        if step + 1 == len(steps):
            return _REVIEW, 0, stability, difficulty, self.interval(stability)
        return state, step + 1, stability, difficulty, steps[step + 1]


def _clamp_d(difficulty: float) -> float:
    return min(max(difficulty, 1.0), 10.0)


def _step_days(step: dt.timedelta) -> int:
    """Days until a (re)learning step comes due: -1 (the same session) under a day, else the
    first daily session at or after it."""
    if step < DAY:
        return -1
    return -(-step // DAY)


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_UNIT = 1.0 / (1 << 53)


def _uniform(stream: int, draw: int) -> float:
    """The `draw`-th number in [0, 1) of a card's stream: splitmix64 of stream + draw x gamma."""
    z = (stream + draw * _GOLDEN) & _MASK
    z = ((z ^ (z >> 30)) * _MIX1) & _MASK
    z = ((z ^ (z >> 27)) * _MIX2) & _MASK
    return ((z ^ (z >> 31)) >> 11) * _UNIT


def new_card_keys(new_cards: Mapping[str, int] | Sequence[str]) -> list[str]:
    """The keys of the unstudied cards in the order they are introduced.

    A sequence is taken as that order (the study queue's: deck order). Counts per key are
    spread evenly, each key at its own steady rate: {"a": 3, "b": 1} gives a, a, b, a.
    """
    if isinstance(new_cards, str):
        raise TypeError("pass the keys of the new cards as a list, not one string")
    if not isinstance(new_cards, Mapping):
        return list(new_cards)
    if any(count < 0 for count in new_cards.values()):
        raise ValueError("new card counts must be 0 or more")
    slots = [
        ((index + 0.5) / count, order, key)
        for order, (key, count) in enumerate(sorted(new_cards.items()))
        for index in range(count)
    ]
    return [key for _position, _order, key in sorted(slots)]


@dataclass
class _Outcome:
    days: list[PlanDay]
    keys: list[str]
    recalls: list[float]  # predicted recall of every card at the end moment
    unstudied: int
    all_studied_on: dt.date | None


class _Learner:
    """A learner's cards at the start of a simulation, read once and run under many settings.

    Parallel lists indexed by card: studied cards first, then new cards in introduction order.
    Days are session numbers: session d is at start + d days.
    """

    def __init__(
        self,
        *,
        cards: Sequence[PlanCard],
        new_cards: Mapping[str, int] | Sequence[str],
        start: dt.datetime,
        end: dt.datetime,
        seed: int,
    ) -> None:
        self.first_date = start.date()  # in the caller's (the learner's) zone
        start = scheduling.as_utc(start)
        end = scheduling.as_utc(end)
        self.sessions = sessions_before(start=start, end=end)
        self.end_offset = (end - start).days  # whole days from session 0 to the end moment
        self.keys = [card.key for card in cards] + new_card_keys(new_cards)
        count = len(self.keys)
        self.studied = len(cards)
        self.state = [0] * count  # 0: not shown yet
        self.step = [0] * count
        self.stab: list[float | None] = [None] * count
        self.diff: list[float | None] = [None] * count
        self.last: list[int | None] = [None] * count  # session of the last review (may be < 0)
        # Recall at the end of a card the simulation does not touch, from its stored review.
        self.untouched_recall = [0.0] * count
        self.buckets: dict[int, list[int]] = {}
        for index, card in enumerate(cards):
            card_state, card_step, card_stab, card_diff = _sane(card)
            self.state[index], self.step[index] = card_state, card_step
            self.stab[index], self.diff[index] = card_stab, card_diff
            if card.last_review is not None:
                last_review = scheduling.as_utc(card.last_review)
                # (start + d days - last_review).days == d + (start - last_review).days exactly.
                self.last[index] = -(start - last_review).days
                self.untouched_recall[index] = predicted_recall(
                    stability=card_stab, last_review=last_review, on=end
                )
            due = scheduling.as_utc(card.due)
            # The first session at or after its due moment; but a card being learned is finished
            # in today's session, as the study queue shows learning cards before anything else.
            day = max(0, -(-(due - start) // DAY))
            if card_state != _REVIEW and due - start < DAY:
                day = 0
            if day < self.sessions:
                self.buckets.setdefault(day, []).append(index)
        rng = random.Random(seed)  # noqa: S311 (a simulation's luck, not a secret)
        self.streams = [rng.getrandbits(64) for _ in range(count)]


def _run(
    learner: _Learner,
    *,
    retention: float,
    new_per_day: int,
    minutes_per_day: float,
    seconds_per_review: float,
    first_try_recall: float,
    max_reviews_per_day: int | None,
) -> _Outcome:
    if not 0 < retention < 1:
        raise ValueError(f"retention must be between 0 and 1, not {retention!r}")
    if not _positive(seconds_per_review):
        raise ValueError(f"seconds per review must be positive, not {seconds_per_review!r}")
    if not (math.isfinite(minutes_per_day) and minutes_per_day >= 0):
        raise ValueError(f"minutes per day must be 0 or more, not {minutes_per_day!r}")
    if new_per_day < 0:
        raise ValueError(f"new cards per day must be 0 or more, not {new_per_day!r}")
    if not 0 <= first_try_recall <= 1:
        raise ValueError(f"first-try recall must be within 0..1, not {first_try_recall!r}")
    model = _Model(scheduling.build_scheduler(retention, fuzzing=False))
    sessions = learner.sessions
    count = len(learner.keys)
    state, step = learner.state[:], learner.step[:]
    stab, diff, last = learner.stab[:], learner.diff[:], learner.last[:]
    buckets = {day: indexes[:] for day, indexes in learner.buckets.items()}
    # Each card's random stream, advanced by the golden gamma per draw (see _uniform).
    counters = learner.streams[:]
    touched = [False] * count

    cap = math.floor(minutes_per_day * 60 / seconds_per_review + 1e-9)
    review_cap = max_reviews_per_day if max_reviews_per_day is not None else count * sessions + 1
    next_new = learner.studied
    all_studied_day: int | None = 0 if next_new == count else None
    days: list[PlanDay] = []
    carry: list[int] = []
    recall_of = model.recall
    review_of = model.review
    for day in range(sessions):
        queue = carry
        queue.extend(buckets.pop(day, ()))
        carry = []
        shown = new_today = reviews_today = 0
        position = 0
        while shown < cap:
            if position < len(queue):
                index = queue[position]
                position += 1
            elif new_today < new_per_day and next_new < count:
                index = next_new
                next_new += 1
                new_today += 1
                state[index] = _LEARNING
                if next_new == count:
                    all_studied_day = day
            else:
                break
            card_state = state[index]
            if card_state == _REVIEW:
                if reviews_today >= review_cap:
                    carry.append(index)
                    continue
                reviews_today += 1
            card_stab = stab[index]
            card_last = last[index]
            if card_stab is None:  # no memory state: fsrs starts one from this rating
                elapsed = None
                chance = first_try_recall
            elif card_last is None:
                elapsed = None
                chance = 0.0  # fsrs's recall of a card without a last review
            else:
                elapsed = day - card_last
                chance = recall_of(card_stab, elapsed)
            # _uniform(stream, k) inlined: this loop runs some 10,000 times per plan.
            z = counters[index]
            counters[index] = (z + _GOLDEN) & _MASK
            z = ((z ^ (z >> 30)) * _MIX1) & _MASK
            z = ((z ^ (z >> 27)) * _MIX2) & _MASK
            good = ((z ^ (z >> 31)) >> 11) * _UNIT < chance
            new_state, new_step, new_stab, new_diff, wait = review_of(
                card_state, step[index], card_stab, diff[index], elapsed, chance, good
            )
            state[index], step[index] = new_state, new_step
            stab[index], diff[index] = new_stab, new_diff
            last[index] = day
            touched[index] = True
            shown += 1
            if wait < 0:
                queue.append(index)
            elif day + wait < sessions:
                buckets.setdefault(day + wait, []).append(index)
        carry.extend(queue[position:])
        days.append(
            PlanDay(
                date=learner.first_date + dt.timedelta(days=day),
                reviews=shown,
                new=new_today,
                minutes=shown * seconds_per_review / 60,
                overdue=len(carry),
            )
        )

    end_offset = learner.end_offset
    recalls = learner.untouched_recall[:]
    for index in range(count):
        if touched[index]:
            card_stab = stab[index]
            card_last = last[index]
            # A touched card has a memory state and a last review (it was just reviewed).
            if card_stab is not None and card_last is not None:
                recalls[index] = recall_of(card_stab, end_offset - card_last)
    return _Outcome(
        days=days,
        keys=learner.keys,
        recalls=recalls,
        unstudied=count - next_new,
        all_studied_on=(
            None
            if all_studied_day is None
            else learner.first_date + dt.timedelta(days=all_studied_day)
        ),
    )


def _sane(card: PlanCard) -> tuple[int, int, float | None, float | None]:
    """(state, step, stability, difficulty) fsrs can take, whatever the stored row holds: an
    unknown state or a memory state that is missing or not finite is simulated as a card being
    learned from scratch, as fsrs itself treats a Learning card without one."""
    stability, difficulty = card.stability, card.difficulty
    if (
        card.state in (_LEARNING, _REVIEW, _RELEARNING)
        and stability is not None
        and difficulty is not None
        and _positive(stability)
        and math.isfinite(difficulty)
    ):
        return card.state, max(0, card.step or 0), stability, _clamp_d(difficulty)
    return _LEARNING, 0, None, None


def simulate(
    *,
    cards: Sequence[PlanCard],
    new_cards: Mapping[str, int] | Sequence[str],
    start: dt.datetime,
    end: dt.datetime,
    retention: float,
    new_per_day: int,
    minutes_per_day: float,
    seconds_per_review: float,
    seed: int,
    first_try_recall: float = FIRST_TRY_RECALL,
    max_reviews_per_day: int | None = None,
) -> Plan:
    """Study day by day from `start` until `end` (the exam) with one setting; the plan's outcome.

    Days. One session a day at start, start + 1 day, ... while before `end`; every review of a
    day happens at that moment (fsrs reads only whole days elapsed, so this is exact for it).
    Pass `start` in the learner's time zone: the days are dated from its local date.

    Each session, in order, while `minutes_per_day` lasts (each showing costs
    `seconds_per_review`):
    1. due cards: those left over from earlier days first, then the day's. A card joins the
       first session at or after its due moment; a learning or relearning step shorter than a day
       (fsrs's 1 and 10 minutes) is taken again in the same session, and a stored card being
       (re)learned that falls due within a day is finished in the first session. At most
       `max_reviews_per_day` cards in the Review state, as the study queue caps them.
    2. new cards, up to `new_per_day`, in the order of `new_cards` (the keys of the unstudied
       cards in queue order, or counts per key: see new_card_keys); each is followed through
       its learning steps in the session.
    Cards not reached wait for the next session (overdue).

    Outcomes. A review succeeds with the card's fsrs retrievability at that moment (a first
    showing with `first_try_recall`) and is rated Good, else Again; the card is then rescheduled
    by fsrs's Scheduler(desired_retention=retention, enable_fuzzing=False). Chance comes from
    `seed`: random.Random(seed) gives every card its own stream and the card's k-th review always
    draws the k-th number of it, so the plans of a grid face the same luck card by card (common
    random numbers) and differ by their setting, not by which draws they happened to get. Drawing
    outcomes rather than carrying expected values keeps each card a single fsrs state that the
    Scheduler's own update applies to; the figure reported, the sum of predicted recall at `end`,
    is itself an expectation, so the remaining noise is small (pinned in the tests).
    """
    learner = _Learner(cards=cards, new_cards=new_cards, start=start, end=end, seed=seed)
    return _plan(
        learner,
        retention=retention,
        new_per_day=new_per_day,
        minutes_per_day=minutes_per_day,
        seconds_per_review=seconds_per_review,
        first_try_recall=first_try_recall,
        max_reviews_per_day=max_reviews_per_day,
    )


def _plan(
    learner: _Learner,
    *,
    retention: float,
    new_per_day: int,
    minutes_per_day: float,
    seconds_per_review: float,
    first_try_recall: float,
    max_reviews_per_day: int | None,
) -> Plan:
    outcome = _run(
        learner,
        retention=retention,
        new_per_day=new_per_day,
        minutes_per_day=minutes_per_day,
        seconds_per_review=seconds_per_review,
        first_try_recall=first_try_recall,
        max_reviews_per_day=max_reviews_per_day,
    )
    total_by_key: dict[str, int] = {}
    expected_by_key: dict[str, float] = {}
    for key, recall in zip(outcome.keys, outcome.recalls, strict=True):
        total_by_key[key] = total_by_key.get(key, 0) + 1
        expected_by_key[key] = expected_by_key.get(key, 0.0) + recall
    return Plan(
        retention=retention,
        new_per_day=new_per_day,
        minutes_per_day=minutes_per_day,
        seconds_per_review=seconds_per_review,
        days=tuple(outcome.days),
        total=len(outcome.keys),
        expected_recalled=sum(outcome.recalls),
        total_by_key=total_by_key,
        expected_by_key=expected_by_key,
        recalled_at_goal=sum(1 for recall in outcome.recalls if recall >= RECALL_GOAL),
        unstudied_at_end=outcome.unstudied,
        all_studied_on=outcome.all_studied_on,
    )


# --- The recommendation ------------------------------------------------------------------------


def new_per_day_options(*, new_cards: int, sessions: int) -> tuple[int, ...]:
    """New cards a day that get through `new_cards` unstudied cards before the exam: finishing
    with the last session, three quarters of the way there or half way (earlier finishes leave
    more days to review the last cards learned). (0,) when nothing is left to learn or no
    session is left."""
    if new_cards <= 0 or sessions <= 0:
        return (0,)
    options = {
        min(NEW_PER_DAY_MAX, -(-new_cards // max(1, math.ceil(sessions * part))))
        for part in (1.0, 0.75, 0.5)
    }
    return tuple(sorted(options))


@dataclass(frozen=True)
class Recommendation:
    """Every plan of the grid, and the best one (None when there is nothing to plan: no session
    before the exam, or no cards)."""

    plans: tuple[Plan, ...]
    best: Plan | None


def plan_rank(plan: Plan) -> tuple[float, float, float, int]:
    """What recommend() maximises: cards expected to be recalled on exam day (to a tenth of a
    card, so that noise-level differences count as ties), then fewer minutes in all, then the
    lower retention and fewer new cards a day (less work for the same result)."""
    return (
        round(plan.expected_recalled, 1),
        -round(plan.total_minutes, 6),
        -plan.retention,
        -plan.new_per_day,
    )


def recommend(
    *,
    cards: Sequence[PlanCard],
    new_cards: Mapping[str, int] | Sequence[str],
    start: dt.datetime,
    end: dt.datetime,
    minutes_per_day: float,
    seconds_per_review: float,
    seed: int,
    retentions: Sequence[float] = RETENTIONS,
    new_per_day: Sequence[int] | None = None,
    first_try_recall: float = FIRST_TRY_RECALL,
    max_reviews_per_day: int | None = None,
) -> Recommendation:
    """Simulate every (retention, new cards a day) of the grid and pick the plan that recalls
    most on exam day within the daily minutes (ties: fewer minutes; see plan_rank).

    The new-cards-a-day choices default to new_per_day_options() for the cards and sessions
    left. Every plan already keeps within `minutes_per_day` (the simulation never spends more),
    so the daily budget needs no filter. All plans share `seed`, hence each card's luck.
    """
    sessions = sessions_before(start=start, end=end)
    unstudied = len(new_card_keys(new_cards))
    if sessions == 0 or not (cards or unstudied):
        return Recommendation(plans=(), best=None)
    options = (
        tuple(new_per_day)
        if new_per_day is not None
        else new_per_day_options(new_cards=unstudied, sessions=sessions)
    )
    learner = _Learner(cards=cards, new_cards=new_cards, start=start, end=end, seed=seed)
    plans = tuple(
        _plan(
            learner,
            retention=retention,
            new_per_day=per_day,
            minutes_per_day=minutes_per_day,
            seconds_per_review=seconds_per_review,
            first_try_recall=first_try_recall,
            max_reviews_per_day=max_reviews_per_day,
        )
        for retention, per_day in itertools.product(retentions, options)
    )
    return Recommendation(plans=plans, best=max(plans, key=plan_rank))


# --- Exam-day order ----------------------------------------------------------------------------


def exam_order_open(*, today: dt.date, exam_on: dt.date, days: int = EXAM_ORDER_DAYS) -> bool:
    """Whether "exam-day order" is offered: in the last `days` days before the exam day, that
    day included (today = exam_on - days + 1 .. exam_on)."""
    return 0 <= (exam_on - today).days < days


def exam_day_order(
    cards: Iterable[tuple[int, float | None, dt.datetime | None]], *, on: dt.datetime
) -> list[int]:
    """Question ids of (question_id, stability, last_review) cards, lowest predicted recall at
    `on` (the exam) first, whatever their due date: cards never reviewed (recall 0) lead.
    Equal recalls keep a stable order by question id."""
    ranked = sorted(
        (predicted_recall(stability=stability, last_review=last_review, on=on), question_id)
        for question_id, stability, last_review in cards
    )
    return [question_id for _recall, question_id in ranked]


# --- Teachers' projections ---------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProjection:
    """A student's projected standing on a memory goal on its due date, at their current pace.

    recalled: cards of the deck projected at recall >= threshold on the due date if the student
    keeps studying `minutes_per_day` at their seconds per review with their own settings.
    needed: the goal, ceil(total x target_percent / 100), as classrooms.goals counts it.
    extra_minutes: 0 when on course; else the fewest whole extra minutes a day found to meet the
    goal (bisection over 1..MAX_EXTRA_MINUTES, the answer verified by its own simulation); None
    when even MAX_EXTRA_MINUTES more a day, or no day left, would not.
    """

    total: int
    needed: int
    recalled: int
    minutes_per_day: float
    extra_minutes: int | None

    @property
    def share(self) -> float:
        return self.recalled / self.total if self.total else 0.0

    @property
    def will_miss(self) -> bool:
        return self.recalled < self.needed

    @property
    def gap(self) -> int:
        """Cards short of the goal (0 when on course)."""
        return max(0, self.needed - self.recalled)


def goal_projection(
    *,
    cards: Sequence[PlanCard],
    new_cards: int,
    start: dt.datetime,
    due: dt.datetime,
    target_percent: int,
    retention: float,
    new_per_day: int,
    seconds_per_review: float,
    minutes_per_day: float,
    seed: int,
    threshold: float = RECALL_GOAL,
    first_try_recall: float = FIRST_TRY_RECALL,
    max_reviews_per_day: int | None = None,
    max_extra_minutes: int = MAX_EXTRA_MINUTES,
    extra_steps: Sequence[int] | None = None,
) -> GoalProjection:
    """Project a student's memory goal on a deck to its due date (see GoalProjection).

    `cards` are the student's studied cards of the deck and `new_cards` how many of its cards
    they have not studied; `minutes_per_day` is their recent pace on the deck (minutes_per_day()
    over the last days' answers) and `seconds_per_review` their measured time per answer. The
    simulation is simulate()'s, with the student's retention, new cards a day and review cap;
    a card counts when its predicted recall at `due` is at least `threshold`.

    `extra_steps` (increasing minutes, e.g. 5, 10, 15, 30, ...) makes the extra minutes the
    smallest of those steps that meets the goal, found by bisection over the steps: about four
    simulations instead of nine, for pages that project a whole class.
    """
    if not 0 <= target_percent <= 100:
        raise ValueError(f"target percent must be within 0..100, not {target_percent!r}")
    total = len(cards) + new_cards
    needed = -(-total * target_percent // 100)

    learner = _Learner(cards=cards, new_cards={"": new_cards}, start=start, end=due, seed=seed)

    def recalled_with(minutes: float) -> int:
        outcome = _run(
            learner,
            retention=retention,
            new_per_day=new_per_day,
            minutes_per_day=minutes,
            seconds_per_review=seconds_per_review,
            first_try_recall=first_try_recall,
            max_reviews_per_day=max_reviews_per_day,
        )
        return sum(1 for recall in outcome.recalls if recall >= threshold)

    recalled = recalled_with(minutes_per_day)
    extra: int | None = 0
    if recalled < needed and extra_steps is not None:
        # Bisection over the steps' indexes: `low` fails (the current pace does), `high` is the
        # first known to meet the goal, len(steps) meaning none is known to.
        steps = list(extra_steps)
        low, high = -1, len(steps)
        while learner.sessions > 0 and high - low > 1:
            middle = (low + high) // 2
            if recalled_with(minutes_per_day + steps[middle]) >= needed:
                high = middle
            else:
                low = middle
        extra = steps[high] if learner.sessions > 0 and high < len(steps) else None
    elif recalled < needed:
        extra = None
        if learner.sessions > 0 and (recalled_with(minutes_per_day + max_extra_minutes) >= needed):
            # The fewest extra minutes, assuming more time never hurts; `high` always meets it.
            low, high = 0, max_extra_minutes
            while high - low > 1:
                middle = (low + high) // 2
                if recalled_with(minutes_per_day + middle) >= needed:
                    high = middle
                else:
                    low = middle
            extra = high
    return GoalProjection(
        total=total,
        needed=needed,
        recalled=recalled,
        minutes_per_day=minutes_per_day,
        extra_minutes=extra,
    )

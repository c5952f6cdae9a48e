"""Practice-exam maths: the time limit, the scaled-score estimate, the whole-exam draw, tallies
and the score chart.

Pure: no ORM. The exam services and selectors hand in plain values, and the exam's own figures
(how many questions, how long, its score scale, the domains' weights) come from its blueprint as
an ExamFormat, so everything here is tested as tables.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class ExamFormat:
    """The real exam's figures, as its blueprint (cards.Certification) gives them."""

    questions: int  # in one sitting
    minutes: int
    score_min: int
    score_max: int
    passing_score: int

    @property
    def time(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    @property
    def minutes_per_question(self) -> Fraction:
        return Fraction(self.minutes, self.questions)


def default_question_count(available: int, fmt: ExamFormat) -> int:
    """How many questions an exam gets when the learner does not say: a full exam if possible."""
    return max(0, min(fmt.questions, available))


def time_limit(question_count: int, fmt: ExamFormat) -> timedelta:
    """The real exam's pace: its minutes × n / its questions."""
    if question_count < 1:
        raise ValueError("an exam has at least one question")
    return fmt.time * question_count / fmt.questions


def deadline_for(started_at: datetime, question_count: int, fmt: ExamFormat) -> datetime:
    return started_at + time_limit(question_count, fmt)


def is_over(deadline: datetime | None, now: datetime) -> bool:
    """Answers are refused from the deadline on; an untimed exam never runs out."""
    return deadline is not None and now >= deadline


def seconds_left(deadline: datetime | None, now: datetime) -> int | None:
    """Whole seconds until the deadline (never negative); None for an untimed exam."""
    if deadline is None:
        return None
    return max(0, math.floor((deadline - now).total_seconds()))


LOW_TIME_SECONDS = 5 * 60


def low_time_below(time_allowed: timedelta) -> int:
    """Seconds left under which the clock turns red: the last five minutes, or the last quarter
    of an exam shorter than twenty minutes, so that a short exam does not start red."""
    return min(LOW_TIME_SECONDS, math.floor(time_allowed.total_seconds() / 4))


def format_clock(seconds: int) -> str:
    """ "mm:ss", minutes not wrapped into hours: a full exam starts at "130:00"."""
    seconds = max(0, seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@dataclass(frozen=True)
class DomainScore:
    """One domain's part of an exam: its weight in the guide, and the answers right of its own."""

    weight: int
    correct: int
    total: int


def scaled_score(parts: Sequence[DomainScore], fmt: ExamFormat) -> int:
    """An estimate on the exam's scale, weighting domains like the guide, halves rounded up.

    Each domain's share of right answers counts by the domain's weight, among the domains the
    exam has questions from; the weighted share is placed on a straight line from score_min
    (nothing right) to score_max (everything right). With one domain it is simply the share
    right. AWS does not publish its scaling (it equates exam forms of different difficulty):
    a rough guide, and the pages say so.
    """
    counted = [part for part in parts if part.total]
    if not counted:
        raise ValueError("an exam has at least one question")
    for part in counted:
        if not 0 <= part.correct <= part.total or part.weight < 1:
            raise ValueError("each domain needs a weight and 0 <= correct <= total")
    weight = sum(part.weight for part in counted)
    share = sum(Fraction(part.weight * part.correct, part.total) for part in counted) / weight
    # Exact fractions, so 0.5 rounds up the same way on every platform.
    return fmt.score_min + math.floor((fmt.score_max - fmt.score_min) * share + Fraction(1, 2))


def passed(scaled: int, fmt: ExamFormat) -> bool:
    return scaled >= fmt.passing_score


def percent(correct: int, total: int) -> int:
    """A whole percentage, halves rounded up; 0 for nothing."""
    if total <= 0:
        return 0
    return (200 * correct + total) // (2 * total)


def pick_questions(question_ids: Iterable[int], count: int, rng: random.Random) -> list[int]:
    """`count` of the ids in a random order drawn from `rng`.

    The ids are sorted first, so the same seed over the same questions gives the same exam
    whatever order the database returned them in.
    """
    pool = sorted(set(question_ids))
    if not 1 <= count <= len(pool):
        raise ValueError("count must be between 1 and the number of questions")
    return rng.sample(pool, count)


def apportion(total: int, weights: Sequence[int], available: Sequence[int]) -> list[int]:
    """Split `total` questions among domains in proportion to `weights`, within `available`.

    Largest remainder (Hamilton): each domain gets the whole part of its quota, and the seats
    left go to the largest fractions, ties to the earlier domain. A domain with too few
    questions gives all it has, and what it lacks is shared out the same way among the others.
    So the result never exceeds `available`, sums to min(total, sum(available)), and equals the
    plain proportional split whenever the bank allows it.
    """
    if len(weights) != len(available):
        raise ValueError("one weight and one count per domain")
    counts = [0] * len(weights)
    remaining = min(max(total, 0), sum(max(n, 0) for n in available))
    open_ = [i for i, (w, n) in enumerate(zip(weights, available, strict=True)) if w > 0 and n > 0]
    while remaining > 0 and open_:
        weight = sum(weights[i] for i in open_)
        exact = {i: Fraction(remaining * weights[i], weight) for i in open_}
        seats = {i: math.floor(exact[i]) for i in open_}
        left = remaining - sum(seats.values())
        for i in sorted(open_, key=lambda i: (-(exact[i] - seats[i]), i))[:left]:
            seats[i] += 1
        full = [i for i in open_ if counts[i] + seats[i] >= available[i]]
        if not full:
            for i in open_:
                counts[i] += seats[i]
            break
        for i in full:
            remaining -= available[i] - counts[i]
            counts[i] = available[i]
        open_ = [i for i in open_ if i not in full]
    return counts


def draw_by_domain(
    pools: Sequence[Iterable[int]], counts: Sequence[int], rng: random.Random
) -> list[int]:
    """`counts[i]` question ids from `pools[i]` for each domain, then all of them shuffled.

    Domains are drawn in the order given and each pool is sorted first, so the same seed over
    the same questions gives the same exam whatever order the database returned them in.
    """
    chosen: list[int] = []
    for pool, count in zip(pools, counts, strict=True):
        if count:
            chosen += pick_questions(pool, count, rng)
    return shuffled(chosen, rng)


def shuffled(ids: Sequence[int], rng: random.Random) -> list[int]:
    order = list(ids)
    rng.shuffle(order)
    return order


@dataclass(frozen=True)
class Tally:
    correct: int
    total: int

    @property
    def percent(self) -> int:
        return percent(self.correct, self.total)


def tally(outcomes: Iterable[tuple[K, bool]]) -> dict[K, Tally]:
    """Right answers and questions per key, keys in order of first appearance."""
    counts: dict[K, list[int]] = {}
    for key, correct in outcomes:
        row = counts.setdefault(key, [0, 0])
        row[0] += 1 if correct else 0
        row[1] += 1
    return {key: Tally(correct=c, total=t) for key, (c, t) in counts.items()}


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    score: int
    label: str = ""  # shown under the axis: only the first and the last exam are labelled
    anchor: str = "middle"  # SVG text-anchor keeping that label inside the chart


@dataclass(frozen=True)
class ScoreChart:
    """Coordinates for an SVG line chart of scaled scores, oldest first, in a fixed viewBox."""

    width: int
    height: int
    left: int
    right: int
    points: list[ChartPoint]
    pass_y: float
    label_y: float
    ticks: list[tuple[int, float]]  # (score, y) for the axis labels

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)

    @property
    def axis_end(self) -> int:
        return self.width - self.right


def score_chart(
    scores: Sequence[int],
    labels: Sequence[str] | None = None,
    *,
    fmt: ExamFormat,
    width: int = 600,
    height: int = 240,
    left: int = 56,
    right: int = 16,
    top: int = 14,
    bottom: int = 36,
) -> ScoreChart:
    """Place scores on the exam's scale on the y axis and the exams evenly along x (one exam:
    centred)."""

    def y_of(score: int) -> float:
        share = (score - fmt.score_min) / (fmt.score_max - fmt.score_min)
        return round(top + (1 - share) * (height - top - bottom), 1)

    inner = width - left - right
    n = len(scores)
    points = []
    for i, score in enumerate(scores):
        x = left + inner / 2 if n == 1 else left + inner * i / (n - 1)
        clamped = min(fmt.score_max, max(fmt.score_min, score))
        edge = i in (0, n - 1)
        anchor = "middle" if n == 1 else ("start" if i == 0 else "end")
        points.append(
            ChartPoint(
                x=round(x, 1),
                y=y_of(clamped),
                score=score,
                label=labels[i] if labels is not None and edge else "",
                anchor=anchor if edge else "middle",
            )
        )
    # The scale's ends, the pass line, and one more a third of the way up for a sense of scale.
    third = fmt.score_min + (fmt.score_max - fmt.score_min) // 3
    ticks = [
        (score, y_of(score)) for score in (fmt.score_min, third, fmt.passing_score, fmt.score_max)
    ]
    return ScoreChart(
        width=width,
        height=height,
        left=left,
        right=right,
        points=points,
        pass_y=y_of(fmt.passing_score),
        label_y=height - 8,
        ticks=ticks,
    )

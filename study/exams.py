"""Practice-exam maths: the time limit, the scaled-score estimate, tallies and the score chart.

Pure: no ORM. The exam services and selectors hand in plain values, so everything here is tested
as tables.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

# SAA-C03: 65 questions in 130 minutes; a shorter practice exam gets the same time per question.
FULL_EXAM_QUESTIONS = 65
FULL_EXAM_TIME = timedelta(minutes=130)
MIN_SCALED = 100
MAX_SCALED = 1000
PASS_SCALED = 720

K = TypeVar("K", bound=Hashable)


def default_question_count(available: int) -> int:
    """How many questions an exam gets when the learner does not say: a full exam if possible."""
    return max(0, min(FULL_EXAM_QUESTIONS, available))


def time_limit(question_count: int) -> timedelta:
    """130 min × n / 65: the real exam's pace (two minutes a question)."""
    if question_count < 1:
        raise ValueError("an exam has at least one question")
    return FULL_EXAM_TIME * question_count / FULL_EXAM_QUESTIONS


def deadline_for(started_at: datetime, question_count: int) -> datetime:
    return started_at + time_limit(question_count)


def is_over(deadline: datetime | None, now: datetime) -> bool:
    """Answers are refused from the deadline on; an untimed exam never runs out."""
    return deadline is not None and now >= deadline


def seconds_left(deadline: datetime | None, now: datetime) -> int | None:
    """Whole seconds until the deadline (never negative); None for an untimed exam."""
    if deadline is None:
        return None
    return max(0, math.floor((deadline - now).total_seconds()))


def format_clock(seconds: int) -> str:
    """ "mm:ss", minutes not wrapped into hours: a full exam starts at "130:00"."""
    seconds = max(0, seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def scaled_score(correct: int, total: int) -> int:
    """An estimate on the exam's 100–1000 scale: 100 + 900 × correct / total, halves rounded up.

    AWS does not publish its scaling (it equates exam forms of different difficulty); a straight
    line through 0 % → 100 and 100 % → 1000 is only a rough guide, and the pages say so.
    """
    if total < 1:
        raise ValueError("an exam has at least one question")
    if not 0 <= correct <= total:
        raise ValueError("correct must be between 0 and total")
    span = MAX_SCALED - MIN_SCALED
    # Integer arithmetic, so 0.5 rounds up the same way on every platform.
    return MIN_SCALED + (2 * span * correct + total) // (2 * total)


def passed(scaled: int) -> bool:
    return scaled >= PASS_SCALED


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
    width: int = 600,
    height: int = 240,
    left: int = 56,
    right: int = 16,
    top: int = 14,
    bottom: int = 36,
) -> ScoreChart:
    """Place scores 100–1000 on the y axis and the exams evenly along x (one exam: centred)."""

    def y_of(score: int) -> float:
        share = (score - MIN_SCALED) / (MAX_SCALED - MIN_SCALED)
        return round(top + (1 - share) * (height - top - bottom), 1)

    inner = width - left - right
    n = len(scores)
    points = []
    for i, score in enumerate(scores):
        x = left + inner / 2 if n == 1 else left + inner * i / (n - 1)
        clamped = min(MAX_SCALED, max(MIN_SCALED, score))
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
    ticks = [(score, y_of(score)) for score in (MIN_SCALED, 400, PASS_SCALED, MAX_SCALED)]
    return ScoreChart(
        width=width,
        height=height,
        left=left,
        right=right,
        points=points,
        pass_y=y_of(PASS_SCALED),
        label_y=height - 8,
        ticks=ticks,
    )

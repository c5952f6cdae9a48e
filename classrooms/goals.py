"""Assignment goals and statuses: pure rules, no ORM, tested as tables.

An assignment asks for one of two things by its due date:

- answer every card of the deck at least once (any mode, any time), or
- remember: at least X % of the deck's cards at recall ≥ 0.9 *on the due date*, where recall is
  the FSRS retrievability from the learner's stability and last review (study.progress). Before
  the due date it is a prediction (recall on that day if the card is not reviewed again); after
  it, the card as it stood on that day (its state before the first review after it).

Progress is the share of that goal reached, from 0 to 1. The status compares it with the share of
the assignment's window (set → due) that has passed: keeping pace means "on track".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from study import progress

RECALL_THRESHOLD = 0.9


class Goal(models.TextChoices):
    ANSWER_ALL = "answer_all", _("Answer every card at least once")
    # xgettext:no-python-format
    RECALL = "recall", _("Reach recall ≥ 90% on a share of the deck")


class Status(models.TextChoices):
    DONE = "done", _("Done")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    LATE = "late", _("Late")
    MISSING = "missing", _("Missing")


def is_recalled(stability: float | None, elapsed_days: int | None) -> bool:
    """Whether a card counts as remembered: recall ≥ 0.9 `elapsed_days` whole days after its
    last review (the database counts them: study.expressions.DaysElapsed)."""
    return progress.recall_after(stability, elapsed_days) >= RECALL_THRESHOLD


def recalled_on_due(
    *,
    stability: float | None,
    elapsed_days: int | None,
    due: dt.datetime,
    reviewed_after: bool = False,
    card_then: Mapping[str, Any] | None = None,
) -> bool:
    """Whether a card counts toward a memory goal: recall ≥ 0.9 on the due date.

    `stability` and `elapsed_days` (whole days from the last review to `due`) are the card's
    current state. When it was `reviewed_after` the due date, `card_then` is the card before the
    first review after it (Attempt.card_before, fsrs's Card.to_dict): the card as it stood on the
    due date. Without one, or with a value no card could hold, the card does not count: a row of
    one student never breaks a teacher's page.
    """
    if not reviewed_after:
        return is_recalled(stability, elapsed_days)
    if not isinstance(card_then, Mapping):
        return False
    then_stability = card_then.get("stability")
    then_review = card_then.get("last_review")
    if not isinstance(then_stability, int | float) or not isinstance(then_review, str):
        return False
    if not math.isfinite(then_stability) or then_stability <= 0:
        return False
    try:
        reviewed = dt.datetime.fromisoformat(then_review)
    except ValueError:
        return False
    if reviewed.tzinfo is None:
        reviewed = reviewed.replace(tzinfo=dt.UTC)
    return is_recalled(float(then_stability), max(0, (due - reviewed).days))


@dataclass(frozen=True)
class GoalProgress:
    """One learner's standing on one assignment."""

    goal: str
    target_percent: int | None
    total: int
    answered: int
    recalled: int

    @property
    def counted(self) -> int:
        """The cards that count toward this goal: answered ones, or remembered ones."""
        return self.recalled if self.goal == Goal.RECALL else self.answered

    @property
    def needed(self) -> int:
        """Cards the goal asks for: the whole deck, or the target share of it (rounded up)."""
        if self.goal == Goal.RECALL:
            percent = self.target_percent or 100
            return -(-self.total * percent // 100)
        return self.total

    @property
    def met(self) -> bool:
        return self.total > 0 and self.counted >= self.needed

    @property
    def share(self) -> float:
        """Progress toward the goal, 0..1."""
        if self.total == 0 or self.needed == 0:
            return 0.0
        return min(1.0, self.counted / self.needed)

    @property
    def percent(self) -> int:
        """Whole percent, rounded down: 99.6 % of the way is not yet 100 %."""
        return 100 if self.met else min(99, int(self.share * 100))


def elapsed_share(*, start: dt.datetime, due: dt.datetime, now: dt.datetime) -> float:
    """How much of the assignment window (start → due) has passed, 0..1."""
    window = (due - start).total_seconds()
    if window <= 0:
        return 1.0
    return min(1.0, max(0.0, (now - start).total_seconds() / window))


# Nobody is behind minutes after a teacher assigns a deck: the pace is counted from a day later
# (or a tenth of the window, for a short one).
PACE_GRACE = dt.timedelta(days=1)


def status_for(
    progress: GoalProgress, *, start: dt.datetime, due: dt.datetime, now: dt.datetime
) -> Status:
    """Done when the goal is met. Before the due date: on track when progress keeps pace with the
    time passed since the grace period (progress share ≥ elapsed share), else behind. After it:
    late with some progress, missing with none."""
    if progress.met:
        return Status.DONE
    if now > due:
        return Status.LATE if progress.counted > 0 else Status.MISSING
    paced_from = start + min(PACE_GRACE, (due - start) / 10)
    if now <= paced_from or progress.share >= elapsed_share(start=paced_from, due=due, now=now):
        return Status.ON_TRACK
    return Status.BEHIND


def format_duration(milliseconds: int) -> str:
    """Time spent, for a table: "0 min", "under 1 min", "12 min", "1 h 05 min"."""
    minutes = round(milliseconds / 60_000)
    if minutes == 0 and milliseconds > 0:
        return gettext("under 1 min")
    if minutes < 60:
        return gettext("%(minutes)d min") % {"minutes": minutes}
    return gettext("%(hours)d h %(minutes)02d min") % {
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }

"""Scheduling maths around fsrs: building the scheduler, converting cards, grading, formatting.

Pure: no ORM. The services and selectors turn rows into the plain values these functions take,
so everything here is tested as tables with fixed times.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol, TypedDict

from django.utils.translation import gettext as _
from fsrs import Card, Rating, Scheduler, State

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS = (AGAIN, HARD, GOOD, EASY)


class CardFields(TypedDict):
    """The FSRS card as the ReviewState columns of the same names hold it."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


# Those columns' names, in order: the one list of the FSRS card's share of a ReviewState, which
# the services save, the data export writes and the import checks.
CARD_FIELDS: tuple[str, ...] = tuple(CardFields.__annotations__)


def as_utc(moment: datetime) -> datetime:
    """The same instant with `datetime.UTC` as tzinfo, which fsrs insists on.

    Database drivers may hand back other UTC tzinfo objects (zoneinfo's "UTC"); fsrs compares
    tzinfo by identity, so normalise everything that reaches it.
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return moment.astimezone(UTC)


def build_scheduler(retention: float | Decimal, *, fuzzing: bool) -> Scheduler:
    """A scheduler aiming at `retention` (the learner's desired_retention, a Decimal in the DB)."""
    return Scheduler(desired_retention=float(retention), enable_fuzzing=fuzzing)


def new_card(card_id: int, now: datetime) -> Card:
    """The FSRS card of a question the learner has never answered."""
    return Card(card_id=card_id, state=State.Learning, step=0, due=as_utc(now))


def card_from_fields(
    *,
    card_id: int,
    state: int,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    due: datetime,
    last_review: datetime | None,
) -> Card:
    """Rebuild an FSRS card from ReviewState column values."""
    return Card(
        card_id=card_id,
        state=State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=as_utc(due),
        last_review=as_utc(last_review) if last_review is not None else None,
    )


class StoredCard(Protocol):
    """What a ReviewState row offers; any object with these attributes will do."""

    question_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


def card_from_state(row: StoredCard) -> Card:
    """The FSRS card of a stored review state (the card id is the question's id)."""
    return card_from_fields(
        card_id=row.question_id,
        state=row.state,
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=row.due,
        last_review=row.last_review,
    )


def card_to_fields(card: Card) -> CardFields:
    """The ReviewState column values for an FSRS card."""
    return {
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due,
        "last_review": card.last_review,
    }


def card_to_dict(card: Card) -> dict[str, Any]:
    """JSON-ready form of a card (Attempt.card_before)."""
    return dict(card.to_dict())


def card_from_dict(data: dict[str, Any]) -> Card:
    """Inverse of card_to_dict, normalising the times to UTC."""
    card = Card.from_dict(data)  # type: ignore[arg-type]
    card.due = as_utc(card.due)
    if card.last_review is not None:
        card.last_review = as_utc(card.last_review)
    return card


def review(card: Card, rating: int, *, now: datetime, scheduler: Scheduler) -> Card:
    """The card after answering it with `rating` (1 Again .. 4 Easy) at `now`."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be 1..4, not {rating!r}")
    reviewed, _log = scheduler.review_card(card, Rating(rating), review_datetime=as_utc(now))
    return reviewed


def preview_intervals(
    card: Card, now: datetime, retention: float | Decimal, *, fuzzing: bool = False
) -> dict[int, timedelta]:
    """How long until the card is due again for each rating, if answered at `now`.

    Without fuzzing by default: the buttons show the interval the schedule aims at.
    """
    scheduler = build_scheduler(retention, fuzzing=fuzzing)
    moment = as_utc(now)
    return {
        rating: review(card, rating, now=moment, scheduler=scheduler).due - moment
        for rating in RATINGS
    }


MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
MONTH = 30 * DAY
YEAR = 365 * DAY


def format_interval(interval: timedelta) -> str:
    """A short interval label for a rating button: "1 min", "3 h", "3 d", "2 mo", "1 y"."""
    seconds = max(0.0, interval.total_seconds())
    minutes = round(seconds / MINUTE)
    if minutes < 60:
        return _("%(n)d min") % {"n": max(1, minutes)}
    hours = round(seconds / HOUR)
    if hours < 24:
        return _("%(n)d h") % {"n": hours}
    days = round(seconds / DAY)
    if days < 30:
        return _("%(n)d d") % {"n": days}
    if seconds < YEAR:
        return _("%(n)d mo") % {"n": max(1, round(seconds / MONTH))}
    return _("%(n)d y") % {"n": round(seconds / YEAR)}


def grade_choice(correct: bool) -> int:
    """A choice answer's FSRS rating: right is Good, wrong is Again."""
    return GOOD if correct else AGAIN


def is_exact_choice(chosen: set[int], correct: set[int]) -> bool:
    """Right only when exactly the correct answers were chosen: no partial credit."""
    return bool(chosen) and chosen == correct

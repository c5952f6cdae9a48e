"""Why a card is due when it is due, in words a learner can check against their history.

Pure: no ORM. The card history page reads the learner's state of the card and their last answer
into CardFacts; everything said about the schedule comes out of `why_due`, tested as a table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .scheduling import format_interval

# CardState values (study.models.CardState), repeated so this module needs no models.
LEARNING, REVIEW, RELEARNING = 1, 2, 3
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


@dataclass(frozen=True)
class CardFacts:
    """What the schedule of one card rests on, for one learner."""

    state: int | None  # a CardState value; None: never answered (a new card)
    due: dt.datetime | None
    last_review: dt.datetime | None
    stability: float | None  # days, FSRS
    last_rating: int | None = None  # the rating of the last answer that moved the schedule
    suspended: bool = False


@dataclass(frozen=True)
class Explanation:
    """`key` names the case (for tests and styling); `reasons` are sentences, in order."""

    key: str
    reasons: list[str]


def _rating(rating: int | None) -> str:
    return _(RATING_NAMES[rating]) if rating in RATING_NAMES else ""


def _when(due: dt.datetime, now: dt.datetime) -> str:
    """ "It is due now." / "It is due in 3 d." as measured on the page's clock."""
    if due <= now:
        return _("It is due now.")
    return _("It is due in %(interval)s.") % {"interval": format_interval(due - now)}


def _given(facts: CardFacts) -> str | None:
    """The interval the last rescheduling answer gave, and with which rating."""
    if facts.due is None or facts.last_review is None or facts.last_rating is None:
        return None
    return _("Your last answer (%(rating)s) set the next showing %(interval)s later.") % {
        "rating": _rating(facts.last_rating),
        "interval": format_interval(facts.due - facts.last_review),
    }


def why_due(facts: CardFacts, *, now: dt.datetime, retention: float | Decimal) -> Explanation:
    """The reasons this card comes back when it does (or does not come back at all)."""
    reasons: list[str] = []
    if facts.suspended:
        reasons.append(_("You suspended this card: studying skips it until you unsuspend it."))
        if facts.due is not None:
            reasons.append(
                _("Its schedule is kept as it was; unsuspended, it comes back when it is due.")
            )
        return Explanation("suspended", reasons)

    if facts.state is None or facts.due is None:
        reasons.append(_("New card: you have not answered it yet."))
        reasons.append(
            _(
                "It comes up when you study a deck that holds it, after the cards already due, "
                "within your daily limit of new cards."
            )
        )
        return Explanation("new", reasons)

    if facts.state in (LEARNING, RELEARNING):
        key = "learning" if facts.state == LEARNING else "relearning"
        reasons.append(
            _("Learning: it comes back after short steps, minutes apart, until you know it.")
            if facts.state == LEARNING
            else _(
                "Relearning: you forgot it after you had learned it, so it comes back after "
                "short steps before it is reviewed again."
            )
        )
        if (given := _given(facts)) is not None:
            reasons.append(given)
        reasons.append(_when(facts.due, now))
        if facts.due <= now:
            reasons.append(_("Learning cards are shown first and no daily limit holds them back."))
        return Explanation(key, reasons)

    reasons.append(
        _(
            "Review: FSRS reckons your memory of it lasts about %(days)s (stability). It is "
            "scheduled for when the chance you still recall it falls to %(retention)d%%, your "
            "desired retention."
        )
        % {
            "days": format_interval(dt.timedelta(days=facts.stability or 0)),
            "retention": round(float(retention) * 100),
        }
    )
    if (given := _given(facts)) is not None:
        reasons.append(given)
    reasons.append(_when(facts.due, now))
    if facts.due <= now:
        reasons.append(
            _("Due reviews are shown after learning cards, up to your daily limit of reviews.")
        )
        return Explanation("review_due", reasons)
    return Explanation("review", reasons)

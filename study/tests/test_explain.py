"""Why a card is due when it is due: every case of study.explain.why_due, as a table."""

import datetime as dt

import pytest

from study.explain import LEARNING, RELEARNING, REVIEW, CardFacts, why_due

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
MIN = dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("facts", "key", "says"),
    [
        # Never answered: new, within the daily limit of new cards.
        (CardFacts(None, None, None, None), "new", ["New card", "daily limit of new cards"]),
        # Suspended: whatever the state, studying skips it; a schedule, if any, is kept.
        (
            CardFacts(None, None, None, None, suspended=True),
            "suspended",
            ["You suspended this card"],
        ),
        (
            CardFacts(REVIEW, NOW - DAY, NOW - 4 * DAY, 3.0, last_rating=3, suspended=True),
            "suspended",
            ["You suspended this card", "schedule is kept"],
        ),
        # Learning, answered Again 1 minute ago: back in 10 minutes... here due in 9.
        (
            CardFacts(LEARNING, NOW + 9 * MIN, NOW - MIN, 0.4, last_rating=1),
            "learning",
            ["Learning:", "(Again) set the next showing 10 min later", "due in 9 min"],
        ),
        # Learning and due: shown first, no limit.
        (
            CardFacts(LEARNING, NOW - MIN, NOW - 11 * MIN, 0.4, last_rating=1),
            "learning",
            ["due now", "no daily limit"],
        ),
        (
            CardFacts(RELEARNING, NOW + 5 * MIN, NOW - 5 * MIN, 1.2, last_rating=1),
            "relearning",
            ["Relearning:", "forgot it", "due in 5 min"],
        ),
        # Review, Good 3 days ago gave 8 days: due in 5 days.
        (
            CardFacts(REVIEW, NOW + 5 * DAY, NOW - 3 * DAY, 8.2, last_rating=3),
            "review",
            ["lasts about 8 d", "90%", "(Good) set the next showing 8 d later", "due in 5 d"],
        ),
        # Review overdue: shown after learning cards, within the daily review limit.
        (
            CardFacts(REVIEW, NOW - DAY, NOW - 4 * DAY, 3.0, last_rating=4),
            "review_due",
            ["(Easy) set the next showing 3 d later", "due now", "daily limit of reviews"],
        ),
        # A state without a known last rating (imported, or practice since): no "your answer".
        (
            CardFacts(REVIEW, NOW + 2 * DAY, NOW - DAY, 3.0),
            "review",
            ["lasts about 3 d", "due in 2 d"],
        ),
    ],
)
def test_why_due(facts: CardFacts, key: str, says: list[str]) -> None:
    explanation = why_due(facts, now=NOW, retention=0.9)

    text = " ".join(explanation.reasons)
    assert explanation.key == key
    for words in says:
        assert words in text, (words, text)


def test_without_a_known_rating_no_interval_is_claimed() -> None:
    explanation = why_due(CardFacts(REVIEW, NOW + DAY, NOW - DAY, 2.0), now=NOW, retention=0.9)
    assert not any("Your last answer" in reason for reason in explanation.reasons)


@pytest.mark.parametrize(("retention", "shown"), [(0.9, "90%"), (0.85, "85%"), (0.97, "97%")])
def test_the_desired_retention_is_the_learners(retention: float, shown: str) -> None:
    explanation = why_due(
        CardFacts(REVIEW, NOW + DAY, NOW - DAY, 2.0), now=NOW, retention=retention
    )
    assert shown in explanation.reasons[0]

"""The study queue's reads as hand-written SQL: today's limits, the bucket counts, the next card.

The study page runs these on every card, and building the same statements through the ORM cost
several times more than running them (bench/README.md: 7.1 ms per page through the ORM, 1.9 ms
as this SQL). The statements are plain SQL that SQLite and PostgreSQL both accept: sums of CASE
instead of FILTER, integers and booleans as parameters, datetimes adapted by the connection's own
backend. The queue rules they implement are pinned by study/tests/test_selectors.py, and the
loaded objects by study/tests/test_queue_sql.py, on both databases.

Loading rows into model instances without the ORM's query building leans on Django internals,
which a Django upgrade may change without notice:

- `Model.from_db` and `Field.attname`/`column` over `_meta.concrete_fields`, to build instances;
- the converters, `connection.ops.get_db_converters` and `Col.get_db_converters`, applied to
  each column as the SQL compiler does (on SQLite a datetime arrives as text, a boolean as 0/1);
- `connection.ops.adapt_datetimefield_value`, to pass datetimes as the backend stores them;
- prefetch_related's marks on a queryset, `_result_cache` and `_prefetch_done`, and the
  instance's `_prefetched_objects_cache`, so that question.answers.all() reads the loaded
  answers without a query.

On every Django upgrade run study/tests/test_queue_sql.py on SQLite and on PostgreSQL: it
compares every loaded field, and its Python type, with what the ORM loads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.expressions import Col

from cards.models import Answer, Question, Topic

from .models import CardState, ReviewState, Showing

LEARNING = (CardState.LEARNING.value, CardState.RELEARNING.value)
REVIEW = CardState.REVIEW.value


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _when(value: dt.datetime) -> Any:
    """A datetime as this database stores it (naive UTC text on SQLite, timestamptz otherwise)."""
    return connection.ops.adapt_datetimefield_value(value)


def _marks(values: Sequence[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _kinds_condition(kinds: Sequence[str] | None) -> tuple[str, list[Any]]:
    """` AND q.kind IN (...)` for `kinds` (None: every kind, no condition), and its parameters."""
    if kinds is None:
        return "", []
    return f" AND q.kind IN ({_marks(kinds)})", [*kinds]


def _kinds_join(kinds: Sequence[str] | None) -> tuple[str, list[Any]]:
    """The join to the question that narrows deck links to `kinds`; none for every kind."""
    if kinds is None:
        return "", []
    condition, params = _kinds_condition(kinds)
    return f"JOIN cards_question q ON q.id = dq.question_id{condition}", params


# Today's use of the daily limits: new cards first answered, reviews rescheduled since midnight.
TODAY = """
  (SELECT COUNT(*) FROM study_reviewstate WHERE user_id = %s AND first_review >= %s),
  (SELECT COUNT(*) FROM study_attempt
    WHERE user_id = %s AND reviewed_at >= %s AND rescheduled = %s AND state_before = %s)"""

# A card the learner suspended is in no bucket (and never served): an anti-join on the
# suspension's unique (user, question) index, so the queue keeps its number of statements.
NOT_SUSPENDED = """NOT EXISTS (
    SELECT 1 FROM study_suspension x WHERE x.user_id = %s AND x.question_id = {question_id}
  )"""

# Per deck link that is not suspended: due (re)learning, due review, never answered. The caller
# adds its own deck condition after the WHERE (with AND).
BUCKETS = """
  COALESCE(SUM(CASE WHEN s.state IN (%s, %s) AND s.due <= %s THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN s.state = %s AND s.due <= %s THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN s.id IS NULL THEN 1 ELSE 0 END), 0)
FROM cards_deck_questions dq
{question}
LEFT JOIN study_reviewstate s ON s.question_id = dq.question_id AND s.user_id = %s
WHERE """ + NOT_SUSPENDED.format(question_id="dq.question_id")


def _today_params(user_id: int, day_start: dt.datetime) -> list[Any]:
    day = _when(day_start)
    return [user_id, day, user_id, day, True, REVIEW]


def _bucket_params(user_id: int, kind_params: list[Any], now: dt.datetime) -> list[Any]:
    when = _when(now)
    return [*LEARNING, when, REVIEW, when, *kind_params, user_id, user_id]


def started_and_reviewed(*, user_id: int, day_start: dt.datetime) -> tuple[int, int]:
    """New cards first answered and reviews done since `day_start` (one statement)."""
    started, reviewed = _rows(f"SELECT {TODAY}", _today_params(user_id, day_start))[0]
    return int(started), int(reviewed)


def bucket_counts(
    *, user_id: int, deck_ids: Sequence[int], kinds: Sequence[str] | None, now: dt.datetime
) -> dict[int, tuple[int, int, int]]:
    """(learning due, review due, new) per deck id, uncapped; decks with no cards are absent."""
    question, kind_params = _kinds_join(kinds)
    sql = (
        f"SELECT dq.deck_id, {BUCKETS.format(question=question)}"
        f" AND dq.deck_id IN ({_marks(deck_ids)}) GROUP BY dq.deck_id"
    )
    rows = _rows(sql, [*_bucket_params(user_id, kind_params, now), *deck_ids])
    return {
        deck_id: (int(learning), int(review), int(new)) for deck_id, learning, review, new in rows
    }


def day_and_buckets(
    *,
    user_id: int,
    deck_id: int,
    kinds: Sequence[str] | None,
    now: dt.datetime,
    day_start: dt.datetime,
) -> tuple[int, int, int, int, int]:
    """started_and_reviewed and one deck's bucket_counts in one statement: (started, reviewed,
    learning due, review due, new). An aggregate without GROUP BY always gives one row."""
    question, kind_params = _kinds_join(kinds)
    sql = f"SELECT {TODAY}, {BUCKETS.format(question=question)} AND dq.deck_id = %s"
    params = [
        *_today_params(user_id, day_start),
        *_bucket_params(user_id, kind_params, now),
        deck_id,
    ]
    started, reviewed, learning, review, new = _rows(sql, params)[0]
    return int(started), int(reviewed), int(learning), int(review), int(new)


# Loading rows into model instances. The ORM's per-query cost is in building the SQL; here the
# SQL is fixed, and each column goes through the same converters the ORM would apply (on SQLite
# a datetime arrives as text and a boolean as 0/1).


class _Table:
    """A model's concrete columns under a table alias, and how to build an instance from them."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.columns = ", ".join(f'{alias}."{field.column}"' for field in self.fields)

    def build(self, values: Sequence[Any]) -> Any:
        converted = list(values)
        for i, field in enumerate(self.fields):
            if converted[i] is None:
                continue
            column = Col(self.alias, field)
            # As the SQL compiler does: the backend's converters, then the field's.
            for converter in (
                *connection.ops.get_db_converters(column),
                *column.get_db_converters(connection),
            ):
                converted[i] = converter(converted[i], column, connection)
        return self.model.from_db(connection.alias, self.attnames, converted)


STATE = _Table(ReviewState, "s")
QUESTION = _Table(Question, "q")
TOPIC = _Table(Topic, "t")
ANSWER = _Table(Answer, "a")
SHOWING = _Table(Showing, "p")


def _with_answers(question: Question, answers: list[Answer]) -> Question:
    """Give `question` its answers as prefetch_related would, so question.answers.all() reads
    them without a query."""
    cached = Answer.objects.filter(question=question)
    cached._result_cache = answers
    cached._prefetch_done = True  # type: ignore[attr-defined]  # prefetch_related's own marks
    name = Answer.question.field.related_query_name()
    question._prefetched_objects_cache = {name: cached}  # type: ignore[attr-defined]
    return question


def _card(rows: list[tuple[Any, ...]], start: int) -> Question | None:
    """The question, its topic and its answers from rows laid out question, topic, answer from
    column `start`: one row per answer (a question without answers has one row of NULLs)."""
    if not rows:
        return None
    topic_at = start + len(QUESTION.fields)
    answer_at = topic_at + len(TOPIC.fields)
    question: Question = QUESTION.build(rows[0][start:topic_at])
    question.topic = TOPIC.build(rows[0][topic_at:answer_at])
    answers = [ANSWER.build(row[answer_at:]) for row in rows if row[answer_at] is not None]
    return _with_answers(question, answers)


CARD_SQL = """
SELECT {columns}
FROM cards_question q
JOIN cards_topic t ON t.id = q.topic_id
LEFT JOIN cards_answer a ON a.question_id = q.id
{state}WHERE {key} = ({pick})
ORDER BY a."order", a.id
"""

DUE_STATE_SQL = """
SELECT s.id
FROM study_reviewstate s
JOIN cards_deck_questions dq ON dq.question_id = s.question_id AND dq.deck_id = %s
{question}
WHERE s.user_id = %s AND s.due <= %s AND s.state IN ({states})
  AND NOT EXISTS (
    SELECT 1 FROM study_suspension x WHERE x.user_id = s.user_id AND x.question_id = s.question_id
  )
ORDER BY s.due, s.id
LIMIT 1
"""


def first_due_card(
    *,
    user_id: int,
    deck_id: int,
    kinds: Sequence[str] | None,
    states: Sequence[int],
    now: dt.datetime,
) -> tuple[ReviewState, Question] | None:
    """The learner's earliest-due ReviewState in `states`, due by `now`, among the deck's cards
    of `kinds` (ties by id), with its question, topic and answers: one statement."""
    question, kind_params = _kinds_join(kinds)
    pick = DUE_STATE_SQL.format(question=question, states=_marks(states))
    sql = CARD_SQL.format(
        columns=f"{STATE.columns}, {QUESTION.columns}, {TOPIC.columns}, {ANSWER.columns}",
        state="JOIN study_reviewstate s ON s.question_id = q.id\n",
        key="s.id",
        pick=pick,
    )
    rows = _rows(sql, [deck_id, *kind_params, user_id, _when(now), *states])
    card = _card(rows, len(STATE.fields))
    if card is None:
        return None
    state: ReviewState = STATE.build(rows[0][: len(STATE.fields)])
    state.question = card
    return state, card


NEW_QUESTION_SQL = """
SELECT q.id
FROM cards_deck_questions dq
JOIN cards_question q ON q.id = dq.question_id{kinds}
JOIN cards_topic t ON t.id = q.topic_id
WHERE dq.deck_id = %s
  AND NOT EXISTS (
    SELECT 1 FROM study_reviewstate s WHERE s.user_id = %s AND s.question_id = q.id
  )
  AND NOT EXISTS (
    SELECT 1 FROM study_suspension x WHERE x.user_id = %s AND x.question_id = q.id
  )
ORDER BY t."order", q."order", q.id
LIMIT 1
"""


def first_new_card(*, user_id: int, deck_id: int, kinds: Sequence[str] | None) -> Question | None:
    """The deck's first question of `kinds` the learner has never answered, in deck order (topic
    order, question order, id), with its topic and answers: one statement."""
    condition, kind_params = _kinds_condition(kinds)
    sql = CARD_SQL.format(
        columns=f"{QUESTION.columns}, {TOPIC.columns}, {ANSWER.columns}",
        state="",
        key="q.id",
        pick=NEW_QUESTION_SQL.format(kinds=condition),
    )
    return _card(_rows(sql, [*kind_params, deck_id, user_id, user_id]), 0)


OPEN_SHOWING_SQL = """
SELECT {columns}
FROM study_showing p
WHERE p.user_id = %s AND p.deck_id = %s AND p.question_id = %s AND p.mode = %s
  AND p.practice = %s AND p.answered_at IS NULL
ORDER BY p.created_at DESC, p.id DESC
LIMIT 1
"""


def open_showing(
    *, user_id: int, deck_id: int, question_id: int, mode: str, practice: bool
) -> Showing | None:
    """The learner's latest unanswered showing of this card in this deck and mode, if any."""
    rows = _rows(
        OPEN_SHOWING_SQL.format(columns=SHOWING.columns),
        [user_id, deck_id, question_id, mode, practice],
    )
    return SHOWING.build(rows[0]) if rows else None

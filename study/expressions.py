"""Database expressions the study and classroom reads share.

Django parses every timestamptz it loads from PostgreSQL in Python (a few microseconds each), so
a page that needs one figure per card asks the database for the figure, not for the datetime.

The databases store moments Python cannot read back or show in every time zone: PostgreSQL
keeps year 0, year 10000 and infinity, and 9999-12-31 23:00 UTC overflows in Asia/Seoul. Real
history lies between PLAUSIBLE_FROM and PLAUSIBLE_UNTIL; imports refuse anything else, and the
reads other users' pages depend on keep to that window, so no row of one learner can break a
page of another (a teacher's roster, dashboard or CSV).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, DateTimeField, F, Func, IntegerField, Q, Value, When
from django.db.models.lookups import GreaterThan, LessThan
from django.db.models.sql.compiler import SQLCompiler

SECONDS_PER_DAY = 86_400
PLAUSIBLE_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
PLAUSIBLE_UNTIL = dt.datetime(2101, 1, 1, tzinfo=dt.UTC)  # due dates reach the end of 2100


def plausible(field: str) -> Q:
    """Rows whose moment `field` lies in the plausible window (a NULL one does not)."""
    return Q(**{f"{field}__gte": PLAUSIBLE_FROM, f"{field}__lt": PLAUSIBLE_UNTIL})


def readable(*moments: str, optional: Iterable[str] = ()) -> Q:
    """Rows whose every moment a page can read back and show: each of `moments` plausible, each
    of `optional` empty or plausible."""
    condition = Q()
    for field in moments:
        condition &= plausible(field)
    for field in optional:
        condition &= Q(**{f"{field}__isnull": True}) | plausible(field)
    return condition


# The rows of each kind of a learner's history that pages load whole (the learner's progress,
# exams and downloads): a row written with an implausible moment is left out, not a 500.
READABLE_STATE = readable("due", "first_review", optional=["last_review"])
READABLE_ATTEMPT = readable("reviewed_at", optional=["due_before", "due_after"])
READABLE_EXAM = readable("started_at", optional=["deadline", "submitted_at"])
READABLE_ITEM = readable(optional=["answered_at"])


class DaysElapsed(Func):
    """Whole days from a datetime column to `now`: (now - column).days, as fsrs counts the
    days since a review. NULL stays NULL; a column after `now` gives a negative number on
    PostgreSQL and may give 0 on SQLite, so callers clamp at 0 (as fsrs does).

    PostgreSQL computes it exactly; SQLite (development, tests) from whole seconds.
    """

    output_field = IntegerField()

    def __init__(self, expression: Any, now: dt.datetime) -> None:
        column = expression if hasattr(expression, "resolve_expression") else F(expression)
        low = Value(PLAUSIBLE_FROM, output_field=DateTimeField())
        high = Value(PLAUSIBLE_UNTIL, output_field=DateTimeField())
        # The column kept to the plausible window (NULL stays NULL): PostgreSQL cannot subtract
        # infinity, and a review in year 0 would count millions of days.
        clamped = Case(
            When(LessThan(column, low), then=low),
            When(GreaterThan(column, high), then=high),
            default=column,
            output_field=DateTimeField(),
        )
        super().__init__(clamped, Value(now, output_field=DateTimeField()))

    def _parts(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, str, tuple[Any, ...]]:
        column, now = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        now_sql, now_params = compiler.compile(now)
        return column_sql, now_sql, (*now_params, *column_params)

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        raise NotSupportedError("DaysElapsed supports PostgreSQL and SQLite only.")

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        column, now, params = self._parts(compiler, connection)
        return (
            f"FLOOR(EXTRACT(EPOCH FROM ({now} - {column})) / {SECONDS_PER_DAY})::integer",
            params,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        column, now, params = self._parts(compiler, connection)
        return (
            f"((CAST(strftime('%%s', {now}) AS INTEGER)"
            f" - CAST(strftime('%%s', {column}) AS INTEGER)) / {SECONDS_PER_DAY})",
            params,
        )

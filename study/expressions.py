"""Database expressions the study and classroom reads share.

Django parses every timestamptz it loads from PostgreSQL in Python (a few microseconds each), so
a page that needs one figure per card asks the database for the figure, not for the datetime.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateTimeField, Func, IntegerField, Value
from django.db.models.sql.compiler import SQLCompiler

SECONDS_PER_DAY = 86_400


class DaysElapsed(Func):
    """Whole days from a datetime column to `now`: (now - column).days, as fsrs counts the
    days since a review. NULL stays NULL; a column after `now` gives a negative number on
    PostgreSQL and may give 0 on SQLite, so callers clamp at 0 (as fsrs does).

    PostgreSQL computes it exactly; SQLite (development, tests) from whole seconds.
    """

    output_field = IntegerField()

    def __init__(self, expression: Any, now: dt.datetime) -> None:
        super().__init__(expression, Value(now, output_field=DateTimeField()))

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

"""Queries compiled once and run many times with other values in a few places.

A list page runs the same query all day: the filters of a view change rarely, only the cursor of the page
changes from one request to the next. Django builds and compiles the query anew every time, which costs
several times what PostgreSQL takes to run it. ``CompiledQuery`` keeps Django's SQL, parameters and result
converters of a ``values_list`` query built with marker values in its slots, and runs it with the real
values put in their place. What comes back is what the queryset itself would have returned.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, transaction
from django.db.models import QuerySet

Converter = Callable[[Any, Any, Any], Any]

# Marker values for slots that no row or request ever has: a time before any record, an id below any id.
MARKER_TIME = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
MARKER_ID = -7_654_321_987


@dataclass(frozen=True)
class CompiledQuery:
    sql: str | None  # None: the query can match nothing (Django found so while compiling it)
    params: tuple[Any, ...]
    # (parameter index, slot name, what the value is turned into the parameter with, if anything)
    slots: tuple[tuple[int, str, Callable[[Any], Any] | None], ...]
    converters: tuple[tuple[int, tuple[Converter, ...], Any], ...]  # (column, converters, expression)
    using: str

    @classmethod
    def of(
        cls, queryset: QuerySet[Any], markers: Mapping[str, Any], *, unconverted: Collection[int] = ()
    ) -> CompiledQuery | None:
        """``queryset`` (a ``values_list``) built with ``markers`` where the varying values go, compiled.

        The columns at the positions in ``unconverted`` come as the database gives them (JSON as text, say),
        for a caller that converts them faster knowing what they hold.

        None when a marker can't be found among the compiled parameters exactly as given, as the database
        adapts a date and time, or as a subclass of its type (psycopg's Int4 for an integer compared with
        an integer field): the caller then runs its queryset as usual.
        """
        using = queryset.db
        connection = connections[using]
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return cls(None, (), (), (), using)
        slots: list[tuple[int, str, Callable[[Any], Any] | None]] = []
        found = set()
        for index, param in enumerate(params):
            for name, marker in markers.items():
                if param is marker or (type(param) is type(marker) and param == marker):
                    slots.append((index, name, None))
                elif isinstance(marker, datetime) and param == connection.ops.adapt_datetimefield_value(marker):
                    slots.append((index, name, connection.ops.adapt_datetimefield_value))
                elif isinstance(param, type(marker)) and param == marker:
                    slots.append((index, name, type(param)))
                else:
                    continue
                found.add(name)
        if found != set(markers):
            return None
        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
            if position not in unconverted
        )
        return cls(sql, tuple(params), tuple(slots), converters, using)

    def rows(self, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The rows with ``values`` in the slots (by marker name), converted as the queryset would."""
        if self.sql is None:
            return []
        connection = connections[self.using]
        params = list(self.params)
        for index, name, adapt in self.slots:
            value = values[name]
            params[index] = adapt(value) if adapt is not None else value
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            read = cursor.fetchall()
        if not self.converters:
            return [tuple(row) for row in read]
        rows = []
        for raw in read:
            row = list(raw)
            for position, functions, expression in self.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            rows.append(tuple(row))
        return rows


@contextmanager
def transaction_settings(**values: str) -> Iterator[None]:
    """A transaction in which PostgreSQL uses these settings (``SET LOCAL``: they end with it), such as more
    memory to sort in or no parallel workers; elsewhere (SQLite) just the transaction."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for name, value in values.items():
                    cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield

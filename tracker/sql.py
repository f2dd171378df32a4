"""The few expressions SQLite and PostgreSQL spell differently, written once for both.

Instants are stored as UTC (naive text on SQLite, timestamptz on PostgreSQL). A local day
is the UTC date of the instant shifted by the zone's offset at that instant; the offsets
and the moments they change come from ``zoneinfo`` in Python, so both databases use the
same tz data as the rest of the application (PostgreSQL's own may differ).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import ColumnElement, case, cast, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.visitors import InternalTraversal

from tracker.extensions import db

# A mapped attribute (Inquiry.received_at) or any SQL expression.
Column = ColumnElement[Any] | QueryableAttribute[Any]


def dialect() -> str:
    return db.session.get_bind().dialect.name


def offset_seconds(zone: ZoneInfo, instant: datetime) -> int:
    return int((instant.astimezone(zone).utcoffset() or timedelta(0)).total_seconds())


def first_second_at(zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first whole second in (low, high] whose offset differs from ``low``'s."""
    before, lo, hi = offset_seconds(zone, low), int(low.timestamp()), int(high.timestamp())
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if offset_seconds(zone, datetime.fromtimestamp(middle, UTC)) == before:
            lo = middle
        else:
            hi = middle
    # In UTC: an aware datetime in the repeated hour (fold=1) never equals another zone's.
    return datetime.fromtimestamp(hi, UTC)


def offset_changes(zone_name: str, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """(instant, offset in seconds from then on) over [start, end); the first is ``start``."""
    zone = ZoneInfo(zone_name)
    changes = [(start, offset_seconds(zone, start))]
    if zone_name == "UTC":
        return changes
    # Offsets change at most twice a year, never twice in a day: a daily probe finds them.
    probe, step = start, timedelta(days=1)
    while probe < end:
        following = min(probe + step, end)
        if offset_seconds(zone, following) != changes[-1][1]:
            moment = first_second_at(zone, probe, following)
            changes.append((moment, offset_seconds(zone, moment)))
        probe = following
    return changes


def offset_at(column: Column, changes: list[tuple[datetime, int]]) -> Column:
    """The zone's offset (seconds) at the instant in ``column``: a constant or a CASE."""
    # The offsets are ints we computed, so inlining them is safe; it also keeps them out of
    # bound parameters, which PostgreSQL would not accept as the same GROUP BY expression.
    if len(changes) == 1:
        return literal_column(str(int(changes[0][1])))
    whens: list[tuple[Any, Any]] = [
        (column < changes[index + 1][0], literal_column(str(int(offset))))
        for index, (_, offset) in enumerate(changes[:-1])
    ]
    return case(*whens, else_=literal_column(str(int(changes[-1][1]))))


def local_date(column: Column, changes: list[tuple[datetime, int]]) -> Column:
    """The local calendar day of the instant in ``column`` (text on SQLite, a date on PG)."""
    offset = offset_at(column, changes)
    if dialect() == "sqlite":
        return func.date(column, cast(offset, sa.String) + literal_column("' seconds'"))
    second = literal_column("INTERVAL '1 second'", type_=sa.Interval)
    return cast(func.timezone("UTC", column) + offset * second, sa.Date)


def duration_ms(later: Column, earlier: Column) -> Column:
    """``later - earlier`` in whole milliseconds, computed alike on both databases."""
    if dialect() == "sqlite":
        # julianday() holds an instant as whole milliseconds; the float error of the
        # subtraction is far below half a millisecond, so ROUND gives the exact count.
        days = func.julianday(later) - func.julianday(earlier)
        return cast(func.round(days * literal_column("86400000.0")), sa.BigInteger)

    # PostgreSQL keeps microseconds: round each instant to the millisecond, as SQLite does
    # when it reads one (half up), so both databases give the same whole milliseconds.
    def millis(column: Column) -> Column:
        return func.round(sa.extract("epoch", column) * 1000)

    return cast(millis(later) - millis(earlier), sa.BigInteger)


class Unindexed(ColumnElement[Any]):
    """A column that SQLite's planner will not read through an index (``+column``)."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, column: Column) -> None:
        self.column = column.expression if isinstance(column, QueryableAttribute) else column
        self.type = self.column.type

    @property
    def _from_objects(self) -> list[Any]:
        # The column's table, so a SELECT of this element alone still reads FROM it.
        return list(self.column._from_objects)


@compiles(Unindexed)
def _compile_unindexed(element: Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(Unindexed, "sqlite")
def _compile_unindexed_sqlite(element: Unindexed, compiler: Any, **kw: Any) -> str:
    # Unary plus changes no value but hides the column from the index planner.
    return "+" + str(compiler.process(element.column, **kw))


def bytewise(column: Column) -> Column:
    """``column`` compared byte by byte, so ties are broken alike on both databases."""
    if dialect() == "postgresql":
        return column.collate("C")
    return column

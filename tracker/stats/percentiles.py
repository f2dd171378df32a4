"""Median and 90th percentile of the time to first response.

The definition is the spreadsheet's (``PERCENTILE.INC``, PostgreSQL's ``percentile_cont``):
sort the n durations, take position p·(n−1) counting from 0, and interpolate between
the two values around it. The database computes each duration in whole milliseconds
(alike on SQLite and PostgreSQL) and hands each group's over as one string; Python sorts
them and interpolates exactly. Window functions doing the sort in SQL cost SQLite over a
second at 100,000 inquiries.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, literal_column, null, select, union_all

from tracker.extensions import db
from tracker.models import Inquiry
from tracker.stats import sql

MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)


@dataclass(frozen=True)
class Percentiles:
    """How many inquiries got a first response, and the median and p90 in seconds."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def empty(cls) -> Percentiles:
        return cls(0, None, None)


def interpolate(values: dict[int, int], count: int, share: Fraction) -> Fraction:
    """The value at position share · (count − 1), between its two neighbours."""
    position = share * (count - 1)
    low = int(position)
    fraction = position - low
    if fraction == 0:
        return Fraction(values[low])
    return values[low] + fraction * (values[low + 1] - values[low])


def seconds(millis: Fraction) -> float:
    """Milliseconds as seconds, rounded to the millisecond."""
    # Exact arithmetic until here, so a median of 61 s and 62 s is 61.5, not 61.49999….
    return round(float(millis / 1000), 3)


@dataclass(frozen=True)
class Grouping:
    """Percentiles per value of ``column``, or of everything at once when it is None."""

    name: str
    column: Any = None


def response_times(
    where: ColumnElement[bool], groupings: list[Grouping]
) -> dict[str, dict[str | None, Percentiles]]:
    """Grouping name → group value (as text; None for everything) → percentiles.

    One statement: the durations are computed once, in whole milliseconds alike on both
    databases (a CTE used by every grouping, materialised by both), and each grouping
    returns one row per group with its durations joined into one string; Python splits,
    sorts and interpolates. Window functions doing the sort in SQL took SQLite over a
    second at 100,000 inquiries, and fetching one row per inquiry cost more than this.
    """
    millis = sql.duration_ms(Inquiry.first_response_at, Inquiry.received_at)
    keys = [g.column.label(g.name) for g in groupings if g.column is not None]
    responded = (
        select(*keys, millis.label("millis"))
        .where(where, Inquiry.first_response_at.is_not(None))
        .cte("responded")
    )
    rows = db.session.execute(union_all(*(joined(responded, g) for g in groupings))).all()
    found: dict[str, dict[str | None, Percentiles]] = {g.name: {} for g in groupings}
    for name, group, values in rows:
        if values:
            found[name][group] = of_durations(list(map(int, values.split(","))))
    return found


def joined(responded: Any, grouping: Grouping) -> Any:
    """One row per group of ``grouping``: its name, the group as text, the durations."""
    # A constant in the text (names are ours): PostgreSQL cannot type a bound one in a UNION.
    label = literal_column(f"'{grouping.name}'", String).label("grouping")
    values = func.aggregate_strings(cast(responded.c.millis, String), ",").label("durations")
    if grouping.column is None:
        return select(label, cast(null(), String).label("grp"), values)
    column = responded.c[grouping.name]
    return select(label, cast(column, String).label("grp"), values).group_by(column)


def of_durations(durations: list[int]) -> Percentiles:
    """The count, median and p90 of the durations in milliseconds (sorted in place)."""
    durations.sort()
    size = len(durations)
    # Only the values around the two positions are read.
    wanted = {
        low + step
        for share in (MEDIAN, P90)
        for low in [int(share * (size - 1))]
        for step in (0, 1)
    }
    positions = {index: durations[index] for index in wanted if index < size}
    return Percentiles(
        size,
        seconds(interpolate(positions, size, MEDIAN)),
        seconds(interpolate(positions, size, P90)),
    )

"""Median and 90th percentile of the time to first response, computed in the database.

The definition is the spreadsheet's (``PERCENTILE.INC``, PostgreSQL's ``percentile_cont``):
sort the n durations, take position p·(n−1) counting from 0, and interpolate between
the two values around it. A window query numbers the sorted durations per group and
returns only the rows at those positions, so the database sorts and Python reads at most
four rows per group, whatever the number of inquiries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

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


def lower_position(count: Any, share: Fraction) -> Any:
    """floor(share · (count − 1)) in integer SQL arithmetic, the same on both databases."""
    return (share.numerator * (count - 1)) // share.denominator


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


def ranked(responded: Any, grouping: Grouping) -> Any:
    """The rows of one grouping at the positions the two percentiles sit between."""
    if grouping.column is None:
        group, partition = cast(null(), String), []
    else:
        group, partition = cast(responded.c[grouping.name], String), [responded.c[grouping.name]]
    numbered = select(
        group.label("grp"),
        responded.c.millis,
        (func.row_number().over(partition_by=partition, order_by=responded.c.millis) - 1).label(
            "pos"
        ),
        func.count().over(partition_by=partition).label("n"),
    ).subquery()
    low = [lower_position(numbered.c.n, share) for share in (MEDIAN, P90)]
    wanted = or_(*(numbered.c.pos == bound + step for bound in low for step in (0, 1)))
    # A constant in the text (names are ours): PostgreSQL cannot type a bound one in a UNION.
    label = literal_column(f"'{grouping.name}'", String).label("grouping")
    return select(label, numbered.c.grp, numbered.c.n, numbered.c.pos, numbered.c.millis).where(
        wanted
    )


def response_times(
    where: ColumnElement[bool], groupings: list[Grouping]
) -> dict[str, dict[str | None, Percentiles]]:
    """Grouping name → group value (as text; None for everything) → percentiles.

    One statement: the durations are computed once (a CTE used by every grouping is
    materialised by both databases) and each grouping numbers them with a window.
    """
    millis = sql.duration_ms(Inquiry.first_response_at, Inquiry.received_at)
    keys = [g.column.label(g.name) for g in groupings if g.column is not None]
    responded = (
        select(*keys, millis.label("millis"))
        .where(where, Inquiry.first_response_at.is_not(None))
        .cte("responded")
    )
    rows = db.session.execute(union_all(*(ranked(responded, g) for g in groupings))).all()
    sizes: dict[tuple[str, str | None], int] = {}
    values: dict[tuple[str, str | None], dict[int, int]] = defaultdict(dict)
    for name, group, size, position, value in rows:
        sizes[name, group] = int(size)
        values[name, group][int(position)] = int(value)
    results: dict[str, dict[str | None, Percentiles]] = {g.name: {} for g in groupings}
    for (name, group), size in sizes.items():
        results[name][group] = Percentiles(
            size,
            seconds(interpolate(values[name, group], size, MEDIAN)),
            seconds(interpolate(values[name, group], size, P90)),
        )
    return results

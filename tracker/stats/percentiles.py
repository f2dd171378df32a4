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
from itertools import chain

from sqlalchemy import ColumnElement, String, cast, func, select

from tracker.choices import Phase
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
class ResponseTimes:
    """Percentiles overall, per phase at receipt and per assignee (None: unassigned)."""

    overall: Percentiles
    by_phase: dict[Phase, Percentiles]
    by_assignee: dict[int | None, Percentiles]


def response_times(where: ColumnElement[bool]) -> ResponseTimes:
    """The percentiles of the inquiries matching ``where`` that had a first response.

    One statement returns each (phase, assignee) group's durations in whole milliseconds
    (alike on SQLite and PostgreSQL) joined into one string: ``ix_inquiries_stats``
    starts with those two columns, so SQLite gathers the groups while walking the index.
    Python parses each duration once; a phase's and the overall lists are the groups'
    sorted lists put together, which the sort merges as runs.
    """
    millis = sql.duration_ms(Inquiry.first_response_at, Inquiry.received_at)
    keys = (Inquiry.phase_at_receipt, Inquiry.assignee_id)
    rows = db.session.execute(
        select(*keys, func.aggregate_strings(cast(millis, String), ","))
        .where(where, Inquiry.first_response_at.is_not(None))
        .group_by(*keys)
    ).all()
    groups: dict[tuple[Phase, int | None], list[int]] = {}
    for phase, assignee, values in rows:
        durations = list(map(int, values.split(",")))
        durations.sort()
        groups[(phase, assignee)] = durations
    by_assignee: dict[int | None, list[int]] = {}
    by_phase: dict[Phase, list[int]] = {}
    for (phase, assignee), durations in groups.items():
        by_assignee.setdefault(assignee, []).extend(durations)
        by_phase.setdefault(phase, []).extend(durations)
    # Sorting a list made of sorted runs merges them: each level is put together from
    # the sorted lists below it, a few runs at a time (the phases are sorted in place).
    phase_times = {phase: of_durations(durations) for phase, durations in by_phase.items()}
    every = list(chain.from_iterable(by_phase.values()))
    return ResponseTimes(
        overall=of_durations(every) if every else Percentiles.empty(),
        by_phase=phase_times,
        by_assignee={key: of_durations(durations) for key, durations in by_assignee.items()},
    )


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

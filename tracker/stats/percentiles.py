"""Median and 90th percentile of the time to first response.

The definition is the spreadsheet's (``PERCENTILE.INC``, PostgreSQL's ``percentile_cont``):
sort the n durations, take position p·(n−1) counting from 0, and interpolate between
the two values around it. The database computes each duration in whole milliseconds
(alike on SQLite and PostgreSQL) and the day rollup keeps each day's, packed (rollup.py);
NumPy puts the days together and places the values around each position by a partial
sort, and the interpolation is exact. Window functions doing the sort in SQL, or Python
sorting a year's durations, cost many times that at 100,000s of inquiries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from tracker.choices import Phase

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


# How the rollup stores a day's durations: little-endian 64-bit integers, packed.
STORED = np.dtype("<i8")


def pack(durations: list[int]) -> bytes:
    return np.asarray(durations, dtype=STORED).tobytes()


def unpack(packed: bytes) -> npt.NDArray[np.int64]:
    return np.frombuffer(packed, dtype=STORED)


def summarise(groups: dict[tuple[Phase, int | None], list[npt.NDArray[np.int64]]]) -> ResponseTimes:
    """The percentiles overall, per phase and per assignee, from each (phase, assignee)
    group's durations in milliseconds (in chunks, one a day)."""
    by_assignee: dict[int | None, list[npt.NDArray[np.int64]]] = {}
    by_phase: dict[Phase, list[npt.NDArray[np.int64]]] = {}
    for (phase, assignee), chunks in groups.items():
        by_assignee.setdefault(assignee, []).extend(chunks)
        by_phase.setdefault(phase, []).extend(chunks)
    phase_times = {phase: of_chunks(chunks) for phase, chunks in by_phase.items()}
    every = [chunk for chunks in by_phase.values() for chunk in chunks]
    return ResponseTimes(
        overall=of_chunks(every) if every else Percentiles.empty(),
        by_phase=phase_times,
        by_assignee={key: of_chunks(chunks) for key, chunks in by_assignee.items()},
    )


def of_chunks(chunks: list[npt.NDArray[np.int64]]) -> Percentiles:
    return of_durations(np.concatenate(chunks))


def of_durations(durations: Sequence[int] | npt.NDArray[np.int64]) -> Percentiles:
    """The count, median and p90 of the durations in milliseconds, in any order."""
    values = np.asarray(durations, dtype=np.int64)
    size = len(values)
    # Only the values around the two positions are needed: a partial sort puts each of
    # them where a full sort would (in linear time, where a sort of a year's is n log n).
    wanted = sorted(
        {
            low + step
            for share in (MEDIAN, P90)
            for low in [int(share * (size - 1))]
            for step in (0, 1)
            if low + step < size
        }
    )
    placed = np.partition(values, wanted) if size else values
    positions = {index: int(placed[index]) for index in wanted}
    return Percentiles(
        size,
        seconds(interpolate(positions, size, MEDIAN)),
        seconds(interpolate(positions, size, P90)),
    )

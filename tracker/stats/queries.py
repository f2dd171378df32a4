"""The managers' figures as SQL aggregates: a report costs a fixed handful of queries.

Nothing here loads inquiries. The plain tallies (per phase, request type, media type,
assignee, contact, and the deadline counts) come from one GROUP BY (cube.py), the backlog's
counts from the open range of the queue index, the days, outlets and names from
tallies.py, and the percentiles from the durations the database computes, sorted in
Python (percentiles.py). Over a wide scope each of these reads an index in its order
(``ix_inquiries_stats``, ``ix_inquiries_outlet_received``) rather than the wide rows.
The page, the API and the CSV all read the same ``Report``, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, func, select

from tracker.choices import MediaType, Phase, RequestType
from tracker.extensions import db
from tracker.models import Inquiry
from tracker.queue.queries import OPEN, overdue
from tracker.stats import percentiles, sql, tallies
from tracker.stats.cube import Cube, cube
from tracker.stats.percentiles import Percentiles
from tracker.stats.scope import Scope
from tracker.stats.tallies import Holder, Tally

# Read the whole table when a scope holds more than 1/TABLE_SCAN_SHARE of it (SQLite).
TABLE_SCAN_SHARE = 4


class AgeBand(NamedTuple):
    key: str
    label: str
    older_than: timedelta | None
    younger_than: timedelta | None


# How long open inquiries have waited since receipt; each band includes its lower bound.
AGE_BANDS = (
    AgeBand("under_1h", "Under 1 hour", None, timedelta(hours=1)),
    AgeBand("1h_to_4h", "1–4 hours", timedelta(hours=1), timedelta(hours=4)),
    AgeBand("4h_to_24h", "4–24 hours", timedelta(hours=4), timedelta(hours=24)),
    AgeBand("1d_to_3d", "1–3 days", timedelta(hours=24), timedelta(days=3)),
    AgeBand("over_3d", "Older than 3 days", timedelta(days=3), None),
)


@dataclass(frozen=True)
class Counts:
    """The figures that are plain counts over the scope."""

    received: int
    by_phase: dict[Phase, int]
    by_request_type: dict[RequestType, int]
    by_media_type: dict[MediaType, int]
    answered_before_deadline: int
    with_deadline: int
    open: int
    open_by_age: dict[str, int]
    overdue: int


@dataclass(frozen=True)
class Report:
    """Every figure of the stats page for one scope, as of ``now``."""

    scope: Scope
    now: datetime
    counts: Counts
    received_by_day: list[tuple[date, int]]
    top_outlets: list[Tally]
    by_contact: list[Tally]
    by_assignee: list[Tally]
    first_response: Percentiles
    first_response_by_phase: dict[Phase, Percentiles]
    first_response_by_assignee: list[tuple[str, Percentiles]]


def in_scope(scope: Scope, table_scan: bool = False) -> ColumnElement[bool]:
    """Received within the scope's days, and of its mission if it has one."""
    received: Any = sql.Unindexed(Inquiry.received_at) if table_scan else Inquiry.received_at
    clauses = [received >= scope.starts_at, received < scope.ends_at]
    if scope.mission is not None:
        mission: Any = sql.Unindexed(Inquiry.mission_id) if table_scan else Inquiry.mission_id
        clauses.append(mission == scope.mission.id)
    return and_(*clauses)


def prefers_table_scan(scope: Scope) -> bool:
    """Whether SQLite should read the whole table rather than go through an index.

    SQLite picks the received_at index for any date range, then fetches each row from
    the table: four times slower than a plain scan once a scope holds more than about a
    quarter of the table (the whole office, a long period). Hiding received_at (and the
    mission) from the planner then leaves it the covering indexes whose order serves the
    GROUP BY, so it walks those instead. PostgreSQL decides this itself from its
    statistics.
    """
    if sql.dialect() != "sqlite":
        return False
    # Both counts are answered from indexes alone, without touching the table.
    scoped = db.session.scalar(select(func.count()).select_from(Inquiry).where(in_scope(scope)))
    total = db.session.scalar(select(func.max(Inquiry.id))) or 0
    return (scoped or 0) * TABLE_SCAN_SHARE > total


def age_condition(band: AgeBand, now: datetime) -> ColumnElement[bool]:
    """Received between the band's bounds before ``now`` (of the open inquiries)."""
    clauses: list[ColumnElement[bool]] = []
    if band.older_than is not None:
        clauses.append(Inquiry.received_at <= now - band.older_than)
    if band.younger_than is not None:
        clauses.append(Inquiry.received_at > now - band.younger_than)
    return and_(*clauses)


def open_columns(now: datetime) -> dict[str, Any]:
    """Label → filtered COUNT, over the open inquiries of the scope (the WHERE says open)."""
    columns: dict[str, Any] = {"open": func.count(), "overdue": func.count().filter(overdue(now))}
    for band in AGE_BANDS:
        columns[f"age_{band.key}"] = func.count().filter(age_condition(band, now))
    return columns


def open_counts(where: ColumnElement[bool], now: datetime) -> dict[str, int]:
    """The backlog's counts in one SELECT over the open range of the queue index.

    Open inquiries are about a tenth of the table and status leads ``ix_inquiries_queue``,
    which holds every column these counts read.
    """
    columns = open_columns(now)
    statement = select(*(column.label(name) for name, column in columns.items()))
    row = db.session.execute(statement.select_from(Inquiry).where(where, OPEN)).one()
    return {name: int(row._mapping[name] or 0) for name in columns}


def counts(where: ColumnElement[bool], now: datetime, tallied: Cube | None = None) -> Counts:
    """Every plain count of the scope: the tallies' sums and the backlog's counts."""
    tallied = tallied if tallied is not None else cube(where)
    backlog = open_counts(where, now)
    return Counts(
        received=tallied.received,
        by_phase={phase: tallied.by_phase[phase] for phase in Phase},
        by_request_type={kind: tallied.by_request_type[kind] for kind in RequestType},
        by_media_type={media: tallied.by_media_type[media] for media in MediaType},
        answered_before_deadline=tallied.met_deadline,
        with_deadline=tallied.with_deadline,
        open=backlog["open"],
        open_by_age={band.key: backlog[f"age_{band.key}"] for band in AGE_BANDS},
        overdue=backlog["overdue"],
    )


def response_times(
    where: ColumnElement[bool], assignees: list[Holder]
) -> tuple[Percentiles, dict[Phase, Percentiles], list[tuple[str, Percentiles]]]:
    """Time to first response overall, per phase at receipt, and per current assignee."""
    found = percentiles.response_times(where)
    empty = Percentiles.empty()
    by_phase = {phase: found.by_phase.get(phase, empty) for phase in Phase}
    # In the tally's order (busiest first), then by responses. Someone with no response
    # yet has no percentiles.
    by_assignee = [
        (holder.label, found.by_assignee[holder.id])
        for holder in assignees
        if holder.id in found.by_assignee
    ]
    by_assignee.sort(key=lambda item: -item[1].count)
    return found.overall, by_phase, by_assignee


def build_report(scope: Scope, now: datetime) -> Report:
    """Every figure for ``scope`` as of ``now``."""
    where = in_scope(scope, table_scan=prefers_table_scan(scope))
    tallied = cube(where)
    assignees = tallies.by_assignee(tallied.by_assignee)
    overall, by_phase, by_assignee = response_times(where, assignees)
    return Report(
        scope=scope,
        now=now,
        counts=counts(where, now, tallied),
        received_by_day=tallies.received_by_day(scope, where),
        top_outlets=tallies.top_outlets(where),
        by_contact=[holder.tally for holder in tallies.by_contact(tallied.by_contact)],
        by_assignee=[holder.tally for holder in assignees],
        first_response=overall,
        first_response_by_phase=by_phase,
        first_response_by_assignee=by_assignee,
    )

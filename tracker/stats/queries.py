"""The managers' figures as SQL aggregates: a report costs a fixed handful of queries.

Nothing here loads inquiries: counts come from one SELECT of filtered aggregates, tallies
from GROUP BY (tallies.py), and percentiles from the durations the database computes, one
integer per responded inquiry, sorted in Python (percentiles.py). The page, the API
and the CSV all read the same ``Report``, so they cannot disagree.
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
    quarter of the table (the whole office, a long period). PostgreSQL decides this
    itself from its statistics.
    """
    if sql.dialect() != "sqlite":
        return False
    # Both counts are answered from indexes alone, without touching the table.
    scoped = db.session.scalar(select(func.count()).select_from(Inquiry).where(in_scope(scope)))
    total = db.session.scalar(select(func.max(Inquiry.id))) or 0
    return (scoped or 0) * TABLE_SCAN_SHARE > total


def age_condition(band: AgeBand, now: datetime) -> ColumnElement[bool]:
    """Open and received between the band's bounds before ``now``."""
    clauses: list[ColumnElement[bool]] = [OPEN]
    if band.older_than is not None:
        clauses.append(Inquiry.received_at <= now - band.older_than)
    if band.younger_than is not None:
        clauses.append(Inquiry.received_at > now - band.younger_than)
    return and_(*clauses)


def count_columns(now: datetime) -> dict[str, Any]:
    """Label → filtered COUNT, for one pass over the scope."""
    columns: dict[str, Any] = {"received": func.count()}
    for phase in Phase:
        columns[f"phase_{phase.value}"] = func.count().filter(Inquiry.phase_at_receipt == phase)
    for kind in RequestType:
        columns[f"request_{kind.value}"] = func.count().filter(Inquiry.request_type == kind)
    for media in MediaType:
        columns[f"media_{media.value}"] = func.count().filter(Inquiry.media_type == media)
    columns["with_deadline"] = func.count(Inquiry.deadline)
    columns["met_deadline"] = func.count().filter(Inquiry.first_response_at <= Inquiry.deadline)
    columns["open"] = func.count().filter(OPEN)
    columns["overdue"] = func.count().filter(overdue(now))
    for band in AGE_BANDS:
        columns[f"age_{band.key}"] = func.count().filter(age_condition(band, now))
    return columns


def counts(where: ColumnElement[bool], now: datetime) -> Counts:
    """Every plain count of the scope in one SELECT."""
    columns = count_columns(now)
    statement = select(*(column.label(name) for name, column in columns.items()))
    row = db.session.execute(statement.select_from(Inquiry).where(where)).one()
    value = {name: int(row._mapping[name] or 0) for name in columns}
    return Counts(
        received=value["received"],
        by_phase={phase: value[f"phase_{phase.value}"] for phase in Phase},
        by_request_type={kind: value[f"request_{kind.value}"] for kind in RequestType},
        by_media_type={media: value[f"media_{media.value}"] for media in MediaType},
        answered_before_deadline=value["met_deadline"],
        with_deadline=value["with_deadline"],
        open=value["open"],
        open_by_age={band.key: value[f"age_{band.key}"] for band in AGE_BANDS},
        overdue=value["overdue"],
    )


def response_times(
    where: ColumnElement[bool], assignees: list[Holder]
) -> tuple[Percentiles, dict[Phase, Percentiles], list[tuple[str, Percentiles]]]:
    """Time to first response overall, per phase at receipt, and per current assignee."""
    found = percentiles.response_times(
        where,
        [
            percentiles.Grouping("all"),
            percentiles.Grouping("phase", Inquiry.phase_at_receipt),
            percentiles.Grouping("assignee", Inquiry.assignee_id),
        ],
    )
    empty = Percentiles.empty()
    by_phase = {phase: found["phase"].get(phase.value, empty) for phase in Phase}
    # In the tally's order (busiest first), then by responses; the percentile query keys
    # groups by the id as text. Someone with no response yet has no row.
    names = {str(h.id) if h.id is not None else None: h.label for h in assignees}
    by_assignee = [
        (names[key], found["assignee"][key]) for key in names if key in found["assignee"]
    ]
    by_assignee.sort(key=lambda item: -item[1].count)
    return found["all"].get(None, empty), by_phase, by_assignee


def build_report(scope: Scope, now: datetime) -> Report:
    """Every figure for ``scope`` as of ``now``."""
    where = in_scope(scope, table_scan=prefers_table_scan(scope))
    assignees = tallies.by_assignee(where)
    overall, by_phase, by_assignee = response_times(where, assignees)
    return Report(
        scope=scope,
        now=now,
        counts=counts(where, now),
        received_by_day=tallies.received_by_day(scope, where),
        top_outlets=tallies.top_outlets(where),
        by_contact=[holder.tally for holder in tallies.by_contact(where)],
        by_assignee=[holder.tally for holder in assignees],
        first_response=overall,
        first_response_by_phase=by_phase,
        first_response_by_assignee=by_assignee,
    )

"""The managers' figures: a report costs a fixed handful of queries.

Nothing here loads inquiries. The plain tallies (per phase, request type, media type,
assignee, contact, outlet and day, and the deadline counts) and the times to first
response are added up from the day rollup (rollup.py), which counts only the days that
changed since the last report; the backlog's counts, which depend on the moment, come
from the open range of the queue index; the names from tallies.py, the percentiles from
percentiles.py. The page, the API and the CSV all read the same ``Report``, so they
cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, func, select

from tracker import sql
from tracker.choices import MediaType, Phase, RequestType
from tracker.extensions import db
from tracker.inquiries.conditions import OPEN, overdue
from tracker.models import Inquiry
from tracker.stats import rollup, tallies
from tracker.stats.cube import Cube
from tracker.stats.percentiles import Percentiles
from tracker.stats.scope import Scope
from tracker.stats.tallies import Holder, Tally


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


def in_scope(scope: Scope) -> ColumnElement[bool]:
    """Received within the scope's days, and of its mission if it has one.

    For the whole office the received_at (and mission) columns are hidden from SQLite's
    planner: open inquiries are a small range of the queue index, where a year's range
    of the received_at index would fetch every row of the year from the table.
    """
    table_scan = scope.mission is None
    received: Any = sql.Unindexed(Inquiry.received_at) if table_scan else Inquiry.received_at
    clauses = [received >= scope.starts_at, received < scope.ends_at]
    if scope.mission is not None:
        clauses.append(Inquiry.mission_id == scope.mission.id)
    return and_(*clauses)


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


def counts(where: ColumnElement[bool], now: datetime, tallied: Cube) -> Counts:
    """Every plain count of the scope: the tallies' sums and the backlog's counts."""
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
    scope: Scope, assignees: list[Holder]
) -> tuple[Percentiles, dict[Phase, Percentiles], list[tuple[str, Percentiles]]]:
    """Time to first response overall, per phase at receipt, and per current assignee."""
    found = rollup.response_times(scope)
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
    """Every figure for ``scope`` as of ``now``.

    Counts the scope's changed days into the rollup first: the caller commits, so the
    next report finds them counted.
    """
    rollup.refresh(scope)
    tallied = rollup.cube(scope)
    assignees = tallies.by_assignee(tallied.by_assignee)
    overall, by_phase, by_assignee = response_times(scope, assignees)
    return Report(
        scope=scope,
        now=now,
        counts=counts(in_scope(scope), now, tallied),
        received_by_day=rollup.received_by_day(scope),
        top_outlets=rollup.top_outlets(scope),
        by_contact=[holder.tally for holder in tallies.by_contact(tallied.by_contact)],
        by_assignee=[holder.tally for holder in assignees],
        first_response=overall,
        first_response_by_phase=by_phase,
        first_response_by_assignee=by_assignee,
    )

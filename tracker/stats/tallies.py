"""Counts per day and per outlet, and the contacts' and assignees' counts with their names.

The counts per contact and per assignee come from the tallies' GROUP BY (cube.py); here
they get their names and their order.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import ColumnElement, bindparam, func, literal_column, select

from tracker import phases
from tracker.extensions import db
from tracker.models import Contact, Inquiry, User
from tracker.stats import sql
from tracker.stats.scope import Scope

TOP_OUTLETS = 10


@dataclass(frozen=True)
class Tally:
    """A label and how many inquiries it had."""

    label: str
    count: int


def received_by_day(scope: Scope, where: ColumnElement[bool]) -> list[tuple[date, int]]:
    """(local day, inquiries received) for each day that had any, in order."""
    if sql.dialect() == "sqlite":
        return days_counted_apart(scope)
    changes = sql.offset_changes(scope.zone, scope.starts_at, scope.ends_at)
    days = select(sql.local_date(Inquiry.received_at, changes).label("day")).where(where).subquery()
    # Grouping a subquery's column: PostgreSQL would not match a GROUP BY expression that
    # carries bound parameters against the same expression in the select list.
    rows = db.session.execute(
        select(days.c.day, func.count()).group_by(days.c.day).order_by(days.c.day)
    ).all()
    return [(date.fromisoformat(str(day)), int(count)) for day, count in rows]


def days_counted_apart(scope: Scope) -> list[tuple[date, int]]:
    """SQLite: each day counted as one range of the received_at index (with the mission's,
    of ``ix_inquiries_mission_received``).

    A few hundred short index ranges cost SQLite a seventh of computing a local date for
    every inquiry and sorting them. The days run from the scope's first inquiry to its
    last, so a long empty period costs nothing.
    """
    mission = [Inquiry.mission_id == scope.mission.id] if scope.mission is not None else []
    received = Inquiry.received_at
    within = [received >= scope.starts_at, received < scope.ends_at, *mission]
    # Two statements: SQLite reads a lone min() or max() as one end of an index range.
    first, last = (
        db.session.scalar(select(edge(received)).where(*within)) for edge in (func.min, func.max)
    )
    if first is None or last is None:
        return []
    zone = ZoneInfo(scope.zone)
    days = day_bounds(first.astimezone(zone).date(), last.astimezone(zone).date(), scope.zone)
    # The days go in as one JSON parameter, so the statement is the same (and compiled
    # once) whatever the period; its instants written as SQLite stores them.
    listed = [[day.toordinal(), stored(starts), stored(ends)] for day, starts, ends in days]
    day = func.json_each(bindparam("days", type_=sa.String)).table_valued("value").alias("day")
    starts, ends = (day.c.value.op("->>")(literal_column(str(n))) for n in (1, 2))
    counted = select(func.count()).where(received >= starts, received < ends, *mission)
    rows = db.session.execute(
        select(day.c.value.op("->>")(literal_column("0")), counted.scalar_subquery()),
        {"days": json.dumps(listed)},
    ).all()
    return [(date.fromordinal(int(ordinal)), int(count)) for ordinal, count in rows if count]


def stored(instant: datetime) -> str:
    """``instant`` as SQLite holds it (UTCDateTime): UTC wall time, to the microsecond."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def day_bounds(first: date, last: date, zone: str) -> list[tuple[date, datetime, datetime]]:
    """Each local day from ``first`` to ``last`` with the UTC instants that bound it."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 2)]
    midnights = [phases.local_midnight(day, zone) for day in days]
    return [(days[n], midnights[n], midnights[n + 1]) for n in range(len(days) - 1)]


def top_outlets(where: ColumnElement[bool], limit: int = TOP_OUTLETS) -> list[Tally]:
    """The outlets that sent the most inquiries, as the journalists typed them."""
    total = func.count()
    rows = db.session.execute(
        select(Inquiry.outlet, total)
        .where(where)
        .group_by(Inquiry.outlet)
        .order_by(total.desc(), sql.bytewise(Inquiry.outlet))
        .limit(limit)
    ).all()
    return [Tally(outlet, int(count)) for outlet, count in rows]


@dataclass(frozen=True)
class Holder:
    """A contact or an assignee (id None: nobody) and how many inquiries it holds."""

    id: int | None
    label: str
    count: int

    @property
    def tally(self) -> Tally:
        return Tally(self.label, self.count)


def holders(counted: Counter[int | None], name: Any, missing: str) -> list[Holder]:
    """The counts per id of the named table (``name`` a column of it), busiest first."""
    table = name.class_
    ids = [key for key in counted if key is not None]
    rows = db.session.execute(select(table.id, name).where(table.id.in_(ids))).all()
    names = {key: label for key, label in rows}
    found = [Holder(key, names.get(key, missing), count) for key, count in counted.items()]
    # Busiest first, then by name compared byte by byte (as sql.bytewise orders), nobody
    # last.
    found.sort(key=lambda h: (-h.count, h.id is None, h.label.encode(), h.id or 0))
    return found


def by_contact(counted: Counter[int | None]) -> list[Holder]:
    """Inquiries per contact they were routed to."""
    return holders(counted, Contact.name, "Not routed")


def by_assignee(counted: Counter[int | None]) -> list[Holder]:
    """Inquiries per person who holds them now."""
    return holders(counted, User.name, "Unassigned")

"""Counts per value of a column (day, outlet, contact, assignee): GROUP BY in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select

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
    changes = sql.offset_changes(scope.zone, scope.starts_at, scope.ends_at)
    days = select(sql.local_date(Inquiry.received_at, changes).label("day")).where(where).subquery()
    # Grouping a subquery's column: PostgreSQL would not match a GROUP BY expression that
    # carries bound parameters against the same expression in the select list.
    rows = db.session.execute(
        select(days.c.day, func.count()).group_by(days.c.day).order_by(days.c.day)
    ).all()
    return [(date.fromisoformat(str(day)), int(count)) for day, count in rows]


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


def holders(where: ColumnElement[bool], key: Any, name: Any, missing: str) -> list[Holder]:
    """Inquiries per value of ``key`` (named by ``name``, a column of the named table)."""
    # Unindexed: SQLite would otherwise walk the key's index in order and fetch every row
    # from the table one by one, several times slower than scanning and sorting.
    grouped = sql.Unindexed(key)
    counts = (
        select(grouped.label("key"), func.count().label("n"))
        .where(where)
        .group_by(grouped)
        .subquery()
    )
    # Names are joined to the few grouped rows, not to every inquiry.
    rows = db.session.execute(
        select(counts.c.key, name, counts.c.n)
        .outerjoin(name.class_, name.class_.id == counts.c.key)
        .order_by(counts.c.n.desc(), sql.bytewise(name).nulls_last(), counts.c.key)
    ).all()
    return [
        Holder(key_value, label if label is not None else missing, int(n))
        for key_value, label, n in rows
    ]


def by_contact(where: ColumnElement[bool]) -> list[Holder]:
    """Inquiries per contact they were routed to."""
    return holders(where, Inquiry.routed_contact_id, Contact.name, "Not routed")


def by_assignee(where: ColumnElement[bool]) -> list[Holder]:
    """Inquiries per person who holds them now."""
    return holders(where, Inquiry.assignee_id, User.name, "Unassigned")

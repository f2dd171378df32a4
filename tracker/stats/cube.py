"""Every plain tally of a scope from one GROUP BY, added up in Python.

The counts per phase, request type, media type, assignee and routed contact, and the
deadline counts, are all sums over the groups of (phase, assignee, contact, request
type, media type): a few thousand rows at 100,000 inquiries. ``ix_inquiries_stats``
starts with those columns in that order, so SQLite forms the groups while walking the
index, without reading the wide rows or sorting the period's inquiries once per figure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, literal_column, select, union_all

from tracker.choices import MediaType, Phase, RequestType
from tracker.extensions import db
from tracker.models import Inquiry

# In the index's order: GROUP BY these, in this order, is a walk along the index.
DIMENSIONS = {
    "phase": Inquiry.phase_at_receipt,
    "assignee": Inquiry.assignee_id,
    "contact": Inquiry.routed_contact_id,
    "request_type": Inquiry.request_type,
    "media_type": Inquiry.media_type,
}


@dataclass
class Cube:
    """The scope's inquiries counted per value of each dimension."""

    received: int = 0
    with_deadline: int = 0
    met_deadline: int = 0
    by_phase: Counter[Phase] = field(default_factory=Counter)
    by_assignee: Counter[int | None] = field(default_factory=Counter)
    by_contact: Counter[int | None] = field(default_factory=Counter)
    by_request_type: Counter[RequestType] = field(default_factory=Counter)
    by_media_type: Counter[MediaType] = field(default_factory=Counter)

    def add(self, dimension: str, value: str | None, counts: tuple[int, int, int]) -> None:
        """One value of one dimension (as text; None for no one) and its three counts."""
        received, with_deadline, met = counts
        if dimension in ("assignee", "contact"):
            key = int(value) if value is not None else None
            (self.by_assignee if dimension == "assignee" else self.by_contact)[key] += received
        elif dimension == "phase":
            # Every inquiry has a phase: the phases' sums are the scope's totals.
            self.by_phase[Phase(str(value))] += received
            self.received += received
            self.with_deadline += with_deadline
            self.met_deadline += met
        elif dimension == "request_type":
            self.by_request_type[RequestType(str(value))] += received
        else:
            self.by_media_type[MediaType(str(value))] += received


def cube(where: ColumnElement[bool]) -> Cube:
    """The tallies of the inquiries matching ``where``.

    The groups (a CTE, materialised because it is read five times) are summed per
    dimension in the database, so a hundred rows come back rather than thousands.
    """
    groups = (
        select(
            *(column.label(name) for name, column in DIMENSIONS.items()),
            func.count().label("received"),
            func.count(Inquiry.deadline).label("with_deadline"),
            func.count().filter(Inquiry.first_response_at <= Inquiry.deadline).label("met"),
        )
        .where(where)
        .group_by(*DIMENSIONS.values())
        .cte("tallied")
    )
    rows = db.session.execute(union_all(*(marginal(groups, name) for name in DIMENSIONS))).all()
    found = Cube()
    for dimension, value, received, with_deadline, met in rows:
        found.add(dimension, value, (int(received), int(with_deadline or 0), int(met or 0)))
    return found


def marginal(groups: Any, name: str) -> Any:
    """One row per value of the dimension ``name``: its name, the value as text, sums."""
    # A constant in the text (names are ours): PostgreSQL cannot type a bound one in a UNION.
    label = literal_column(f"'{name}'", String).label("dimension")
    key = groups.c[name]
    sums = (func.sum(groups.c[total]) for total in ("received", "with_deadline", "met"))
    return select(label, cast(key, String).label("value"), *sums).group_by(key)

"""The contacts' and assignees' counts with their names, and the tallies' shape.

The counts per contact and per assignee come from the day rollup (rollup.py); here they
get their names and their order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Contact, User


@dataclass(frozen=True)
class Tally:
    """A label and how many inquiries it had."""

    label: str
    count: int


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

"""Offices: their working hours and duty phone, and the office row every contact names."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import time
from typing import Any

from sqlalchemy import select

from tracker.audit import apply_changes, record
from tracker.extensions import db
from tracker.models import Office, User


@dataclass(frozen=True)
class OfficeValues:
    """What an admin or a mission file sets of an office; hours all set or all empty."""

    timezone: str | None
    days: list[int]
    opens_at: time | None
    closes_at: time | None
    duty_phone: str | None
    # {"ru": {"name": "Женева"}}: see tracker.missions.texts.
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


def find_office(name: str) -> Office | None:
    return db.session.scalar(select(Office).where(Office.name == name))


def ensure_office(actor: User | None, name: str | None, timezone: str | None = None) -> None:
    """Make the office a contact (or a mission's home office) names, if it is new.

    Made without hours (``timezone`` only when the caller knows it, e.g. a mission's home
    office), so it is never said to be closed until someone sets them.
    """
    if not name:
        return
    pending = next((o for o in db.session.new if isinstance(o, Office) and o.name == name), None)
    if pending is not None or find_office(name) is not None:
        return
    office = Office(name=name, timezone=timezone, days=[])
    db.session.add(office)
    record(actor, "created", office, f"Created office {name}", {"timezone": timezone})


def create_office(actor: User | None, name: str, values: OfficeValues) -> Office:
    """A new office with its hours."""
    office = Office(name=name, **asdict(values))
    db.session.add(office)
    record(actor, "created", office, f"Created office {name}", asdict(values))
    return office


def update_office(actor: User | None, office: Office, values: OfficeValues) -> bool:
    """Change an office's zone, hours or duty phone; False when nothing differed."""
    changed = apply_changes(office, asdict(values))
    if not changed:
        return False
    names = ", ".join(name.replace("_", " ") for name in changed)
    record(actor, "updated", office, f"Changed {names} of office {office.name}", changed)
    return True

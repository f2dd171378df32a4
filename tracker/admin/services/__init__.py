"""Administration's rules as plain functions: no Flask, no commit.

Each service takes the session, the acting user and the values, makes the change and
writes its line of the audit trail (``record``) in the same transaction, so a change and
its record are stored together or not at all. The caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from tracker.models import AuditEvent, Contact, Mission, User


class Refused(Exception):
    """A change the rules do not allow; ``field`` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# The audit trail groups a mission's events, phase lists and rules under the mission,
# as the mission file does, so one query gives a mission's whole history.
ENTITY_TYPES: dict[type, str] = {Mission: "mission", Contact: "contact", User: "user"}


def record(
    session: Session,
    actor: User,
    action: str,
    entity: Mission | Contact | User,
    summary: str,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add one line to the audit trail: who did what to which entity, in words and data."""
    if entity.id is None:
        session.flush()  # a new entity needs its id before it can be named
    event = AuditEvent(
        actor_user_id=actor.id,
        action=action,
        entity_type=ENTITY_TYPES[type(entity)],
        entity_id=entity.id,
        summary=summary[:500],
        details=plain(details or {}),
    )
    session.add(event)
    return event


def plain(value: Any) -> Any:
    """``value`` as JSON can store it: enums by value, days and instants in ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(item) for item in value]
    return value


def apply_changes(row: object, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set the attributes that differ; return them as {name: [old, new]} for the record."""
    changed: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(row, name)
        if old != value:
            changed[name] = [old, value]
            setattr(row, name, value)
    return changed


class Positioned(Protocol):
    """A row of an ordered list."""

    position: int


Item = TypeVar("Item", bound=Positioned)


def renumber(items: Sequence[Item]) -> None:
    """Positions 0, 1, 2 … in list order, so "move up" always has a neighbour to swap."""
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def move(items: Sequence[Item], item: Item, step: int) -> int:
    """Move ``item`` one place up (-1) or down (+1) among ``items``; return its new index."""
    ordered = sorted(items, key=lambda i: i.position)
    index = ordered.index(item)
    target = index + step
    if not 0 <= target < len(ordered):
        where = "first" if step < 0 else "last"
        raise Refused(f"It is already {where} in the list.")
    ordered[index], ordered[target] = ordered[target], ordered[index]
    renumber(ordered)
    return target

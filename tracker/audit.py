"""The audit trail of administration: who changed which mission, contact, office, rule or
account.

Every change made through the admin pages or the command line writes its line here
(``record``) in the same transaction as the change, so a change and its record are stored
together or not at all. The caller commits. A line without an actor was made by the
system: the command line, run by whoever operates the server.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.models import AuditEvent, Contact, Mission, Office, User

# The audit trail groups a mission's events, phase lists and rules under the mission,
# as the mission file does, so one query gives a mission's whole history.
ENTITY_TYPES: dict[type, str] = {
    Mission: "mission",
    Contact: "contact",
    Office: "office",
    User: "user",
}
# What the trail is about: one of ENTITY_TYPES.
Entity = Mission | Contact | Office | User

PAGE = 50


def entity_key(entity: Entity) -> tuple[str, int]:
    """How the audit trail names an entity: its type's name and its id."""
    return ENTITY_TYPES[type(entity)], entity.id


def record(
    actor: User | None,
    action: str,
    entity: Entity,
    summary: str,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add one line to the audit trail: who did what to which entity, in words and data.

    ``actor`` None is the system (the command line).
    """
    if entity.id is None:
        db.session.flush()  # a new entity needs its id before it can be named
    event = AuditEvent(
        actor_user_id=actor.id if actor is not None else None,
        action=action,
        entity_type=ENTITY_TYPES[type(entity)],
        entity_id=entity.id,
        summary=summary[:500],
        details=plain(details or {}),
    )
    db.session.add(event)
    return event


def plain(value: Any) -> Any:
    """``value`` as JSON can store it: enums by value, days, times and instants in ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime | time):
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


def recent(limit: int = PAGE) -> Sequence[AuditEvent]:
    """The latest changes, across everything, newest first."""
    query = select(AuditEvent).options(joinedload(AuditEvent.actor))
    return db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()


def last_change(entity_type: str, entity_id: int) -> AuditEvent | None:
    """The latest change to one entity, named by ``entity_key`` (it may be gone since)."""
    query = select(AuditEvent).options(joinedload(AuditEvent.actor))
    query = query.where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
    return db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(1)).first()


def history(entity: Entity, limit: int = PAGE) -> Sequence[AuditEvent]:
    """The latest changes to one mission, contact or account, newest first."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(
            AuditEvent.entity_type == ENTITY_TYPES[type(entity)],
            AuditEvent.entity_id == entity.id,
        )
    )
    return db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()

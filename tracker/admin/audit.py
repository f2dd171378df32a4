"""Reading the audit trail for the admin pages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.admin.services import ENTITY_TYPES
from tracker.extensions import db
from tracker.models import AuditEvent, Contact, Mission, User

PAGE = 50


def recent(limit: int = PAGE) -> Sequence[AuditEvent]:
    """The latest changes, across everything, newest first."""
    query = select(AuditEvent).options(joinedload(AuditEvent.actor))
    return db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()


def history(entity: Mission | Contact | User, limit: int = PAGE) -> Sequence[AuditEvent]:
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

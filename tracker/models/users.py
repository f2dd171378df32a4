"""Accounts of the press office (login and roles arrive with the triage desk)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.choices import Role
from tracker.extensions import Base
from tracker.models.missions import Contact
from tracker.models.types import UTCDateTime, enum_type, utcnow


class User(Base):
    """A person of the press office; inquiries are assigned to users."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.PRESS_OFFICER)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contacts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact: Mapped[Contact | None] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.email}>"
